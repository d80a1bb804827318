"""A fine-tuning file goes through the engines like a table: `--jobs N` profiles its lines in
worker processes and gives the report `--jobs 1` gives, and a table's text columns are
profiled in the table's one pass. (Spark: tests/test_text_spark.py.)"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from unittest.mock import MagicMock

import pyarrow as pa
import pytest

import dataaudit
from dataaudit.checks.text import Rules
from dataaudit.engines.local import LocalEngine
from dataaudit.io import Source, open_source
from dataaudit.rules.load import load_rules
from dataaudit.text.audit import profile_text_file
from dataaudit.text.report import audit_text_file
from tests.cli_helpers import invoke
from tests.conftest import line_chunks_of
from tests.text_helpers import audit_json, comparable, engine_files, small_pack

TEXT = Path(__file__).parent / "data" / "text"
FORMATS = Path(__file__).parent / "data" / "formats"
REAL = [("chat", TEXT / "chat_errors.jsonl"), ("chat", TEXT / "hhh_chat_60.jsonl"),
        ("prompt-completion", TEXT / "prompt_completion.jsonl"), ("instruction", TEXT / "alpaca.jsonl")]
A = TypeVar("A")


@dataclass
class CountingEngine(LocalEngine):
    """The local engine, counting the chunks it hands to the accumulators."""

    chunks: int = 0

    def accumulate(self, source: Source, create: Callable[[], A]) -> A:
        read = source.read

        def counted() -> Iterator[pa.RecordBatch]:
            for batch in read():
                self.chunks += 1
                yield batch

        source.read = counted
        return super().accumulate(source, create)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return engine_files(tmp_path_factory.mktemp("engines"), lines=2_000)


@pytest.mark.parametrize(("kind", "path"), REAL, ids=[path.name for _, path in REAL])
def test_worker_processes_profile_real_files_as_one_process_does(kind: str, path: Path, workers: MagicMock) -> None:
    """Chunks of 3 lines, so that workers see many chunks and return them in any order (and
    alpaca's 6 lines, two chunks, on workers all the same)."""
    alone = profile_text_file(path, kind, Rules(), chunk_lines=3)
    assert profile_text_file(path, kind, Rules(), chunk_lines=3, engine=LocalEngine(jobs=2)) == alone
    assert workers.called
    assert profile_text_file(path, kind, Rules()) == alone


def test_the_audit_of_a_fine_tuning_file_runs_on_the_engine_it_is_given(tmp_path: Path) -> None:
    engine = CountingEngine(jobs=2)
    loaded = load_rules(small_pack(tmp_path))
    path = TEXT / "chat_errors.jsonl"
    report = audit_text_file(path, "chat", loaded, chunk_lines=4, engine=engine)
    assert engine.chunks == 6  # 21 lines, 4 a chunk
    expected = audit_text_file(path, "chat", loaded)
    assert comparable(report.to_dict()) == comparable(expected.to_dict())
    assert report.to_dict()["dataset"]["rows"] == 21
    assert (report.source.engine, expected.source.engine) == ("local", "local")


@pytest.mark.slow
@pytest.mark.parametrize("runner", ["invoke", "run"])
@pytest.mark.parametrize("kind", ["chat", "prompt-completion"])
def test_jobs_2_gives_the_report_of_jobs_1(generated: dict[str, Path], kind: str, runner: str,
                                           tmp_path: Path, workers: MagicMock) -> None:
    """In this process the file's 2,000 lines are read 256 at a time, eight chunks for the
    workers; the installed command reads them in one chunk of its 8,192 lines, which it profiles
    without workers (as it did the two chunks of a 10,000-line file)."""
    path = generated[kind]
    with line_chunks_of(256):  # both kinds fail the gate: the conflicting answers, planted 4 times as often
        one = audit_json(runner, [path, "--jobs", "1"], 1, tmp_path)
        two = audit_json(runner, [path, "--jobs", "2"], 1, tmp_path)
    assert workers.called is (runner == "invoke")  # the script's own process is out of the patch's reach
    assert comparable(two) == comparable(one)
    assert one["source"]["kind"] == kind
    found = {finding["check"] for finding in one["findings"]}
    assert {"text.format_errors", "text.duplicates", "text.near_duplicates", "text.conflicts",
            "text.too_long"} <= found
    assert one["dataset"]["rows"] == 2_000


def test_an_empty_file_on_workers_is_one_line_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")
    _, err = invoke(["audit", path, "--format-kind", "chat", "--jobs", "2"], 2)
    assert err.strip().splitlines() == [f"dataaudit: error: {path}: the file is empty"]


def _counted_source(table: pa.Table, reads: list[int]) -> Source:
    source = open_source(table, chunk_rows=4)
    read = source.read

    def counted() -> Iterator[pa.RecordBatch]:
        reads.append(1)
        yield from read()

    source.read = counted
    return source


def test_text_columns_are_profiled_in_the_table_pass() -> None:
    table = pa.table({"review": ["Great phone, lasts all day", "great phone, lasts all day!", "Broke in a week", None,
                                 "Great phone, lasts all day", "Fine", "Broke in a week", "ok"] * 3,
                      "stars": ["5", "5", "1", "3", "1", "3", "1", "4"] * 3})
    reads: list[int] = []
    report = dataaudit.audit(_counted_source(table, reads), target="stars", text_columns=["review"])
    assert len(reads) == 1
    alone = dataaudit.audit(table, target="stars", text_columns=["review"], chunk_rows=5,
                            engine=LocalEngine(jobs=2))
    assert report.profile is not None and alone.profile is not None
    assert report.profile.text == alone.profile.text
    text = report.profile.text[0]
    assert (text.name, text.records, text.duplicates, text.labelled) == ("review", 24, 16, True)  # 21 texts, 5 distinct
    assert text.conflict_groups > 0


@pytest.mark.parametrize("runner", ["invoke", "run"])
def test_text_columns_on_workers_give_the_report_of_one_process(runner: str, tmp_path: Path,
                                                                workers: MagicMock) -> None:
    args: list[Any] = [TEXT / "reviews.csv", "--target", "sentiment", "--text-column", "review",
                       "--rules", small_pack(tmp_path)]
    one = audit_json(runner, args, 1, tmp_path)
    two = audit_json(runner, [*args, "--jobs", "2"], 1, tmp_path)
    assert workers.called is (runner == "invoke")
    assert comparable(two) == comparable(one)
    assert {"text.duplicates", "text.near_duplicates", "text.conflicts"} <= {f["check"] for f in one["findings"]}


def _as_array(jsonl: Path, folder: Path) -> Path:
    """The lines of a JSONL file that are JSON, as one JSON array (as some consoles export a
    fine-tuning file)."""
    items = []
    for line in jsonl.read_text(encoding="utf-8").splitlines():
        with contextlib.suppress(ValueError):
            items.append(json.loads(line))
    path = folder / f"{jsonl.stem}.json"
    path.write_text(json.dumps(items, indent=1), encoding="utf-8")
    return path


def test_a_json_array_is_checked_in_chunks_by_the_engine_it_is_given(tmp_path: Path) -> None:
    path = _as_array(TEXT / "hhh_chat_60.jsonl", tmp_path)
    engine = CountingEngine(jobs=2)
    on_workers = profile_text_file(path, "chat", Rules(), chunk_lines=7, engine=engine)
    assert engine.chunks == 9  # 60 items, 7 a chunk
    assert on_workers == profile_text_file(path, "chat", Rules(), chunk_lines=7)
    assert on_workers == profile_text_file(path, "chat", Rules())
    assert (on_workers.unit, on_workers.records) == ("item", 60)


@pytest.mark.parametrize("runner", ["invoke", "run"])
def test_a_json_array_on_workers_gives_the_report_of_one_process(runner: str, tmp_path: Path,
                                                                 workers: MagicMock) -> None:
    path = _as_array(FORMATS / "openai-chat.fail.jsonl", tmp_path)
    args: list[Any] = [path, "--format-profile", "openai-chat"]
    one = audit_json(runner, [*args, "--jobs", "1"], 1, tmp_path)
    two = audit_json(runner, [*args, "--jobs", "2"], 1, tmp_path)
    assert workers.called is (runner == "invoke")
    assert comparable(two) == comparable(one)
    assert (one["source"]["format"], one["source"]["engine"]) == ("json", "local")
    assert {"format.rules", "format.training_size"} <= {f["check"] for f in one["findings"]}
