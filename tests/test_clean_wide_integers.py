"""An integer column holding integers past 2^53 (a Parquet int64 or uint64: hashes, snowflake
ids kept as features) through impute and scale: the statistics and the scaled values are floats
as asked, a fill never rounds the integers it is written beside, and another split whose fill
would is refused in one line."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dataaudit.preprocess.numeric import Impute, Scale
from tests.cli_helpers import invoke

WIDE = 2**53 + 1  # the first integer a float64 rounds
INT64 = pa.int64()


def _table(values: list[int | None], kind: pa.DataType = INT64) -> pa.Table:
    n = len(values)
    return pa.table({"x": pa.array(values, kind), "y": [i / n for i in range(n)],
                     "label": ["p", "q"] * (n // 2)})


def _pack(tmp_path: Path, preprocess: str) -> Path:
    pack = tmp_path / "rules.yaml"
    pack.write_text(f"preprocess:\n  {preprocess}\n")
    return pack


def _x(values: int) -> list[int | None]:
    """Small integers with a wide one at row 3 and a null at row 5."""
    xs: list[int | None] = [i % 7 for i in range(values)]
    xs[3], xs[5] = WIDE, None
    return xs


@pytest.mark.parametrize("numeric", ["mean", "median"])
def test_impute_keeps_wide_integers_as_written(tmp_path: Path, numeric: str) -> None:
    data, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    xs = _x(40)
    pq.write_table(_table(xs), data)
    pack = _pack(tmp_path, f"impute: {{numeric: {numeric}, categorical: none}}")
    invoke(["clean", data, "-t", "label", "-r", pack, "-o", out], 0)
    written = pq.read_table(out).column("x")
    assert written.type == pa.int64()
    values = written.to_pylist()
    assert [v for i, v in enumerate(values) if i != 5] == [v for i, v in enumerate(xs) if i != 5]
    # the mean is a fraction, which would make floats of the column: its null stays; the median fills it
    assert values[5] is None if numeric == "mean" else values[5] == 3


@pytest.mark.parametrize("kind", [pa.int64(), pa.uint64()])
def test_scaling_a_column_of_wide_integers_gives_floats(tmp_path: Path, kind: pa.DataType) -> None:
    data, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    pq.write_table(_table(_x(40), kind), data)
    invoke(["clean", data, "-t", "label", "-r", _pack(tmp_path, "scale: standard"), "-o", out], 0)
    scaled = pq.read_table(out).column("x")
    assert scaled.type == pa.float64()
    assert max(scaled.drop_null().to_pylist()) == scaled[3].as_py() > 5  # the wide one, far out


def test_another_split_whose_fill_would_round_it_is_refused(tmp_path: Path) -> None:
    train, test = tmp_path / "train.parquet", tmp_path / "test.parquet"
    pq.write_table(_table([i % 7 if i != 5 else None for i in range(40)]), train)
    pq.write_table(_table(_x(6)), test)
    pack, fitted = _pack(tmp_path, "impute: {numeric: mean, categorical: none}"), tmp_path / "fit.json"
    invoke(["clean", train, "-t", "label", "-r", pack, "-o", tmp_path / "train.out.parquet",
            "--save-fitted", fitted], 0)
    fill = next(s for s in json.loads(fitted.read_text())["steps"] if s["step"] == "impute")["state"]["fill"]["x"]
    assert not float(fill).is_integer()
    out = tmp_path / "test.out.parquet"
    _, err = invoke(["clean", test, "-t", "label", "-r", pack, "-o", out, "--fitted", fitted,
                     "--allow-large-quarantine"], 2)
    assert "column 'x' holds integers past 2^53" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)), min_size=1, max_size=30),
       numeric=st.sampled_from(["mean", "median", "most_frequent"]))
@example(values=[None, 2**63 - 512], numeric="mean")  # the float mean rounds to 2^63, past an int64
def test_impute_writes_its_fill_into_nulls_and_changes_no_integer(values: list[int | None], numeric: str) -> None:
    batch = pa.RecordBatch.from_pydict({"x": pa.array(values, pa.int64())})
    imputed = Impute(numeric=numeric).fit(batch).transform(batch).column("x")
    assert len(imputed) == len(values)
    for before, after in zip(values, imputed.to_pylist(), strict=True):
        assert after == before if before is not None else after is None or math.isfinite(after)
    Scale("standard").fit(batch).transform(batch)  # floats as asked, never Arrow's refusal


@pytest.mark.parametrize(("kind", "fill"), [(INT64, "1.0e+20"), (pa.int8(), "1000"), (pa.uint8(), "-1")])
def test_a_constant_fill_past_the_column_type_makes_floats_as_a_fraction_does(
        tmp_path: Path, kind: pa.DataType, fill: str) -> None:
    """A pack's `fill_number` a column's integer type cannot hold ended the clean in Arrow's
    refusal to cast it (an internal error); the column becomes floats, as for a fraction."""
    data, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    pq.write_table(_table([i % 7 if i != 5 else None for i in range(40)], kind), data)
    pack = _pack(tmp_path, f"impute: {{numeric: constant, fill_number: {fill}}}")
    invoke(["clean", data, "-t", "label", "-r", pack, "-o", out], 0)
    filled = pq.read_table(out).column("x")
    assert filled.type == pa.float64()
    assert filled[5].as_py() == float(fill) and filled[4].as_py() == 4.0
