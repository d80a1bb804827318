"""GitHub-flavoured Markdown, compact enough for a pull-request comment or a job summary.

Text from the dataset (file and column names, labels, values in messages) is untrusted: every
Markdown and HTML metacharacter is backslash-escaped (names outside tables become code spans),
so `[x](javascript:...)`, `<script>`, a `|` or a backtick show as written and can neither break
a table nor become a link; bare URLs and e-mail addresses are escaped too, so GitHub does not
autolink them. Control characters show as escapes and no `::` or `##[` is left for a CI log to
obey when the file is printed (`inert`).
"""

from __future__ import annotations

import re

from dataaudit.report.model import Report
from dataaudit.report.text import AUTO_TEXT, AUTO_TEXT_OFF, inert, shape

ICON = {"fail": "❌", "warn": "⚠️", "info": "ℹ️"}
MAX_TABLE_ROWS = 20
MAX_FINDINGS = 50  # most severe first; keeps a pull-request comment short
_METACHARACTERS = re.compile(r"([\\`*_{}\[\]()<>#+!|~&$@])")
_AUTOLINK = re.compile(r"(https?|ftp|www)(:|\.)", re.IGNORECASE)  # GFM links bare URLs that start so


def _cell(text: object) -> str:
    """Untrusted text made literal, on one line (safe in a table cell, a heading or a list item)."""
    return _AUTOLINK.sub(r"\1\\\2", _METACHARACTERS.sub(r"\\\1", " ".join(inert(text).split())))


def _code(text: object) -> str:
    """Untrusted text as a code span outside tables: shown literally, the fence outlasting any backtick run."""
    text = " ".join(inert(text).split())
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _number(value: object) -> object:
    if value is None:
        return ""
    return f"{value:.4g}" if isinstance(value, float) else value


def render_markdown(report: Report) -> str:
    d = report.dataset
    counts = report.counts
    verdict = "✅ passed" if report.passed else "❌ failed"
    target = f"target {_code(report.target)}" if report.target else "no target"
    lines = [
        f"### dataaudit {verdict}: {_code(report.source.name or '')}",
        "",
        f"{shape(d).replace(' x ', ' × ')} · {target} · rules {_code(report.rules.name)}"
        f"{' (strict)' if report.strict else ''} · **{counts['fail']} fail, {counts['warn']} warn, "
        f"{counts['info']} info**",
        "",
    ]
    if report.baseline is not None:
        lines += [f"Gate {_cell(report.baseline.summary())}", ""]
    if d.auto_text_columns:
        lines += [f"{AUTO_TEXT}: {', '.join(map(_code, d.auto_text_columns))}; {_cell(AUTO_TEXT_OFF)}", ""]
    if report.findings:
        forgiven = {id(f) for f in report.forgiven}
        # those that failed the gate first: a comment cut at MAX_FINDINGS never hides one
        blocking = report.blocking
        listed = blocking + [f for f in report.findings if id(f) not in {id(b) for b in blocking}]
        lines += ["| | Check | Column | Finding |", "|---|---|---|---|"]
        for f in listed[:MAX_FINDINGS]:
            severity = f"{f.severity.value}{' (forgiven)' if id(f) in forgiven else ''}"
            lines.append(f"| {ICON[f.severity.value]} {severity} | `{f.check}` | "
                         f"{_cell(f.column or '')} | {_cell(f.message)} |")
        if len(report.findings) > MAX_FINDINGS:
            lines.append(f"\n_{len(report.findings) - MAX_FINDINGS:,} more findings in the JSON report._")
        lines.append("")
    for table in report.tables:
        lines += [f"**{_cell(table.title)}**", ""]
        if not table.rows:  # a header over nothing reads as a rendering fault
            lines.append("None found.")
        else:
            lines += ["| " + " | ".join(_cell(c) for c in table.columns) + " |", "|" + "---|" * len(table.columns)]
            lines.extend("| " + " | ".join(_cell(_number(v)) for v in row) + " |"
                         for row in table.rows[:MAX_TABLE_ROWS])
        if len(table.rows) > MAX_TABLE_ROWS:
            lines.append(f"\n_{len(table.rows) - MAX_TABLE_ROWS:,} more rows in the JSON report._")
        if table.note:
            lines += ["", _cell(table.note)]
        lines.append("")
    passed = [c.check for c in report.checks if c.status == "passed"]
    skipped = [c for c in report.checks if c.status == "skipped"]
    lines.append(f"<details><summary>{len(passed)} checks passed, {len(skipped)} skipped</summary>")
    lines.append("")
    lines.extend(f"- ✅ `{c}`" for c in passed)
    lines.extend(f"- ⏭️ `{c.check}`: {_cell(c.reason)}" for c in skipped)
    lines += ["", "</details>", ""]
    return "\n".join(lines)
