"""The peers of ``bench_audit.py``: dataaudit's default checks written with each library's own API.

Why: "faster than X" only means something when X does the same work. Each peer here reads the
file the way that library's users do (pandas ``read_csv`` with the pyarrow engine and its default
NA strings) and checks what ``dataaudit audit`` checks by default: true nulls and the default rule
pack's disguised missing values per column, exact duplicate rows, rows that repeat another's
features and label with only the ``id`` different (dataaudit's feature duplicates), rows with
identical features (every column but ``id`` and the label) and different labels, the label set
and the rows per class, and the row count. Where a library has no way to express a check,
:data:`CHECKS` says so and the peer does the nearest honest thing.

Run as a script, one peer per process (``bench_audit.py`` measures the process)::

    python benchmarks/peer_checks.py pandera data.csv

It prints one JSON line with what the peer found. A script file rather than ``python -c``:
pyspark (which pandera and Great Expectations import when it is installed) exits a process whose
``__main__`` has no file, taking it for a doctest run.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ID = "id"
LABEL = "label"
CLASSES = ("cat", "dog", "bird", "fish")
DEFAULT_PACK = Path(__file__).resolve().parent.parent / "rules" / "default.yaml"

#: How every peer loads the file; ``bench_audit.py`` prints it above :data:`CHECKS`.
READS = (
    'pandas.read_csv(engine="pyarrow") with its default NA strings (so "", "NA", "N/A", "null", "None", "nan" '
    "are already nulls; '?', blanks and -999 are not), read_parquet, read_json(lines=True)"
)

#: What each peer checks, one line each; ``bench_audit.py`` prints it under the table.
CHECKS = {
    "pandas": "hand-written pandas, the same checks: isna and the pack's tokens (stripped, any case) and "
    "sentinels per column; duplicated() on all columns and on all but id; a groupby of the features "
    "counting distinct (stripped, lower-case) labels; value_counts of the label against the classes; row count",
    "pandera": "DataFrameSchema: per column nullable=False and Check(not a token or sentinel); label "
    "Check.isin(classes) and Check(rows per class >= minimum); unique=all columns "
    "(report_duplicates='exclude_first'); dataframe-wide Checks: row count, duplicated() on all but id (unique= "
    "stops at its first failing column list) and a groupby for conflicting labels",
    "gx": "Expectation suite: per column ExpectColumnValuesToNotBeNull and ...NotBeInSet(tokens, sentinels), "
    "...NotMatchRegex(blank) on text columns; label ...ToBeInSet(classes) and "
    "ExpectColumnDistinctValuesToContainSet(classes); ExpectCompoundColumnsToBeUnique on all columns and "
    "on all but id; ExpectTableRowCountToBeBetween. No expectation exists for conflicting labels (a groupby; "
    "UnexpectedRowsExpectation needs SQL) nor rows per class: the nearest is ExpectCompoundColumnsToBeUnique on "
    "the features without the label, which flags conflicts mixed with plain duplicates; tokens match exactly "
    "(no case folding)",
    "pandera-min": "DataFrameSchema: every column non-nullable, label Check.isin(classes)",
    "gx-min": "ExpectColumnValuesToNotBeNull per column, ExpectColumnValuesToBeInSet for the label",
}


def load_pack() -> dict[str, Any]:
    """Tokens, sentinels and the fail levels of the default rule pack, the values dataaudit uses."""
    import yaml

    pack = yaml.safe_load(DEFAULT_PACK.read_text(encoding="utf-8"))
    size = pack["checks"]["size"]
    return {
        "tokens": [str(t) for t in pack["missing_values"]["tokens"]],
        "sentinels": [int(s) for s in pack["missing_values"]["sentinels"]],
        "min_rows": size["min_rows"]["fail"],
        "min_rows_per_class": size["min_rows_per_class"]["fail"],
    }


PACK = load_pack()


def read(path: str) -> Any:
    """The file as its users load it: pandas with the pyarrow CSV engine (default NA strings)."""
    import pandas as pd

    if path.endswith(".parquet"):
        return pd.read_parquet(path)
    if path.endswith(".jsonl"):
        return pd.read_json(path, lines=True)
    return pd.read_csv(path, engine="pyarrow", sep="\t" if path.endswith(".tsv") else ",")


def disguised(column: Any) -> Any:
    """True where a cell is a disguised missing value: a pack token (stripped, any case) or a sentinel.

    A numeric column holds sentinels as numbers; a column the reader left as text (a "?" among numbers)
    holds them as text.
    """
    if column.dtype.kind in "iuf":
        return column.isin(PACK["sentinels"])
    text = column.astype("string").str.strip()
    tokens = [t.lower() for t in PACK["tokens"]] + [str(s) for s in PACK["sentinels"]]
    return text.str.lower().isin(tokens).fillna(False).astype(bool)


def folded_labels(frame: Any) -> Any:
    """Labels compared the way the generator's truth and dataaudit fold spellings: stripped, lower-case."""
    return frame[LABEL].astype("string").str.strip().str.lower()


