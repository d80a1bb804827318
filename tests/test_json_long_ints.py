"""An integer of more digits than Python turns into an int (4,300 by default): read, counted and
written back as written, in a table JSONL file, a fine-tuning file, a JSON array and on standard
input; the process's own limit left as it is."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataaudit.io.json_array import array_items
from dataaudit.jsontext import PLAIN, with_long_ints, written_dumps
from tests.cli_helpers import RUNNERS, Runner, audit_report, invoke

LONG = "9" * 5_000
CHAT = {"messages": [{"role": "user", "content": "a question"}, {"role": "assistant", "content": "an answer"}]}


def _lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _table(tmp_path: Path) -> Path:
    return _lines(tmp_path / "data.jsonl", ['{"a": 1, "b": "x", "label": "p"}',
                                            f'{{"a": {LONG}, "b": "y", "label": "q"}}',
                                            f'{{"a": -{LONG}, "b": {{"n": [{LONG}, 1.50]}}, "label": "p"}}'])


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_table_line_holding_a_long_integer_is_read_and_cleaned_as_written(tmp_path: Path, runner: Runner) -> None:
    data = _table(tmp_path)
    report = audit_report(runner, [data, "-t", "label"], tmp_path)
    assert report["dataset"]["rows"] == 3
    assert not [f for f in report["findings"] if f["check"] == "source.bad_rows"]
    out = tmp_path / "out.jsonl"
    runner(["clean", data, "-t", "label", "-o", out], 1)
    assert out.read_bytes() == data.read_bytes()  # no step changes a line: each is written back byte for byte


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_long_integer_is_a_cell_of_its_digits_in_a_table_output(tmp_path: Path, suffix: str) -> None:
    data = _table(tmp_path)
    out = tmp_path / f"out{suffix}"
    invoke(["clean", data, "-t", "label", "-o", out], 1)
    if suffix == ".csv":
        rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
        cells, nested = [row["a"] for row in rows], rows[2]["b"]
    else:
        table = pq.read_table(out)
        cells, nested = table.column("a").to_pylist(), table.column("b").to_pylist()[2]
    assert cells == ["1", LONG, f"-{LONG}"]
    assert f"[{LONG}, 1.5]" in nested  # a nested value: its long integer as written, its fraction as a float


@pytest.mark.parametrize("line", [
    {**CHAT, "score": "LONG"},
    {"instruction": "do it", "output": "done", "meta": {"n": "LONG"}},
    {"prompt": "which one", "chosen": "this", "rejected": "that", "score": "LONG"},
], ids=["chat", "instruction", "preference"])
@pytest.mark.parametrize("runner", RUNNERS)
def test_a_fine_tuning_line_holding_a_long_integer_is_a_valid_line(tmp_path: Path, runner: Runner, line: dict) -> None:
    other = json.loads(json.dumps(line).replace("do it", "do that").replace("question", "query")
                       .replace("which one", "which other"))
    data = _lines(tmp_path / "train.jsonl", [json.dumps(line).replace('"LONG"', LONG), json.dumps(other)])
    assert audit_report(runner, [data], tmp_path)["dataset"]["texts"] == 2  # both lines read, neither "not JSON"
    out = tmp_path / "out.jsonl"
    runner(["clean", data, "-o", out], 1)
    assert out.read_bytes() == data.read_bytes()


@pytest.mark.parametrize("number", ["5", LONG])
def test_a_long_integer_is_a_number_to_the_line_checks(tmp_path: Path, number: str) -> None:
    """A message whose content is an integer is no text, whatever its digits."""
    line = json.dumps({"messages": [{"role": "user", "content": "N"}, CHAT["messages"][1]]}).replace('"N"', number)
    data = _lines(tmp_path / "train.jsonl", [line, json.dumps(CHAT)])
    report = audit_report(invoke, [data], tmp_path)
    assert next(f for f in report["findings"] if f["check"] == "text.format_errors")["examples"] == [1]
    invoke(["clean", data, "-o", tmp_path / "out.jsonl"], 1)
    quarantined = json.loads((tmp_path / "out.quarantine.jsonl").read_text())
    assert (quarantined["kinds"], quarantined["text"]) == (["content_not_text"], line)


def test_a_trimmed_fine_tuning_line_keeps_its_long_integer(tmp_path: Path) -> None:
    line = {"messages": [{"role": "user", "content": "  padded  "}, {"role": "assistant", "content": "ok"}]}
    data = _lines(tmp_path / "train.jsonl", [json.dumps({**line, "n": "LONG"}).replace('"LONG"', LONG)])
    out = tmp_path / "out.jsonl"
    invoke(["clean", data, "-o", out, "--trim"], 1)
    assert out.read_text() == json.dumps({"messages": [{"role": "user", "content": "padded"}, line["messages"][1]],
                                          "n": "LONG"}).replace('"LONG"', LONG) + "\n"


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_json_array_holding_a_long_integer_is_read_and_cleaned_as_written(tmp_path: Path, runner: Runner) -> None:
    data = tmp_path / "train.json"
    items = [json.dumps({**CHAT, "n": "LONG"}).replace('"LONG"', LONG),
             json.dumps({"messages": [{"role": "user", "content": "b"}, {"role": "assistant", "content": "c"}]})]
    data.write_text("[\n  " + ",\n  ".join(items) + "\n]\n", encoding="utf-8")
    assert audit_report(runner, [data], tmp_path)["dataset"]["texts"] == 2
    out = tmp_path / "out.json"
    runner(["clean", data, "-o", out], 1)
    assert out.read_bytes() == data.read_bytes()


@pytest.mark.parametrize("runner", RUNNERS)
def test_standard_input_holding_a_long_integer_is_read(tmp_path: Path, runner: Runner) -> None:
    data = _table(tmp_path)
    stdout, _ = runner(["audit", "-", "-t", "label"], 1, stdin=data.read_bytes())
    assert "<stdin> (jsonl, 3 rows x 3 columns)" in stdout
    chat = json.dumps({**CHAT, "n": "LONG"}).replace('"LONG"', LONG).encode() + b"\n"
    stdout, _ = runner(["audit", "-"], 1, stdin=chat)
    assert "<stdin> (jsonl, 1 chat example)" in stdout


def test_the_process_keeps_its_limit(tmp_path: Path) -> None:
    limit = sys.get_int_max_str_digits()
    invoke(["audit", _table(tmp_path), "-t", "label"], 1)
    assert sys.get_int_max_str_digits() == limit


#: JSON values holding integers of any length, as `json.dumps` spaces them
_INTEGERS = st.integers(min_value=1, max_value=6_000).map(lambda n: "7" * n)
_STRINGS = st.text(max_size=5).map(lambda text: json.dumps(text, ensure_ascii=False))
_VALUES = st.recursive(
    st.one_of(_INTEGERS, st.booleans().map(json.dumps), _STRINGS),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda items: f"[{', '.join(items)}]"),
        st.dictionaries(_STRINGS, inner, max_size=3).map(
            lambda members: "{" + ", ".join(f"{key}: {value}" for key, value in members.items()) + "}")),
    max_leaves=6)


@given(_VALUES)
def test_json_text_holding_long_integers_is_written_back_as_it_was(text: str) -> None:
    assert written_dumps(with_long_ints(lambda parser: parser.decode(text), PLAIN)) == text


def test_an_array_item_with_a_long_integer_and_a_lone_surrogate_keeps_the_integer_a_number(tmp_path: Path) -> None:
    """The item's text escapes the surrogate and every other character past ASCII, its numbers
    as they were written: the integer stays a number, not the string of its digits."""
    digits = "9" * 5_000
    path = tmp_path / "data.json"
    path.write_text(f'[{{"id": {digits}, "text": "caf\\u00e9 \\ud800 \\ud83d\\ude00"}}]', encoding="utf-8")
    [item] = array_items(path)
    assert item == f'{{"id": {digits}, "text": "caf\\u00e9 \\ud800 \\ud83d\\ude00"}}'.encode()
