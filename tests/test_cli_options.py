"""An option several commands take reads the same on each: flags, help text, choices, default.

The options are declared once (`dataaudit/cli/options.py`); these tests hold every command to
that, and hold the choices to the lists the code dispatches on (report formats, engines,
fine-tuning layouts, bad-row policies).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import click
import pytest

from dataaudit.cli import cli
from dataaudit.engines import ENGINES
from dataaudit.io import BAD_ROWS
from dataaudit.planning.options import CLEAN_BAD_ROWS
from dataaudit.report.formats import RENDERERS, Format
from dataaudit.text.formats import FORMAT_KINDS
from tests.cli_helpers import invoke, run
from tests.conftest import DATA

#: an option named as another command's but meaning a thing of its own there
OWN_MEANING = {
    "clean": {"output", "bad_rows"},      # the cleaned data; a malformed row quarantined, not skipped
    "export gx": {"output"},              # the suite
    "schema infer": {"output", "sample"},  # the schema; its first N rows, not a label model's sample
    "report": {"schema"},                 # print the report's JSON Schema, not a pandera schema to validate
    "diff": {"formats", "outputs"},       # the comparison's formats and files, not a report's
}
#: options that more than one command takes
SHARED = {"target", "rules", "ignore_columns", "keep_columns", "delimiter", "encoding", "decimal", "jobs",
          "format_kind", "prompt_key", "completion_key", "sample", "folds", "formats", "outputs", "summary", "quiet",
          "text_columns", "engine", "spark_master"}


def leaf_commands(group: click.Group = cli, path: str = "") -> dict[str, click.Command]:
    commands: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            commands.update(leaf_commands(command, f"{path}{name} "))
        else:
            commands[f"{path}{name}"] = command
    return commands


def described(option: click.Option) -> dict[str, object]:
    """Everything `--help` shows of an option, and what it accepts."""
    return {"flags": (option.opts, option.secondary_opts), "help": option.help, "metavar": option.metavar,
            "choices": tuple(getattr(option.type, "choices", ())), "type": repr(option.type),
            "default": option.default, "show_default": option.show_default, "multiple": option.multiple,
            "is_flag": option.is_flag, "callback": option.callback}


def options_by_name() -> dict[str, dict[str, click.Option]]:
    """option name -> {command: the option}, for every option of every command."""
    found: dict[str, dict[str, click.Option]] = defaultdict(dict)
    for path, command in leaf_commands().items():
        for param in command.params:
            if isinstance(param, click.Option) and param.name not in OWN_MEANING.get(path, ()):
                found[param.name][path] = param
    return found


def choice(command: str, name: str) -> list[str]:
    return list(options_by_name()[name][command].type.choices)


def test_the_shared_options_are_the_ones_several_commands_take() -> None:
    several = {name for name, commands in options_by_name().items() if len(commands) > 1}
    assert several == SHARED


@pytest.mark.parametrize("name", sorted(SHARED))
def test_a_shared_option_reads_the_same_on_every_command(name: str) -> None:
    commands = options_by_name()[name]
    first, *others = commands
    for other in others:
        assert described(commands[other]) == described(commands[first]), f"--{name}: {other} differs from {first}"


def test_format_choices_are_the_rendered_formats() -> None:
    assert choice("audit", "formats") == [f.value for f in Format] == [f.value for f in RENDERERS]


def test_engine_layout_and_bad_row_choices_are_the_ones_the_code_knows() -> None:
    assert choice("audit", "engine") == list(ENGINES)
    assert choice("audit", "format_kind") == list(FORMAT_KINDS)
    assert choice("audit", "bad_rows") == list(BAD_ROWS)
    clean_bad_rows = next(p for p in leaf_commands()["clean"].params if p.name == "bad_rows")
    assert list(clean_bad_rows.type.choices) == list(CLEAN_BAD_ROWS)


@pytest.mark.parametrize("fmt", [f.value for f in Format])
def test_every_offered_format_renders_a_report(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"iris.{fmt}"
    invoke(["audit", DATA / "iris.csv", "-t", "target", "-f", fmt, "-o", out], 0)
    assert out.stat().st_size > 0


def test_installed_commands_print_the_one_help_text() -> None:
    """What a user reads in `--help`: each command's page carries the shared help word for word."""
    helps = {path: " ".join(run([*path.split(), "--help"], 0)[0].split()) for path in leaf_commands()}
    for name, commands in options_by_name().items():
        if name in SHARED:
            for path, option in commands.items():
                assert " ".join(str(option.help).split()) in helps[path], f"{path} --help: --{name}"


def test_diff_offers_the_formats_a_comparison_renders_in() -> None:
    from dataaudit.report.diff_formats import RENDERERS as DIFF_RENDERERS
    from dataaudit.report.diff_formats import DiffFormat

    formats = next(p for p in cli.commands["diff"].params if p.name == "formats")
    assert list(formats.type.choices) == [f.value for f in DiffFormat] == [f.value for f in DIFF_RENDERERS]


@pytest.mark.parametrize(("args", "option"), [
    (["audit", "{csv}", "-t", "species", "--baseline", "{report}", "--baseline-delta", "nan"], "--baseline-delta"),
    (["diff", "{report}", "{report}", "--delta", "NaN"], "--delta"),
    (["audit", "{jsonl}", "--price-per-million", "nan"], "--price-per-million"),
    (["audit", "{jsonl}", "--price-per-million", "inf"], "--price-per-million"),
])
def test_a_number_option_that_is_no_number_is_refused(tmp_path: Path, args: list[str], option: str) -> None:
    """click's ranges let NaN through (it compares false with every bound): a delta of NaN made
    no number worse, so the baseline gate passed any drift, and a price of NaN or infinity costed
    the run at that; each is now refused naming the option."""
    report = tmp_path / "main.json"
    invoke(["audit", DATA / "penguins.csv", "-t", "species", "-f", "json", "-o", report, "-q"], 0)
    args = [a.format(csv=DATA / "penguins.csv", report=report, jsonl=DATA / "text" / "hhh_chat_60.jsonl")
            for a in args]
    _, err = invoke(args, 2)
    assert f"Invalid value for '{option}': " in err and "is not a finite number" in err, err
    assert len(err.splitlines()) == 1


def test_an_infinite_delta_counts_only_severities(tmp_path: Path) -> None:
    """`--delta inf`: no number moves far enough to be worse; a severity that rose still is."""
    report = tmp_path / "main.json"
    invoke(["audit", DATA / "penguins.csv", "-t", "species", "-f", "json", "-o", report, "-q"], 0)
    invoke(["diff", report, report, "--delta", "inf"], 0)
