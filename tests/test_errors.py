"""Bad input: exit 2, ONE line on stderr starting `dataaudit: error:`, no traceback, and a message
that names the file, line, column or rule to fix.

Most cases run twice, through the `dataaudit` fixture: in-process (`invoke`, which re-raises any
crash) and through the installed console script (`run`, where a crash shows as a traceback and exit 1).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli_helpers import invoke, run
from tests.test_cli import clean_rows

N = 120
Runner = Callable[..., tuple[str, str]]


@pytest.fixture(params=["in-process", "subprocess"])
def dataaudit(request: pytest.FixtureRequest) -> Runner:
    return invoke if request.param == "in-process" else run


def assert_error(dataaudit: Runner, args: list, *needles: str) -> str:
    """Run, expect exit 2 and exactly one error line containing every needle; return that line."""
    out, err = dataaudit(args, 2)
    assert "Traceback" not in out + err, err
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{err}"
    line = lines[0]
    assert line.startswith("dataaudit: error: "), line
    for needle in needles:
        assert needle in line, f"{needle!r} not in {line!r}"
    return line


def rows(n: int = N) -> list[str]:
    """The rows of `tests.test_cli.clean_rows`: no finding, no shortcut."""
    return [",".join(map(str, row)) for row in clean_rows(n)]


def write_lines(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def clean_csv(path: Path) -> Path:
    return write_lines(path, ["a,b,label", *rows()])


# --- the data file ---------------------------------------------------------------------------


def missing_file(tmp: Path) -> tuple[Path, list[str]]:
    path = tmp / "nope.csv"
    return path, [f"{path}: no such file"]


def a_directory(tmp: Path) -> tuple[Path, list[str]]:
    path = tmp / "folder.csv"
    path.mkdir()
    return path, [str(path), "directory"]


def empty_file(tmp: Path) -> tuple[Path, list[str]]:
    path = tmp / "empty.csv"
    path.write_bytes(b"")
    return path, [f"{path}: the file is empty"]


def binary_csv(tmp: Path) -> tuple[Path, list[str]]:
    path = tmp / "data.csv"
    path.write_bytes(b"a,b,label\n\x00\x01\x02\x03\xff\xfe\x00\x00,1,x\n" * 20)
    return path, [f"{path}: binary content, not a CSV text file"]


def png_unknown_extension(tmp: Path) -> tuple[Path, list[str]]:
    path = tmp / "picture.dat"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00" * 8)
    return path, [f"{path}: a PNG image, not a CSV, TSV, Parquet or JSONL file"]


def latin1_csv(tmp: Path) -> tuple[Path, list[str]]:
    # line 1 header, line 2 plain ASCII, line 3 the first non-UTF-8 byte
    path = write_lines(tmp / "cafe.csv", ["name,n,label", "tea,0,y", *(f"café{i},{i},x" for i in range(1, 30))],
                       encoding="latin-1")
    return path, [f"{path}:3:", "UTF-8", "--encoding"]


def latin1_header(tmp: Path) -> tuple[Path, list[str]]:
    path = write_lines(tmp / "cafe.csv", ["café,n,label", *rows(5)], encoding="latin-1")
    return path, [f"{path}:1:", "UTF-8", "--encoding"]


def jsonl_broken_line(tmp: Path) -> tuple[Path, list[str]]:
    path = write_lines(tmp / "data.jsonl", ['{"a": 1, "label": "x"}', '{"a": 2, "label": "y"}',
                                            '{"a": 3, "label": ', '{"a": 4, "label": "y"}'])
    return path, [f"{path}:3:", "not valid JSON"]


def jsonl_array_line(tmp: Path) -> tuple[Path, list[str]]:
    path = write_lines(tmp / "data.jsonl", ['{"a": 1, "label": "x"}', "[1, 2]", '{"a": 4, "label": "y"}'])
    return path, [f"{path}:2:", "expected a JSON object, found list"]


def jsonl_broken_after_blank_lines(tmp: Path) -> tuple[Path, list[str]]:
    path = write_lines(tmp / "data.jsonl", ['{"a": 1, "label": "x"}', "", '{"a": 2, "label": "y"}', "",
                                            "{oops}"])
    return path, [f"{path}:5:", "not valid JSON"]


def ragged_csv_large(tmp: Path) -> tuple[Path, list[str]]:
    """A bad row past pyarrow's first 1 MiB block goes through the reader's error translation."""
    lines = ["a,b,label", *rows(150_000), "7,8,y,EXTRA"]
    path = write_lines(tmp / "big.csv", lines)
    return path, [f"{path}:{len(lines)}:", "malformed row", "expected 3 fields, found 4", "7,8,y,EXTRA",
                  "--bad-rows skip"]


def ragged_csv(tmp: Path) -> tuple[Path, list[str]]:
    path = write_lines(tmp / "ragged.csv", ["a,b,label", "1,2,x", "3,4,y", "5,6,x,EXTRA", "7,8,y"])
    return path, [f"{path}:4:", "expected 3 fields, found 4", "5,6,x,EXTRA"]


def ragged_csv_after_blank_line(tmp: Path) -> tuple[Path, list[str]]:
    path = write_lines(tmp / "ragged.csv", ["a,b,label", "1,2,x", "", "3,4,y", "5,6,x,EXTRA", "7,8,y"])
    return path, [f"{path}:5:", "expected 3 fields, found 4", "5,6,x,EXTRA"]


def latin1_after_sample(tmp: Path) -> tuple[Path, list[str]]:
    """The first non-UTF-8 byte lies past the 64 KiB sample that is decoded up front."""
    lines = ["a,b,label", *rows(12_000), "café,1,x"]
    path = write_lines(tmp / "late.csv", lines, encoding="latin-1")
    assert path.stat().st_size > 64 * 1024
    return path, [str(path), "UTF-8", "--encoding"]


@pytest.mark.parametrize("make", [
    missing_file,
    a_directory,
    empty_file,
    binary_csv,
    png_unknown_extension,
    latin1_csv,
    latin1_header,
    latin1_after_sample,
    jsonl_broken_line,
    jsonl_array_line,
    jsonl_broken_after_blank_lines,
    ragged_csv,
    ragged_csv_after_blank_line,
    ragged_csv_large,
])
def test_bad_data_file(tmp_path: Path, dataaudit: Runner, make: Callable[[Path], tuple[Path, list[str]]]) -> None:
    path, needles = make(tmp_path)
    before = sorted(os.listdir(tmp_path))
    assert_error(dataaudit, ["audit", path, "--target", "label"], *needles)
    assert sorted(os.listdir(tmp_path)) == before, "an error writes nothing"


@pytest.mark.parametrize("make", [ragged_csv, jsonl_broken_line])
def test_a_clean_of_a_malformed_row_names_the_option_that_quarantines_it(
        tmp_path: Path, dataaudit: Runner, make: Callable[[Path], tuple[Path, list[str]]]) -> None:
    """The clean's `--bad-rows` takes `quarantine`, not the audit's `skip`: its error names each by its command."""
    path, needles = make(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    err = assert_error(dataaudit, ["clean", path, "--target", "label", "-o", out / "clean.csv"], *needles,
                       "`dataaudit clean --bad-rows quarantine`", "`dataaudit audit --bad-rows skip`")
    assert "(use --bad-rows" not in err
    assert list(out.iterdir()) == []


def test_late_encoding_error_names_the_line(tmp_path: Path) -> None:
    path, _ = latin1_after_sample(tmp_path)
    line = assert_error(invoke, ["audit", path, "--target", "label"], str(path))
    assert f"{path}:12002:" in line, line


def test_latin1_file_with_encoding_option(tmp_path: Path) -> None:
    lines = ["city,a,b,label", *(f"{'café' if i % 3 else 'thé'},{i % 10},{i // 10},{'x' if i % 2 else 'y'}"
                                 for i in range(N))]
    path = write_lines(tmp_path / "cafe.csv", lines, encoding="latin-1")
    invoke(["audit", path, "-t", "label"], 2)
    out, err = invoke(["audit", path, "-t", "label", "--encoding", "latin-1", "--format", "json"], 0)
    assert err == ""
    report = json.loads(out)
    city = next(c for c in report["dataset"]["column_profiles"] if c["name"] == "city")
    assert dict(city["top_values"]) == {"café": 80, "thé": 40}


def test_unknown_encoding(tmp_path: Path, dataaudit: Runner) -> None:
    path = clean_csv(tmp_path / "data.csv")
    assert_error(dataaudit, ["audit", path, "-t", "label", "--encoding", "klingon-8"], "unknown encoding 'klingon-8'")


def test_multi_character_delimiter(tmp_path: Path, dataaudit: Runner) -> None:
    path = clean_csv(tmp_path / "data.csv")
    assert_error(dataaudit, ["audit", path, "-t", "label", "--delimiter", ";;"], "delimiter", "';;'")


# --- rows left out with --bad-rows skip ------------------------------------------------------


@pytest.mark.parametrize(("lines", "bad_line", "rows_kept"), [
    pytest.param(["a,b,label", "1,2,x", "3,4,y", "5,6,x,EXTRA", "7,8,y"], 4, 3, id="too-many-fields"),
    pytest.param(["a,b,label", "1,2,x", "3,4", "7,8,y"], 3, 2, id="too-few-fields"),
    pytest.param(["a,b,label", "1,2,x", "", "3,4,y", "", "5,6,x,EXTRA", "7,8,y"], 6, 3,
                 id="after-blank-lines"),
    pytest.param(["a,b,label", '1,"two', 'lines",x', "3,4,y", "5,6,x,EXTRA", "7,8,y"], 5, 3,
                 id="after-multiline-field"),
])
def test_bad_rows_skip_reports_the_line(tmp_path: Path, lines: list[str], bad_line: int, rows_kept: int) -> None:
    path = write_lines(tmp_path / "ragged.csv", lines)
    out, _ = invoke(["audit", path, "-t", "label", "--bad-rows", "skip", "--format", "json"], 1)
    report = json.loads(out)
    bad = [f for f in report["findings"] if f["check"] == "source.bad_rows"]
    assert len(bad) == 1
    assert bad[0]["severity"] == "fail"
    assert bad[0]["observed"] == 1
    assert bad[0]["examples"] == [bad_line]
    assert f"line {bad_line}" in bad[0]["message"]
    assert bad[0]["details"]["problems"][0]["text"] == lines[bad_line - 1]
    assert report["dataset"]["rows"] == rows_kept


def test_bad_rows_skip_jsonl(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "data.jsonl", ['{"a": 1, "label": "x"}', "", "[1, 2]", '{"a": 2, "label": "y"}',
                                                 '{"a": 3, "label": '])
    out, _ = invoke(["audit", path, "-t", "label", "--bad-rows", "skip", "--format", "json"], 1)
    report = json.loads(out)
    bad = next(f for f in report["findings"] if f["check"] == "source.bad_rows")
    assert bad["severity"] == "fail"
    assert bad["examples"] == [3, 5]
    assert report["dataset"]["rows"] == 2


# --- columns ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("options", "needles"), [
    (["--target", "lable"], ["target column 'lable' not found", "did you mean 'label'?", "columns are: a, b, label"]),
    (["--target", "label", "--ignore-column", "bee"], ["ignored column 'bee' not found", "columns are: a, b, label"]),
    (["--target", "label", "--ignore-column", "zzz"], ["ignored column 'zzz' not found"]),
    (["--target", "label", "--ignore-column", "label"],
     ["column 'label' is both the target and ignored (named with --ignore-column)"]),
    (["--target", "label", "--group-column", "label"],
     ["column 'label' is both the target and ignored (the group column)"]),
], ids=["target-typo", "ignore-typo", "ignore-unknown", "ignore-the-target", "group-by-the-target"])
def test_bad_column(tmp_path: Path, dataaudit: Runner, options: list[str], needles: list[str]) -> None:
    path = clean_csv(tmp_path / "data.csv")
    line = assert_error(dataaudit, ["audit", path, *options], f"{path}: ", *needles)
    if "zzz" in options:
        assert "did you mean" not in line


# --- rule packs ------------------------------------------------------------------------------


def test_unknown_rule_pack_name(tmp_path: Path, dataaudit: Runner) -> None:
    path = clean_csv(tmp_path / "data.csv")
    assert_error(dataaudit, ["audit", path, "-t", "label", "--rules", "strickt"],
                 "unknown rule pack 'strickt'", "default, finetune-small, strict")
    assert_error(dataaudit, ["rules", "show", "strickt"], "unknown rule pack 'strickt'")


def test_missing_rule_pack_file(tmp_path: Path, dataaudit: Runner) -> None:
    path = clean_csv(tmp_path / "data.csv")
    pack = tmp_path / "nope.yaml"
    assert_error(dataaudit, ["audit", path, "-t", "label", "--rules", pack], f"{pack}: rule pack not found")
    assert_error(dataaudit, ["rules", "validate", pack], f"{pack}: rule pack not found")


BAD_PACKS = {
    "unknown-key": (
        "# a pack with a typo\ndescription: typo\nchecks:\n  size:\n    min_rows: {warn: 100, fail: 20}\n"
        "  balance:\n    max_imbalance_ratoi: {warn: 10, fail: 100}\n",
        7, ["checks.balance.max_imbalance_ratoi: unknown key"]),
    "unknown-top-level-key": (
        "description: x\n\ntargte: label\n", 3, ["targte: unknown key"]),
    "unknown-nested-key": (
        "missing_values:\n  tokens: ['?']\n  sentinal: [-1]\n", 3, ["missing_values.sentinal: unknown key"]),
    "wrong-type": (
        "description: words\nchecks:\n  size:\n    min_rows: {warn: lots}\n",
        4, ["checks.size.min_rows.warn:", "valid number"]),
    "wrong-type-block": (
        "checks:\n  missing:\n    empty_column: warn\n    max_column_share:\n      warn: 0.01\n      fail: many\n",
        6, ["checks.missing.max_column_share.fail:", "valid number"]),
    # numbers and booleans are strict: lax validation read `true` as 1.0 and "5" as 5.0
    "boolean-as-number": (
        "checks:\n  size:\n    min_rows: {warn: true, fail: 1}\n",
        3, ["checks.size.min_rows.warn:", "valid number, not the boolean true"]),
    "quoted-number": (
        "checks:\n  size:\n    min_rows: {warn: \"5\", fail: 1}\n",
        3, ["checks.size.min_rows.warn:", "valid number, not the text '5'"]),
    "text-as-boolean": (
        "description: x\nmissing_values: {case_sensitive: \"yes\"}\n",
        2, ["missing_values.case_sensitive:", "valid boolean, not the text 'yes'"]),
    "number-as-boolean": (
        "preprocess:\n  coerce_numeric: 1\n", 2, ["preprocess.coerce_numeric:", "valid boolean, not the number 1"]),
    "fraction-as-whole-number": (
        "checks:\n  label_noise:\n    folds: 5.5\n", 3,
        ["checks.label_noise.folds:", "valid integer, not the number 5.5"]),
    "nan-sentinel": (
        "missing_values:\n  tokens: ['?']\n  sentinels:\n    - -999\n    - .nan\n",
        5, ["missing_values.sentinels.1:", "NaN (.nan)", "never take effect"]),
    "nan-level": (
        "checks:\n  missing:\n    max_column_share: {warn: .nan}\n", 3, ["max_column_share.warn:", "NaN (.nan)"]),
    "negative-significance": (
        "checks:\n  splits:\n    significance: -3\n", 3, ["checks.splits.significance:", "greater than 0"]),
    "negative-upper-level": (
        "checks:\n  splits:\n    max_psi: {warn: -1}\n", 3,
        ["checks.splits.max_psi.warn:", "-1 is below 0", "never negative"]),
    # a percentage written as a share (5 for 5%) would switch the check off unnoticed
    "percent-as-share": (
        "checks:\n  missing:\n    max_column_share: {warn: 5, fail: 30}\n", 3,
        ["checks.missing.max_column_share.warn:", "5 is above 1", "0.05 is 5%"]),
    "percent-as-lower-share": (
        "checks:\n  balance:\n    min_class_share: {warn: 2}\n", 3,
        ["checks.balance.min_class_share.warn:", "2 is above 1"]),
    "wrong-toggle": (
        "checks:\n  labels:\n    variants: sometimes\n", 3,
        ["checks.labels.variants:", "'off', 'info', 'warn' or 'fail'"]),
    "fail-stricter-than-warn": (
        "description: upside down\nchecks:\n  missing:\n    empty_column: warn\n"
        "    max_column_share: {warn: 0.2, fail: 0.1}\n",
        5, ["checks.missing.max_column_share:", "fail level 0.1 is stricter than warn level 0.2"]),
    "fail-stricter-than-warn-lower-limit": (
        "checks:\n  size:\n    min_rows: {warn: 10, fail: 20}\n",
        3, ["checks.size.min_rows:", "fail level 20 is stricter than warn level 10"]),
    "yaml-syntax": (
        "description: broken\nchecks:\n  size: min_rows: 3\n", 3, ["invalid YAML", "mapping values are not allowed"]),
    "yaml-stray-brace": (
        "description: x\nchecks:\n  size:\n    min_rows: {warn: 1, fail: 2}}\n", 4, ["invalid YAML"]),
    "yaml-tab": (
        "description: x\nchecks:\n\tsize: {}\n", 3, ["invalid YAML"]),
    # YAML forbids a repeated key; PyYAML let the last one win silently
    "repeated-top-level-key": (
        "target: label\ndescription: x\ntarget: other\n", 3,
        ["invalid YAML: duplicate key 'target' (first on line 1)"]),
    "repeated-nested-key": (
        "checks:\n  size:\n    min_rows: {warn: 5, fail: 1}\n    min_rows: {warn: 50, fail: 10}\n", 4,
        ["invalid YAML: duplicate key 'min_rows' (first on line 3)", "the last one would silently win"]),
    "repeated-flow-key": (
        "checks:\n  size:\n    min_rows: {warn: 5, fail: 1, warn: 50}\n", 3,
        ["invalid YAML: duplicate key 'warn' (first on line 3)"]),
    "repeated-quoted-key": (
        "missing_values:\n  tokens: [a]\n  'tokens': [b]\n", 3, ["invalid YAML: duplicate key 'tokens'"]),
    "not-a-mapping": (
        "- default\n- strict\n", 1, ["a rule pack is a mapping"]),
}


@pytest.mark.parametrize("case", list(BAD_PACKS))
@pytest.mark.parametrize(("mode", "command"), [("in-process", "audit"), ("in-process", "validate"),
                                               ("subprocess", "validate")])
def test_bad_rule_pack(tmp_path: Path, case: str, mode: str, command: str) -> None:
    """`audit --rules` and `rules validate` load a pack the same way; the installed command runs `validate`."""
    text, line, needles = BAD_PACKS[case]
    pack = tmp_path / "pack.yaml"
    pack.write_text(text, encoding="utf-8")
    if command == "audit":
        args = ["audit", clean_csv(tmp_path / "data.csv"), "-t", "label", "--rules", pack]
    else:
        args = ["rules", "validate", pack]
    assert_error(invoke if mode == "in-process" else run, args, f"{pack}:{line}: ", *needles)


def test_validate_names_the_bad_file(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text("description: fine\n", encoding="utf-8")
    bad.write_text("descriptoin: typo\n", encoding="utf-8")
    out, err = invoke(["rules", "validate", good, bad], 2)
    assert out == f"{good}: valid\n"
    assert err == f"dataaudit: error: {bad}:1: descriptoin: unknown key; did you mean 'description'?\n"


# --- where reports go ------------------------------------------------------------------------


def test_report_into_a_missing_directory(tmp_path: Path, dataaudit: Runner) -> None:
    path = clean_csv(tmp_path / "data.csv")
    target = tmp_path / "no" / "such" / "dir" / "report.json"
    assert_error(dataaudit, ["audit", path, "-t", "label", "--format", "json", "-o", target],
                 f"{target}: no such folder")
    assert not (tmp_path / "no").exists()


def test_report_under_a_file_or_through_a_broken_link_names_the_folder(tmp_path: Path, dataaudit: Runner) -> None:
    """A report's folder that is a file is said to be one, not missing; a link into a missing
    folder names that folder, not the link's."""
    path = clean_csv(tmp_path / "data.csv")
    (tmp_path / "x.json").write_text("{}", encoding="utf-8")
    under_file = tmp_path / "x.json" / "report.json"
    assert_error(dataaudit, ["audit", path, "-t", "label", "--format", "json", "-o", under_file],
                 f"{under_file}: '{tmp_path / 'x.json'}' is a file, not a folder")
    link = tmp_path / "report.json"
    link.symlink_to(tmp_path / "gone" / "report.json")
    assert_error(dataaudit, ["audit", path, "-t", "label", "--format", "json", "-o", link],
                 f"{link}: no such folder '{tmp_path / 'gone'}'")
    assert (tmp_path / "x.json").read_text(encoding="utf-8") == "{}" and not (tmp_path / "gone").exists()


