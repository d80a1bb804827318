"""Missing values: true nulls and disguised ones ("?", "NA", -999) counted apart."""

from __future__ import annotations

import math
from collections.abc import Sequence

from pydantic import Field

from dataaudit.checks.base import Results, pct, quoted_counts
from dataaudit.checks.registry import Check, Exports, NoEquivalent
from dataaudit.levels import MaxShareLevels, Number, Section, Toggle
from dataaudit.profile.model import ColumnProfile, Profile
from dataaudit.wording import plural, verb

NOT_NULL = Exports(("expect_column_values_to_not_be_null",))
COLUMN_NOT_NULL = Exports(NOT_NULL.types, partly=(
    "GX counts nulls and the tokens read as nulls, not sentinels (-999, a number to GX); and a column with every "
    "value missing fails it, where the audit reports that column under missing.empty_column alone"))
CHECKS = (
    Check("missing.column_share", "Each feature column has few missing values (nulls and disguised tokens).",
          "missing", ("max_column_share",), COLUMN_NOT_NULL),
    Check("missing.empty_column", "No column is entirely empty.", "missing", ("empty_column",),
          Exports(("expect_column_unique_value_count_to_be_between",))),
    Check("missing.rows", "Few rows miss most of their fields.", "missing",
          ("mostly_missing_row", "max_mostly_missing_rows_share"),
          NoEquivalent("GX has no per-row share of missing values")),
    Check("missing.target", "Every row has a label.", "missing", ("max_missing_target_share",), NOT_NULL),
    Check("missing.token_in_numeric", "No missing-value token that readers take for text (`?`) hides among a "
          "column's numbers.", "missing",
          ("token_in_numeric",),
          NoEquivalent("GX reads a column with the types its reader gave it: a token among numbers makes it text")),
)
#: The spellings both pandas' and pyarrow's CSV readers read as missing by default (`STR_NA_VALUES`,
#: `ConvertOptions.null_values`): any other token among numbers turns the column into text for them.
READ_AS_MISSING = frozenset({"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
                             "N/A", "NA", "NULL", "NaN", "n/a", "nan", "null"})
HINT = "`dataaudit clean` turns disguised tokens into nulls; then impute or drop the rows."


class Rules(Section):
    max_column_share: MaxShareLevels = MaxShareLevels(warn=0.01, fail=0.3)
    empty_column: Toggle = Toggle.WARN
    mostly_missing_row: Number = Field(0.5, gt=0, le=1)
    max_mostly_missing_rows_share: MaxShareLevels = MaxShareLevels(warn=0, fail=0.05)
    max_missing_target_share: MaxShareLevels = MaxShareLevels(warn=0, fail=0.01)
    token_in_numeric: Toggle = Toggle.WARN


def run(profile: Profile, rules: Rules, results: Results) -> None:
    for column in profile.columns:
        # an id found left out is no feature, but a row without its id cannot be traced or grouped
        if (column.role != "feature" and column.name not in profile.ids) or not column.rows:
            continue
        if column.present == 0:
            results.add("missing.empty_column", rules.empty_column.severity,
                        f"Column {column.name!r} is empty: all {plural(column.rows, 'value')} "
                        f"{verb(column.rows, 'is', 'are')} missing.",
                        column=column.name, observed=column.rows, details=_breakdown(column),
                        hint="Drop the column (`dataaudit clean` drops all-empty columns).")
            continue
        _column_share(column, rules, results)
    for column in profile.columns:
        _token_in_numeric(column, rules, results)
    _rows(profile, rules, results)
    _target(profile, rules, results)


def _breakdown(column: ColumnProfile) -> dict:
    return {"nulls": column.nulls, "tokens": column.tokens, "sentinels": column.sentinels,
            "sentinels_in_range": column.sentinels_in_range}


def _column_share(column: ColumnProfile, rules: Rules, results: Results) -> None:
    parts = []
    if column.nulls:
        parts.append(f"{column.nulls:,} null")
    if column.tokens:
        parts.append(f"{sum(column.tokens.values()):,} disguised ({quoted_counts(column.tokens)})")
    if column.sentinels:
        parts.append(f"{sum(column.sentinels.values()):,} sentinel ({quoted_counts(column.sentinels)})")
    message = (f"Column {column.name!r}: {column.missing:,} of {plural(column.rows, 'value')} missing "
               f"({pct(column.missing, column.rows)}): {', '.join(parts) or 'none'}.")
    if column.sentinels_in_range:
        message += (f" Not counted: {quoted_counts(column.sentinels_in_range)}, inside the column's "
                    "range of real values.")
    examples = sorted(set(column.null_rows) | set(column.token_rows) | set(column.sentinel_rows))[:20]
    results.judge("missing.column_share", rules.max_column_share, column.missing / column.rows, message,
                  info_when_present=True, column=column.name, examples=examples,
                  details=_breakdown(column), hint=HINT)


