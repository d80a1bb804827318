"""The clean's options are planned like the audit's: one capability table says where each option
of `dataaudit.clean` and `dataaudit clean` applies; an option that does not apply to the input is
one line naming it as the command line and Python spell it (exit 2), in the same words from the
command line and from Python, before anything is written."""

from __future__ import annotations

import dataclasses
import inspect
import shutil
from pathlib import Path

import click
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.cli import cli
from dataaudit.errors import InputError
from dataaudit.planning import CAPABILITIES, CLEAN_CAPABILITIES, CleanOptions, plan_clean
from dataaudit.planning.capabilities import EVERY_KIND, TABLE, TEXT_FILE
from tests.cli_helpers import invoke, run
from tests.conftest import DATA
from tests.plan_helpers import assert_a_chat_plan_fails_on_the_first_option_refused

CHAT = DATA / "text" / "hhh_chat_60.jsonl"
IRIS = DATA / "iris.csv"
RUNNERS = {"in-process": invoke, "subprocess": run}
COMMAND = cli.commands["clean"]


def _command_options() -> dict[str, click.Option]:
    return {p.name: p for p in COMMAND.params if isinstance(p, click.Option) and p.name is not None}


def _listing(folder: Path) -> list[tuple[str, int]]:
    return sorted((p.name, p.stat().st_size) for p in folder.iterdir())


def _refusal(message: str) -> str:
    """The one line the command prints for `message`."""
    return f"dataaudit: error: {message}\n"


# --- the table itself ------------------------------------------------------------------------

def test_every_option_of_clean_has_one_capability() -> None:
    python = set(inspect.signature(dataaudit.clean).parameters) - {"data"}
    assert set(CLEAN_CAPABILITIES) == python | set(_command_options())


def test_clean_options_hold_every_option_with_the_defaults_of_clean() -> None:
    fields = {f.name: f.default for f in dataclasses.fields(CleanOptions)}
    assert set(fields) - {"data"} == set(CLEAN_CAPABILITIES)
    for name, parameter in inspect.signature(dataaudit.clean).parameters.items():
        if name != "data":
            assert fields[name] == parameter.default, name


def test_every_flag_is_the_clean_command_option_of_that_name() -> None:
    options = _command_options()
    for name, capability in CLEAN_CAPABILITIES.items():
        if name not in options:
            assert capability.flag == "", f"{name} is no option of the command but has a flag"
            continue
        assert capability.flag, f"{name} is an option of the command without its flag"
        spellings = {*options[name].opts, *options[name].secondary_opts}
        assert set(capability.flag.split("/")) <= spellings, (name, capability.flag, spellings)


def test_options_shared_with_the_audit_are_spelled_as_the_audit_spells_them() -> None:
    for name in set(CAPABILITIES) & set(CLEAN_CAPABILITIES):
        assert CLEAN_CAPABILITIES[name].flag == CAPABILITIES[name].flag, name


def test_every_entry_applies_to_a_table_or_a_fine_tuning_file() -> None:
    for name, capability in CLEAN_CAPABILITIES.items():
        assert set(capability.runs) <= set(EVERY_KIND), name
        assert {TABLE, TEXT_FILE} & set(capability.runs), f"{name} applies to no input a clean reads"
        assert capability.purpose, name
        assert set(capability.needed) <= set(CLEAN_CAPABILITIES), name


# --- a chat file: every option of a table's clean is refused by name, nothing written -----------

CHAT_REFUSED = [
    (["-t", "label"], "target"),
    (["-i", "id"], "ignore_columns"),
    (["--delimiter", ";"], "delimiter"),
    (["--encoding", "latin-1"], "encoding"),
    (["--fitted", "prep.json"], "fitted"),
    (["--save-fitted", "prep.json"], "save_fitted"),
    (["--quarantine-suspected-labels"], "quarantine_suspected_labels"),
    (["--sample", "100"], "sample"),
    (["--folds", "3"], "folds"),
    (["--jobs", "2"], "jobs"),
    (["--allow-large-quarantine"], "allow_large_quarantine"),
]


