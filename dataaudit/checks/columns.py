"""Columns that mislead a model: constant, unique per row (an id), of mixed types, of numbers
formatted as text (`12,5`, `$1,200`), or holding an infinite number, which scikit-learn refuses
as input ("Input X contains infinity")."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from pydantic import Field

from dataaudit.checks.base import Results, pct, quoted_counts
from dataaudit.checks.registry import Check, Exports, NoEquivalent
from dataaudit.levels import Number, Section, Toggle, Whole
from dataaudit.profile.model import ColumnProfile, Profile
from dataaudit.profile.values import formatted_numbers
from dataaudit.wording import plural, verb

CHECKS = (
    Check("columns.constant", "No feature column holds a single value.", "columns", ("constant",),
          Exports(("expect_column_unique_value_count_to_be_between",))),
    Check("columns.unique", "No feature column is unique per row, like an id that can leak the label.", "columns",
          ("unique", "unique_min_share", "unique_min_rows"),
          NoEquivalent("the audit's id detection weighs value kinds and a minimum row count")),
    Check("columns.mixed_types", "Each feature column holds one kind of value (numbers or text).", "columns",
          ("mixed_types",), NoEquivalent("GX has no per-value kind of a column")),
    Check("columns.formatted_numbers", "No column holds numbers as a spreadsheet formats them (`12,5`, `1,200`, "
          "`$12`, `12%`), which readers take for text.", "columns", ("formatted_numbers", "formatted_min_share"),
          NoEquivalent("GX matches a regular expression per column; it has no reading of formatted numbers")),
    Check("columns.infinite", "No feature column nor the target holds an infinite number (`inf`, `1e999`), which "
          "a model refuses as input.", "columns", ("infinite",),
          NoEquivalent("GX bounds a column's values but has no test that they are finite")),
)


class Rules(Section):
    constant: Toggle = Toggle.WARN
    unique: Toggle = Toggle.WARN
    unique_min_share: Number = Field(0.99, gt=0, le=1)
    unique_min_rows: Whole = Field(50, ge=2)
    mixed_types: Toggle = Toggle.WARN
    infinite: Toggle = Toggle.WARN
    formatted_numbers: Toggle = Toggle.WARN
    formatted_min_share: Number = Field(0.9, gt=0, le=1, description="A column is one of numbers when at least "
                                                                    "this share of its values are numbers, "
                                                                    "formatted or plain.")


def run(profile: Profile, rules: Rules, results: Results) -> None:
    for column in profile.columns:
        if column.role != "ignored" and column.infinite:
            _infinite(column, rules, results)
        formatted = column.role != "ignored" and _of_formatted_numbers(column, rules)
        if formatted:
            _formatted(column, rules, results)
        if column.role != "feature" or not column.present:
            continue
        if is_constant(profile, column):
            value = column.top_values[0][0] if column.top_values else f"{column.numeric.min:g}"
            results.add("columns.constant", rules.constant.severity,
                        f"Column {column.name!r} holds one value ({value!r}) in all {column.present:,} "
                        "non-missing rows.",
                        column=column.name, observed=1,
                        hint="A constant carries no signal: drop it (`dataaudit clean` does).")
        elif _unique(column, rules) and not formatted:  # prices read as text are no id
            results.add("columns.unique", rules.unique.severity,
                        f"Column {column.name!r} is unique per row (~{column.distinct:,} distinct of "
                        f"{column.present:,}): an id? It can leak the label and hides duplicates.",
                        column=column.name, observed=column.distinct,
                        hint=f"If it is not a feature, name it: --ignore-column {column.name}")
        if column.type == "mixed":
            _mixed(column, rules, results)


def is_constant(profile: Profile, column: ColumnProfile) -> bool:
    """One value as written: numbers equal in float64 (`007` and `7`, 2**53 and 2**53 + 1) are
    still different values, which the distinct count (hashed as written) tells apart, and so are
    a JSON number and the JSON string of its text (`1` and `"1"`, `Profile.json_mixed`)."""
    if column.name in profile.json_mixed:
        return False
    if column.type in ("integer", "float"):
        return column.numeric is not None and column.numeric.min == column.numeric.max and column.distinct <= 1
    return column.top_values is not None and len(column.top_values) == 1 and column.type != "mixed"


def _unique(column: ColumnProfile, rules: Rules) -> bool:
    """Ids are integers or single-word text; floats and free text are naturally unique."""
    if column.type not in ("integer", "text") or column.present < rules.unique_min_rows:
        return False
    if column.type == "text" and column.spaced > column.present / 2:
        return False
    return column.distinct >= rules.unique_min_share * column.present


def _infinite(column: ColumnProfile, rules: Rules, results: Results) -> None:
    results.add(
        "columns.infinite", rules.infinite.severity,
        f"Column {column.name!r} holds {plural(column.infinite, 'infinite number')} "
        f"({pct(column.infinite, column.rows)} of its rows): a model refuses them as input.",
        column=column.name, observed=column.infinite, examples=column.infinite_rows,
        hint="Replace them with a number or a missing value, or declare their spelling a missing token.",
    )


def _of_formatted_numbers(column: ColumnProfile, rules: Rules) -> bool:
    """Whether the column holds numbers, some or all written as a spreadsheet shows them."""
    numbers = column.formatted + column.kinds.get("integer", 0) + column.kinds.get("float", 0)
    return bool(column.formatted) and numbers >= rules.formatted_min_share * column.present


def _formatted(column: ColumnProfile, rules: Rules, results: Results) -> None:
    """A column of numbers some or all of which are written as a spreadsheet shows them: a
    reader makes the whole column text, so it reaches a model as categories, or not at all."""
    written = column.value_counts or dict(column.top_values or [])
    texts = pa.array(list(written), pa.string())
    shown = {text: written[text] for text, yes in
             zip(written, formatted_numbers(texts, np.ones(len(texts), dtype=bool)), strict=True) if yes}
    listed = f" ({quoted_counts(shown)})" if shown else ""
    results.add(
        "columns.formatted_numbers", rules.formatted_numbers.severity,
        f"Column {column.name!r}: {column.formatted:,} of its {plural(column.present, 'value')} "
        f"{verb(column.formatted, 'is a number', 'are numbers')} as a spreadsheet formats them{listed}: "
        "pandas, pyarrow and a training script read the column as text, not numbers.",
        column=column.name, observed=column.formatted, examples=column.formatted_rows,
        details={"values": dict(list(shown.items())[:20])},
        hint="Write them as plain numbers (a decimal point, no separators or signs), or read them so: a "
             "decimal comma alone (12,5) with --decimal , (decimal=','); "
             "pandas.read_csv(decimal=',', thousands='.') for 1.200,50.",
    )


def _mixed(column: ColumnProfile, rules: Rules, results: Results) -> None:
    kinds = column.kinds
    minority = min(kinds, key=kinds.get)
    results.add(
        "columns.mixed_types", rules.mixed_types.severity,
        f"Column {column.name!r} mixes kinds of values: {quoted_counts(kinds)}; the {minority} values "
        f"({pct(kinds[minority], column.present)}) are likely errors or codes.",
        column=column.name, observed=kinds[minority], examples=column.kind_rows.get(minority, []),
        details={"kinds": kinds},
        hint="Fix the odd values or declare them missing tokens in the rules.",
    )
