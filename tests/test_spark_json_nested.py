"""A JSON Lines table's arrays and objects read on Spark as the local reader reads them: as their
JSON text, a text column, so the same text checks run on them and a clean writes the same text."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.cli_helpers import invoke
from tests.test_spark_engine import spark

pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")]
__all__ = ["spark"]


def _nested(path: Path) -> Path:
    """Questions with lists of answers (one list repeated, as TruthfulQA's "I have no comment."),
    an object whose keys are not in alphabetical order, fractions written with trailing zeros."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(120):
            answers = ["I have no comment."] if i % 4 == 0 else [f"Answer {i} is true.", f"Réponse {i % 7}."]
            meta = {"zeta": i % 3, "alpha": {"score": f"{i % 5}.50", "tags": ["a", "b"][: i % 3]}}
            line = json.dumps({"question": f"What is question {i}?", "answers": answers, "meta": meta,
                               "label": "yes" if i % 3 else "no"}, ensure_ascii=False)
            out.write(line.replace(f'"{i % 5}.50"', f"{i % 5}.50") + "\n")
    return path


def _parts(folder: Path) -> pa.Table:
    return pa.concat_tables([pq.read_table(part) for part in sorted(folder.glob("*.parquet"))])


def reports_on_both_engines(data: Path, code: int, folder: Path) -> tuple[dict, dict]:
    """The JSON reports of `data` audited (`-t label`) locally and on Spark, each exiting `code`."""
    reports = []
    for engine in ("local", "spark"):
        out = folder / f"{engine}.json"
        invoke(["audit", data, "-t", "label", "-f", "json", "-o", out, "--engine", engine], code)
        reports.append(json.loads(out.read_text()))
    return reports[0], reports[1]


def test_nested_values_audit_alike_on_both_engines(spark: object, tmp_path: Path) -> None:
    local, on_spark = reports_on_both_engines(_nested(tmp_path / "qa.jsonl"), 0, tmp_path)
    assert local["findings"], "the file has findings to compare"
    assert on_spark["findings"] == local["findings"]
    assert on_spark["dataset"]["column_profiles"] == local["dataset"]["column_profiles"]
    assert on_spark["dataset"] == local["dataset"]


def test_nested_values_are_cleaned_into_the_same_text(spark: object, tmp_path: Path) -> None:
    data = _nested(tmp_path / "qa.jsonl")
    invoke(["clean", data, "-t", "label", "-o", tmp_path / "local.parquet"], 0)
    invoke(["clean", data, "-t", "label", "-o", tmp_path / "spark.parquet", "--engine", "spark"], 0)
    local, on_spark = pq.read_table(tmp_path / "local.parquet"), _parts(tmp_path / "spark.parquet")
    assert on_spark.schema.field("answers").type == pa.string()
    assert on_spark.to_pylist() == local.to_pylist()
    assert on_spark.column("meta")[0].as_py() == '{"zeta": 0, "alpha": {"score": 0.5, "tags": []}}'
    manifests = [json.loads((tmp_path / f"{name}.manifest.json").read_text()) for name in ("local", "spark")]
    assert manifests[1]["steps"] == manifests[0]["steps"]
