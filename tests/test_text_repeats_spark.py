"""A fine-tuning file's exact copies, conflicting answers, length outliers and near copies
decided on Spark: the local engine's findings, while the driver receives totals and first
examples, never a value per text nor a pair per near copy."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

import dataaudit
from dataaudit.checks.text import Rules
from dataaudit.text.accumulator import FileLines
from dataaudit.text.audit import text_spec
from dataaudit.text.tokens import token_counter
from tests.test_spark_clean import Fetched, _fetches_counted
from tests.test_spark_engine import spark
from tests.test_text_spark import _partitions_of, _spark_partitions
from tests.text_helpers import comparable, engine_files

pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")]
__all__ = ["spark"]  # the session fixture, shared with the table tests
REPEATS = {"text.duplicates", "text.conflicts", "text.length_outliers"}


def _as_instructions(pairs: Path, path: Path) -> Path:
    """The prompt/completion file in the Alpaca layout (instruction, output); a line that is not
    a prompt and a completion is kept as written, a format error there too."""
    with pairs.open("rb") as source, path.open("wb") as out:
        for raw in source:
            try:
                said = json.loads(raw)
                out.write(json.dumps({"instruction": said["prompt"], "output": said["completion"]}).encode() + b"\n")
            except (ValueError, KeyError, TypeError):
                out.write(raw)
    return path


def test_copies_conflicts_and_outliers_of_chat_and_instruction_files_on_spark_are_the_local_ones(
        spark: Any, tmp_path: Path) -> None:
    from dataaudit.engines.spark import SparkEngine

    files = engine_files(tmp_path, lines=4000)
    instructions = _as_instructions(files["prompt-completion"], tmp_path / "alpaca.jsonl")
    with _partitions_of(spark, "300k"):
        for path in (files["chat"], instructions):
            assert _spark_partitions(spark, path) > 1, path.name
            local = dataaudit.audit(path).to_dict()
            on_spark = dataaudit.audit(path, engine=SparkEngine(session=spark)).to_dict()
            assert comparable(on_spark) == comparable(local), path.name
            assert {f["check"] for f in local["findings"]} >= REPEATS, path.name
    assert local["source"]["kind"] == "instruction"


def _accumulated_on_spark(session: Any, chat: Path) -> tuple[Any, Any, int]:
    """The chat file's merged accumulator on Spark and locally, and the rows the jobs of the
    repeats (`spark_texts`) and of the near copies (`spark_near`), with the example queries they
    share with the table's duplicates (`spark_duplicates`), handed the driver on Spark."""
    from dataaudit.engines.local import LocalEngine
    from dataaudit.engines.spark import SparkEngine

    spec = text_spec(str(chat), "chat", Rules(), token_counter(None), unit="line")
    create = functools.partial(FileLines.create, spec)
    engine = SparkEngine(session=session)
    fetched: Fetched = []
    with _partitions_of(session, "200k"), _fetches_counted(fetched, type(session.range(1))):
        on_spark = engine.accumulate(engine.open_lines(chat), create)
    local = LocalEngine().accumulate(LocalEngine().open_lines(chat), create)
    modules = {"dataaudit.engines.spark_texts", "dataaudit.engines.spark_near", "dataaudit.engines.spark_duplicates"}
    return on_spark, local, sum(rows for caller, rows in fetched if caller in modules)


def test_what_reaches_the_driver_for_copies_conflicts_outliers_and_near_copies_does_not_grow_with_the_lines(
        spark: Any, tmp_path: Path) -> None:
    fetched, texts, near = [], [], []
    for lines in (1500, 6000):
        folder = tmp_path / str(lines)
        folder.mkdir()
        on_spark, local, rows = _accumulated_on_spark(spark, engine_files(folder, lines=lines)["chat"])
        assert not on_spark.partial.blocks, "a value per text reached the driver"
        assert on_spark.extract() == local.extract()
        fetched.append(rows)
        texts.append(on_spark.partial.repeats.texts)
        near.append(on_spark.partial.near.copies)
    k = on_spark.partial.spec.examples
    # repeats: two rows of totals, the four lengths in one row, k copies, k outliers, k conflict
    # groups and k rows of each; near copies: one row of totals and the first k copies
    most = (2 + 1 + k + k + k + k * k) + (1 + k)
    assert fetched[0] > 0 and fetched[1] <= most < texts[1] / 10
    assert fetched[1] <= fetched[0] + 4 * k  # only first examples fill up as the lines grow
    assert near[1] > 3 * (1 + k)  # more near copies than rows reach the driver for them
