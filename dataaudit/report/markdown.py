"""GitHub-flavoured Markdown, compact enough for a pull-request comment or a job summary."""

from __future__ import annotations

from dataaudit.report.model import Report

ICON = {"fail": "❌", "warn": "⚠️", "info": "ℹ️"}
MAX_TABLE_ROWS = 20


def _cell(text: object) -> str:
    return "" if text is None else str(text).replace("|", "\\|").replace("\n", " ")


def _number(value: object) -> object:
    return f"{value:.4g}" if isinstance(value, float) else value


def render_markdown(report: Report) -> str:
    d = report.dataset
    counts = report.counts
    verdict = "✅ passed" if report.passed else "❌ failed"
    target = f"target `{report.target}`" if report.target else "no target"
    lines = [
        f"### dataaudit {verdict}: `{report.source.get('name', '')}`",
        "",
        f"{d['rows']:,} rows × {d['columns']} columns · {target} · rules `{report.rules.get('name')}`"
        f"{' (strict)' if report.strict else ''} · **{counts['fail']} fail, {counts['warn']} warn, "
        f"{counts['info']} info**",
        "",
    ]
    if report.findings:
        lines += ["| | Check | Column | Finding |", "|---|---|---|---|"]
        for f in report.findings:
            lines.append(f"| {ICON[f.severity.value]} {f.severity.value} | `{f.check}` | "
                         f"{_cell(f.column or '')} | {_cell(f.message)} |")
        lines.append("")
    for table in report.tables:
        lines += [f"**{_cell(table.title)}**", "", "| " + " | ".join(_cell(c) for c in table.columns) + " |",
                  "|" + "---|" * len(table.columns)]
        lines.extend("| " + " | ".join(_cell(_number(v)) for v in row) + " |" for row in table.rows[:MAX_TABLE_ROWS])
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
