"""Chat files as published: top-level keys beside `messages` (here BIG-bench HHH's `subset`) are
metadata, named with their counts; `clean` keeps them byte for byte or strips only them; a key
inside a message stays a line error naming the key and the line. In-process and as the
installed command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dataaudit.checks.text import Rules
from dataaudit.planning import CLEAN_CAPABILITIES
from dataaudit.text.audit import profile_text_file
from tests.cli_helpers import invoke
from tests.conftest import DATA
from tests.text_helpers import RUNNERS, audit_json, small_pack

CHAT = DATA / "text" / "hhh_alignment_chat_head.jsonl"
LINES = CHAT.read_bytes().splitlines(keepends=True)
#: the lines of the head that repeat an earlier conversation (see tests/data/SOURCES.md)
DUPLICATES = [2, 3, 5, 8, 9, 11, 14, 17, 20, 23, 26, 29]
KEPT = [n for n in range(1, len(LINES) + 1) if n not in DUPLICATES]


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return small_pack(tmp_path)


@pytest.mark.parametrize("runner", RUNNERS)
def test_metadata_is_an_info_finding_naming_keys_and_counts(runner: str, tmp_path: Path) -> None:
    report = audit_json(runner, [CHAT], 1, tmp_path)  # the duplicates fail the gate, not the metadata
    (metadata,) = [f for f in report["findings"] if f["check"] == "text.metadata"]
    assert metadata["severity"] == "info"
    assert metadata["details"]["keys"] == {"subset": 30}
    assert "'subset' 30" in metadata["message"]
    assert not [f for f in report["findings"] if f["check"] == "text.format_errors"]
    statuses = {c["check"]: c["status"] for c in report["checks"]}
    assert statuses["text.format_errors"] == "passed"
    out, _ = RUNNERS[runner](["audit", CHAT], 1)
    assert "text.metadata" in out and "'subset' 30" in out


@pytest.mark.parametrize("runner", RUNNERS)
def test_clean_keeps_metadata_lines_byte_for_byte(runner: str, tmp_path: Path, small: Path) -> None:
    out = tmp_path / "chat.clean.jsonl"
    _, stderr = RUNNERS[runner](["clean", CHAT, "-r", small, "-o", out], 1)  # conflicting answers still fail
    assert out.read_bytes() == b"".join(LINES[n - 1] for n in KEPT)
    held = [json.loads(line) for line in tmp_path.joinpath("chat.clean.quarantine.jsonl").read_text("utf-8")
            .splitlines()]
    assert [(e["line"], e["kinds"]) for e in held] == [(n, ["duplicate"]) for n in DUPLICATES]
    manifest = json.loads(tmp_path.joinpath("chat.clean.manifest.json").read_text("utf-8"))
    assert manifest["lines"] == {"in": 30, "out": 18, "quarantined": 12, "trimmed": 0, "stripped": 0, "redacted": 0}
    assert manifest["parameters"]["strip_metadata"] is False
    assert "18 lines written" in stderr and "(12 duplicate)" in stderr


@pytest.mark.parametrize("runner", RUNNERS)
def test_strip_metadata_drops_only_the_metadata_keys(runner: str, tmp_path: Path, small: Path) -> None:
    out = tmp_path / "chat.clean.jsonl"
    _, stderr = RUNNERS[runner](["clean", CHAT, "-r", small, "-o", out, "--strip-metadata"], 1)
    written = [json.loads(line) for line in out.read_bytes().splitlines()]
    expected = [{k: v for k, v in json.loads(LINES[n - 1]).items() if k != "subset"} for n in KEPT]
    assert written == expected
    manifest = json.loads(tmp_path.joinpath("chat.clean.manifest.json").read_text("utf-8"))
    assert manifest["lines"]["stripped"] == 18 and manifest["parameters"]["strip_metadata"] is True
    assert "18 without their metadata" in stderr
    report = audit_json(runner, [out, "-r", small], 1, tmp_path)
    assert "text.metadata" not in {f["check"] for f in report["findings"]}


def test_the_rule_pack_strips_metadata_and_the_command_line_overrides_it(tmp_path: Path, small: Path) -> None:
    pack = tmp_path / "strip.yaml"
    pack.write_text(small.read_text("utf-8") + "preprocess:\n  strip_metadata: true\n", encoding="utf-8")
    invoke(["clean", CHAT, "-r", pack, "-o", tmp_path / "stripped.jsonl"], 1)
    invoke(["clean", CHAT, "-r", pack, "-o", tmp_path / "kept.jsonl", "--keep-metadata"], 1)
    invoke(["clean", CHAT, "-r", small, "-o", tmp_path / "flag.jsonl", "--strip-metadata"], 1)
    assert b'"subset"' not in tmp_path.joinpath("stripped.jsonl").read_bytes()
    assert tmp_path.joinpath("stripped.jsonl").read_bytes() == tmp_path.joinpath("flag.jsonl").read_bytes()
    assert tmp_path.joinpath("kept.jsonl").read_bytes() == b"".join(LINES[n - 1] for n in KEPT)


@pytest.fixture
def with_message_key(tmp_path: Path) -> Path:
    """The head with a `rating` planted in the assistant message of line 4 (a key trainers reject)."""
    lines = list(LINES)
    record = json.loads(lines[3])
    record["messages"][1]["rating"] = 5
    lines[3] = json.dumps(record).encode() + b"\n"
    path = tmp_path / "rated.jsonl"
    path.write_bytes(b"".join(lines))
    return path


@pytest.mark.parametrize("runner", RUNNERS)
def test_unknown_key_inside_a_message_is_a_line_error_naming_key_and_line(runner: str, with_message_key: Path,
                                                                        tmp_path: Path, small: Path) -> None:
    report = audit_json(runner, [with_message_key], 1, tmp_path)
    (error,) = [f for f in report["findings"] if f["check"] == "text.format_errors"]
    assert (error["details"]["kind"], error["details"]["keys"], error["examples"]) == (
        "unknown_key", {"messages[].rating": 1}, [4])
    assert "line 4" in error["message"] and "'messages[].rating' 1" in error["message"]
    metadata = next(f for f in report["findings"] if f["check"] == "text.metadata")
    assert metadata["details"]["keys"] == {"subset": 30}
    out = tmp_path / "rated.clean.jsonl"
    RUNNERS[runner](["clean", with_message_key, "-r", small, "-o", out], 1)
    held = {entry["line"]: entry for entry in map(json.loads, tmp_path.joinpath("rated.clean.quarantine.jsonl")
                                                   .read_text("utf-8").splitlines())}
    assert (held[4]["reason"], held[4]["kinds"]) == ("unknown_key (messages[1].rating)", ["unknown_key"])


def test_listed_allowed_keys_make_every_other_top_level_key_an_error() -> None:
    text = profile_text_file(CHAT, "chat", Rules(allowed_keys=["id"]))
    assert text.errors == {"unknown_key": 30}
    assert text.error_keys == {"unknown_key": {"subset": 30}}
    assert text.metadata == {}
    listed = profile_text_file(CHAT, "chat", Rules(allowed_keys=["subset"]))
    assert (listed.errors, listed.metadata) == ({}, {"subset": 30})


@pytest.mark.parametrize("runner", RUNNERS)
def test_fine_tuning_options_on_a_table_are_refused(runner: str, tmp_path: Path) -> None:
    for flag, option in (("--strip-metadata", "strip_metadata"), ("--keep-metadata", "strip_metadata"),
                         ("--no-trim", "trim")):
        _, stderr = RUNNERS[runner](["clean", DATA / "iris.csv", "-t", "target", "-o", tmp_path / "out.csv", flag], 2)
        capability = CLEAN_CAPABILITIES[option]
        assert stderr == f"dataaudit: error: {DATA / 'iris.csv'}: {capability.spelled(option)} does not apply to a " \
                         f"single table: {capability.purpose}\n"
    assert list(tmp_path.iterdir()) == []
