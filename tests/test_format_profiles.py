"""Provider and trainer format profiles: every shipped profile passes its pass file and names each
rule its fail file breaks, with the lines; unknown and malformed profiles are usage errors; JSON
files holding one array are read, their items numbered by index; tokens x epochs are priced."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dataaudit import audit
from dataaudit.errors import InputError
from dataaudit.text.profiles import known_profiles, load_profile
from tests.cli_helpers import invoke, run

FORMATS = Path(__file__).parent / "data" / "formats"
#: the rules each profile's fail file breaks, with the lines breaking each (tests/data/SOURCES.md)
BROKEN = {
    "openai-chat": {"json": [10], "unknown_key": [2, 11], "value_type": [8], "unknown_role": [7],
                    "system_placement": [3], "first_role": [12], "last_role": [4], "weight": [5, 6],
                    "empty_content": [9]},
    "openai-dpo": {"required_key": [4], "unknown_key": [5], "value_type": [2, 3], "first_role": [6]},
    "bedrock-claude": {"unknown_key": [5, 7], "value_type": [4], "unknown_role": [3], "first_role": [6],
                       "last_role": [8], "role_order": [2], "tool_calls": [5]},
    "sharegpt": {"required_key": [6], "unknown_key": [8], "unknown_role": [4], "system_placement": [7],
                 "first_role": [2], "last_role": [5], "role_order": [3]},
    "trl-conversational": {"required_key": [7], "value_type": [3], "unknown_role": [5], "first_role": [4],
                           "last_role": [2], "empty_content": [6]},
    "trl-prompt-completion": {"required_key": [4], "value_type": [3], "last_role": [5]},
    "trl-preference": {"required_key": [3], "value_type": [4], "system_placement": [6], "last_role": [5]},
}


def _json(out: str) -> dict:
    return json.loads(out)


def _broken(report: dict) -> dict[str, list[int]]:
    return {f["details"]["rule"]: f["examples"] for f in report["findings"] if f["check"] == "format.rules"}


def _status(report: dict, check: str) -> str:
    return next(c["status"] for c in report["checks"] if c["check"] == check)


def test_every_shipped_profile_has_its_fixtures() -> None:
    assert set(known_profiles()) == set(BROKEN)
    for name in BROKEN:
        assert (FORMATS / f"{name}.pass.jsonl").is_file() and (FORMATS / f"{name}.fail.jsonl").is_file()


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_profile_passes_its_pass_file(name: str) -> None:
    out, _ = invoke(["audit", FORMATS / f"{name}.pass.jsonl", "--format-profile", name, "-r", "finetune-small",
                     "-f", "json"], 0)
    report = _json(out)
    assert _broken(report) == {}
    assert _status(report, "format.rules") == "passed"
    assert _status(report, "format.example_count") in ("passed", "skipped")
    lines = (FORMATS / f"{name}.pass.jsonl").read_text(encoding="utf-8").count("\n")
    assert report["dataset"]["texts"] == lines  # every example measured, conversational ones too


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_profile_names_every_rule_its_fail_file_breaks_with_the_lines(name: str) -> None:
    out, _ = invoke(["audit", FORMATS / f"{name}.fail.jsonl", "--format-profile", name, "-f", "json"], 1)
    report = _json(out)
    assert _broken(report) == BROKEN[name]
    (table,) = [t for t in report["tables"] if t["id"] == "format.rules"]
    assert {row[0]: row[2] for row in table["rows"]} == {rule: len(lines) for rule, lines in BROKEN[name].items()}
    for finding in (f for f in report["findings"] if f["check"] == "format.rules"):
        rule = finding["details"]["rule"]
        assert finding["message"].startswith(f"format.{rule}: ")
        assert f"the {name} rule" in finding["message"]
        assert finding["details"]["profile"] == name


def test_the_console_says_the_check_the_rule_and_the_lines() -> None:
    out, _ = run(["audit", FORMATS / "bedrock-claude.fail.jsonl", "--format-profile", "bedrock-claude"], 1)
    assert ("format.role_order: 1 of 8 lines (12%) breaks the bedrock-claude rule 'user and assistant turns "
            "alternate'; line 2.") in " ".join(out.split())
    assert "The file holds 8 examples; bedrock-claude takes 32 to 10,000." in " ".join(out.split())


def test_with_a_profile_the_layout_errors_give_way_to_its_rules() -> None:
    report = audit(FORMATS / "openai-chat.fail.jsonl", format_profile="openai-chat")
    statuses = {c.check: (c.status, c.reason) for c in report.checks}
    assert statuses["text.format_errors"][0] == "skipped"
    assert "openai-chat format profile" in (statuses["text.format_errors"][1] or "")
    without = audit(FORMATS / "openai-chat.fail.jsonl")
    assert {c.check: c.status for c in without.checks}["text.format_errors"] == "fail"
    assert {c.check: c.status for c in without.checks}["format.rules"] == "skipped"


@pytest.mark.parametrize("runner", [run, invoke])
def test_an_unknown_profile_is_a_usage_error_listing_the_known_ones(runner) -> None:
    _, err = runner(["audit", FORMATS / "openai-chat.pass.jsonl", "--format-profile", "openai-chatt"], 2)
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "unknown format profile 'openai-chatt'; known profiles are " in err
    for name in BROKEN:
        assert name in err


@pytest.mark.parametrize(("text", "says"), [
    ("name: mine\ndescription: x\nkind: chat\nrequired_keys: [messages]\nallowed_keys: [messages]\n"
     "conversation: messages\nroles: {user: user}\nfirst_roles: [user]\nlast_roles: [assistant]\nrole_order: x\n",
     ":10: role_order: unknown key"),
    ("name: mine\ndescription: x\nkind: chat\nrequired_keys: [messages]\nallowed_keys: [messages]\n"
     "conversation: messages\nroles: {user: speaker}\nfirst_roles: [user]\nlast_roles: [user]\n", ":7: roles.user: "),
    ("name: mine\ndescription: x\nkind: chat\nrequired_keys: [text]\nallowed_keys: [messages]\n"
     "conversation: messages\nroles: {user: user}\nfirst_roles: [user]\nlast_roles: [user]\n",
     ":1: (top level): required keys ['text'] are not among allowed_keys"),
    ("name: mine\nkind: [\n", ":3: invalid YAML: "),
    # numbers and booleans as YAML writes them: the text "yes" is no boolean, nor "4096" a number
    ("name: mine\ndescription: x\nkind: chat\nrequired_keys: [messages]\nallowed_keys: [messages]\n"
     "conversation: messages\nroles: {user: user}\nfirst_roles: [user]\nlast_roles: [user]\nalternate: \"yes\"\n",
     ":10: alternate: Input should be a valid boolean"),
    ("name: mine\ndescription: x\nkind: chat\nrequired_keys: [messages]\nallowed_keys: [messages]\n"
     "conversation: messages\nroles: {user: user}\nfirst_roles: [user]\nlast_roles: [user]\n"
     "max_tokens_per_example: \"4096\"\n", ":10: max_tokens_per_example: Input should be a valid integer"),
])
def test_a_bad_profile_file_is_one_line_naming_the_file_and_the_field(text: str, says: str, tmp_path: Path) -> None:
    profile = tmp_path / "mine.yaml"
    profile.write_text(text, encoding="utf-8")
    _, err = invoke(["audit", FORMATS / "openai-chat.pass.jsonl", "--format-profile", profile], 2)
    assert err.startswith(f"dataaudit: error: {profile}{says}") and err.count("\n") == 1


def test_a_profile_of_ones_own_is_read_from_its_path(tmp_path: Path) -> None:
    mine = tmp_path / "two-turns.yaml"
    shipped = load_profile("trl-conversational").model_dump()
    mine.write_text(json.dumps({**shipped, "name": "two-turns", "alternate": True, "min_examples": 20}),
                    encoding="utf-8")
    out, _ = invoke(["audit", FORMATS / "trl-conversational.fail.jsonl", "--format-profile", mine, "-f", "json"], 1)
    report = _json(out)
    assert _broken(report) == BROKEN["trl-conversational"]  # no line has two turns of one role in a row
    (count,) = [f for f in report["findings"] if f["check"] == "format.example_count"]
    assert count["message"] == "The file holds 7 examples; two-turns takes at least 20."


def test_a_profile_reads_files_of_its_own_kind_only(tmp_path: Path) -> None:
    _, err = invoke(["audit", FORMATS / "openai-dpo.pass.jsonl", "--format-profile", "openai-dpo",
                     "--format-kind", "chat"], 2)
    assert "the openai-dpo format profile reads a preference file, not a chat one" in err
    _, err = invoke(["audit", Path(__file__).parent / "data" / "iris.csv", "--format-profile", "openai-chat"], 2)
    assert "the openai-chat format profile judges a JSONL or JSON file, not a csv" in err


def test_a_json_array_is_read_with_its_items_numbered_by_index(tmp_path: Path) -> None:
    lines = (FORMATS / "openai-chat.fail.jsonl").read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) if line.startswith("{") else line for line in lines]
    array = tmp_path / "chats.json"
    array.write_text(json.dumps(items, indent=2), encoding="utf-8")
    out, _ = run(["audit", array, "--format-profile", "openai-chat", "-f", "json"], 1)
    report = _json(out)
    assert report["source"]["format"] == "json"
    # the same breaks, one lower: item 0 is line 1; the line that was not JSON is a string item
    assert _broken(report) == {rule: [n - 1 for n in lines_] for rule, lines_ in BROKEN["openai-chat"].items()}
    assert all(f["details"]["examples_are"] == "items" for f in report["findings"] if f["check"] == "format.rules")
    detected = audit(array)
    assert detected.source.kind == "chat" and detected.source.format == "json"


def test_a_broken_json_array_names_the_file_line_and_column(tmp_path: Path) -> None:
    broken = tmp_path / "chats.json"
    broken.write_text('[\n  {"messages": []},\n  {"messages": [}\n]\n', encoding="utf-8")
    _, err = invoke(["audit", broken, "--format-profile", "openai-chat"], 2)
    assert err.startswith(f"dataaudit: error: {broken}:3:17: not valid JSON") and err.count("\n") == 1


def test_a_json_array_past_the_size_bound_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dataaudit.io import json_array

    array = tmp_path / "chats.json"
    array.write_text(json.dumps([{"messages": [{"role": "user", "content": "x" * 200}]}]), encoding="utf-8")
    monkeypatch.setattr(json_array, "MAX_ARRAY_BYTES", 100)
    with pytest.raises(InputError, match="a JSON array is read whole, up to 0 MiB; write larger files as JSONL"):
        audit(array, format_profile="openai-chat")


def test_training_tokens_times_epochs_are_priced_and_labelled_as_an_estimate() -> None:
    path = FORMATS / "openai-chat.pass.jsonl"
    once = audit(path, format_profile="openai-chat")
    (size,) = [f for f in once.findings if f.check == "format.training_size"]
    per_epoch = size.details["tokens_per_epoch"]
    texts = [m["content"] for line in path.read_text(encoding="utf-8").splitlines()
             for m in json.loads(line)["messages"]]
    assert per_epoch == sum(-(-len(t) // 4) for t in texts)  # ceil(characters / 4) per message
    assert size.details["estimated"] is True and size.details["cost"] is None
    out, _ = invoke(["audit", path, "--format-profile", "openai-chat", "--epochs", "3", "--price-per-million", "8",
                     "-f", "json"], 1)
    (priced,) = [f for f in _json(out)["findings"] if f["check"] == "format.training_size"]
    assert priced["details"]["tokens"] == 3 * per_epoch
    assert priced["details"]["cost"] == round(3 * per_epoch / 1e6 * 8, 2)
    assert priced["message"].startswith(f"Training reads {per_epoch:,} estimated tokens per epoch (estimate: ")
    assert f"x 3 epochs = {3 * per_epoch:,} estimated tokens; at 8 per million tokens: " in priced["message"]


@pytest.mark.parametrize(("args", "says"), [
    (["--epochs", "0"], "--epochs"),
    (["--price-per-million", "0"], "--price-per-million"),
    (["--epochs", "2", "--target", "label"], "--target"),
])
def test_size_options_that_do_not_apply_are_usage_errors(args: list[str], says: str) -> None:
    _, err = invoke(["audit", FORMATS / "openai-chat.pass.jsonl", *args], 2)
    assert says in err and "Traceback" not in err


def test_size_options_do_not_apply_to_a_table() -> None:
    _, err = invoke(["audit", Path(__file__).parent / "data" / "iris.csv", "--target", "target", "--epochs", "3"], 2)
    assert "--epochs (epochs) does not apply to a single table: it multiplies a fine-tuning file's training" in err
    assert err.count("\n") == 1
