"""Where two promises meet: a read-once or BOM-marked JSONL input cleaned with its JSON types
kept, a typed Parquet row quoted in a conflict, a BOM before a chat file's first line, and the
prompt/completion keys asked of a table. Each was a traceback or a hang before."""

from __future__ import annotations

import datetime
import json
import os
import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.cli_helpers import invoke, run

RUNNERS = {"installed": run, "click": invoke}
BOM = b"\xef\xbb\xbf"


def _typed_rows(rows: int = 240) -> bytes:
    """JSON Lines whose numbers and booleans a clean must write back as the input wrote them."""
    lines = [json.dumps({"id": i, "x": 1.10 if i % 2 else 7, "flag": i % 3 == 0, "label": "ab"[i % 2]})
             .replace('"x": 1.1,', '"x": 1.10,') for i in range(rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _cleaned(out: Path) -> list[str]:
    return out.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_jsonl_table_from_stdin_cleans_to_jsonl_with_its_types(runner: str, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    RUNNERS[runner](["clean", "-", "-t", "label", "-o", out], 0, stdin=_typed_rows())
    lines = _cleaned(out)
    assert len(lines) == 240
    assert lines[1] == '{"id": 1, "x": 1.10, "flag": false, "label": "b"}'
    assert lines[0] == '{"id": 0, "x": 7, "flag": true, "label": "a"}'


def test_a_jsonl_table_from_a_fifo_cleans_without_waiting_for_a_second_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "rows.jsonl"
    os.mkfifo(fifo)
    data = _typed_rows()

    def feed() -> None:
        with open(fifo, "wb") as handle:
            handle.write(data)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    out = tmp_path / "out.jsonl"
    run(["clean", fifo, "-t", "label", "-o", out], 0, timeout=120)
    writer.join(5)
    assert _cleaned(out)[1] == '{"id": 1, "x": 1.10, "flag": false, "label": "b"}'
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_jsonl_table_with_a_byte_order_mark_cleans_with_its_types(runner: str, tmp_path: Path) -> None:
    data = tmp_path / "rows.jsonl"
    data.write_bytes(BOM + _typed_rows())
    out = tmp_path / "out.jsonl"
    RUNNERS[runner](["clean", data, "-t", "label", "-o", out], 0)
    assert _cleaned(out)[0] == '{"id": 0, "x": 7, "flag": true, "label": "a"}'


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_conflict_in_a_typed_file_quotes_its_row_as_text(runner: str, tmp_path: Path) -> None:
    """Dates and bytes of a Parquet row have no JSON type: the quote holds their text."""
    rows = 120
    table = pa.table({
        "day": [datetime.date(2020, 1, 1 + i % 2) for i in range(rows)],
        "blob": [bytes([i % 2]) for i in range(rows)],
        "n": list(range(rows // 2)) * 2,
        "label": ["a"] * (rows // 2) + ["b"] * (rows // 2),
    })
    data = tmp_path / "typed.parquet"
    pq.write_table(table, data)
    report_json, page = tmp_path / "r.json", tmp_path / "r.html"
    RUNNERS[runner](["audit", data, "-t", "label", "-f", "json", "-o", report_json, "-f", "html", "-o", page], 1)
    (conflict,) = [f for f in json.loads(report_json.read_text())["findings"] if f["check"] == "labels.conflicts"]
    assert conflict["details"]["feature_row"]["values"] == {"day": '"2020-01-01"', "blob": '"\\u0000"', "n": "0"}
    assert "Their features:" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_chat_file_with_a_byte_order_mark_has_no_broken_first_line(runner: str, tmp_path: Path) -> None:
    lines = [{"messages": [{"role": "user", "content": f"question {i}"},
                           {"role": "assistant", "content": f"answer {i}"}]} for i in range(20)]
    data = tmp_path / "chats.jsonl"
    data.write_bytes(BOM + "".join(json.dumps(line) + "\n" for line in lines).encode("utf-8"))
    out, _ = RUNNERS[runner](["audit", data, "-f", "json"], 0)
    report = json.loads(out)
    assert report["source"]["kind"] == "chat"
    assert not [f for f in report["findings"] if f["check"] == "text.format_errors"]


@pytest.mark.parametrize("runner", RUNNERS)
def test_prompt_keys_asked_of_a_table_are_refused_in_one_line(runner: str, tmp_path: Path) -> None:
    data = tmp_path / "rows.csv"
    data.write_text("a,b\nx,y\n", encoding="utf-8")
    _, err = RUNNERS[runner](["audit", data, "--prompt-key", "a"], 2)
    assert err == (f"dataaudit: error: {data}: --prompt-key and --completion-key name the keys of a JSONL file, "
                   "not the columns of a CSV file (use --text-column)\n")


CHATS = Path(__file__).parent / "data" / "text" / "hhh_chat_60.jsonl"


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_chat_file_from_stdin_is_audited_as_the_chat_file_it_is(runner: str) -> None:
    from_file, _ = RUNNERS[runner](["audit", CHATS, "-f", "json"], 1)
    piped, _ = RUNNERS[runner](["audit", "-", "-f", "json"], 1, stdin=CHATS.read_bytes())
    expected, got = json.loads(from_file), json.loads(piped)
    assert got["source"]["path"] == "<stdin>" and got["source"]["kind"] == "chat"
    assert got["source"]["sha256"] == expected["source"]["sha256"]
    assert [(f["check"], f["observed"]) for f in got["findings"]] == \
           [(f["check"], f["observed"]) for f in expected["findings"]]


def test_a_chat_file_from_stdin_cleans_line_by_line_like_the_file(tmp_path: Path) -> None:
    piped, named = tmp_path / "piped.jsonl", tmp_path / "named.jsonl"
    run(["clean", "-", "-o", piped], 1, stdin=CHATS.read_bytes())
    run(["clean", CHATS, "-o", named], 1)
    assert piped.read_bytes() == named.read_bytes()
    manifest = json.loads((tmp_path / "piped.manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"]["input"]["path"] == "<stdin>" and manifest["lines"]["quarantined"] == 19
