"""The planner: one capability table says where every option of `audit` applies and which engine
runs it; an option that does not fit is one line naming it (exit 2), never silently dropped,
and refused before any engine starts."""

from __future__ import annotations

import dataclasses
import inspect
import subprocess
import sys
import textwrap
from pathlib import Path

import click
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.cli import cli
from dataaudit.engines import ENGINES
from dataaudit.errors import InputError
from dataaudit.planning import CAPABILITIES, AuditOptions, plan_audit
from dataaudit.planning.capabilities import EVERY_KIND
from dataaudit.runner import audit
from tests.cli_helpers import invoke, run
from tests.conftest import DATA
from tests.plan_helpers import assert_a_chat_plan_fails_on_the_first_option_refused

CHAT = DATA / "text" / "chat_errors.jsonl"
PENGUINS = DATA / "penguins.csv"
RUNNERS = {"in-process": invoke, "subprocess": run}


@pytest.fixture(scope="module")
def validator_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A real pandera schema and a real GX suite of the penguins table, as the commands write them."""
    folder = tmp_path_factory.mktemp("validators")
    schema, suite = folder / "schema.yaml", folder / "suite.json"
    invoke(["schema", "infer", PENGUINS, "-o", schema], 0)
    invoke(["export", "gx", "--data", PENGUINS, "-o", suite], 0)
    return {"schema": schema, "gx_suite": suite}


def _one_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# --- the table itself ------------------------------------------------------------------------

def test_every_option_of_audit_has_one_capability() -> None:
    options = [name for name in inspect.signature(audit).parameters if name != "data"]
    assert sorted(CAPABILITIES) == sorted(options)


def test_audit_options_mirror_the_signature_of_audit() -> None:
    """`AuditOptions` tells a given option by its default: the defaults must be audit's own."""
    parameters = inspect.signature(audit).parameters
    fields = dataclasses.fields(AuditOptions)
    assert [f.name for f in fields] == list(parameters)
    for field in fields[1:]:
        assert field.default == parameters[field.name].default, field.name


def test_every_flag_is_the_audit_command_option_of_that_name() -> None:
    command = cli.commands["audit"]
    by_flag = {opt: p.name for p in command.params if isinstance(p, click.Option) for opt in p.opts}
    for name, capability in CAPABILITIES.items():
        if capability.flag:
            assert by_flag.get(capability.flag) == name, (capability.flag, name)


def test_capabilities_name_known_kinds_engines_and_options() -> None:
    for name, capability in CAPABILITIES.items():
        assert capability.runs, name
        assert set(capability.runs) <= set(EVERY_KIND), name
        for engines in capability.runs.values():
            assert engines and engines <= set(ENGINES), name
        if any(engines != set(ENGINES) for engines in capability.runs.values()):
            assert capability.engine_note, f"{name} leaves an engine out without saying why"
        assert set(capability.needed) <= set(CAPABILITIES), name


def test_an_engine_object_with_workers_asks_for_jobs() -> None:
    from dataaudit.engines.local import LocalEngine

    assert AuditOptions(CHAT, engine=LocalEngine(jobs=2)).given() == ["engine", "jobs"]
    assert AuditOptions(CHAT, engine=LocalEngine()).given() == ["engine"]
    assert AuditOptions(CHAT, splits={}, ignore_columns=[], bad_rows="error").given() == []


# --- a chat file: every option of a table is refused by name ----------------------------------

CHAT_REFUSED = [
    # (command line, Python keyword arguments, the option as both spell it)
    (["-t", "nope"], {"target": "nope"}, "--target (target)"),
    (["--split", f"val={CHAT}"], {"splits": {"val": CHAT}}, "--split (splits)"),
    (["--group-column", "user"], {"group_column": "user"}, "--group-column (group_column)"),
    (["-i", "id"], {"ignore_columns": ["id"]}, "--ignore-column (ignore_columns)"),
    (["--keep-column", "id"], {"keep_columns": ["id"]}, "--keep-column (keep_columns)"),
    (["--label-noise"], {"label_noise": True}, "--label-noise (label_noise)"),
    (["--text-column", "review"], {"text_columns": ["review"]}, "--text-column (text_columns)"),
    (["--delimiter", ";"], {"delimiter": ";"}, "--delimiter (delimiter)"),
    (["--encoding", "latin-1"], {"encoding": "latin-1"}, "--encoding (encoding)"),
    (["--bad-rows", "skip"], {"bad_rows": "skip"}, "--bad-rows (bad_rows)"),
    (["--sample", "100"], {"sample": 100}, "--sample (sample)"),
    (["--folds", "3"], {"folds": 3}, "--folds (folds)"),
]


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize(("args", "kwargs", "named"), CHAT_REFUSED, ids=[c[2].split()[0] for c in CHAT_REFUSED])
def test_a_table_option_on_a_chat_file_is_one_line_naming_it(runner: str, args: list[str], kwargs: dict,
                                                             named: str) -> None:
    _, err = RUNNERS[runner](["audit", CHAT, *args], 2)
    line = _one_line(err)
    assert named in line
    assert "chat JSONL file" in line
    with pytest.raises(InputError, match="chat JSONL file") as raised:
        dataaudit.audit(CHAT, **kwargs)
    assert named in str(raised.value)


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("option", ["schema", "gx_suite"])
def test_a_validator_on_a_chat_file_is_refused(runner: str, option: str, validator_files: dict[str, Path]) -> None:
    flag = CAPABILITIES[option].flag
    _, err = RUNNERS[runner](["audit", CHAT, flag, validator_files[option]], 2)
    assert f"{flag} ({option}) does not apply to a chat JSONL file" in _one_line(err)
    with pytest.raises(InputError, match=rf"{flag} \({option}\) does not apply to a chat JSONL file"):
        dataaudit.audit(CHAT, **{option: validator_files[option]})


