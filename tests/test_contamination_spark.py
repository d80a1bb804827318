"""A fine-tuning file matched against an evaluation set on Spark gives the local engine's
report: the index travels to the executors with the pickled task and the partitions' matches
come back without it."""

from __future__ import annotations

from pathlib import Path

import pytest

import dataaudit
from tests.test_contamination import EVAL, planted
from tests.test_spark_engine import spark
from tests.text_helpers import comparable

pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")]
__all__ = ["spark"]  # the session fixture, shared with the table tests


def test_planted_items_on_spark_report_as_locally(spark: object, tmp_path: Path) -> None:
    from dataaudit.engines.spark import SparkEngine

    path, _ = planted(tmp_path)
    big = tmp_path / "big.jsonl"
    big.write_text(path.read_text("utf-8") * 12, encoding="utf-8")  # 2.3 MB: two partitions of at most 2 MB
    options = {"eval_sets": [EVAL], "eval_fields": ["question", "best_answer"]}
    local = dataaudit.audit(big, **options).to_dict()
    on_spark = dataaudit.audit(big, engine=SparkEngine(session=spark), **options).to_dict()
    assert comparable(on_spark) == comparable(local)
    assert local["dataset"]["contamination"][0]["examples_matched"] >= 12 * 16
