"""The text audit's report tables: length distributions, error kinds, and what was read.

A fine-tuning file is one text: its tables leave out the `text` column, which would repeat the
file's path (already in the report's header) on every row; text columns of a table keep it."""

from __future__ import annotations

from dataclasses import replace

from dataaudit.profile.text import ERROR_KINDS, TextProfile
from dataaudit.profile.text_lengths import BINS_PER_DOUBLING
from dataaudit.report.charts import PAST_THE_LIMIT
from dataaudit.report.contamination import contamination_tables
from dataaudit.report.model import ReportTable
from dataaudit.text.languages.table import language_table
from dataaudit.text.pii_table import pii_table

MEASURES = {
    "message_chars": "characters per message",
    "message_tokens": "tokens per message",
    "text_chars": "characters per example",
    "text_tokens": "tokens per example",
}


LENGTH_COLUMNS = ["text", "measure", "count", "min", "p50", "p90", "p99", "max", "mean"]
TEMPLATE_MEASURES = {
    "tokens": "tokens per example, rendered",
    "trainable": "trainable tokens per example",
    "over_by": PAST_THE_LIMIT,
}


def text_tables(texts: list[TextProfile]) -> list[ReportTable]:
    if not texts:
        return []
    tables = [_summary(texts), _lengths(texts)]
    if any(t.errors for t in texts):
        tables.append(_errors(texts))
    if any(t.template is not None for t in texts):
        tables.append(_template(texts))
    tables += contamination_tables(texts)
    if any(t.languages is not None for t in texts):
        tables.append(language_table(texts))
    tables += pii_table(texts)
    if texts[0].kind == "column":
        return tables
    tables = [replace(t, columns=t.columns[1:], rows=[row[1:] for row in t.rows]) for t in tables]
    return tables + _file_tables(texts[0])


def _file_tables(t: TextProfile) -> list[ReportTable]:
    """A fine-tuning file's rules broken under its format profile, and its pairs' length ratio."""
    tables = []
    if t.format_rules is not None and t.format_rules.broken:
        found = t.format_rules
        tables.append(ReportTable(
            "format.rules", f"Rules of the {found.name} format broken",
            ["rule", "asks", f"{t.unit}s", f"first {t.unit}s"],
            [[rule, found.meanings[rule], n, ", ".join(map(str, found.lines.get(rule, [])[:10]))]
             for rule, n in found.broken.items()],
            found.description))
    if t.pairs is not None:
        p = t.pairs
        tables.append(ReportTable(
            "preference.length_ratio", "Length of chosen against rejected", ["ratio (chosen / rejected)", "pairs"],
            [[label, n] for label, n in p.ratio_bins.items()],
            f"{p.pairs:,} pairs: chosen longer in {p.chosen_longer:,}, shorter in {p.chosen_shorter:,}; ratio of "
            f"(characters + 1) percentiles " + ", ".join(f"{q} {v:g}" for q, v in p.ratio_percentiles.items()) + "."))
    return tables


def _summary(texts: list[TextProfile]) -> ReportTable:
    rows = [[t.name, t.kind, t.records, t.texts, t.messages, ", ".join(f"{r} {n:,}" for r, n in t.roles.items())]
            for t in texts]
    return ReportTable("text.summary", "Texts audited", ["text", "kind", "lines or rows", "with text",
                                                         "messages", "roles"], rows)


def _lengths(texts: list[TextProfile]) -> ReportTable:
    rows = []
    for t in texts:
        for name, measure in MEASURES.items():
            if t.kind == "column" and name.startswith("message"):
                continue
            s = t.lengths[name]
            if t.tokens_estimated and name.endswith("tokens"):
                measure = f"estimated {measure}"
            rows.append([t.name, measure, s.count, s.min, s.p50, s.p90, s.p99, s.max, s.mean])
    tokenizers = sorted({t.tokenizer for t in texts})
    note = (f"Tokens: {'; '.join(tokenizers)}. Percentiles are read from logarithmic bins ({BINS_PER_DOUBLING} "
            "per doubling): each is at most 9% below the true value; count, min, max and mean are exact.")
    if texts[0].kind == "chat":
        note += " Tokens of an example add up its messages' contents, without the chat template's own tokens."
    return ReportTable("text.lengths", "Length distributions", LENGTH_COLUMNS, rows, note)


def _template(texts: list[TextProfile]) -> ReportTable:
    """Exact token distributions of the examples rendered by the chat template, against the
    maximum length they train at (the `max length` column, which the HTML chart draws)."""
    rows = []
    for t in texts:
        p = t.template
        if p is None:
            continue
        measures = [(TEMPLATE_MEASURES[name], p.lengths[name]) for name in TEMPLATE_MEASURES]
        measures += [(f"tokens per {role} message", s) for role, s in p.roles.items()]
        rows += [[t.name, measure, s.count, s.min, s.p50, s.p90, s.p99, s.max, s.mean, p.max_length]
                 for measure, s in measures]
    note = ("Exact counts of the chat template's rendering (its own tokens included), cut at the maximum length; "
            "trainable tokens are the assistant tokens it marks with {% generation %} left within the cut. "
            f"Percentiles are read from logarithmic bins ({BINS_PER_DOUBLING} per doubling).")
    return ReportTable("text.template", "Tokens through the chat template", [*LENGTH_COLUMNS, "max length"], rows,
                       note)


def _errors(texts: list[TextProfile]) -> ReportTable:
    rows = [[t.name, kind, ERROR_KINDS[kind], count, ", ".join(map(str, t.error_lines.get(kind, [])[:10]))]
            for t in texts for kind, count in t.errors.items()]
    items = any(t.unit == "item" for t in texts)  # a JSON array's items count from 0
    note = ("Item numbers are 0-based items of the JSON array; an item may show several kinds." if items
            else "Line numbers are 1-based lines of the file; a line may show several kinds.")
    return ReportTable("text.errors", "Format errors by kind", ["text", "kind", "meaning", "lines", "first lines"],
                       rows, note)