def labels_per_feature_group(frame: Any, features: list[str]) -> Any:
    """Per row, how many distinct labels rows with the same features carry (more than 1: a conflict)."""
    return frame.assign(_label=folded_labels(frame)).groupby(features, dropna=False)["_label"].transform("nunique")


def columns_of(frame: Any) -> tuple[list[str], list[str]]:
    """The checked columns (all but the id: also the key of feature duplicates) and the features (also
    without the label: the key of conflicting labels)."""
    checked = [c for c in frame.columns if c != ID]
    return checked, [c for c in checked if c != LABEL]


def run_pandas(frame: Any) -> dict[str, Any]:
    checked, features = columns_of(frame)
    counts = frame[LABEL].value_counts()
    per_class = counts.reindex(list(CLASSES), fill_value=0)
    return {
        "nulls": {c: int(frame[c].isna().sum()) for c in checked},
        "disguised": {c: int(disguised(frame[c]).sum()) for c in checked},
        "exact_duplicates": int(frame.duplicated().sum()),
        "feature_duplicates": int(frame.duplicated(subset=checked).sum()),
        "conflicting_rows": int((labels_per_feature_group(frame, features) > 1).sum()),
        "unexpected_labels": {str(k): int(v) for k, v in counts.items() if k not in CLASSES},
        "classes_below_minimum": [c for c, n in per_class.items() if n < PACK["min_rows_per_class"]],
        "too_few_rows": len(frame) < PACK["min_rows"],
    }


def run_pandera(frame: Any) -> dict[str, Any]:
    import pandera.pandas as pa
    from pandera.errors import SchemaErrors

    checked, features = columns_of(frame)
    not_disguised = pa.Check(lambda s: ~disguised(s), name="disguised_missing")
    columns = {c: pa.Column(nullable=False, checks=not_disguised) for c in checked}
    columns[LABEL] = pa.Column(
        nullable=False,
        checks=[
            not_disguised,
            pa.Check.isin(CLASSES),
            pa.Check(
                lambda s: s.value_counts().reindex(list(CLASSES), fill_value=0) >= PACK["min_rows_per_class"],
                name="min_rows_per_class",
            ),
        ],
    )
    schema = pa.DataFrameSchema(
        columns,
        checks=[
            pa.Check(lambda df: len(df) >= PACK["min_rows"], name="min_rows"),
            pa.Check(lambda df: ~df.duplicated(subset=checked), name="feature_duplicates"),
            pa.Check(lambda df: labels_per_feature_group(df, features) <= 1, name="conflicting_labels"),
        ],
        unique=list(frame.columns),
        report_duplicates="exclude_first",
    )
    return _pandera_failures(schema, frame, SchemaErrors)


