"""The `dataaudit` command end to end, on real files under tmp_path.

Exit codes are the contract for CI: 0 passed, 1 gate failed, 2 usage or input error. Most tests
run the CLI in-process (`invoke`); a few run the installed console script (`run`) to prove the
entry point itself works.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from dataaudit.io.digest import file_sha256
from tests.cli_helpers import RUNNERS, Runner, invoke, run

N = 120  # >= the default min_rows warn level (100)

FINDING_KEYS = {"fingerprint", "check", "severity", "message", "examples"}


def clean_rows(n: int = N) -> list[tuple[int, int, str]]:
    """Two balanced classes, no missing values, no duplicates, no id-like or constant column, and
    no shortcut: the label is the parity of a + b, which neither column alone tells."""
    return [(i % 10, i // 10, "x" if (i % 10 + i // 10) % 2 else "y") for i in range(n)]


def write_csv(path: Path, header: list[str], rows: list[tuple], sep: str = ",") -> Path:
    lines = [sep.join(header)] + [sep.join(str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def clean_csv(path: Path) -> Path:
    return write_csv(path, ["a", "b", "label"], clean_rows())


def warn_only_csv(path: Path) -> Path:
    """Both features unique per row, no run of integers (which would be an id): `columns.unique` warns (twice),
    nothing fails."""
    return write_csv(path, ["a", "b", "label"], [(2 * i, 3 * i + 1, "x" if i % 2 else "y") for i in range(N)])


def variants_csv(path: Path) -> Path:
    """The label spelled `cat` and `Cat`: `labels.variants` fails under the default rules."""
    return write_csv(path, ["a", "b", "label"], [(i % 10, i // 10, "Cat" if i % 3 == 0 else "cat") for i in range(N)])


def audit_json(args: list, code: int) -> dict:
    out, _ = invoke(["audit", *args, "--format", "json"], code)
    return json.loads(out)


# --- the gate --------------------------------------------------------------------------------


def test_clean_dataset_passes(tmp_path: Path) -> None:
    data = clean_csv(tmp_path / "clean.csv")
    out, err = invoke(["audit", data, "--target", "label"], 0)
    assert err == ""
    assert "PASSED: 0 fail, 0 warn, 0 info" in out
    assert "Labels: x: 60, y: 60" in out
    assert f"{data} (csv, 120 rows x 3 columns), target 'label', rules 'default'" in out

    report = audit_json([data, "-t", "label"], 0)
    assert report["passed"] is True
    assert report["counts"] == {"info": 0, "warn": 0, "fail": 0}
    assert report["findings"] == []
    assert report["dataset"]["rows"] == N
    assert report["dataset"]["labels"]["counts"] == {"x": 60, "y": 60}


def test_label_spelling_variants_fail_the_gate(tmp_path: Path) -> None:
    data = variants_csv(tmp_path / "pets.csv")
    out, _ = invoke(["audit", data, "--target", "label"], 1)
    assert "labels.variants" in out
    assert "FAILED:" in out

    report = audit_json([data, "-t", "label"], 1)
    assert report["passed"] is False
    variants = [f for f in report["findings"] if f["check"] == "labels.variants"]
    assert len(variants) == 1
    assert variants[0]["severity"] == "fail"
    assert variants[0]["column"] == "label"
    assert "Cat" in variants[0]["examples"]
    assert "'cat'" in variants[0]["message"] and "'Cat'" in variants[0]["message"]


def test_strict_turns_warnings_into_a_failing_gate(tmp_path: Path) -> None:
    data = warn_only_csv(tmp_path / "ids.csv")
    out, _ = invoke(["audit", data, "-t", "label"], 0)
    assert "PASSED: 0 fail, 2 warn, 0 info" in out
    assert "columns.unique" in out

    out, _ = invoke(["audit", data, "-t", "label", "--strict"], 1)
    assert "FAILED: 0 fail, 2 warn, 0 info findings (strict: warnings fail)" in out

    report = audit_json([data, "-t", "label", "--strict"], 1)
    assert report["strict"] is True
    assert report["passed"] is False
    assert report["counts"]["fail"] == 0
    assert {f["severity"] for f in report["findings"]} == {"warn"}


# --- report formats and destinations ---------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "code", "verdict"),
    [(warn_only_csv, 0, "passed (0 fail, 2 warn, 0 info)"), (variants_csv, 1, "FAILED (2 fail, 0 warn, 0 info)")],
    ids=["passed", "failed"],
)
def test_json_report_to_a_file(tmp_path: Path, make, code: int, verdict: str) -> None:
    data = make(tmp_path / "data.csv")
    out_path = tmp_path / "out.json"
    out, err = invoke(["audit", data, "-t", "label", "--format", "json", "-o", out_path], code)
    assert out == ""
    assert err.splitlines() == [f"dataaudit: {verdict}; report written to {out_path}"]

    report = json.loads(out_path.read_text(encoding="utf-8"))
    assert report["schema_version"] == "1.6"
    assert report["passed"] is (code == 0)
    assert report["target"] == "label"
    assert report["source"]["name"] == str(data)
    assert report["findings"], "both datasets have findings"
    for finding in report["findings"]:
        assert finding.keys() >= FINDING_KEYS
        assert finding["severity"] in ("info", "warn", "fail")
        assert isinstance(finding["message"], str) and finding["message"]
        assert isinstance(finding["examples"], list)
    assert sum(report["counts"].values()) == len(report["findings"])


@pytest.mark.parametrize(
    ("make", "code", "title"),
    [(clean_csv, 0, "### dataaudit ✅ passed: `{}`"), (variants_csv, 1, "### dataaudit ❌ failed: `{}`")],
    ids=["passed", "failed"],
)
def test_markdown_to_stdout(tmp_path: Path, make, code: int, title: str) -> None:
    data = make(tmp_path / "data.csv")
    out, err = invoke(["audit", data, "-t", "label", "--format", "markdown"], code)
    assert err == ""
    assert out.startswith("### dataaudit")
    assert out.splitlines()[0] == title.format(data)
    assert "rows × 3 columns · target `label` · rules `default`" in out
    if code:
        assert "| ❌ fail | `labels.variants` | label |" in out


def test_two_formats_to_two_files(tmp_path: Path) -> None:
    data = variants_csv(tmp_path / "pets.csv")
    json_path, md_path = tmp_path / "r.json", tmp_path / "r.md"
    out, err = invoke(["audit", data, "-t", "label", "-f", "json", "-o", json_path, "-f", "markdown", "-o", md_path], 1)
    assert out == ""
    assert err.splitlines() == [f"dataaudit: FAILED (2 fail, 0 warn, 0 info); report written to {json_path}, {md_path}"]
    report = json.loads(json_path.read_text(encoding="utf-8"))
    assert report["passed"] is False
    markdown = md_path.read_text(encoding="utf-8")
    assert markdown.startswith(f"### dataaudit ❌ failed: `{data}`")
    assert "`labels.variants`" in markdown


def test_one_format_to_stdout_and_one_to_a_file(tmp_path: Path) -> None:
    data = clean_csv(tmp_path / "clean.csv")
    md_path = tmp_path / "r.md"
    out, err = invoke(["audit", data, "-t", "label", "-f", "json", "-o", "-", "-f", "markdown", "-o", md_path], 0)
    assert json.loads(out)["passed"] is True
    assert err == "", "the verdict line is for runs whose stdout carries no report"
    assert md_path.read_text(encoding="utf-8").startswith("### dataaudit ✅ passed")


def test_console_report_written_to_a_file_has_no_colour_codes(tmp_path: Path) -> None:
    data = variants_csv(tmp_path / "pets.csv")
    out_path = tmp_path / "report.txt"
    invoke(["audit", data, "-t", "label", "-o", out_path], 1)
    text = out_path.read_text(encoding="utf-8")
    assert "labels.variants" in text
    assert not re.search(r"\x1b\[[0-9;]*m", text), text[:200]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["-f", "json", "-f", "markdown", "-o", "r.json"], "2 --format but 1 --output"),
        (["-f", "json", "-o", "r.json", "-o", "r2.json"], "1 --format but 2 --output"),
        (["-f", "json", "-f", "markdown"], "several --format need one --output each"),
    ],
    ids=["2-formats-1-output", "1-format-2-outputs", "2-formats-no-output"],
)
def test_format_and_output_counts_must_match(tmp_path: Path, options: list[str], message: str) -> None:
    data = clean_csv(tmp_path / "clean.csv")
    options = [str(tmp_path / o) if o.endswith(".json") else o for o in options]
    out, err = invoke(["audit", data, "-t", "label", *options], 2)
    assert out == ""
    assert message in err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean.csv"], "nothing is written on a usage error"


@pytest.mark.parametrize(("args", "line"), [
    (["audit", "data.csv", "--nope"],
     "dataaudit audit: error: No such option '--nope'. (see 'dataaudit audit --help')"),
    (["audit"], "dataaudit audit: error: Missing argument 'DATA...'. (see 'dataaudit audit --help')"),
    (["nope"], "dataaudit: error: No such command 'nope'. (see 'dataaudit --help')"),
    (["audit", "data.csv", "--bad-rows", "maybe"], "dataaudit audit: error: Invalid value for '--bad-rows'"),
], ids=["unknown-option", "missing-argument", "unknown-command", "bad-choice"])
@pytest.mark.parametrize("runner", [invoke, run], ids=["in-process", "subprocess"])
def test_usage_errors_are_one_line(runner, args: list[str], line: str) -> None:
    out, err = runner(args, 2)
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith(line), err


def test_no_command_shows_the_help() -> None:
    out, _ = invoke([], 2)
    assert "Commands:" in out and "audit" in out


# --- columns ---------------------------------------------------------------------------------


def test_ignore_column_leaves_it_out(tmp_path: Path) -> None:
    rows = [(f"row-{i:04d}", a, b, label) for i, (a, b, label) in enumerate(clean_rows())]
    data = write_csv(tmp_path / "with_id.csv", ["id", "a", "b", "label"], rows)

    report = audit_json([data, "-t", "label", "--keep-column", "id"], 0)
    assert "id" in report["dataset"]["features"]
    assert any(f["check"] == "columns.unique" and f["column"] == "id" for f in report["findings"])

    report = audit_json([data, "-t", "label", "--ignore-column", "id"], 0)
    assert report["dataset"]["ignored"] == [{"column": "id", "reason": "named with --ignore-column"}]
    assert report["dataset"]["features"] == ["a", "b"]
    assert not [f for f in report["findings"] if f["column"] == "id"]
    assert report["counts"] == {"info": 0, "warn": 0, "fail": 0}

    out, _ = invoke(["audit", data, "-t", "label", "-i", "id"], 0)
    assert "Ignored: id (named with --ignore-column)" in out


# --- input formats ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "sep", "fmt"),
    [("data.tsv", "\t", "tsv"), ("data.txt", "\t", "tsv"), ("data.csv", "\t", "tsv"), ("data.csv", ";", "csv"),
     ("data.csv", "|", "csv")],
    ids=["tsv", "txt-tabs", "csv-named-tabs", "semicolon", "pipe"],
)
def test_delimiter_is_detected(tmp_path: Path, name: str, sep: str, fmt: str) -> None:
    data = write_csv(tmp_path / name, ["a", "b", "label"], clean_rows(), sep=sep)
    report = audit_json([data, "-t", "label"], 0)
    assert report["source"]["format"] == fmt
    assert report["source"]["delimiter"] == sep
    assert report["dataset"]["columns"] == 3
    assert report["dataset"]["features"] == ["a", "b"]
    assert report["dataset"]["rows"] == N
    assert report["dataset"]["labels"]["counts"] == {"x": 60, "y": 60}


def write_parquet(path: Path) -> Path:
    a, b, label = zip(*clean_rows(), strict=True)
    pq.write_table(pa.table({"a": list(a), "b": list(b), "label": list(label)}), path)
    return path


def write_jsonl(path: Path) -> Path:
    lines = [json.dumps({"a": a, "b": b, "label": label}) for a, b, label in clean_rows()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "write", "fmt"),
    [("data.parquet", write_parquet, "parquet"), ("data.jsonl", write_jsonl, "jsonl"),
     ("data.ndjson", write_jsonl, "jsonl"), ("data.bin", write_parquet, "parquet"), ("data.log", write_jsonl, "jsonl")],
    ids=["parquet", "jsonl", "ndjson", "parquet-by-content", "jsonl-by-content"],
)
def test_parquet_and_jsonl_inputs(tmp_path: Path, name: str, write, fmt: str) -> None:
    data = write(tmp_path / name)
    report = audit_json([data, "-t", "label"], 0)
    assert report["source"]["format"] == fmt
    assert report["dataset"]["rows"] == N
    assert report["dataset"]["features"] == ["a", "b"]
    assert report["dataset"]["labels"]["counts"] == {"x": 60, "y": 60}
    profiles = {c["name"]: c for c in report["dataset"]["column_profiles"]}
    assert profiles["a"]["type"] == "integer"
    assert profiles["a"]["numeric"]["min"] == 0 and profiles["a"]["numeric"]["max"] == 9


def test_jsonl_label_variants_fail(tmp_path: Path) -> None:
    data = tmp_path / "pets.jsonl"
    data.write_text("".join(json.dumps({"a": i % 10, "b": i // 10, "label": "Cat" if i % 3 == 0 else "cat"}) + "\n"
                            for i in range(N)), encoding="utf-8")
    report = audit_json([data, "-t", "label"], 1)
    assert "labels.variants" in {f["check"] for f in report["findings"] if f["severity"] == "fail"}


# --- rule packs ------------------------------------------------------------------------------


def test_rules_list() -> None:
    out, err = invoke(["rules", "list"], 0)
    assert err == ""
    names = [line.split()[0] for line in out.splitlines() if line.strip()]
    assert names == ["default", "finetune-small", "strict"]
    assert "Tight levels for production training data" in out


def test_rules_show_strict() -> None:
    out, _ = invoke(["rules", "show", "strict"], 0)
    pack = yaml.safe_load(out)
    checks = pack["checks"]
    assert pack["description"].startswith("Tight levels")
    assert checks["size"]["min_rows"] == {"warn": 1000, "fail": 200}
    assert checks["balance"]["max_imbalance_ratio"] == {"warn": 5, "fail": 20}
    assert checks["missing"]["max_column_share"] == {"warn": 0.001, "fail": 0.05}
    assert checks["columns"]["constant"] == "fail"
    assert checks["labels"]["absent"] == "fail"
    # levels the strict pack leaves out are filled in from the defaults
    assert checks["labels"]["variants"] == "fail"
    assert checks["columns"]["unique_min_rows"] == 50
    assert pack["missing_values"]["sentinels"] == [-999, -9999]


def test_rules_show_default_matches_an_empty_pack(tmp_path: Path) -> None:
    """The model's defaults are the `default` pack's levels (its docstring says so)."""
    default, _ = invoke(["rules", "show", "default"], 0)
    pack = tmp_path / "empty.yaml"
    pack.write_text("description: Balanced levels for tabular classification data before training.\n")
    empty, _ = invoke(["rules", "show", pack], 0)
    assert yaml.safe_load(empty) == yaml.safe_load(default)


GOOD_PACKS = {
    "minimal": "description: minimal\n",
    "levels": "description: small sets\nchecks:\n  size:\n    min_rows: {warn: 10, fail: 2}\n"
              "  balance:\n    max_imbalance_ratio: {warn: 3, fail: null}\n",
    "toggles-quoted": "checks:\n  labels:\n    variants: 'off'\n    allowed: [cat, dog]\n",
}


@pytest.mark.parametrize("name", list(GOOD_PACKS))
def test_rules_validate_good_file(tmp_path: Path, name: str) -> None:
    pack = tmp_path / f"{name}.yaml"
    pack.write_text(GOOD_PACKS[name], encoding="utf-8")
    out, err = invoke(["rules", "validate", pack], 0)
    assert out == f"{pack}: valid\n"
    assert err == ""


def test_rules_validate_accepts_unquoted_off(tmp_path: Path) -> None:
    pack = tmp_path / "off.yaml"
    pack.write_text("checks:\n  labels:\n    variants: off\n", encoding="utf-8")
    out, _ = invoke(["rules", "validate", pack], 0)
    assert out == f"{pack}: valid\n"


def test_rules_validate_several_files(tmp_path: Path) -> None:
    paths = []
    for name, text in GOOD_PACKS.items():
        paths.append(tmp_path / f"{name}.yaml")
        paths[-1].write_text(text, encoding="utf-8")
    out, _ = invoke(["rules", "validate", *paths], 0)
    assert out.splitlines() == [f"{p}: valid" for p in paths]


@pytest.mark.parametrize("runner", RUNNERS)
def test_rules_validate_names_every_invalid_file(tmp_path: Path, runner: Runner) -> None:
    """Several packs (as pre-commit passes them): each invalid one is one line on stderr, the
    valid ones are said so, and the exit code is 2 once any is invalid; it used to stop at the
    first, so the others' problems took one run each to find."""
    typo, good, missing = tmp_path / "typo.yaml", tmp_path / "good.yaml", tmp_path / "missing.yaml"
    typo.write_text("chekcs: {}\n", encoding="utf-8")
    good.write_text(GOOD_PACKS["minimal"], encoding="utf-8")
    out, err = runner(["rules", "validate", typo, good, missing], 2)
    assert out.splitlines() == [f"{good}: valid"]
    assert err.splitlines() == [f"dataaudit: error: {typo}:1: chekcs: unknown key; did you mean 'checks'?",
                                f"dataaudit: error: {missing}: rule pack not found"]


