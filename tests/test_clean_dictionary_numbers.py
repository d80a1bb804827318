"""Numbers stored dictionary-encoded are numbers to `impute` and `scale`: cleaned to the same
values as the column stored plain, and kept in their encoding.

A Parquet file's dictionary pages of numbers are read as a plain column (both files below clean
alike through the command); a pandas categorical or an Arrow table encoded in memory hands the
clean a dictionary column itself."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import dataaudit
from tests.cli_helpers import invoke, run

RUNNERS = [pytest.param(run, id="installed"), pytest.param(invoke, id="click")]
ROWS = 200
PACKS = {"impute": "preprocess:\n  impute: {numeric: mean}\n",
         "impute-scale": "preprocess:\n  impute: {numeric: mean}\n  scale: standard\n"}


def _columns() -> dict[str, list]:
    x = [None if i % 7 == 0 else round((i * 37 % 100) / 10, 1) for i in range(ROWS)]
    return {"x": x, "n": [None if i % 5 == 0 else i % 9 for i in range(ROWS)],
            "label": ["a" if (v or 0) > 5 else "b" for v in x]}


def _table(encoded: bool) -> pa.Table:
    columns = _columns()
    x, n = pa.array(columns["x"], pa.float64()), pa.array(columns["n"], pa.int64())
    if encoded:
        x, n = x.dictionary_encode(), n.dictionary_encode().cast(pa.dictionary(pa.int8(), pa.int64()))
    return pa.table({"x": x, "n": n, "label": columns["label"]})


@pytest.mark.parametrize("pack", PACKS)
def test_dictionary_encoded_numbers_are_imputed_and_scaled_as_plain_ones(tmp_path: Path, pack: str) -> None:
    rules = tmp_path / f"{pack}.yaml"
    rules.write_text(PACKS[pack])
    plain, encoded = (dataaudit.clean(_table(e), target="label", rules=rules, allow_large_quarantine=True).data
                      for e in (False, True))
    for name in ("x", "n"):
        assert encoded[name].astype(float).tolist() == plain[name].astype(float).tolist()
        assert not plain[name].isna().any()
        assert str(encoded[name].dtype) == "category"  # still encoded


@pytest.mark.parametrize("runner", RUNNERS)
def test_parquet_dictionary_pages_clean_as_plain_ones(tmp_path: Path, runner) -> None:
    rules = tmp_path / "steps.yaml"
    rules.write_text(PACKS["impute-scale"])
    table = _table(encoded=False)
    out = {}
    for dictionary in (False, True):
        data = tmp_path / f"in-{dictionary}.parquet"
        pq.write_table(table, data, use_dictionary=dictionary)
        out[dictionary] = tmp_path / f"out-{dictionary}.parquet"
        runner(["clean", data, "-t", "label", "-r", rules, "-o", out[dictionary], "-q", "--allow-large-quarantine"],
               0)
    plain, encoded = (pq.read_table(out[d]) for d in (False, True))
    assert encoded.equals(plain)
    assert encoded.column("x").null_count == 0


def _coded(distinct: int) -> pa.Table:
    """A column of `distinct` numbers (and nulls) encoded with int8 indices, the most they hold
    at 128: imputing its mean adds a number it does not hold."""
    values = [float(i % distinct) if i % 10 else None for i in range(400)]
    coded = pa.array(values, pa.float64()).dictionary_encode().cast(pa.dictionary(pa.int8(), pa.float64()))
    labels = ["a" if i % 2 else "b" for i in range(400)]
    return pa.table({"y": coded, "x": [i + 0.5 for i in range(400)], "label": labels})


def test_a_fill_that_fits_the_dictionary_indices_keeps_them(tmp_path: Path) -> None:
    rules = tmp_path / "impute.yaml"
    rules.write_text(PACKS["impute"])
    data = dataaudit.clean(_coded(127), target="label", rules=rules, allow_large_quarantine=True).data
    assert not data["y"].isna().any()
    assert len(data["y"].cat.categories) == 128  # all the int8 indices hold


def test_a_fill_past_what_the_dictionary_indices_hold_is_refused_in_one_line(tmp_path: Path) -> None:
    rules = tmp_path / "impute.yaml"
    rules.write_text(PACKS["impute"])
    with pytest.raises(dataaudit.InputError) as refused:
        dataaudit.clean(_coded(128), target="label", rules=rules, allow_large_quarantine=True)
    message = str(refused.value)
    assert message == ("column 'y' is dictionary-encoded with int8 indices, which hold 128 values, and its cleaned "
                       "values number 129: encode it with int32 indices, or not at all, before cleaning")
    assert "\n" not in message
