"""A comparison of two reports for people and pipelines: console, JSON, and Markdown short enough
for a pull-request comment. Text from the data is made harmless as in the report's own formats
(`inert`; Markdown escapes every metacharacter)."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

import click

from dataaudit.jsontext import dumps
from dataaudit.report.diff import STATUSES, Change, ReportDiff
from dataaudit.report.markdown import _cell, _code
from dataaudit.report.model import Report
from dataaudit.report.text import inert
from dataaudit.wording import pct, plural

STYLE = {"new": "red", "worsened": "yellow", "fixed": "green", "unchanged": None}
ICON = {"new": "🆕", "worsened": "📈", "fixed": "✅", "unchanged": "➖"}
MAX_MARKDOWN_ROWS = 50  # per status; a pull-request comment stays readable


class DiffFormat(StrEnum):
    CONSOLE = "console"
    JSON = "json"
    MARKDOWN = "markdown"


def render_diff(diff: ReportDiff, fmt: DiffFormat, names: tuple[str, str]) -> str:
    """The comparison in `fmt`; `names` are the two reports as the user named them."""
    return RENDERERS[DiffFormat(fmt)](diff, names)


def _rule(diff: ReportDiff) -> str:
    return f"worse: a higher severity, or the number moved more than {pct(diff.delta, 1)} the bad way"


def _console(diff: ReportDiff, names: tuple[str, str]) -> str:
    lines = [click.style("dataaudit diff", bold=True) + f"  {inert(names[0])} -> {inert(names[1])}", ""]
    for status in STATUSES:
        changes = diff.of(status)
        if not changes:
            continue
        lines.append(click.style(f"{status.upper()} ({len(changes)})", fg=STYLE[status], bold=True))
        for change in changes:
            f = change.finding
            where = f"  [{inert(f.column)}]" if f.column else ""
            why = f"  ({change.why})" if change.why else ""
            lines.append(f"  {f.severity.value:<4}  " + click.style(f.check, bold=True) + where + why)
            lines.append(f"        {inert(f.message)}")
        lines.append("")
    verdict = click.style("WORSE", fg="red", bold=True) if diff.regressed else click.style("NOT WORSE", fg="green",
                                                                                           bold=True)
    lines.append(f"{verdict}: {_tally(diff)} ({_rule(diff)})")
    return "\n".join(lines) + "\n"


def _tally(diff: ReportDiff) -> str:
    return ", ".join(f"{n} {status}" for status, n in diff.counts.items())


def _json(diff: ReportDiff, names: tuple[str, str]) -> str:
    document = {
        "old": _side(diff.old, names[0]), "new": _side(diff.new, names[1]), "delta": diff.delta,
        "regressed": diff.regressed, "counts": diff.counts,
        "changes": [_change(c) for c in diff.changes],
    }
    return dumps(document, indent=2) + "\n"


def _side(report: Report, name: str) -> dict[str, Any]:
    return {"report": name, "data": report.source.name, "sha256": report.source.sha256,
            "created_at": report.created_at, "passed": report.passed}


def _change(change: Change) -> dict[str, Any]:
    f = change.finding
    return {
        "status": change.status, "fingerprint": f.fingerprint, "check": f.check, "column": f.column,
        "severity": f.severity.value, "old_severity": change.old.severity.value if change.old else None,
        "observed": change.new.observed if change.new else None,
        "old_observed": change.old.observed if change.old else None,
        "why": change.why or None, "message": f.message,
    }


def _markdown(diff: ReportDiff, names: tuple[str, str]) -> str:
    verdict = "❌ worse" if diff.regressed else "✅ not worse"
    lines = [f"### dataaudit diff: {verdict}", "",
             f"{_code(names[0])} → {_code(names[1])} · **{_tally(diff)}** · {_rule(diff)}", ""]
    shown = [c for c in diff.changes if c.status != "unchanged"]
    if shown:
        lines += ["| | Severity | Check | Column | Finding |", "|---|---|---|---|---|"]
        for status in STATUSES[:-1]:
            changes = diff.of(status)
            for change in changes[:MAX_MARKDOWN_ROWS]:
                f = change.finding
                why = f" ({_cell(change.why)})" if change.why else ""
                lines.append(f"| {ICON[status]} {status} | {f.severity.value} | `{f.check}` | {_cell(f.column or '')} "
                             f"| {_cell(f.message)}{why} |")
            if len(changes) > MAX_MARKDOWN_ROWS:
                lines.append(f"| | | | | … {len(changes) - MAX_MARKDOWN_ROWS} more {status} in the JSON diff |")
        lines.append("")
    if diff.of("unchanged"):
        lines += [f"{plural(len(diff.of('unchanged')), 'finding')} unchanged.", ""]
    return "\n".join(lines)


RENDERERS: dict[DiffFormat, Callable[[ReportDiff, tuple[str, str]], str]] = {
    DiffFormat.CONSOLE: _console, DiffFormat.JSON: _json, DiffFormat.MARKDOWN: _markdown,
}
