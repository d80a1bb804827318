"""Charts for the HTML report, drawn by matplotlib as inline SVG.

Every chart reads numbers the report already holds; none is recomputed. Text stays text
(`svg.fonttype: none`), so the SVG needs no font file, and `text.parse_math` is off so a label
such as `$5` is drawn as written. Figures are made without pyplot, so rendering a report never
touches the caller's backend or global figure list (a notebook keeps its own). matplotlib is
imported here only, when an HTML report is rendered: the command line and the other formats
never load it.
"""

from __future__ import annotations

import io
from dataclasses import replace
from typing import Any

from dataaudit.report.model import Report, ReportTable
from dataaudit.report.text import printable
from dataaudit.wording import pct

MAX_BARS = 30
COLOURS = {"nulls": "#4c72b0", "tokens": "#dd8452", "sentinels": "#c44e52", "before": "#8c8c8c", "after": "#55a868"}
PERCENTILES = {"p50": ("o", "#4c72b0"), "p90": ("^", "#dd8452"), "p99": ("D", "#c44e52")}
BEFORE_AFTER_TABLE = "clean.before_after"
#: The table of a time column's periods (`dataaudit.splits.period_report`) and its share columns' prefix.
PERIODS_TABLE, SHARE = "time.periods", "share "
#: The row of the chat template's table that measures an excess, not a length: left out of its chart.
PAST_THE_LIMIT = "tokens past the maximum length"
RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "dataaudit",  # stable element ids: the same report renders the same bytes
    "text.parse_math": False,
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def charts(report: Report) -> list[dict[str, str]]:
    """The charts that apply to this report, each `{"id", "title", "svg"}`, in reading order."""
    import matplotlib

    drawn = []
    with matplotlib.rc_context(RC):
        for chart_id, title, draw in _CHARTS:
            figure = draw(report)
            if figure is not None:
                drawn.append({"id": chart_id, "title": title, "svg": _svg(figure)})
    return drawn


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    return text[text.index("<svg"):]  # inline: drop the XML declaration and DOCTYPE


def _bar_figure(count: int) -> tuple[Any, Any]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, min(0.28 * count + 0.9, 9.0)))
    return figure, figure.subplots()


def _class_distribution(report: Report) -> Any:
    labels = report.dataset.labels
    if labels is None or not labels.counts:
        return None
    counts = labels.counts
    items = sorted(counts.items(), key=lambda kv: -kv[1])
    if len(items) > MAX_BARS:
        rest = items[MAX_BARS - 1:]
        items = [*items[:MAX_BARS - 1], (f"{len(rest)} other labels", sum(v for _, v in rest))]
    if labels.missing:
        items.append(("(missing label)", labels.missing))
    names = [printable(k) for k, _ in items][::-1]
    values = [v for _, v in items][::-1]
    figure, axes = _bar_figure(len(items))
    bars = axes.barh(names, values, color=COLOURS["nulls"])
    axes.bar_label(bars, labels=[f"{v:,}" for v in values], padding=3)
    axes.set_xlabel("rows")
    return figure


def _missing_share(report: Report) -> Any:
    columns = [c for c in report.dataset.column_profiles if c.missing]
    if not columns:
        return None
    columns = sorted(columns, key=lambda c: -c.missing_share)[:MAX_BARS][::-1]
    rows = report.dataset.rows or 1
    parts = {
        "nulls": [c.nulls / rows for c in columns],
        "tokens": [sum(c.tokens.values()) / rows for c in columns],
        "sentinels": [sum(c.sentinels.values()) / rows for c in columns],
    }
    names = [printable(c.name) for c in columns]
    figure, axes = _bar_figure(len(columns))
    left = [0.0] * len(columns)
    legend = {"nulls": "true nulls", "tokens": "disguised tokens (NA, ?, ...)", "sentinels": "sentinels (-999, ...)"}
    for part, shares in parts.items():
        if any(shares):
            axes.barh(names, shares, left=left, color=COLOURS[part], label=legend[part])
            left = [a + b for a, b in zip(left, shares, strict=True)]
    axes.xaxis.set_major_formatter(_percent())
    axes.set_xlabel("share of rows")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 - 1.2 / (len(columns) + 3)), ncols=3, frameon=False)
    return figure


