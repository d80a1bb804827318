"""`dataaudit audit` on fine-tuning files and text columns, in-process and as the installed command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_helpers import invoke, run
from tests.conftest import DATA
from tests.test_text_audit import CHAT_ERRORS, EXPECTED_CHAT_ERRORS

TEXT = DATA / "text"
RUNNERS = {"in-process": invoke, "subprocess": run}


@pytest.mark.parametrize("runner", RUNNERS)
def test_chat_file_is_detected_and_fails_the_gate(runner: str) -> None:
    out, _ = RUNNERS[runner](["audit", CHAT_ERRORS], 1)
    assert "text.format_errors" in out
    assert "(unknown_role)" in out
    assert "e.g. lines: 11" in out
    assert "Format errors by kind" in out


@pytest.mark.parametrize("runner", RUNNERS)
def test_json_report_carries_findings_and_tables(runner: str, tmp_path: Path) -> None:
    report_path = tmp_path / "report.json"
    RUNNERS[runner](["audit", CHAT_ERRORS, "--format", "json", "-o", report_path], 1)
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["source"]["kind"] == "chat"
    kinds = {f["details"]["kind"]: f["examples"] for f in report["findings"] if f["check"] == "text.format_errors"}
    assert kinds == EXPECTED_CHAT_ERRORS
    assert {t["id"] for t in report["tables"]} == {"text.summary", "text.lengths", "text.errors", "text.languages"}


@pytest.mark.parametrize("runner", RUNNERS)
def test_clean_real_file_passes(runner: str) -> None:
    out, _ = RUNNERS[runner](["audit", TEXT / "azure_openai_example.jsonl", "--rules", "finetune-small"], 0)
    assert "PASSED" in out
    assert "Length distributions" in out


def test_format_kind_is_forced(tmp_path: Path) -> None:
    out, _ = invoke(["audit", TEXT / "prompt_completion.jsonl", "--format-kind", "prompt-completion"], 1)
    assert "(field_missing)" in out
    out, _ = invoke(["audit", TEXT / "alpaca.jsonl", "--format-kind", "table"], 1)
    assert "text.format_errors" not in out
    assert "(jsonl, 6 rows x 3 columns)" in out


def test_text_column_on_a_table() -> None:
    out, _ = invoke(["audit", TEXT / "reviews.csv", "-t", "sentiment", "-i", "id", "--text-column", "review"], 1)
    assert "text.near_duplicates  [review]" in out
    assert "e.g. rows: 7" in out


@pytest.mark.parametrize("runner", RUNNERS)
def test_missing_tokenizer_is_an_input_error(runner: str, tmp_path: Path) -> None:
    _, err = RUNNERS[runner](["audit", CHAT_ERRORS, "--tokenizer", tmp_path / "tokenizer.json"], 2)
    assert "no such tokenizer folder or file" in err
    assert "Traceback" not in err


def test_tokenizer_file_counts_tokens(tmp_path: Path) -> None:
    tokenizers = pytest.importorskip("tokenizers", reason="counting with a tokenizer file needs 'tokenizers'")
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import Whitespace

    words = ["paris", "is", "the", "capital", "of", "france", "what", "who", "discovered", "antarctica"]
    tokenizer = tokenizers.Tokenizer(WordLevel({w: i for i, w in enumerate(["[UNK]", *words])}, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = Whitespace()
    path = tmp_path / "tokenizer.json"
    tokenizer.save(str(path))
    report_path = tmp_path / "report.json"
    invoke(["audit", TEXT / "azure_openai_example.jsonl", "--tokenizer", path, "-f", "json", "-o", report_path], 1)
    report = json.loads(report_path.read_text(encoding="utf-8"))
    lengths = next(t for t in report["tables"] if t["id"] == "text.lengths")
    assert "tokenizer tokenizer.json" in lengths["note"]
    messages = [m["content"] for line in (TEXT / "azure_openai_example.jsonl").read_text().splitlines()
                for m in json.loads(line)["messages"]]
    expected = [len(tokenizer.encode(m if isinstance(m, str) else "\n".join(
        p["text"] for p in m if p["type"] == "text"), add_special_tokens=False).ids) for m in messages]
    row = next(r for r in lengths["rows"] if r[0] == "tokens per message")
    assert (row[1], row[2], row[6]) == (len(expected), min(expected), max(expected))