def run_pandera_min(frame: Any) -> dict[str, Any]:
    import pandera.pandas as pa
    from pandera.errors import SchemaErrors

    columns = {c: pa.Column(nullable=False) for c in frame.columns}
    columns[LABEL] = pa.Column(checks=pa.Check.isin(CLASSES), nullable=False)
    return _pandera_failures(pa.DataFrameSchema(columns), frame, SchemaErrors)


def _pandera_failures(schema: Any, frame: Any, errors: type[Exception]) -> dict[str, Any]:
    """Validate lazily (every check runs); failure cases counted per check."""
    try:
        schema.validate(frame, lazy=True)
    except errors as exc:
        cases = exc.failure_cases  # type: ignore[attr-defined]
        by_check = cases.groupby(cases["check"].astype(str)).size()
        return {"failure_cases": len(cases), "by_check": {k: int(v) for k, v in by_check.items()}}
    return {"failure_cases": 0, "by_check": {}}


def run_gx(frame: Any) -> dict[str, Any]:
    import great_expectations as gx

    checked, features = columns_of(frame)
    expect = gx.expectations
    missing = [*PACK["tokens"], *PACK["sentinels"], *(str(s) for s in PACK["sentinels"])]
    suite = [expect.ExpectTableRowCountToBeBetween(min_value=PACK["min_rows"])]
    for column in checked:
        suite.append(expect.ExpectColumnValuesToNotBeNull(column=column))
        suite.append(expect.ExpectColumnValuesToNotBeInSet(column=column, value_set=missing))
        if frame[column].dtype.kind not in "iuf":
            suite.append(expect.ExpectColumnValuesToNotMatchRegex(column=column, regex=r"^\s*$"))
    suite += [
        expect.ExpectColumnValuesToBeInSet(column=LABEL, value_set=list(CLASSES)),
        expect.ExpectColumnDistinctValuesToContainSet(column=LABEL, value_set=list(CLASSES)),
        expect.ExpectCompoundColumnsToBeUnique(column_list=list(frame.columns)),
        expect.ExpectCompoundColumnsToBeUnique(column_list=checked),
        expect.ExpectCompoundColumnsToBeUnique(column_list=features),
    ]
    return _gx_validate(frame, suite)


def run_gx_min(frame: Any) -> dict[str, Any]:
    import great_expectations as gx

    suite = [gx.expectations.ExpectColumnValuesToNotBeNull(column=c) for c in frame.columns]
    suite.append(gx.expectations.ExpectColumnValuesToBeInSet(column=LABEL, value_set=list(CLASSES)))
    return _gx_validate(frame, suite)


def _gx_validate(frame: Any, expectations: list[Any]) -> dict[str, Any]:
    """Validate ``frame`` as one batch of an ephemeral context's pandas data source."""
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    batch = (
        context.data_sources.add_pandas("bench")
        .add_dataframe_asset("frame")
        .add_batch_definition_whole_dataframe("all")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    suite = context.suites.add(gx.ExpectationSuite(name="bench"))
    for expectation in expectations:
        suite.add_expectation(expectation)
    result = batch.validate(suite)
    failed = {_gx_name(r.expectation_config): r.result.get("unexpected_count") for r in result.results if not r.success}
    raised = sum(bool(r.exception_info.get("raised_exception")) for r in result.results)
    return {"expectations": len(result.results), "failed": failed, "raised": raised}


def _gx_name(config: Any) -> str:
    """An expectation's type and the column(s) it checks, e.g. ``expect_column_values_to_not_be_null(age)``."""
    kwargs = config.kwargs
    column = kwargs.get("column") or f"{len(kwargs.get('column_list', []))} columns"
    return f"{config.type}({column})"


PEERS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "pandas": run_pandas,
    "pandera": run_pandera,
    "gx": run_gx,
    "pandera-min": run_pandera_min,
    "gx-min": run_gx_min,
}


def main(argv: list[str]) -> int:
    peer, path = argv
    print(json.dumps(PEERS[peer](read(path))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
