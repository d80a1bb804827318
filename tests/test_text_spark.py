"""A fine-tuning file audited on Spark gives the report of the local engine: its lines read
with `spark.read.text`, split across partitions (the shared session's small
`maxPartitionBytes`), numbered from each partition's first line, merged in file order."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import dataaudit
from tests.cli_helpers import invoke
from tests.test_spark_engine import spark
from tests.text_helpers import audit_json, comparable, engine_files

pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")]
TEXT = Path(__file__).parent / "data" / "text"
FORMATS = Path(__file__).parent / "data" / "formats"
__all__ = ["spark"]  # the session fixture, shared with the table tests


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return engine_files(tmp_path_factory.mktemp("spark-text"), lines=10_000)


def _line_ends(folder: Path) -> Path:
    """Line ends the two readers must split alike: CRLF, a byte-order mark, a blank CRLF line,
    a lone CR inside a line (no line end for a JSONL reader), bytes that are not UTF-8, no final
    line end."""
    chat = b'{"messages": [{"role": "user", "content": "Hi %d"}, {"role": "assistant", "content": "Hello"}]}'
    path = folder / "line_ends.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + chat % 1 + b"\r\n" + chat % 2 + b"\r\n\r\n" + chat % 1 + b"\r" + chat % 3
                     + b"\n" + b'{"caf\xe9": 1}\n' + chat % 2)
    return path


def _spark_partitions(session: object, path: Path) -> int:
    return session.read.text(str(path)).rdd.getNumPartitions()  # type: ignore[attr-defined]


def test_chat_and_prompt_completion_files_on_spark_report_as_locally(spark: object, generated: dict[str, Path],
                                                                    tmp_path: Path) -> None:
    from dataaudit.engines.spark import SparkEngine

    files = [generated["chat"], generated["prompt-completion"], TEXT / "chat_errors.jsonl", _line_ends(tmp_path)]
    assert _spark_partitions(spark, generated["chat"]) > 1
    for path in files:
        local = dataaudit.audit(path).to_dict()
        on_spark = dataaudit.audit(path, engine=SparkEngine(session=spark)).to_dict()
        assert comparable(on_spark) == comparable(local), path.name
    assert local["dataset"]["rows"] == 6
    kinds = {f["details"]["kind"] for f in local["findings"] if f["check"] == "text.format_errors"}
    assert kinds == {"blank_line", "not_json", "not_utf8"}


def test_text_columns_on_spark_report_as_locally(spark: object) -> None:
    from dataaudit.engines.spark import SparkEngine

    options = {"target": "sentiment", "text_columns": ["review"], "rules": "default"}
    local = dataaudit.audit(TEXT / "reviews.csv", **options).to_dict()
    on_spark = dataaudit.audit(TEXT / "reviews.csv", engine=SparkEngine(session=spark), **options).to_dict()
    assert comparable(on_spark) == comparable(local)
    assert {"text.duplicates", "text.conflicts"} <= {f["check"] for f in local["findings"]}


def test_the_command_audits_a_chat_file_on_spark(spark: object, generated: dict[str, Path], tmp_path: Path) -> None:
    local = audit_json("invoke", [generated["chat"]], 0, tmp_path)
    on_spark = audit_json("invoke", [generated["chat"], "--engine", "spark"], 0, tmp_path)
    assert comparable(on_spark) == comparable(local)
    assert (on_spark["source"]["engine"], local["source"]["engine"]) == ("spark", "local")
    _, err = invoke(["audit", tmp_path / "nope.jsonl", "--format-kind", "chat", "--engine", "spark"], 2)
    assert err == f"dataaudit: error: {tmp_path / 'nope.jsonl'}: no such file\n"


def test_a_chat_file_through_a_chat_template_on_spark_reports_as_locally(spark: object, generated: dict[str, Path],
                                                                          tmp_path: Path) -> None:
    pytest.importorskip("tokenizers", reason="a tokenizer folder is read with the 'tokenizers' package")
    from dataaudit.datasets.tokenizer_folder import write_tokenizer_folder
    from dataaudit.engines.spark import SparkEngine

    words = generated["chat"].read_text(encoding="utf-8", errors="replace").split()[:50_000]
    options = {"tokenizer": write_tokenizer_folder(tmp_path / "tokenizer", "gemma", words), "max_length": 48}
    local = dataaudit.audit(generated["chat"], **options).to_dict()
    on_spark = dataaudit.audit(generated["chat"], engine=SparkEngine(session=spark), **options).to_dict()
    assert comparable(on_spark) == comparable(local)
    assert {"text.template_error", "text.over_max_length"} <= {f["check"] for f in local["findings"]}


@contextlib.contextmanager
def _partitions_of(session: Any, size: str) -> Iterator[None]:
    """Files cut into Spark partitions of about `size` bytes, so that a fixture of a few lines
    spans several partitions; the shared session's setting is put back afterwards."""
    key = "spark.sql.files.maxPartitionBytes"
    before = session.conf.get(key)
    session.conf.set(key, size)
    try:
        yield
    finally:
        session.conf.set(key, before)


def test_format_profiles_and_preference_pairs_on_spark_report_as_locally(spark: object) -> None:
    from dataaudit.engines.spark import SparkEngine

    profiles = sorted(path.name.removesuffix(".pass.jsonl") for path in FORMATS.glob("*.pass.jsonl"))
    cases: list[tuple[Path, dict[str, Any]]] = [
        (FORMATS / f"{name}.{outcome}.jsonl", {"format_profile": name}) for name in profiles
        for outcome in ("pass", "fail")]
    cases += [(TEXT / "hhh_pairs_40.jsonl", {"epochs": 3, "price_per_million": 8.0}),
              (TEXT / "hhh_alignment_pairs.jsonl", {"format_profile": "trl-preference"})]
    checks: set[str] = set()
    with _partitions_of(spark, "600"):
        for path, options in cases:
            assert _spark_partitions(spark, path) > 1, path.name
            local = dataaudit.audit(path, **options).to_dict()
            on_spark = dataaudit.audit(path, engine=SparkEngine(session=spark), **options).to_dict()
            assert comparable(on_spark) == comparable(local), path.name
            checks |= {f["check"] for f in local["findings"]}
    assert {"format.rules", "format.example_count", "format.training_size", "preference.length_bias"} <= checks


def test_the_command_judges_a_preference_file_by_its_profile_on_spark(spark: object, tmp_path: Path) -> None:
    args = [FORMATS / "openai-dpo.fail.jsonl", "--format-profile", "openai-dpo"]
    with _partitions_of(spark, "300"):
        local = audit_json("invoke", args, 1, tmp_path)
        on_spark = audit_json("invoke", [*args, "--engine", "spark"], 1, tmp_path)
    assert comparable(on_spark) == comparable(local)
    assert (on_spark["source"]["engine"], on_spark["source"]["kind"]) == ("spark", "preference")
