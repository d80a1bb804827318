"""Cleaning a fine-tuning JSONL file: broken lines and exact duplicate conversations go to a
quarantine file with their line number and reason; every other line is copied byte for byte,
except that leading and trailing whitespace of its texts is trimmed when asked.

Both files are files of one run (`dataaudit.output`), renamed into place together when
complete, so a failed run never leaves a half-written output. The kept lines are profiled by
the text audit as they are written, so the report judges exactly the bytes of the output,
without reading it again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from dataaudit.errors import InputError
from dataaudit.io.digest import file_sha256
from dataaudit.output import Outputs, all_or_nothing, check_destinations
from dataaudit.report.model import Report
from dataaudit.rules.load import load_rules
from dataaudit.rules.model import RulePack
from dataaudit.text.audit import text_kind, text_spec
from dataaudit.text.lines import numbered_chunks
from dataaudit.text.partial import TextPartial
from dataaudit.text.tokens import token_counter
from dataaudit.text.validate import Line, check_line

TEXT_KEYS = ("content", "prompt", "completion", "instruction", "input", "output", "system")


@dataclass
class CleanSummary:
    """What `clean_jsonl` did; `quarantined` counts lines per reason (an error kind or
    `duplicate`); `report` is the text audit of the kept lines (of the output as written)."""

    lines: int = 0
    kept: int = 0
    trimmed: int = 0
    quarantined: dict[str, int] = field(default_factory=dict)
    output: str = ""
    quarantine: str | None = None
    kind: str = ""
    bytes_out: int = 0
    report: Report | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "report"}


def clean_jsonl(path: str | Path, output: str | Path, quarantine: str | Path | None = None, *,
                rules: str | Path | RulePack | None = "default", format_kind: str | None = None,
                drop_duplicates: bool = True, trim: bool = True, tokenizer: str | Path | None = None,
                dry_run: bool = False, outputs: Outputs | None = None) -> CleanSummary:
    """Write the good lines of `path` to `output` and the others, with line and reason, to
    `quarantine`; a line is broken when it shows any format error the text audit reports.
    `dry_run` decides and audits every line but writes nothing. With `outputs` both files join
    that run's files (renamed when it commits), else they are renamed when this returns."""
    from dataaudit.text.extract import extract
    from dataaudit.text.report import text_report

    path, output = Path(path), Path(output)
    check_destinations((output, quarantine), (path,))
    kind = text_kind(path, format_kind)
    if kind is None:
        raise InputError(f"{path}: not a chat, prompt/completion or instruction JSONL file; give --format-kind")
    loaded = load_rules(rules)
    spec = text_spec(str(path), kind, loaded.rules.checks.text, token_counter(tokenizer), unit="line")
    assert spec.layout is not None
    after = TextPartial(replace(spec, name=str(output)))
    summary = CleanSummary(output=str(output), quarantine=None if quarantine is None else str(quarantine), kind=kind)
    seen: dict[int, int] = {}
    with _files_of(outputs) as files:
        good_file = None if dry_run else files.open(output)
        bad_file = None if dry_run or quarantine is None else files.open(Path(quarantine))
        good = None if good_file is None else good_file.handle
        bad = None if bad_file is None else bad_file.handle
        for numbers, raw in numbered_chunks(path):
            checked = [check_line(line, spec.layout) for line in raw]
            hashes = _canonical_hashes(checked)
            kept: list[Line] = []
            for number, line, result, digest in zip(numbers, raw, checked, hashes, strict=True):
                summary.lines += 1
                reason = None
                if result.errors:
                    reason, why = result.errors[0], "; ".join(result.errors)
                elif drop_duplicates and digest is not None:
                    first = seen.setdefault(digest, number)
                    if first != number:
                        reason, why = "duplicate", f"duplicate of line {first}"
                if reason is not None:
                    summary.quarantined[reason] = summary.quarantined.get(reason, 0) + 1
                    if bad is not None:
                        bad.write(json.dumps({"line": number, "reason": why, "kinds": result.errors or [reason],
                                              "text": line.decode("utf-8", "replace").rstrip("\r\n")},
                                             ensure_ascii=False).encode() + b"\n")
                    continue
                cleaned = _trimmed(line) if trim else line
                summary.trimmed += cleaned is not line
                summary.bytes_out += len(cleaned)
                kept.append(result if cleaned is line else check_line(cleaned, spec.layout))
                if good is not None:
                    good.write(cleaned)
            after.add(list(range(summary.kept + 1, summary.kept + len(kept) + 1)), kept)
            summary.kept += len(kept)
        for file in (good_file, bad_file):
            if file is not None:
                file.finish()
    source = {"path": str(output), "format": "jsonl", "kind": kind, "bytes": summary.bytes_out}
    if good_file is not None:
        source["sha256"] = file_sha256(good_file.content)
    summary.report = text_report(extract(after), source, loaded)
    return summary


@contextmanager
def _files_of(outputs: Outputs | None) -> Iterator[Outputs]:
    """The caller's run, or one of this clean's own."""
    if outputs is not None:
        yield outputs
        return
    with all_or_nothing() as own:
        yield own


def _canonical_hashes(checked: list[Line]) -> list[int | None]:
    forms = [json.dumps([(r, t.strip()) for r, t in c.segments], ensure_ascii=False) if c.segments else None
             for c in checked]
    present = [f for f in forms if f is not None]
    hashed = iter(pd.util.hash_array(pd.Series(present, dtype=object).to_numpy()).tolist() if present else [])
    return [None if f is None else next(hashed) for f in forms]


def _trimmed(raw: bytes) -> bytes:
    """The line with its texts trimmed, re-encoded only when something changed."""
    record = json.loads(raw)
    changed = False
    for holder in [record, *(m for m in record.get("messages", []) if isinstance(m, dict))]:
        for key in TEXT_KEYS:
            value = holder.get(key)
            if isinstance(value, str) and value != value.strip():
                holder[key] = value.strip()
                changed = True
    if not changed:
        return raw
    end = raw[len(raw.rstrip(b"\r\n")):]
    return json.dumps(record, ensure_ascii=False).encode("utf-8") + end