@pytest.fixture
def chat_folder(tmp_path: Path) -> Path:
    """A folder holding a chat file, so that its listing shows anything a clean writes."""
    shutil.copy(CHAT, tmp_path / "chats.jsonl")
    return tmp_path


# every option in-process; through the installed command the first one only: one capability table
# refuses them all alike, and each subprocess pays the command's start-up
CHAT_REFUSED_RUNS = [pytest.param(runner, args, option, id=f"{option}-{runner}") for args, option in CHAT_REFUSED
                     for runner in RUNNERS if runner == "in-process" or option == CHAT_REFUSED[0][1]]


@pytest.mark.parametrize(("runner", "args", "option"), CHAT_REFUSED_RUNS)
def test_a_table_option_on_a_chat_file_is_one_line_and_writes_nothing(runner: str, args: list[str], option: str,
                                                                      chat_folder: Path) -> None:
    chats, before = chat_folder / "chats.jsonl", _listing(chat_folder)
    capability = CLEAN_CAPABILITIES[option]
    _, err = RUNNERS[runner](["clean", chats, "-o", chat_folder / "out.jsonl", *args], 2)
    assert err == _refusal(f"{chats}: {capability.spelled(option)} does not apply to a chat JSONL file: "
                           f"{capability.purpose}")
    assert _listing(chat_folder) == before


PYTHON_REFUSED_ON_CHAT = {
    "target": "label", "ignore_columns": ["id"], "delimiter": ";", "encoding": "latin-1", "fitted": "prep.json",
    "quarantine_suspected_labels": True, "sample": 100, "folds": 3, "jobs": 2, "allow_large_quarantine": True,
}


@pytest.mark.parametrize(("args", "option"), [c for c in CHAT_REFUSED if c[1] in PYTHON_REFUSED_ON_CHAT],
                         ids=[c[1] for c in CHAT_REFUSED if c[1] in PYTHON_REFUSED_ON_CHAT])
def test_python_refuses_a_table_option_on_a_chat_file_as_the_command_line_does(args: list[str], option: str,
                                                                                chat_folder: Path) -> None:
    chats, before = chat_folder / "chats.jsonl", _listing(chat_folder)
    _, err = invoke(["clean", chats, "-o", chat_folder / "out.jsonl", *args], 2)
    with pytest.raises(InputError) as raised:
        dataaudit.clean(chats, **{option: PYTHON_REFUSED_ON_CHAT[option]})
    assert err == _refusal(str(raised.value))
    assert _listing(chat_folder) == before


def test_python_cleans_a_chat_file_as_a_table_only_when_told(chat_folder: Path) -> None:
    chats = chat_folder / "chats.jsonl"
    with pytest.raises(InputError, match=r"a chat JSONL file is cleaned line by line by dataaudit\.text\.clean_jsonl"):
        dataaudit.clean(chats)
    with pytest.raises(InputError, match="does not apply to a chat JSONL file"):
        dataaudit.clean(chats, quarantine_rows={1: "by hand"})
    result = dataaudit.clean(chats, format_kind="table", quarantine_rows={0: "by hand"})
    assert result.manifest["rows"]["in"] == 60
    assert "by hand" in result.quarantine["_reason"].tolist()


def test_jobs_on_a_fine_tuning_file_says_why() -> None:
    with pytest.raises(InputError, match="a fine-tuning file is cleaned line by line in one process"):
        plan_clean(CleanOptions(CHAT, jobs=2))


def test_a_chat_file_read_as_a_table_takes_the_options_of_a_table(chat_folder: Path) -> None:
    out = chat_folder / "out.jsonl"
    _, err = invoke(["clean", chat_folder / "chats.jsonl", "--format-kind", "table", "-i", "subset", "--jobs", "2",
                     "-o", out, "--dry-run"], 0)
    assert "dry run, nothing written" in err


