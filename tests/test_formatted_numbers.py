"""Numbers as a spreadsheet formats them (`12,5`, `1.200,50`, `$1,200`, `12%`) are text to pandas,
pyarrow and a training script: a European export audited as it was read made its prices a
column of categories, and no check said why its numeric checks never ran."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.profile.values import formatted_numbers
from tests.cli_helpers import RUNNERS, Runner, audit_report

FORMATTED = ["12,5", "-3,75", "+1,0", "1.200,50", "1,200", "1,200.50", "1.234.567", "1\u202f200", "1'000",
             "$12.50", "12 €", "€ 1.234,5", "£7", "12%", " 3,5 "]
NOT_FORMATTED = ["abc", "12 kg", "1 200", "12,5,3", "1,20,000", "2020-01-01", "12.05.2020", "1.2.3", "192.168.1.1",
                 "$", "%", "12:30", "555-1234", "v1,2"]


def _found(texts: list[str]) -> list[bool]:
    return formatted_numbers(pa.array(texts, pa.string()), np.ones(len(texts), dtype=bool)).tolist()


def test_numbers_as_spreadsheets_write_them_are_told_from_other_text() -> None:
    assert _found(FORMATTED) == [True] * len(FORMATTED)
    assert _found(NOT_FORMATTED) == [False] * len(NOT_FORMATTED)


def test_only_the_texts_asked_about_are_matched() -> None:
    texts = pa.array(["12,5", "12,5", "cat"], pa.string())
    assert formatted_numbers(texts, np.array([False, True, True])).tolist() == [False, True, False]


def _european(path: Path, rows: int = 60) -> Path:
    """A semicolon export: prices with a decimal comma, amounts with thousands dots, a share with
    a percent sign, and a plain integer count."""
    lines = ["id;price;amount;share;count;label"]
    lines += [f"{i};{i % 17},{i % 10}5;{1 + i % 9}.{i:03d},50;{i % 50}%;{i % 7};{'ab'[i % 2]}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_european_export_names_each_column_of_formatted_numbers(tmp_path: Path, runner: Runner) -> None:
    report = audit_report(runner, [_european(tmp_path / "export.csv"), "-t", "label"], tmp_path, code=0)
    found = {f["column"]: f for f in report["findings"] if f["check"] == "columns.formatted_numbers"}
    assert sorted(found) == ["amount", "price", "share"]
    price = found["price"]
    assert price["severity"] == "warn" and price["observed"] == 60
    assert price["examples"][:3] == [0, 1, 2]
    assert price["message"].startswith("Column 'price': 60 of its 60 values are numbers as a spreadsheet formats "
                                       "them ('0,05' 1, ")
    assert price["details"]["values"]["0,05"] == 1 and len(price["details"]["values"]) == 20
    assert "decimal=','" in price["hint"]
    checks = {c["check"]: c["status"] for c in report["checks"]}
    assert checks["columns.formatted_numbers"] == "warn"
    # prices read as text are unique per row as floats are, not ids
    assert not [f for f in report["findings"] if f["check"] == "columns.unique" and f["column"] in found]


@settings(max_examples=15, deadline=None)
@given(chunk_rows=st.integers(1, 70))
def test_the_count_does_not_depend_on_how_the_file_is_chunked(tmp_path_factory: pytest.TempPathFactory,
                                                                chunk_rows: int) -> None:
    data = _european(tmp_path_factory.mktemp("chunks") / "export.csv", rows=50)
    report = dataaudit.audit(data, target="label", chunk_rows=chunk_rows)
    found = {f.column: (f.observed, f.examples[:5]) for f in report.findings if f.check == "columns.formatted_numbers"}
    assert found == {"amount": (50, [0, 1, 2, 3, 4]), "price": (50, [0, 1, 2, 3, 4]), "share": (50, [0, 1, 2, 3, 4])}