def _duplicates(report: Report) -> Any:
    d = report.dataset.duplicates
    measures = [("exact duplicate rows", d.exact_rows), ("duplicate feature rows", d.feature_rows),
                ("rows in label conflicts", d.conflict_rows)]
    if not any(v for _, v in measures):
        return None
    rows = report.dataset.rows or 1
    figure, axes = _bar_figure(len(measures))
    names = [m for m, _ in measures][::-1]
    values = [v for _, v in measures][::-1]
    bars = axes.barh(names, [v / rows for v in values], color=COLOURS["sentinels"])
    axes.bar_label(bars, labels=[f"{v:,} ({pct(v, rows)})" for v in values], padding=3)
    axes.xaxis.set_major_formatter(_percent())
    axes.set_xlabel(f"share of {report.dataset.rows:,} rows")
    return figure


def _before_after(report: Report) -> Any:
    table = _table(report, BEFORE_AFTER_TABLE, {"measure", "before", "after"})
    if table is None:
        return None
    index = {name: i for i, name in enumerate(table.columns)}
    rows = [r for r in table.rows if _is_number(r[index["before"]]) and _is_number(r[index["after"]])][:MAX_BARS]
    if not rows:
        return None
    names = [printable(r[index["measure"]]) for r in rows][::-1]
    before = [r[index["before"]] for r in rows][::-1]
    after = [r[index["after"]] for r in rows][::-1]
    figure, axes = _bar_figure(2 * len(rows))
    positions = range(len(rows))
    axes.barh([p + 0.2 for p in positions], before, height=0.4, color=COLOURS["before"], label="before")
    axes.barh([p - 0.2 for p in positions], after, height=0.4, color=COLOURS["after"], label="after")
    axes.set_yticks(list(positions), names)
    axes.legend(loc="lower right", frameon=False)
    return figure


def _lengths(report: Report) -> Any:
    """Each length measure of the texts as a range from min to max with its percentiles marked,
    on a logarithmic axis: a few very long examples stand out without squashing the rest."""
    table = _table(report, "text.lengths", {"measure", "min", "p50", "p90", "p99", "max"})
    if table is None or not table.rows:
        return None
    return _ranges(table)[0]


def _template_tokens(report: Report) -> Any:
    """The exact token distributions through the chat template, against the maximum length the
    examples train at (a dashed line): what lies right of it is cut."""
    table = _table(report, "text.template", {"measure", "min", "p50", "p90", "p99", "max", "max length"})
    measure = table.columns.index("measure") if table is not None else 0
    if table is None or not table.rows:
        return None
    limit = table.rows[0][table.columns.index("max length")]
    figure, axes = _ranges(replace(table, rows=[r for r in table.rows if r[measure] != PAST_THE_LIMIT]))
    axes.axvline(max(limit, 1), color=COLOURS["sentinels"], linestyle="--", linewidth=1.5)
    axes.annotate(f"max length {limit:,}", (max(limit, 1), 1.0), xycoords=("data", "axes fraction"),
                  xytext=(4, 2), textcoords="offset points", color=COLOURS["sentinels"], va="bottom")
    axes.set_xlabel("tokens (log scale)")
    return figure


def _ranges(table: ReportTable) -> tuple[Any, Any]:
    """Each row of a length table as a range from min to max with its percentiles marked, on a
    logarithmic axis."""
    index = {name: i for i, name in enumerate(table.columns)}
    rows = table.rows[:MAX_BARS][::-1]
    names = [printable(" ".join(str(r[index[c]]) for c in ("text", "measure") if c in index)) for r in rows]
    figure, axes = _bar_figure(len(rows))
    positions = list(range(len(rows)))
    axes.hlines(positions, [max(r[index["min"]], 1) for r in rows], [max(r[index["max"]], 1) for r in rows],
                color=COLOURS["before"], linewidth=2, label="min to max")
    for name, (marker, colour) in PERCENTILES.items():
        axes.scatter([max(r[index[name]], 1) for r in rows], positions, marker=marker, color=colour, zorder=3,
                     label=name)
    axes.set_yticks(positions, names)
    axes.set_xscale("log")
    axes.xaxis.set_major_formatter(_plain_numbers())
    axes.xaxis.set_minor_formatter(_plain_numbers(minor=True))
    axes.set_xlabel("length (log scale)")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 - 1.2 / (len(rows) + 3)), ncols=4, frameon=False)
    return figure, axes


