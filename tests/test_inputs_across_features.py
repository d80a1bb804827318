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
import pyarrow.csv as pacsv
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
    invoke(["clean", CHATS, "-o", named], 1)
    assert piped.read_bytes() == named.read_bytes()
    manifest = json.loads((tmp_path / "piped.manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"]["input"]["path"] == "<stdin>" and manifest["lines"]["quarantined"] == 19


TWEETS = Path(__file__).parent / "data" / "healthtweets_960.csv"
HELD_OUT = Path(__file__).parent / "data" / "text" / "healthtweets_300.csv"


def test_a_split_given_as_a_parquet_folder_is_an_evaluation_set_for_the_text_columns(tmp_path: Path) -> None:
    table = pacsv.read_csv(HELD_OUT)
    folder = tmp_path / "test"
    folder.mkdir()
    pq.write_table(table.slice(0, 150), folder / "a.parquet")
    pq.write_table(table.slice(150), folder / "b.parquet")
    as_folder, _ = invoke(["audit", TWEETS, "-t", "agency", "--split", f"test={folder}", "-f", "json"], 1)
    as_file, _ = invoke(["audit", TWEETS, "-t", "agency", "--split", f"test={HELD_OUT}", "-f", "json"], 1)
    found = [json.loads(out)["dataset"]["contamination"] for out in (as_folder, as_file)]
    assert found[0][0]["items_matched"] == found[1][0]["items_matched"] == 65


def test_a_json_array_of_chats_on_stdin_is_the_chat_file_it_is(tmp_path: Path) -> None:
    items = [json.loads(line) for line in CHATS.read_text(encoding="utf-8").splitlines() if line.strip()]
    out, _ = run(["audit", "-", "-f", "json"], 1, stdin=json.dumps(items).encode("utf-8"))
    source = json.loads(out)["source"]
    assert (source["format"], source["kind"], source["path"]) == ("json", "chat", "<stdin>")


def test_an_evaluation_set_that_is_not_there_is_refused_on_a_table_without_text(tmp_path: Path) -> None:
    penguins = Path(__file__).parent / "data" / "penguins.csv"
    _, err = invoke(["audit", penguins, "-t", "species", "--eval-set", tmp_path / "gone.jsonl"], 2)
    assert err == f"dataaudit: error: {tmp_path / 'gone.jsonl'}: no such evaluation set\n"


def test_personal_values_in_a_quoted_conflict_are_placeholders(tmp_path: Path) -> None:
    rows = ['"my email is alice.walker@gmail.com, call +1 415 555 0132",a',
            '"my email is alice.walker@gmail.com, call +1 415 555 0132",b',
            *(f'"row number {i} is plain",a' for i in range(25))]
    table = tmp_path / "t.csv"
    table.write_text("text,label\n" + "\n".join(rows) + "\n", encoding="utf-8")
    chats = tmp_path / "c.jsonl"
    chats.write_text("".join(json.dumps({"messages": [{"role": "user", "content": "Who do I write to?"},
                                                      {"role": "assistant", "content": f"Write to {who}."}]}) + "\n"
                             for who in ("bob.jenkins@gmail.com", "carol.smith@yahoo.com")), encoding="utf-8")
    table_out, _ = invoke(["audit", table, "-t", "label", "--text-column", "text", "-f", "json"], 1)
    chat_out, _ = invoke(["audit", chats, "-f", "json"], 1)
    assert "Their features: text='my email is [EMAIL], call [PHONE]'" in table_out
    assert "'Write to [EMAIL].'" in chat_out
    for secret in ("alice.walker", "415 555", "bob.jenkins", "carol.smith"):
        assert secret not in table_out + chat_out


def test_the_report_of_a_cleaned_chat_file_tells_its_languages(tmp_path: Path) -> None:
    report = tmp_path / "after.json"
    invoke(["clean", CHATS, "-o", tmp_path / "out.jsonl", "--report", report], 1)
    tables = {t["id"] for t in json.loads(report.read_text(encoding="utf-8"))["tables"]}
    assert "text.languages" in tables


def test_a_latin_1_json_array_of_chats_is_named_by_line_and_byte_whatever_the_encoding(tmp_path: Path) -> None:
    """A JSON array is parsed as UTF-8 before its layout is known, so `--encoding` cannot help: the
    one line says where the first byte that is not UTF-8 is, and what to do."""
    items = [{"messages": [{"role": "user", "content": "Quel temps fait-il ?"},
                           {"role": "assistant", "content": "Il fait très beau."}]}]
    path = tmp_path / "chats.json"
    path.write_bytes(json.dumps(items, ensure_ascii=False, indent=1).encode("latin-1"))
    offset = path.read_bytes().index("è".encode("latin-1"))
    line = path.read_bytes()[:offset].count(b"\n") + 1
    for args in (["audit", path], ["audit", path, "--encoding", "latin-1"], ["clean", path, "-o", tmp_path / "o.json"]):
        _, err = invoke(args, 2)
        assert err == (f"dataaudit: error: {path}:{line}: not UTF-8 text at byte {offset}; JSON is read as UTF-8 "
                       "whatever --encoding says: convert the file (iconv -f latin-1 -t utf-8)\n")


@pytest.mark.parametrize("kind", ["jsonl", "json"])
def test_a_cleaned_chat_file_keeps_its_byte_order_mark(kind: str, tmp_path: Path) -> None:
    chats = [json.dumps({"messages": [{"role": "user", "content": f"question number {i}"},
                                      {"role": "assistant", "content": f"answer number {i}"}]})
             for i in range(20)]
    text = "".join(c + "\n" for c in chats) if kind == "jsonl" else "[\n  " + ",\n  ".join(chats) + "\n]\n"
    data, out = tmp_path / f"chats.{kind}", tmp_path / f"out.{kind}"
    data.write_bytes(BOM + text.encode("utf-8"))
    invoke(["clean", data, "-o", out, "-q"], 0)
    # nothing to take out: the input's own bytes, the mark first
    assert out.read_bytes() == data.read_bytes()