def test_options_that_apply_to_a_chat_file_still_run() -> None:
    report = dataaudit.audit(CHAT, rules="default", strict=True, format_kind="chat", chunk_rows=5)
    assert report.source.kind == "chat"
    assert report.to_dict()["findings"] == dataaudit.audit(CHAT, strict=True).to_dict()["findings"]


# --- a single table ---------------------------------------------------------------------------

TABLE_REFUSED = [
    (["--sample", "100"], {"sample": 100}, "--sample (sample) needs --label-noise (label_noise)"),
    (["--folds", "3"], {"folds": 3}, "--folds (folds) needs --label-noise (label_noise)"),
    (["--tokenizer", DATA / "tokenizer.json"], {"tokenizer": DATA / "tokenizer.json"},
     "--tokenizer (tokenizer) needs --text-column (text_columns)"),
]


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize(("args", "kwargs", "named"), TABLE_REFUSED, ids=[c[2].split()[0] for c in TABLE_REFUSED])
def test_an_option_without_its_partner_on_a_table_is_one_line(runner: str, args: list[str], kwargs: dict,
                                                              named: str) -> None:
    _, err = RUNNERS[runner](["audit", PENGUINS, "-t", "species", *args], 2)
    assert named in _one_line(err)
    with pytest.raises(InputError) as raised:
        dataaudit.audit(PENGUINS, target="species", **kwargs)
    assert named in str(raised.value)


def test_group_column_with_splits_still_runs() -> None:
    report = dataaudit.audit(PENGUINS, target="species", splits={"test": PENGUINS}, group_column="island")
    assert report.profile is not None and "island" in report.profile.ignored


# --- engines: refused before any engine starts --------------------------------------------------

ENGINE_REFUSED = [
    ("schema", "--schema (schema) cannot run on the spark engine"),
    ("gx_suite", "--gx-suite (gx_suite) cannot run on the spark engine"),
]


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize(("option", "named"), ENGINE_REFUSED)
def test_spark_with_a_validator_is_one_line(runner: str, option: str, named: str,
                                            validator_files: dict[str, Path]) -> None:
    flag = CAPABILITIES[option].flag
    _, err = RUNNERS[runner](["audit", PENGUINS, "-t", "species", "--engine", "spark", flag, validator_files[option]],
                             2)
    assert named in _one_line(err)
    with pytest.raises(InputError, match=named.replace("(", r"\(").replace(")", r"\)")):
        dataaudit.audit(PENGUINS, target="species", engine="spark", **{option: validator_files[option]})


PROBE = textwrap.dedent("""
    import sys
    from dataaudit.cli import cli
    try:
        cli.main(sys.argv[1:], prog_name="dataaudit")
    except SystemExit as exit:
        print(exit.code, "pyspark" in sys.modules)
""")


@pytest.mark.parametrize(("option", "named"), ENGINE_REFUSED)
def test_refused_engine_combinations_never_import_pyspark(option: str, named: str,
                                                          validator_files: dict[str, Path]) -> None:
    extra = [CAPABILITIES[option].flag, validator_files[option]]
    proc = subprocess.run([sys.executable, "-c", PROBE, "audit", PENGUINS, "--engine", "spark", *extra],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.stdout.split() == ["2", "False"], proc.stdout + proc.stderr
    assert named in _one_line(proc.stderr)


# --- the law: the table alone decides -----------------------------------------------------------

GIVEN_ON_CHAT = {
    "target": "nope", "ignore_columns": ["id"], "strict": True, "delimiter": ";", "encoding": "latin-1",
    "bad_rows": "skip", "chunk_rows": 7, "splits": {"val": CHAT}, "group_column": "user", "engine": "local",
    "jobs": 2, "format_kind": "chat", "text_columns": ["t"], "label_noise": True, "sample": 50, "folds": 3,
    "keep_columns": ["id"],
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sets(st.sampled_from(sorted(GIVEN_ON_CHAT))))
def test_a_chat_file_plan_fails_exactly_on_the_first_option_the_table_refuses(names: set[str]) -> None:
    options = AuditOptions(CHAT, **{name: GIVEN_ON_CHAT[name] for name in names})
    assert_a_chat_plan_fails_on_the_first_option_refused(plan_audit, options, CAPABILITIES)


@pytest.mark.parametrize("runner", RUNNERS)
def test_several_files_report_the_table_and_refuse_the_chat_file_by_name(runner: str) -> None:
    """As pre-commit passes files: one option list for all, each file planned on its own."""
    out, err = RUNNERS[runner](["audit", PENGUINS, CHAT, "-t", "species"], 2)
    assert "penguins.csv" in out
    assert _one_line(err) == (f"dataaudit: error: {CHAT}: --target (target) does not apply to a chat JSONL file: "
                              f"{CAPABILITIES['target'].purpose}")