def _roles(report: Report) -> Any:
    roles = report.dataset.roles
    if not roles:
        return None
    return _counts_figure({printable(role): n for role, n in roles.items()}, "messages")


def _format_errors(report: Report) -> Any:
    table = _table(report, "text.errors", {"kind", "lines"})
    if table is None or not table.rows:
        return None
    kind, lines = table.columns.index("kind"), table.columns.index("lines")
    counts: dict[str, int] = {}
    for row in table.rows:
        counts[printable(row[kind])] = counts.get(printable(row[kind]), 0) + row[lines]
    return _counts_figure(counts, "lines")


def _copies(report: Report) -> Any:
    copies = report.dataset.copies
    if copies is None or not (copies.exact or copies.near or copies.conflicting_answers):
        return None
    examples = report.dataset.texts or report.dataset.rows or 1
    measures = [("exact copies", copies.exact), ("near copies", copies.near),
                ("in prompts answered differently", copies.conflicting_answers)][::-1]
    figure, axes = _bar_figure(len(measures))
    bars = axes.barh([m for m, _ in measures], [v / examples for _, v in measures], color=COLOURS["sentinels"])
    axes.bar_label(bars, labels=[f"{v:,} ({pct(v, examples)})" for _, v in measures], padding=3)
    axes.xaxis.set_major_formatter(_percent())
    axes.set_xlabel(f"share of {examples:,} examples")
    return figure


def _label_shares_over_time(report: Report) -> Any:
    """One line per class through the periods of the time column, from the `time.periods` table."""
    table = _table(report, PERIODS_TABLE, {"period"})
    shares = [i for i, c in enumerate(table.columns) if c.startswith(SHARE)] if table is not None else []
    if table is None or len(table.rows) < 2 or not shares:
        return None
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, 3.6))
    axes = figure.subplots()
    periods = [printable(row[0]) for row in table.rows]
    for i in shares:
        axes.plot(periods, [row[i] if _is_number(row[i]) else float("nan") for row in table.rows], marker="o",
                  label=printable(table.columns[i][len(SHARE):]))
    axes.yaxis.set_major_formatter(_percent())
    axes.set_ylabel("share of labelled rows")
    axes.set_ylim(bottom=0)
    axes.tick_params(axis="x", labelrotation=45 if len(periods) > 8 else 0)
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return figure


def _counts_figure(counts: dict[str, int], unit: str) -> Any:
    """Horizontal bars, largest on top, each labelled with its count."""
    items = sorted(counts.items(), key=lambda kv: kv[1])[-MAX_BARS:]
    figure, axes = _bar_figure(len(items))
    bars = axes.barh([k for k, _ in items], [v for _, v in items], color=COLOURS["nulls"])
    axes.bar_label(bars, labels=[f"{v:,}" for _, v in items], padding=3)
    axes.set_xlabel(unit)
    return figure


def _table(report: Report, table_id: str, columns: set[str]) -> ReportTable | None:
    return next((t for t in report.tables if t.id == table_id and columns <= set(t.columns)), None)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _plain_numbers(minor: bool = False) -> Any:
    """`1,000` rather than matplotlib's TeX `10^{3}`, which is drawn as written with math text off."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    return NullFormatter() if minor else FuncFormatter(lambda value, _: f"{value:,.0f}")


def _percent() -> Any:
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(1.0, decimals=None)


_CHARTS = (
    ("class-distribution", "Class distribution", _class_distribution),
    ("missing-share", "Missing values per column", _missing_share),
    ("duplicates", "Duplicates and label conflicts", _duplicates),
    ("before-after", "Before and after cleaning", _before_after),
    ("lengths", "Length distributions", _lengths),
    ("template-tokens", "Tokens through the chat template, against the maximum length", _template_tokens),
    ("roles", "Messages by role", _roles),
    ("format-errors", "Format errors by kind", _format_errors),
    ("copies", "Copies and conflicting answers", _copies),
    ("label-shares-over-time", "Class shares over time", _label_shares_over_time),
)
