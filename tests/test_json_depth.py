"""Values nested deep: read, counted and written back byte for byte as deep as every reader
reads (`MAX_JSON_DEPTH`, 920 levels, whatever the command); deeper, one line naming the file
and the line, exit 2, or, where a bad line is a finding (a fine-tuning file), that line counted
and quarantined as written."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataaudit.io.depth import MAX_JSON_DEPTH
from dataaudit.io.nested import parsed_json_text
from tests.cli_helpers import RUNNERS, Runner, audit_report

MESSAGES = [{"role": "user", "content": "a question"}, {"role": "assistant", "content": "an answer"}]


def _object(levels: int) -> str:
    return '{"a": ' * levels + "1.50" + "}" * levels


def _array(levels: int) -> str:
    return "[" * levels + "1" + "]" * levels


def _table(tmp_path: Path, levels: int) -> Path:
    """Three rows, the second's values nested `levels` deep (one with an escape: the clean then
    reads its line value by value)."""
    deep = f'{{"a": {_object(levels)}, "b": {_array(levels)}, "label": "\\u00e9"}}'
    lines = ['{"a": 1, "b": "x", "label": "p"}', deep, '{"a": 2, "b": "y", "label": "q"}']
    path = tmp_path / "data.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_table_line_900_levels_deep_is_read_and_written_back(tmp_path: Path, runner: Runner) -> None:
    data = _table(tmp_path, 900)
    assert audit_report(runner, [data, "-t", "label"], tmp_path)["dataset"]["rows"] == 3
    out = tmp_path / "out.jsonl"
    runner(["clean", data, "-t", "label", "-o", out], 1)
    assert out.read_bytes() == data.read_bytes()
    runner(["clean", data, "-t", "label", "-o", tmp_path / "out.csv", "--force"], 1)
    row = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8", newline="")))[1]
    assert (row["a"], row["b"]) == (_object(900).replace("1.50", "1.5"), _array(900))  # a fraction as a float


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_table_line_5000_levels_deep_is_named_by_its_line(tmp_path: Path, runner: Runner) -> None:
    data = _table(tmp_path, 5_000)
    for command in (["audit", data, "-t", "label"], ["clean", data, "-t", "label", "-o", tmp_path / "out.jsonl"]):
        _, err = runner(command, 2)
        assert err.startswith(f"dataaudit: error: {data}:2: JSON nested 5,001 levels deep, more than the 920 read")
        assert err.count("\n") == 1
    runner(["clean", data, "-t", "label", "-o", tmp_path / "out.jsonl", "--bad-rows", "quarantine"], 1)
    lines = data.read_text().splitlines(keepends=True)
    assert (tmp_path / "out.jsonl").read_text() == lines[0] + lines[2]
    quarantined = json.loads((tmp_path / "out.quarantine.jsonl").read_text())
    assert (quarantined["_line"], quarantined["_text"]) == (2, lines[1].rstrip("\n"))


def _chats(tmp_path: Path, levels: int, name: str = "train.jsonl") -> tuple[Path, list[str]]:
    lines = [json.dumps({"messages": MESSAGES, "meta": "DEEP"}).replace('"DEEP"', _object(levels)),
             json.dumps({"messages": [{**MESSAGES[0], "content": "another"}, MESSAGES[1]], "meta": 1})]
    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text("[\n  " + ",\n  ".join(lines) + "\n]\n", encoding="utf-8")
    else:
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path, lines


@pytest.mark.parametrize("name", ["train.jsonl", "train.json"])
@pytest.mark.parametrize("runner", RUNNERS)
def test_a_fine_tuning_line_900_levels_deep_is_read_and_written_back(tmp_path: Path, runner: Runner,
                                                                     name: str) -> None:
    data, _ = _chats(tmp_path, 900, name)
    assert audit_report(runner, [data], tmp_path)["dataset"]["texts"] == 2
    out = tmp_path / f"out{data.suffix}"
    runner(["clean", data, "-o", out], 1)
    assert out.read_bytes() == data.read_bytes()


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_fine_tuning_line_5000_levels_deep_is_a_line_that_is_no_json(tmp_path: Path, runner: Runner) -> None:
    data, lines = _chats(tmp_path, 5_000)
    report = audit_report(runner, [data], tmp_path)
    assert report["dataset"]["texts"] == 1
    assert next(f for f in report["findings"] if f["check"] == "text.format_errors")["examples"] == [1]
    runner(["clean", data, "-o", tmp_path / "out.jsonl"], 1)
    assert (tmp_path / "out.jsonl").read_text() == lines[1] + "\n"
    quarantined = json.loads((tmp_path / "out.quarantine.jsonl").read_text())
    assert (quarantined["line"], quarantined["kinds"], quarantined["text"]) == (1, ["not_json"], lines[0])


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_json_array_5000_levels_deep_is_named_by_its_line(tmp_path: Path, runner: Runner) -> None:
    data, _ = _chats(tmp_path, 5_000, "train.json")
    for command in (["audit", data], ["clean", data, "-o", tmp_path / "out.json"]):
        _, err = runner(command, 2)
        assert err.startswith(f"dataaudit: error: {data}:2: JSON nested 5,002 levels deep, more than the 920 read")
        assert err.count("\n") == 1


@given(st.integers(min_value=1, max_value=6_000), st.booleans())
def test_a_nested_value_is_written_at_any_depth(levels: int, arrays: bool) -> None:
    """As the reader parses it (a fraction as its bytes), built without the parser, so deeper
    than it reads: written as JSON writes it, the fraction as a float."""
    value: object = b"1.50"
    for _ in range(levels):
        value = [value] if arrays else {"a": value}
    assert parsed_json_text(value) == (_array(levels).replace("1", "1.5") if arrays
                                       else _object(levels).replace("1.50", "1.5"))


@pytest.mark.parametrize("runner", RUNNERS)
def test_audit_and_clean_read_json_to_the_same_depth(tmp_path: Path, runner: Runner) -> None:
    """A table line, a fine-tuning line and a JSON array of examples nested `MAX_JSON_DEPTH` levels
    deep are read by both commands; one level deeper, refused by both alike, its depth named."""
    deepest = MAX_JSON_DEPTH + 1
    too_deep = f"JSON nested {deepest:,} levels deep, more than the 920 read"
    table = _table(tmp_path, deepest - 1)  # the line's object is one level more
    for command in (["audit", table, "-t", "label"], ["clean", table, "-t", "label", "-o", tmp_path / "t.jsonl"]):
        _, err = runner(command, 2)
        assert err.startswith(f"dataaudit: error: {table}:2: {too_deep}")
    array, _ = _chats(tmp_path, deepest - 2, "train.json")  # the array and the item are two levels more
    for command in (["audit", array], ["clean", array, "-o", tmp_path / "a.json"]):
        _, err = runner(command, 2)
        assert err.startswith(f"dataaudit: error: {array}:2: {too_deep}")
    lines, _ = _chats(tmp_path, deepest - 1)  # the line's object is one level more
    assert next(f for f in audit_report(runner, [lines], tmp_path)["findings"]
                if f["check"] == "text.format_errors")["examples"] == [1]
    runner(["clean", lines, "-o", tmp_path / "l.jsonl"], 1)
    assert json.loads((tmp_path / "l.quarantine.jsonl").read_text())["kinds"] == ["not_json"]
    for levels, name in ((MAX_JSON_DEPTH - 1, "table.jsonl"), (MAX_JSON_DEPTH - 2, "read.json")):
        data = _table(tmp_path, levels) if name == "table.jsonl" else _chats(tmp_path, levels, name)[0]
        args = ["-t", "label"] if name == "table.jsonl" else []
        out = tmp_path / f"out-{name}"
        runner(["audit", data, *args], 1)
        runner(["clean", data, *args, "-o", out], 1)
        assert out.read_bytes() == data.read_bytes()