def _token_in_numeric(column: ColumnProfile, rules: Rules, results: Results) -> None:
    """Whatever its share: one `?` among numbers makes pandas, pyarrow and any loader that does
    not list it read the whole column as text. `NA`, `null` and the like are left to
    `missing.column_share`: those readers know them."""
    unread = {token: n for token, n in column.tokens.items() if token not in READ_AS_MISSING}
    if column.role == "ignored" or column.type not in ("integer", "float") or not unread:
        return
    tokens = sum(unread.values())
    results.add("missing.token_in_numeric", rules.token_in_numeric.severity,
                f"Column {column.name!r} holds numbers and {plural(tokens, 'missing-value token')} "
                f"({quoted_counts(unread)}): pandas, pyarrow and other readers that do not know the token read "
                "the column as text.",
                column=column.name, observed=tokens, examples=column.token_rows[:20], details={"tokens": unread},
                hint="Write missing numbers as empty cells (`dataaudit clean` turns these tokens into nulls).")


def _rows(profile: Profile, rules: Rules, results: Results) -> None:
    empty = _empty_features(profile)
    n_features = len(profile.features) - empty
    if not profile.features or not profile.rows:
        results.skip("missing.rows", "no feature columns")
        return
    if not n_features:
        results.skip("missing.rows", "every feature column is empty (missing.empty_column)")
        return
    least = max(1, math.ceil(rules.mostly_missing_row * n_features))
    histogram = profile.missing_per_row[empty:]  # each row misses the empty columns' cells: not counted
    rows = sum(histogram[least:])
    examples = sorted(r for k, rs in profile.missing_per_row_examples.items() if k - empty >= least for r in rs)[:20]
    others = f" (and {plural(empty, 'empty column')}, each its own finding)" if empty else ""
    results.judge(
        "missing.rows", rules.max_mostly_missing_rows_share, rows / profile.rows,
        f"{plural(rows, 'row')} ({pct(rows, profile.rows)}) {verb(rows, 'misses', 'miss')} "
        f"{_missed(histogram, least)} of {verb(rows, 'its', 'their')} {plural(n_features, 'feature value')}{others}.",
        info_when_present=True, examples=examples,
        details={"missing_cells_per_row": {str(k): n for k, n in enumerate(histogram) if n},
                 **({"empty_columns_left_out": empty} if empty else {})},
        hint="Such rows carry little signal: drop them or fix the source.",
    )


def _empty_features(profile: Profile) -> int:
    """The feature columns missing in every row. A spreadsheet exports the empty columns right of
    its data (`a,b,label,,,`): each row then missed them, and every row was "mostly missing",
    while `missing.empty_column` names each column already. As each adds one missing cell to
    every row, the rows' counts are those less the empty columns."""
    features = set(profile.features)
    return sum(1 for column in profile.columns if column.name in features and column.rows and column.present == 0)


def _missed(histogram: Sequence[int], least: int) -> str:
    """How many feature values the rows counted miss, as the histogram of missing cells per row
    has it: "5" or "4 to 6" (the rows of penguins.csv missing 5 of 8 read "at least 4"), and "at
    least 4" where none does."""
    held = [k for k in range(least, len(histogram)) if histogram[k]]
    if not held:
        return f"at least {least}"
    return str(held[0]) if held[0] == held[-1] else f"{held[0]} to {held[-1]}"


def _target(profile: Profile, rules: Rules, results: Results) -> None:
    label = profile.label
    if label is None:
        results.skip("missing.target", "no target column")
        return
    if not profile.rows:
        return
    results.judge(
        "missing.target", rules.max_missing_target_share, label.missing / profile.rows,
        f"{plural(label.missing, 'row')} ({pct(label.missing, profile.rows)}) {verb(label.missing, 'has', 'have')} no "
        f"label in "
        f"{label.column!r}.",
        column=label.column, examples=label.missing_rows,
        hint="Label these rows or drop them (`dataaudit clean` quarantines them).",
    )
