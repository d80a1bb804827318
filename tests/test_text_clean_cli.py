"""`dataaudit clean chats.jsonl`: a fine-tuning file is cleaned line by line, with the table
clean's paths, refusals, dry run, manifest and exit code; in-process and as the installed command."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.io.digest import file_sha256
from tests.cli_helpers import invoke, run

RUNNERS = {"invoke": invoke, "run": run}

LINES = [
    b'{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}\n',
    b'{"messages": [{"role": "user", "content": "  What is 2+2? "}, {"role": "assistant", "content": "4"}]}\n',
    b'{"messages": [{"role": "user", "content": "broken"\n',
    b'{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}\n',
    b'{"messages":[{"role":"user","content":"Gr\\u00fc\\u00dfe"},{"role":"assistant","content":"Hallo"}]}\n',
    b'{"messages": [{"role": "user", "content": "What is 2+2?"}, {"role": "assistant", "content": "4"}]}\n',
    b'{"messages": [{"role": "user", "content": "Anyone there?"}]}\n',
    b'{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Sky?"},'
    b'{"role":"assistant","content":"Blue."}]}',
]
#: line 2 trimmed: the only kept line whose bytes change
TRIMMED_2 = b'{"messages": [{"role": "user", "content": "What is 2+2?"}, {"role": "assistant", "content": "4"}]}\n'
QUARANTINED = [
    (3, "not_json", ["not_json"]),
    (4, "duplicate of line 1", ["duplicate"]),
    (6, "duplicate of line 2", ["duplicate"]),
    (7, "no_assistant", ["no_assistant"]),
]


@pytest.fixture
def chats(tmp_path: Path) -> Path:
    path = tmp_path / "chats.jsonl"
    path.write_bytes(b"".join(LINES))
    return path


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """The default pack wants 20 rows at least; these files are small on purpose."""
    pack = tmp_path / "small.yaml"
    pack.write_text("checks:\n  size:\n    min_rows: {warn: 1, fail: 1}\n", encoding="utf-8")
    return pack


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.mark.parametrize("runner", RUNNERS)
def test_broken_and_duplicate_lines_go_to_quarantine_the_rest_is_kept(runner: str, chats: Path, small: Path) -> None:
    out = chats.with_name("chats.clean.jsonl")
    _, stderr = RUNNERS[runner](["clean", chats, "-r", small, "-o", out], 0)
    assert out.read_bytes() == LINES[0] + TRIMMED_2 + LINES[4] + LINES[7]
    quarantine = chats.with_name("chats.clean.quarantine.jsonl")
    held = [json.loads(line) for line in quarantine.read_text("utf-8").splitlines()]
    assert [(e["line"], e["reason"], e["kinds"]) for e in held] == QUARANTINED
    assert [e["text"].encode() + b"\n" for e in held] == [LINES[n - 1] for n, _, _ in QUARANTINED]
    manifest = json.loads(chats.with_name("chats.clean.manifest.json").read_text("utf-8"))
    assert manifest["lines"] == {"in": 8, "out": 4, "quarantined": 4, "trimmed": 1, "stripped": 0, "redacted": 0}
    assert manifest["quarantine_reasons"] == {"not_json": 1, "duplicate": 2, "no_assistant": 1}
    files = manifest["files"]
    for name, path in (("input", chats), ("output", out), ("quarantine", quarantine)):
        assert (files[name]["sha256"], files[name]["bytes"]) == (file_sha256(path), path.stat().st_size)
    assert manifest["tool"] == {"name": "dataaudit", "version": dataaudit.__version__}
    assert manifest["parameters"]["format_kind"] == "chat" and manifest["audit"]["passed_after"] is True
    assert "4 lines written" in stderr and "(1 trimmed)" in stderr and "4 quarantined" in stderr
    assert "2 duplicate, 1 no_assistant, 1 not_json" in stderr


def test_the_report_is_the_text_audit_of_the_output(chats: Path, small: Path, tmp_path: Path) -> None:
    out, report = tmp_path / "out.jsonl", tmp_path / "after.json"
    stdout, _ = invoke(["clean", chats, "-r", small, "-o", out, "--report", report], 0)
    assert "Texts audited" in stdout and "out.jsonl" in stdout
    written = json.loads(report.read_text("utf-8"))
    audited = dataaudit.audit(out, rules=small).to_dict()
    for key in ("source", "dataset", "checks", "findings", "tables"):
        assert written[key] == audited[key], key


def test_default_rules_still_fail_a_tiny_file_exit_1(chats: Path, tmp_path: Path) -> None:
    stdout, _ = run(["clean", chats, "-o", tmp_path / "out.jsonl"], 1)
    assert "size.rows" in stdout and "FAILED" in stdout
    assert (tmp_path / "out.jsonl").is_file()


@pytest.mark.parametrize("runner", RUNNERS)
def test_dry_run_writes_nothing(runner: str, chats: Path, small: Path, tmp_path: Path) -> None:
    before = _files(tmp_path)
    stdout, stderr = RUNNERS[runner](["clean", chats, "-r", small, "-o", tmp_path / "out.jsonl", "--dry-run",
                                      "--report", tmp_path / "after.json"], 0)
    assert _files(tmp_path) == before
    assert "dry run, nothing written: 4 lines would be kept, 4 quarantined" in stderr
    assert "Texts audited" in stdout


def test_one_line_kept_is_said_in_the_singular(small: Path, tmp_path: Path) -> None:
    data = tmp_path / "one.jsonl"
    data.write_bytes(LINES[0] + LINES[3])  # the second a duplicate of the first
    _, stderr = run(["clean", data, "-r", small, "-o", tmp_path / "out.jsonl"], 0)
    assert "dataaudit: 1 line written to" in stderr
    _, stderr = run(["clean", data, "-r", small, "-o", tmp_path / "dry.jsonl", "--dry-run"], 0)
    assert "dry run, nothing written: 1 line would be kept, 1 quarantined" in stderr


@pytest.mark.parametrize("runner", RUNNERS)
def test_refusals_are_one_line_and_write_nothing(runner: str, chats: Path, small: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_bytes(b"keep me\n")
    before = _files(tmp_path)
    cases = [
        (["-o", chats], "refusing to overwrite the input"),
        (["-o", out], "already exists; pass --force"),
        (["-o", tmp_path / "new.jsonl", "-t", "label"], "--target (target) does not apply to a chat JSONL file"),
        (["-o", tmp_path / "new.jsonl", "--quarantine-suspected-labels"],
         "--quarantine-suspected-labels (quarantine_suspected_labels) does not apply to a chat JSONL file"),
        (["-o", tmp_path / "new.csv"], "are written as JSONL; name it .jsonl"),
    ]
    for args, message in cases:
        _, stderr = RUNNERS[runner](["clean", chats, "-r", small, *args], 2)
        assert stderr.startswith("dataaudit: error: ") and stderr.count("\n") == 1, stderr
        assert message in stderr
        assert _files(tmp_path) == before
    RUNNERS[runner](["clean", chats, "-r", small, "-o", out, "--force"], 0)
    assert out.read_bytes().startswith(LINES[0])


def test_format_kind_is_forced(tmp_path: Path, small: Path) -> None:
    pairs = tmp_path / "pairs.data"  # no .jsonl suffix: nothing is detected without --format-kind
    pairs.write_bytes(b'{"prompt": "Hi", "completion": " Hello"}\n{"prompt": "Hi", "completion": "Hello"}\n'
                      b'{"prompt": "Bye", "completion": "See you"}\n')
    out = tmp_path / "pairs.clean.jsonl"
    _, stderr = invoke(["clean", pairs, "-r", small, "--format-kind", "prompt-completion", "-o", out], 0)
    assert out.read_bytes() == b'{"prompt": "Hi", "completion": "Hello"}\n{"prompt": "Bye", "completion": "See you"}\n'
    assert "1 duplicate" in stderr


def test_written_files_get_the_mode_of_a_new_file(chats: Path, small: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    invoke(["clean", chats, "-r", small, "-o", out], 0)
    plain = tmp_path / "plain"
    plain.write_bytes(b"")
    mode = plain.stat().st_mode & 0o777
    for path in (out, tmp_path / "out.quarantine.jsonl", tmp_path / "out.manifest.json"):
        assert path.stat().st_mode & 0o777 == mode, path
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".")]  # no temporary file left behind


#: the examples of LINES as one pretty-printed JSON array, with an item that is no object
ARRAY_ITEMS = [*[json.loads(line) for i, line in enumerate(LINES) if i != 2][:5], 42, json.loads(LINES[7])]


def _as_spelled(item: Any) -> bytes:
    """An item as `json.dumps(items, indent=2)` spells it inside the array: one level deeper."""
    return json.dumps(item, indent=2).replace("\n", "\n  ").encode("utf-8")


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_json_array_is_cleaned_item_by_item_into_a_json_array(runner: str, tmp_path: Path, small: Path) -> None:
    """Items, not the file, are quarantined, by index; the output is an array again, each kept
    item that nothing changed written as the input spells it."""
    chats = tmp_path / "chats.json"
    chats.write_text(json.dumps(ARRAY_ITEMS, indent=2), encoding="utf-8")
    out = tmp_path / "chats.clean.json"
    _, stderr = RUNNERS[runner](["clean", chats, "-r", small, "-o", out], 0)
    held = [json.loads(line) for line in (tmp_path / "chats.clean.quarantine.jsonl").read_text("utf-8").splitlines()]
    assert [(e["item"], e["reason"], e["kinds"]) for e in held] == [
        (2, "duplicate of item 0", ["duplicate"]), (4, "duplicate of item 1", ["duplicate"]),
        (5, "not_object", ["not_object"])]
    assert [json.loads(e["text"]) for e in held] == [ARRAY_ITEMS[2], ARRAY_ITEMS[4], 42]
    kept = json.loads(out.read_text("utf-8"))
    trimmed = {"messages": [{"role": "user", "content": "What is 2+2?"}, {"role": "assistant", "content": "4"}]}
    assert kept == [ARRAY_ITEMS[0], trimmed, ARRAY_ITEMS[3], ARRAY_ITEMS[6]]
    for untouched in (0, 3, 6):  # byte for byte, indentation and all
        assert b"\n  " + _as_spelled(ARRAY_ITEMS[untouched]) in chats.read_bytes()
        assert b"\n  " + _as_spelled(ARRAY_ITEMS[untouched]) in out.read_bytes()
    manifest = json.loads((tmp_path / "chats.clean.manifest.json").read_text("utf-8"))
    lines = manifest["lines"]
    assert lines["in"] == lines["out"] + lines["quarantined"] == len(ARRAY_ITEMS)
    assert (lines["out"], lines["trimmed"]) == (4, 1)
    assert manifest["files"]["input"]["format"] == manifest["files"]["output"]["format"] == "json"
    assert manifest["files"]["quarantine"]["format"] == "jsonl" and manifest["parameters"]["examples_are"] == "items"
    assert "4 items written" in stderr and "3 quarantined" in stderr


def test_a_json_array_with_nothing_to_clean_is_written_back_as_it_was(tmp_path: Path, small: Path) -> None:
    for indent in (None, 1, 4):
        chats = tmp_path / f"chats{indent}.json"
        chats.write_text(json.dumps(ARRAY_ITEMS[:2] + ARRAY_ITEMS[3:4], indent=indent) + "\n", encoding="utf-8")
        out = tmp_path / f"out{indent}.json"
        (run if indent is None else invoke)(["clean", chats, "-r", small, "-o", out, "--no-trim"], 0)
        assert out.read_bytes() == chats.read_bytes()


def test_a_json_array_is_refused_a_jsonl_output(tmp_path: Path, small: Path) -> None:
    chats = tmp_path / "chats.json"
    chats.write_text(json.dumps(ARRAY_ITEMS), encoding="utf-8")
    _, err = run(["clean", chats, "-r", small, "-o", tmp_path / "out.jsonl"], 2)
    assert err == (f"dataaudit: error: {tmp_path / 'out.jsonl'}: the items of a JSON array are written as a JSON "
                   "array; name it .json\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chats.json", "small.yaml"]


examples = st.lists(st.one_of(st.sampled_from(ARRAY_ITEMS), st.fixed_dictionaries({"messages": st.just([
    {"role": "user", "content": "Say a word."}]), "id": st.integers(0, 3)})), max_size=12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(examples, st.sampled_from([None, 0, 2]))
def test_an_array_s_items_are_kept_or_quarantined_never_lost(tmp_path: Path, small: Path, items: list[Any],
                                                              indent: int | None) -> None:
    """Items in = items out + items quarantined; the items out are the items in, in their order,
    less those quarantined."""
    from dataaudit.text.clean import clean_jsonl

    chats, out, held = tmp_path / "in.json", tmp_path / "out.json", tmp_path / "held.jsonl"
    chats.write_text(json.dumps(items, indent=indent), encoding="utf-8")
    summary = clean_jsonl(chats, out, held, rules=small, format_kind="chat", trim=False)
    gone = {json.loads(line)["item"] for line in held.read_text("utf-8").splitlines()}
    assert summary.lines == len(items) == summary.kept + len(gone)
    assert json.loads(out.read_text("utf-8")) == [item for i, item in enumerate(items) if i not in gone]


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("command", ["audit", "clean"])
def test_lines_ending_in_a_carriage_return_alone_are_refused(runner: str, command: str, tmp_path: Path) -> None:
    """Such a chat file was read as a one-column table of 20 rows: no line was checked, a bad
    role passed, and the clean kept it."""
    chats = [json.dumps({"messages": [{"role": "user", "content": f"q{i}"},
                                      {"role": "assistant", "content": f"a{i}"}]}) for i in range(20)]
    data = tmp_path / "mac.jsonl"
    data.write_bytes("\r".join(chats).encode() + b"\r")
    args = [command, data] + (["-o", tmp_path / "out.jsonl"] if command == "clean" else [])
    out, err = RUNNERS[runner](args, 2)
    assert err.startswith(f"dataaudit: error: {data}: a chat file whose lines end in a carriage return alone")
    assert out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mac.jsonl"]
    data.write_bytes("\r\n".join(chats).encode() + b"\r\n")  # CR LF is a line end JSON Lines allows
    out, _ = RUNNERS[runner](["audit", data], 0)
    assert "(jsonl, 20 chat examples)" in out


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("command", ["audit", "clean"])
def test_a_fine_tuning_layout_forced_on_a_csv_file_is_refused(runner: str, command: str, tmp_path: Path) -> None:
    """The CSV was read as JSON Lines: every line a `not_json` error, exit 1."""
    data = tmp_path / "pets.csv"
    data.write_text("a,b,label\n1,x,cat\n2,y,dog\n")
    args = [command, data, "--format-kind", "chat"] + (["-o", tmp_path / "out.jsonl"] if command == "clean" else [])
    out, err = RUNNERS[runner](args, 2)
    assert err == (f"dataaudit: error: {data}: --format-kind chat reads a JSONL file, and the name says CSV; "
                   "rename it .jsonl if it holds JSON Lines\n") and out == ""
    chats = tmp_path / "chats.txt"  # a `.txt` may hold JSON Lines: the layout forced is read
    chats.write_text(json.dumps({"messages": [{"role": "user", "content": "q"}, {"role": "assistant",
                                                                                "content": "a"}]}) + "\n")
    out, _ = RUNNERS[runner](["audit", chats, "--format-kind", "chat"], 1)
    assert "(jsonl, 1 chat example)" in out
