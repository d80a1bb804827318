"""`dataaudit clean chats.jsonl`: a fine-tuning file is cleaned line by line, with the table
clean's paths, refusals, dry run, manifest and exit code; in-process and as the installed command."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

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
