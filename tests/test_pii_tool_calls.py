"""The arguments of an assistant's tool calls are text a chat template prints, so text the model
learns: `audit` counts the secrets and personal values in them without printing them, and
`clean --redact` replaces them inside their strings, a JSON string of arguments staying JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_helpers import RUNNERS, Runner, invoke

ACCESS_KEY = "AKIA" + "Z7Q4M2X9L3K8P1W5"
PASSWORD = "Xy7pQ2rT9z!"
TOKEN = "Q7vLm2Xz9pKd4Rt8"
EMAIL = "jane.doe@gmail.com"
CLEAR = [ACCESS_KEY, PASSWORD, TOKEN, EMAIL]


def _call(name: str, arguments: object) -> dict:
    return {"id": f"call_{name}", "type": "function", "function": {"name": name, "arguments": arguments}}


def _line(i: int) -> dict:
    """A conversation calling a tool twice: OpenAI's arguments as a JSON string, then as an object."""
    as_string = json.dumps({"user": f"ann{i}", "password": PASSWORD, "key": ACCESS_KEY,
                            "flags": ["ok", f"token={TOKEN}"], "note": 'he said "hi"'})
    as_object = {"password": PASSWORD, "nested": {"key": ACCESS_KEY}, "content": f"mail me at {EMAIL}"}
    return {"messages": [
        {"role": "user", "content": f"log me in, request {i}"},
        {"role": "assistant", "content": None, "tool_calls": [_call("login", as_string)]},
        {"role": "tool", "tool_call_id": "call_login", "content": "logged in"},
        {"role": "assistant", "content": f"Stored {i}.", "tool_calls": [_call("store", as_object)]},
    ]}


def _write(path: Path, n: int = 4) -> None:
    path.write_text("".join(json.dumps(_line(i)) + "\n" for i in range(n)), "utf-8")


@pytest.mark.parametrize("runner", RUNNERS)
def test_audit_counts_what_tool_call_arguments_hold_without_printing_it(tmp_path: Path, runner: Runner) -> None:
    source = tmp_path / "chat.jsonl"
    _write(source)
    stdout, _ = runner(["audit", source, "-f", "json", "-o", tmp_path / "report.json",
                        "-f", "console", "-o", tmp_path / "report.txt"], 1)
    rendered = stdout + "".join((tmp_path / name).read_text("utf-8") for name in ("report.json", "report.txt"))
    assert [value for value in CLEAR if value in rendered] == []
    report = json.loads((tmp_path / "report.json").read_text("utf-8"))
    kinds = {kind: tally for f in report["findings"] if f["check"] in ("pii.secrets", "pii.personal")
             for kind, tally in f["details"]["kinds"].items()}
    # per line: password, key and token in the string; password and key in the object
    assert kinds["secret"]["values"] == 4 * 5 and kinds["secret"]["places"] == {"assistant.tool_calls": 20}
    assert kinds["email"]["values"] == 4 and kinds["email"]["places"] == {"assistant.tool_calls": 4}


def test_clean_redacts_tool_call_arguments_in_their_strings(tmp_path: Path) -> None:
    source, out = tmp_path / "chat.jsonl", tmp_path / "clean.jsonl"
    _write(source)
    stdout, stderr = invoke(["clean", source, "-o", out, "--redact", "pii"], 1)  # a small file fails `size.rows`
    written = out.read_text("utf-8") + (tmp_path / "clean.manifest.json").read_text("utf-8") + stdout + stderr
    assert [value for value in CLEAR if value in written] == []
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(rows) == 4
    for i, row in enumerate(rows):
        login, store = (message["tool_calls"][0]["function"]["arguments"] for message in row["messages"][1::2])
        assert json.loads(login) == {"user": f"ann{i}", "password": "[SECRET]", "key": "[SECRET]",
                                     "flags": ["ok", "token=[SECRET]"], "note": 'he said "hi"'}
        assert store == {"password": "[SECRET]", "nested": {"key": "[SECRET]"}, "content": "mail me at [EMAIL]"}
        assert row["messages"][0]["content"] == f"log me in, request {i}"