@pytest.mark.parametrize("options", [[], ["--format", "json"], ["--format", "markdown", "--strict"]],
                         ids=["console", "json", "markdown-strict"])
def test_nothing_is_written_next_to_the_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              options: list[str]) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    data = clean_csv(folder / "x.csv")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    invoke(["audit", data, "--target", "label", *options], 0)
    # the installed command, run from inside the data folder: not even the working directory gets a file
    run(["audit", "x.csv", "--target", "label", *options], 0, cwd=folder)
    assert sorted(os.listdir(folder)) == ["x.csv"]
    assert os.listdir(elsewhere) == []


# --- the environment -------------------------------------------------------------------------


@pytest.mark.parametrize("epoch", ["99999999999999999", "²", "-5", "yesterday", "1.5"])
def test_a_source_date_epoch_that_is_no_time_is_one_line(
        tmp_path: Path, dataaudit: Runner, monkeypatch: pytest.MonkeyPatch, epoch: str) -> None:
    """SOURCE_DATE_EPOCH past the years a date holds (or a digit such as ² that is no ASCII
    digit) ended the run with an internal error; a value that is no count of seconds was
    ignored without a word, so a report meant to be reproducible was dated now. Either is named
    as the variable to fix, as reproducible builds ask of a malformed value."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    assert_error(dataaudit, ["audit", clean_csv(tmp_path / "data.csv"), "-t", "label", "-q"],
                 f"SOURCE_DATE_EPOCH={epoch!r}", "whole number of seconds since 1970-01-01")


def test_a_source_date_epoch_dates_the_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", " 1767225600 ")
    out, _ = invoke(["audit", clean_csv(tmp_path / "data.csv"), "-t", "label", "-f", "json", "-q"], 0)
    assert json.loads(out)["created_at"] == "2026-01-01T00:00:00+00:00"


# --- an empty path ---------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "option"), [
    (["audit", "{data}", "-t", "label", "-o", ""], "'-o' / '--output'"),
    (["audit", "{data}", "-t", "label", "--schema", ""], "'--schema'"),
    (["audit", "{data}", "-t", "label", "--baseline", ""], "'--baseline'"),
    (["audit", "{data}", "-t", "label", "--format-profile", " "], "'--format-profile'"),
    (["audit", "{data}", "-t", "label", "--eval-set", ""], "'--eval-set'"),
    (["audit", ""], "'DATA...'"),
    (["clean", "{data}", "-t", "label", "-o", ""], "'-o' / '--output'"),
    (["clean", "{data}", "-t", "label", "-o", "{tmp}/out.csv", "--fitted", ""], "'--fitted'"),
    (["rules", "validate", ""], "'PATHS...'"),
    (["export", "gx", "--data", ""], "'--data'"),
    (["schema", "infer", "{data}", "-o", ""], "'-o' / '--output'"),
])
def test_an_empty_path_names_its_option(tmp_path: Path, args: list[str], option: str) -> None:
    """An empty path (an unset variable in a CI script, `-o "$REPORT"`) was read as the folder
    `.`, and refused as `.: is a directory` without naming the option that was empty."""
    data = clean_csv(tmp_path / "data.csv")
    args = [arg.format(data=data, tmp=tmp_path) for arg in args]
    for runner in (invoke, run):
        _, err = runner(args, 2)
        assert err.count("\n") == 1 and "Traceback" not in err, err
        assert f"Invalid value for {option}: an empty path names no file" in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv"]


# --- JSON a run reads beside the data ---------------------------------------------------------


@pytest.mark.parametrize("content", [b"[" * 100_000 + b"]" * 100_000, b"\xff\xfe{\x00}\x00"])
@pytest.mark.parametrize("option", ["--gx-suite", "--fitted"])
def test_a_suite_or_fitted_state_that_is_no_json_is_one_line(
        tmp_path: Path, dataaudit: Runner, content: bytes, option: str) -> None:
    """JSON nested deeper than the parser recurses, or bytes that are no UTF-8, ended the run in
    an internal error (RecursionError, UnicodeDecodeError) where a saved report is refused."""
    given = tmp_path / "given.json"
    given.write_bytes(content)
    data = clean_csv(tmp_path / "data.csv")
    args = (["audit", data, "-t", "label", "--gx-suite", given] if option == "--gx-suite"
            else ["clean", data, "-t", "label", "-o", tmp_path / "out.csv", "--fitted", given])
    assert_error(dataaudit, args, f"{given}: ")
