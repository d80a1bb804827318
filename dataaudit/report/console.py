"""The report for a terminal: findings grouped by severity, then the verdict.

Colour comes from click.style; click.echo strips it when the output is not a terminal. Text
from the dataset passes through `inert`, which shows control characters as escapes, so a value
carrying a terminal escape sequence is printed, never obeyed, and CI logs read no workflow
command from it. Lines wrap only at spaces, never inside a word, so wrapping cannot move a
`::` from the middle of a value to the start of a line.
"""

from __future__ import annotations

import shlex
import textwrap

import click

from dataaudit.report.model import Report, ReportTable, Severity
from dataaudit.report.text import AUTO_TEXT, AUTO_TEXT_OFF, inert, shape, shown_examples
from dataaudit.wording import verb

STYLE = {"fail": "red", "warn": "yellow", "info": "cyan", "passed": "green"}
WIDTH = 100


def render_console(report: Report) -> str:
    lines = [_header(report), ""]
    for severity in (Severity.FAIL, Severity.WARN, Severity.INFO):
        findings = [f for f in report.findings if f.severity is severity]
        if not findings:
            continue
        lines.append(click.style(f"{severity.value.upper()} ({len(findings)})", fg=STYLE[severity.value], bold=True))
        for f in findings:
            where = f"  [{inert(f.column)}]" if f.column else ""
            lines.append("  " + click.style(f.check, bold=True) + where)
            lines.extend(_wrap(inert(f.message), "    "))
            if f.examples:
                shown = ", ".join(inert(e) for e in shown_examples(f)[:10]) + (" ..." if len(f.examples) > 10 else "")
                label = f.details.get("examples_are") or _example_label(f.check)
                lines.extend(click.style(line, dim=True) for line in _wrap(f"e.g. {label}: {shown}", "    "))
        lines.append("")
    for table in report.tables:
        lines.extend(_table(table))
        lines.append("")
    lines.extend(_footer(report))
    return "\n".join(lines) + "\n"


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent,
                         break_long_words=False, break_on_hyphens=False)


def _table(table: ReportTable, max_rows: int = 15) -> list[str]:
    """A plain aligned table; the JSON report keeps every row, the terminal the first few."""
    cells = [[_cell(v) for v in row] for row in table.rows[:max_rows]]
    columns = [inert(c) for c in table.columns]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    lines = [click.style(inert(table.title), bold=True)]
    if not table.rows:
        lines.append("  none")
    else:
        lines.append("  " + "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    lines.extend("  " + "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells)
    if len(table.rows) > max_rows:
        lines.append(click.style(f"  ... {len(table.rows) - max_rows:,} more rows in the JSON report", dim=True))
    if table.note:
        lines.extend(_wrap(inert(table.note), "  "))
    return lines


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return "" if value is None else inert(value)


def _example_label(check: str) -> str:
    return "labels" if check in ("labels.variants", "labels.unexpected", "labels.absent",
                                 "size.rows_per_class") else "rows"


def _header(report: Report) -> str:
    d = report.dataset
    target = f"target {report.target!r}" if report.target else "no target"
    title = click.style(f"dataaudit {report.tool.version}", bold=True)
    fmt = f"{report.source.format}, " if report.source.format else ""  # none for data in memory
    return (f"{title}  {inert(report.source.name or '')} ({fmt}{shape(d)}), "
            f"{target}, rules {report.rules.name!r}")


def _footer(report: Report) -> list[str]:
    lines = []
    d = report.dataset
    if d.labels and d.labels.counts:
        counts = ", ".join(f"{inert(k)}: {v:,}" for k, v in list(d.labels.counts.items())[:8])
        more = " ..." if len(d.labels.counts) > 8 else ""
        lines.append(f"Labels: {counts}{more}")
    if d.ignored:
        lines.append("Ignored: " + ", ".join(f"{inert(i.column)} ({i.reason})" for i in d.ignored))
    if d.auto_text_columns:
        lines.append(f"{AUTO_TEXT}: {', '.join(inert(repr(n)) for n in d.auto_text_columns)}; {AUTO_TEXT_OFF}")
    if d.free_text_columns:
        names = d.free_text_columns
        options = " ".join(f"--text-column {shlex.quote(inert(name))}" for name in names)
        lines.append(f"Free text not audited as text: {', '.join(inert(repr(n)) for n in names)}; "
                     f"audit {verb(len(names), 'it', 'them')} with {options}")
    statuses = [c.status for c in report.checks]
    lines.append(
        f"Checks: {statuses.count('passed')} passed, {statuses.count('fail')} failed, "
        f"{statuses.count('warn')} warned, {statuses.count('info')} informational, {statuses.count('skipped')} skipped"
    )
    counts = report.counts
    if report.passed:
        verdict = click.style("PASSED", fg=STYLE["passed"], bold=True)
    else:
        verdict = click.style("FAILED", fg=STYLE["fail"], bold=True)
    strict = " (strict: warnings fail)" if report.strict else ""
    if report.baseline is not None:
        lines.append(f"Gate {inert(report.baseline.summary())}")
    lines.append(f"{verdict}: {counts['fail']} fail, {counts['warn']} warn, {counts['info']} info findings{strict}")
    return lines