def test_custom_rule_pack_changes_the_verdict(tmp_path: Path) -> None:
    """A pack that tolerates spelling variants lets the `cat`/`Cat` data through the gate."""
    data = write_csv(tmp_path / "pets.csv", ["a", "b", "label"],
                     [(i % 10, i // 10, "dog" if i % 2 else ("Cat" if i % 4 == 0 else "cat")) for i in range(N)])
    invoke(["audit", data, "-t", "label"], 1)
    pack = tmp_path / "lenient.yaml"
    pack.write_text("description: lenient\nchecks:\n  labels:\n    variants: warn\n", encoding="utf-8")
    report = audit_json([data, "-t", "label", "--rules", pack], 0)
    assert report["rules"] == {"name": "lenient", "path": str(pack), "sha256": file_sha256(pack)}
    assert [f["severity"] for f in report["findings"] if f["check"] == "labels.variants"] == ["warn"]


# --- the installed command -------------------------------------------------------------------


def test_installed_command_passes(tmp_path: Path) -> None:
    data = clean_csv(tmp_path / "clean.csv")
    out, err = run(["audit", data, "--target", "label"], 0)
    assert "PASSED: 0 fail, 0 warn, 0 info" in out
    assert "\x1b[" not in out, "no colour codes when stdout is not a terminal"
    assert err == ""


def test_installed_command_fails_the_gate(tmp_path: Path) -> None:
    data = variants_csv(tmp_path / "pets.csv")
    out, err = run(["audit", "pets.csv", "--target", "label", "--format", "json", "-o", "out.json"], 1, cwd=tmp_path)
    assert out == ""
    assert err.splitlines() == ["dataaudit: FAILED (2 fail, 0 warn, 0 info); report written to out.json"]
    report = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert report["passed"] is False
    assert report["source"]["name"] == "pets.csv"
    assert data.exists()


def test_installed_command_input_error(tmp_path: Path) -> None:
    data = clean_csv(tmp_path / "clean.csv")
    out, err = run(["audit", data, "--target", "lable"], 2)
    assert out == ""
    assert err.splitlines() == [
        f"dataaudit: error: {data}: target column 'lable' not found (did you mean 'label'?); columns are: a, b, label"
    ]


def test_installed_command_strict_and_markdown(tmp_path: Path) -> None:
    data = warn_only_csv(tmp_path / "ids.csv")
    out, _ = run(["audit", data, "-t", "label", "--strict", "--format", "markdown"], 1)
    assert out.startswith(f"### dataaudit ❌ failed: `{data}`")
    assert "(strict)" in out


def test_installed_command_help_and_version() -> None:
    out, err = run(["--help"], 0)
    assert out.startswith("Usage: dataaudit [OPTIONS] COMMAND [ARGS]...")
    assert re.search(r"^\s+audit\s", out, re.M) and re.search(r"^\s+rules\s", out, re.M)
    assert err == ""
    out, _ = run(["audit", "--help"], 0)
    for option in ("--target", "--rules", "--ignore-column", "--format", "--output", "--strict", "--delimiter",
                   "--encoding", "--bad-rows"):
        assert option in out
    out, _ = run(["--version"], 0)
    assert out.strip() == "dataaudit, version 0.1.0"


def test_installed_command_rules_list() -> None:
    out, _ = run(["rules", "list"], 0)
    assert [line.split()[0] for line in out.splitlines()] == ["default", "finetune-small", "strict"]


@pytest.mark.parametrize(("labels", "said"), [(["", ""], "has 0 classes (no labels at all)"),
                                               (["a", "a"], "has 1 class (only 'a')")])
def test_too_few_classes_are_counted_in_words(tmp_path: Path, labels: list[str], said: str) -> None:
    data = tmp_path / "few.csv"
    data.write_text("x,label\n" + "".join(f"{i},{y}\n" for i, y in enumerate(labels * 20)), encoding="utf-8")
    out, _ = invoke(["audit", data, "-t", "label", "-f", "json", "-q"], 1)
    finding = next(f for f in json.loads(out)["findings"] if f["check"] == "size.classes")
    assert said in finding["message"]
