"""Quotes of a fine-tuning file's conflicting examples: the prompt and its different answers.

The audit keeps only hashes of prompts and answers, so a report can count conflicts in bounded
memory; the few example groups a person reads are quoted by reading their lines again, after
the pass, stopping at the last line quoted.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from dataaudit.pii.detect import DEFAULT_REGIONS
from dataaudit.pii.redact import redacted_value
from dataaudit.report.model import Finding
from dataaudit.text.lines import numbered_chunks
from dataaudit.text.validate import Layout, check_line
from dataaudit.wording import shortened

QUOTED_GROUPS = 3
PROMPT_CHARS = 100
ANSWER_CHARS = 60


def quote_conflicts(findings: list[Finding], path: Path, layout: Layout,
                    regions: tuple[str, ...] = DEFAULT_REGIONS) -> list[Finding]:
    """`findings` with the text.conflicts finding quoting its first groups' prompt and answers,
    read with the audit's `layout` (its prompt and answer keys), phone numbers in them read in
    `regions` (the rule pack's `checks.pii.phone_regions`)."""
    return [_quoted(f, path, layout, regions) if f.check == "text.conflicts" and f.details.get("examples") else f
            for f in findings]


def _quoted(finding: Finding, path: Path, layout: Layout, regions: tuple[str, ...]) -> Finding:
    groups = finding.details["examples"][:QUOTED_GROUPS]
    wanted = {number for group in groups for number in group}
    lines = {}
    for numbers, raw in numbered_chunks(path):
        lines.update((n, check_line(r, layout)) for n, r in zip(numbers, raw, strict=True) if n in wanted)
        if len(lines) == len(wanted) or numbers[-1] >= max(wanted):
            break
    quotes = [_group(group, lines, regions) for group in groups]
    quotes = [q for q in quotes if q is not None]
    if not quotes:
        return finding
    first = quotes[0]
    answers = ", ".join(f"{a['answer']!r} ({_lines(a['lines'])})" for a in first["answers"])
    message = f"{finding.message} E.g. {_lines(first['lines'])} ask {first['prompt']!r}, answered {answers}."
    return replace(finding, message=message, details={**finding.details, "quotes": quotes})


def _group(group: list[int], lines: dict, regions: tuple[str, ...]) -> dict | None:
    answers: dict[str, list[int]] = {}
    prompt = None
    for number in group:
        line = lines.get(number)
        if line is None or not line.segments or line.answer is None:
            continue
        prompt = prompt or " | ".join(f"{role}: {text.strip()}" for role, text in line.segments[: line.answer])
        answers.setdefault(line.segments[line.answer][1].strip(), []).append(number)
    if prompt is None or len(answers) < 2:
        return None
    # a personal value or secret quoted is shown as its placeholder, as everywhere in a report
    return {"lines": group, "prompt": _truncated(redacted_value(prompt, regions), PROMPT_CHARS),
            "answers": [{"answer": _truncated(redacted_value(a, regions), ANSWER_CHARS), "lines": n}
                        for a, n in answers.items()]}


def _truncated(text: str, limit: int) -> str:
    return shortened(" ".join(text.split()), limit)


def _lines(numbers: list[int]) -> str:
    return f"line {numbers[0]}" if len(numbers) == 1 else f"lines {', '.join(map(str, numbers))}"
