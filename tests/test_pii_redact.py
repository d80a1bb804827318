"""`dataaudit clean --redact`: each personal value and secret in a fine-tuning file's texts
becomes its placeholder, every other byte of the line stays, the manifest counts the
replacements per kind and role, and nothing changes without the option."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataaudit.checks.text import Rules
from dataaudit.pii.redact import redact, redact_kinds
from dataaudit.profile.pii import PII_KINDS
from dataaudit.text.audit import layout_of
from dataaudit.text.redact_lines import redact_line
from tests.cli_helpers import invoke, run
from tests.pii_helpers import chat_line, write_planted_chat

CHAT = layout_of("chat", Rules())
ALL = frozenset(PII_KINDS)


def _expected_line(line: str, texts: list[tuple[str, list[tuple[str, str]]]]) -> str:
    """The line with each planted value replaced in the JSON string of its text, nothing else."""
    for text, planted in texts:
        redacted = text
        for kind, value in planted:
            redacted = redacted.replace(value, PII_KINDS[kind][1], 1)
        for ascii_only in (True, False):  # the user's turn is written with \u escapes, the assistant's without
            before, after = (json.dumps(t, ensure_ascii=ascii_only) for t in (text, redacted))
            line = line.replace(before, after, 1)
    return line


@pytest.mark.parametrize("runner", ["run", "invoke"])
def test_redact_pii_round_trip(tmp_path: Path, runner: str) -> None:
    source = tmp_path / "chats.jsonl"
    texts, planted = write_planted_chat(source, 160, seed=21)
    out = tmp_path / "clean.jsonl"
    {"run": run, "invoke": invoke}[runner](["clean", source, "-o", out, "--redact", "pii"], 0)
    lines_in = source.read_text("utf-8").splitlines(keepends=True)
    lines_out = out.read_text("utf-8").splitlines(keepends=True)
    assert len(lines_out) == len(lines_in)
    for line_in, line_out, item in zip(lines_in, lines_out, texts, strict=True):
        assert line_out == _expected_line(line_in, [(item.text, item.planted)])
        assert "owner@corp-mail.com" in line_out  # the metadata id is no text: kept
    manifest = json.loads((tmp_path / "clean.manifest.json").read_text("utf-8"))
    assert {kind: sum(places.values()) for kind, places in manifest["redactions"].items()} == planted
    assert manifest["lines"]["in"] == manifest["lines"]["out"] == 160
    assert manifest["lines"]["redacted"] == sum(1 for item in texts if item.planted)
    assert manifest["parameters"]["redact"] == list(PII_KINDS)
    assert set(manifest["redactions"]["private_key"]) <= {"user", "assistant"}
    report = tmp_path / "after.json"
    invoke(["audit", out, "-f", "json", "-o", report], 0)
    statuses = {c["check"]: c["status"] for c in json.loads(report.read_text("utf-8"))["checks"]}
    assert statuses["pii.secrets"] == statuses["pii.personal"] == "passed"


def test_secrets_only_leaves_personal_data(tmp_path: Path) -> None:
    source = tmp_path / "chats.jsonl"
    source.write_text(chat_line("mail jane.doe@gmail.com, key AKIAQ7XR2PLM5TZ4WKJD", "ok", "1"), encoding="utf-8")
    out = tmp_path / "clean.jsonl"
    invoke(["clean", source, "-o", out, "--redact", "secrets,url_credentials"], 1)
    assert json.loads(out.read_text("utf-8"))["messages"][0]["content"] == "mail jane.doe@gmail.com, key [SECRET]"


def test_without_redact_nothing_changes(tmp_path: Path) -> None:
    source = tmp_path / "chats.jsonl"
    write_planted_chat(source, 40, seed=2)
    out = tmp_path / "clean.jsonl"
    invoke(["clean", source, "-o", out], 1)
    assert out.read_bytes() == source.read_bytes()
    manifest = json.loads((tmp_path / "clean.manifest.json").read_text("utf-8"))
    assert manifest["redactions"] == {} and manifest["parameters"]["redact"] == []


def test_a_dry_run_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "chats.jsonl"
    write_planted_chat(source, 20, seed=2)
    _, err = invoke(["clean", source, "-o", tmp_path / "clean.jsonl", "--redact", "pii", "--dry-run"], 0)
    assert "dry run" in err and not (tmp_path / "clean.jsonl").exists()


@pytest.mark.parametrize("value", ["emails", "pii,passwords"])
def test_an_unknown_kind_is_one_line_and_exit_2(tmp_path: Path, value: str) -> None:
    source = tmp_path / "chats.jsonl"
    write_planted_chat(source, 5)
    _, err = invoke(["clean", source, "-o", tmp_path / "clean.jsonl", "--redact", value], 2)
    assert err.strip().splitlines() == [err.strip()] and "choose among pii, personal, secrets, email" in err
    assert "Traceback" not in err and not (tmp_path / "clean.jsonl").exists()


@pytest.mark.parametrize("value", ["", " ", ",", "secrets,", ", ,"])
def test_a_value_naming_nothing_is_one_line_and_exit_2_unless_it_names_something(tmp_path: Path, value: str) -> None:
    """`--redact ""` would redact nothing while the user asked for a redaction; a trailing comma
    after a name is a list all the same."""
    source, out = tmp_path / "chats.jsonl", tmp_path / "clean.jsonl"
    texts, _ = write_planted_chat(source, 6, seed=4)
    if value.strip(" ,"):
        invoke(["clean", source, "-o", out, "--redact", value], 1)  # a small file fails `size.rows`
        assert not any(v in out.read_text("utf-8") for item in texts for k, v in item.planted if k == "secret")
        return
    _, err = invoke(["clean", source, "-o", out, "--redact", value], 2)
    assert err.strip().splitlines() == [err.strip()] and "names nothing" in err and "choose among pii" in err
    assert "Traceback" not in err and not out.exists()


@pytest.mark.parametrize("value", ["PII", " Secrets ", "personal,SECRET", "url_credentials, private_key"])
def test_documented_spellings_are_accepted(tmp_path: Path, value: str) -> None:
    source = tmp_path / "chats.jsonl"
    write_planted_chat(source, 6, seed=4)
    invoke(["clean", source, "-o", tmp_path / "clean.jsonl", "--redact", value], 1)


def test_redact_kinds_reads_names_families_and_lists() -> None:
    assert redact_kinds(["pii"]) == ALL
    assert redact_kinds(["personal", "secret"]) == {"email", "phone", "card", "iban", "ssn", "ip", "secret"}
    assert redact_kinds(["email, ip", "ip"]) == {"email", "ip"}


SAFE = st.text(alphabet=st.characters(categories=["L", "Zs", "P"], exclude_characters="@:="), max_size=200)


@given(SAFE, st.booleans())
def test_redaction_of_text_without_findings_is_the_identity(text: str, ascii_only: bool) -> None:
    line = json.dumps({"id": "x@y.org", "messages": [{"role": "user", "content": text}]},
                      ensure_ascii=ascii_only).encode() + b"\n"
    assert redact(text, ALL) == (text, [])
    out, counts = redact_line(line, CHAT, ALL)
    assert out is line and not counts


@given(st.lists(st.sampled_from(["jane.doe@gmail.com", "4111 1111 1111 1111", "AKIAQ7XR2PLM5TZ4WKJD", "é", "\n",
                                 '"quoted"', "\\", "🙂", " and ", "8.8.8.8"]), max_size=12),
       st.booleans())
def test_the_line_is_redacted_as_its_text_is(pieces: list[str], ascii_only: bool) -> None:
    """Cutting values out of the JSON string as written gives the text redaction gives, whatever
    the escapes (\\n, \\", \\u00e9, surrogate pairs); the rest of the line keeps its bytes."""
    text = "".join(pieces)
    record = {"id": text, "messages": [{"role": "user", "content": text}], "n": 1}
    line = json.dumps(record, ensure_ascii=ascii_only).encode()
    out, counts = redact_line(line, CHAT, ALL)
    expected, found = redact(text, ALL)
    assert json.loads(out) == {**record, "messages": [{"role": "user", "content": expected}]}
    assert counts == Counter((f.kind, "user") for f in found)
    head = line[:line.index(b'"messages"')]
    assert out.startswith(head)  # the metadata id, holding the same values, is kept byte for byte


@pytest.mark.parametrize("kind", ["jsonl", "json"])
def test_the_quarantine_keeps_what_it_took_out_as_read(tmp_path: Path, kind: str) -> None:
    chats = [json.dumps({"messages": [{"role": "user", "content": f"mail ann{i % 10}@corp.com today"},
                                      {"role": "assistant", "content": f"done {i % 10}"}]}) for i in range(20)]
    text = "".join(c + "\n" for c in chats) if kind == "jsonl" else "[" + ",\n".join(chats) + "]\n"
    data, out = tmp_path / f"chats.{kind}", tmp_path / f"out.{kind}"
    data.write_text(text, encoding="utf-8")
    invoke(["clean", data, "-o", out, "--redact", "pii", "-q"], 1)
    assert "@corp.com" not in out.read_text(encoding="utf-8")
    held = [json.loads(line)["text"] for line in (tmp_path / "out.quarantine.jsonl").read_text("utf-8").splitlines()]
    # the ten duplicates, each as the input spells it: handled as the input is (docs/pii.md)
    assert held == chats[10:]
    help_text, _ = run(["clean", "--help"], 0)
    assert "quarantine keeps rows as read, unredacted" in " ".join(help_text.split())
