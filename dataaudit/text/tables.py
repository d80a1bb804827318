"""The text audit's report tables: length distributions, error kinds, and what was read.

A fine-tuning file is one text: its tables leave out the `text` column, which would repeat the
file's path (already in the report's header) on every row; text columns of a table keep it."""

from __future__ import annotations

from dataclasses import replace

from dataaudit.profile.text import ERROR_KINDS, TextProfile
from dataaudit.profile.text_lengths import BINS_PER_DOUBLING
from dataaudit.report.model import ReportTable

MEASURES = {
    "message_chars": "characters per message",
    "message_tokens": "tokens per message",
    "text_chars": "characters per example",
    "text_tokens": "tokens per example",
}


def text_tables(texts: list[TextProfile]) -> list[ReportTable]:
    if not texts:
        return []
    tables = [_summary(texts), _lengths(texts)]
    if any(t.errors for t in texts):
        tables.append(_errors(texts))
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
            rows.append([t.name, measure, s.count, s.min, s.p50, s.p90, s.p99, s.max, s.mean])
    tokenizers = sorted({t.tokenizer for t in texts})
    note = (f"Tokens: {'; '.join(tokenizers)}. Percentiles are read from logarithmic bins ({BINS_PER_DOUBLING} "
            "per doubling): each is at most 9% below the true value; count, min, max and mean are exact.")
    if texts[0].kind == "chat":
        note += " Tokens of an example add up its messages' contents, without the chat template's own tokens."
    return ReportTable("text.lengths", "Length distributions",
                       ["text", "measure", "count", "min", "p50", "p90", "p99", "max", "mean"], rows, note)


def _errors(texts: list[TextProfile]) -> ReportTable:
    rows = [[t.name, kind, ERROR_KINDS[kind], count, ", ".join(map(str, t.error_lines.get(kind, [])[:10]))]
            for t in texts for kind, count in t.errors.items()]
    return ReportTable("text.errors", "Format errors by kind", ["text", "kind", "meaning", "lines", "first lines"],
                       rows, "Line numbers are 1-based lines of the file; a line may show several kinds.")