GIVEN = {
    "target": "label", "ignore_columns": ["id"], "delimiter": ";", "encoding": "latin-1", "chunk_rows": 7,
    "fitted": "prep.json", "save_fitted": Path("prep.json"), "quarantine_rows": {1: "by hand"},
    "quarantine_suspected_labels": True, "sample": 100, "folds": 3, "jobs": 2, "allow_large_quarantine": True,
    "output": Path("out.jsonl"), "quarantine": Path("q.jsonl"), "manifest": Path("m.json"),
    "report": Path("r.json"), "dry_run": True, "force": True, "format_kind": "chat", "trim": False,
    "strip_metadata": True,
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sets(st.sampled_from(sorted(GIVEN))))
def test_a_chat_file_clean_fails_exactly_on_the_first_option_the_table_refuses(names: set[str]) -> None:
    options = CleanOptions(CHAT, **{name: GIVEN[name] for name in names})
    assert_a_chat_plan_fails_on_the_first_option_refused(plan_clean, options, CLEAN_CAPABILITIES)


# --- a table: the fine-tuning clean's options, and options without their partner ------------------

TABLE_REFUSED = [
    (["--trim"], "trim", "does not apply to a single table"),
    (["--no-trim"], "trim", "does not apply to a single table"),
    (["--strip-metadata"], "strip_metadata", "does not apply to a single table"),
    (["--keep-metadata"], "strip_metadata", "does not apply to a single table"),
    (["--sample", "100"], "sample", "needs --quarantine-suspected-labels (quarantine_suspected_labels) on a single "
                                    "table"),
    (["--folds", "3"], "folds", "needs --quarantine-suspected-labels (quarantine_suspected_labels) on a single table"),
]


# every option in-process; through the installed command one of each refusal: "does not apply", "needs"
TABLE_REFUSED_RUNS = [pytest.param(runner, args, option, why, id=f"{args[0]}-{runner}")
                      for args, option, why in TABLE_REFUSED
                      for runner in RUNNERS if runner == "in-process" or args[0] in ("--trim", "--sample")]


@pytest.mark.parametrize(("runner", "args", "option", "why"), TABLE_REFUSED_RUNS)
def test_an_option_that_does_not_fit_a_table_is_one_line_and_writes_nothing(runner: str, args: list[str],
                                                                            option: str, why: str,
                                                                            tmp_path: Path) -> None:
    iris = tmp_path / "iris.csv"
    shutil.copy(IRIS, iris)
    before = _listing(tmp_path)
    capability = CLEAN_CAPABILITIES[option]
    _, err = RUNNERS[runner](["clean", iris, "-t", "target", "-o", tmp_path / "out.csv", *args], 2)
    assert err == _refusal(f"{iris}: {capability.spelled(option)} {why}: {capability.purpose}")
    assert _listing(tmp_path) == before


@pytest.mark.parametrize(("option", "value"), [("sample", 100), ("folds", 3)])
def test_python_refuses_in_the_words_of_the_command_line(option: str, value: int, tmp_path: Path) -> None:
    iris = tmp_path / "iris.csv"
    shutil.copy(IRIS, iris)
    before = _listing(tmp_path)
    flag = CLEAN_CAPABILITIES[option].flag
    _, err = invoke(["clean", iris, "-t", "target", "-o", tmp_path / "out.csv", flag, value], 2)
    with pytest.raises(InputError) as raised:
        dataaudit.clean(iris, target="target", **{option: value})
    assert err == _refusal(str(raised.value))
    with pytest.raises(InputError) as from_frame:
        dataaudit.clean(dataaudit.clean(iris, target="target").data, target="target", **{option: value})
    assert str(raised.value) == f"{iris}: {from_frame.value}"
    assert _listing(tmp_path) == before
