"""`--eval-field` names a field inside nested objects by its dotted path (`data.question`), in a
JSONL evaluation set as in a Parquet one's struct column; a path that leads nowhere in every
item is refused in one line naming it and the file, exit 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.cli_helpers import invoke, run
from tests.test_contamination import EVAL, _chat
from tests.text_helpers import audit_json

ITEMS = [json.loads(line) for line in EVAL.read_text("utf-8").splitlines()[:3]]
NESTED = [{"id": n, "data": {"question": r["question"], "answer": {"best": r["best_answer"]}}}
          for n, r in enumerate(ITEMS)]
FIELDS = ["--eval-field", "data.question", "--eval-field", "data.answer.best"]


def _train(folder: Path) -> Path:
    """Two unrelated chats and the second item asked and answered verbatim (line 3)."""
    train = folder / "train.jsonl"
    lines = [_chat("Tell me a joke.", "Why did the chicken cross the road? To get to the other side."),
             _chat("How do I boil an egg?", "Put it in boiling water for nine minutes."),
             _chat(ITEMS[1]["question"], ITEMS[1]["best_answer"])]
    train.write_text("\n".join(lines) + "\n", "utf-8")
    return train


def _card(report: dict[str, Any]) -> tuple[Any, ...]:
    card = report["dataset"]["contamination"][0]
    return card["fields"], card["items"], card["items_matched"], card["items_by_kind"]["exact"]


@pytest.mark.parametrize("runner", ["invoke", "run"])
def test_a_dotted_eval_field_reads_the_nested_value(tmp_path: Path, runner: str) -> None:
    evals = tmp_path / "eval.jsonl"
    evals.write_text("".join(json.dumps(r) + "\n" for r in NESTED), "utf-8")
    report = audit_json(runner, [_train(tmp_path), "--eval-set", evals, *FIELDS], 1, tmp_path)
    assert _card(report) == (["data.question", "data.answer.best"], 3, 1, 1)
    finding = next(f for f in report["findings"] if f["check"] == "contamination.eval_overlap")
    assert [m[:4] for m in finding["details"]["matches"]] == [[3, 2, "exact", "both"]]


def test_a_dotted_eval_field_reads_a_parquet_struct_column(tmp_path: Path) -> None:
    evals = tmp_path / "eval.parquet"
    pq.write_table(pa.Table.from_pylist(NESTED), evals)
    report = audit_json("invoke", [_train(tmp_path), "--eval-set", evals, *FIELDS], 1, tmp_path)
    assert _card(report) == (["data.question", "data.answer.best"], 3, 1, 1)


def test_a_key_spelled_with_a_dot_is_read_as_that_key(tmp_path: Path) -> None:
    evals = tmp_path / "eval.jsonl"
    flat = [{"data.question": r["question"], "data": {"question": "What is the airspeed of an unladen swallow?"}}
            for r in ITEMS]
    evals.write_text("".join(json.dumps(r) + "\n" for r in flat), "utf-8")
    report = audit_json("invoke", [_train(tmp_path), "--eval-set", evals, "--eval-field", "data.question"], 1,
                        tmp_path)
    assert _card(report) == (["data.question"], 3, 1, 1)


@pytest.mark.parametrize("runner", [invoke, run])
@pytest.mark.parametrize("field", ["data.missing", "data.question.text", "id.question"])
def test_a_dotted_field_leading_nowhere_is_one_line_and_exit_2(tmp_path: Path, runner: Any, field: str) -> None:
    evals = tmp_path / "eval.jsonl"
    evals.write_text("".join(json.dumps(r) + "\n" for r in NESTED), "utf-8")
    _, err = runner(["audit", _train(tmp_path), "--eval-set", evals, "--eval-field", field], 2)
    assert err.strip().splitlines() == [f"dataaudit: error: {evals}: no field {field!r} in the evaluation set"]

