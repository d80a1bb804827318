"""The command's fit with other tools: lazy heavy imports, several files per audit as pre-commit
passes them, the pre-commit hook definition and the GitHub Action's audit step."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.cli_helpers import SCRIPT, invoke, run
from tests.conftest import DATA

ROOT = Path(__file__).resolve().parents[1]
#: What the command must not load before it knows it needs it: `--help`, `--version` and a typo
#: answer without them. Data, model, validation and template libraries, the rule pack's parser and
#: models, and the package's own checks, report model and renderers.
HEAVY = ("pandera", "great_expectations", "sklearn", "scipy", "pandas", "numpy", "pyarrow", "pyspark", "cleanlab",
         "transformers", "tokenizers", "jinja2", "matplotlib", "pydantic", "yaml", "datasketches")
HEAVY_OWN = ("dataaudit.api", "dataaudit.runner", "dataaudit.checks", "dataaudit.rules.load", "dataaudit.profile",
             "dataaudit.report.model", "dataaudit.report.console", "dataaudit.report.html",
             "dataaudit.report.markdown", "dataaudit.io")


def imported_modules(code: str) -> set[str]:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True,
                          check=True)
    return {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}


HELP = "import sys; from dataaudit.cli import main; sys.argv = ['dataaudit', {}]\ntry: main()\nexcept SystemExit: pass"


@pytest.mark.parametrize("code", [
    "import dataaudit",
    "import dataaudit.cli",
    HELP.format("'--help'"),
    HELP.format("'--version'"),
    HELP.format("'audit', '--help'"),
    HELP.format("'export', 'gx', '--help'"),
    HELP.format("'schema', 'infer', '--help'"),
])
def test_start_up_imports_no_heavy_library(code: str) -> None:
    modules = imported_modules(code)
    assert "dataaudit" in modules
    assert not {m for m in modules if m.split(".")[0] in HEAVY}
    assert not {m for m in modules if m.startswith(HEAVY_OWN)}


def test_the_version_is_the_installed_one_without_reading_the_installed_metadata() -> None:
    """`--version` answers from the package's own constant: `importlib.metadata` alone costs more
    than the rest of the answer."""
    from importlib.metadata import version

    from dataaudit import __version__

    assert version("dataaudit") == __version__
    assert "importlib.metadata" not in imported_modules(HELP.format("'--version'"))


def test_a_plain_audit_imports_neither_pandera_nor_gx_nor_phone_numbers() -> None:
    """`phonenumbers` is for text columns and packs naming other regions: validating the default
    pack would otherwise load it (a tenth of a small audit's CPU time) for a table with no text."""
    modules = imported_modules(f"import dataaudit; dataaudit.audit({str(DATA / 'iris.csv')!r}, target='target')")
    assert not {m for m in modules if m.split(".")[0] in ("pandera", "great_expectations", "phonenumbers")}


def labels_csv(path: Path, labels: list[str]) -> Path:
    rows = [f"{i % 10},{i // 10},{label}" for i, label in enumerate(labels)]
    path.write_text("a,b,label\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def good_and_bad(tmp_path: Path) -> tuple[Path, Path]:
    good = labels_csv(tmp_path / "good.csv", ["x", "y"] * 60)
    bad = labels_csv(tmp_path / "bad.csv", ["cat", "Cat"] * 60)     # label spelling variants fail
    return good, bad


def test_several_files_exit_with_the_worst_verdict(good_and_bad: tuple[Path, Path]) -> None:
    good, bad = good_and_bad
    out, _ = invoke(["audit", good, good, "-t", "label"], 0)
    assert out.count("good.csv") == 2
    out, _ = invoke(["audit", good, bad, "-t", "label", "-f", "markdown"], 1)
    assert "good.csv" in out and "bad.csv" in out


def test_an_unreadable_file_among_several_is_reported_and_the_rest_audited(good_and_bad: tuple[Path, Path],
                                                                          tmp_path: Path) -> None:
    good, bad = good_and_bad
    out, err = invoke(["audit", tmp_path / "gone.csv", good, bad, "-t", "label"], 2)
    assert err.splitlines() == [f"dataaudit: error: {tmp_path / 'gone.csv'}: no such file"]
    assert "good.csv" in out and "bad.csv" in out


def test_several_files_with_one_output_is_a_usage_error(good_and_bad: tuple[Path, Path], tmp_path: Path) -> None:
    _, err = invoke(["audit", *good_and_bad, "-o", tmp_path / "r.json", "-f", "json"], 2)
    assert "--output takes one DATA file, not 2" in err


def hook() -> dict:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["dataaudit"]
    return hooks[0]


def test_hook_matches_the_data_formats_only() -> None:
    files = re.compile(hook()["files"])
    assert all(files.search(name) for name in ("data/train.csv", "x.tsv", "a/b.parquet", "rows.jsonl"))
    assert not any(files.search(name) for name in ("README.md", "train.csv.bak", "model.pkl", "csv"))


def test_hook_runs_as_pre_commit_invokes_it(good_and_bad: tuple[Path, Path], tmp_path: Path) -> None:
    """pre-commit runs `entry + args + matching filenames` (several per call) from the repo root."""
    definition = hook()
    assert definition["language"] == "python" and definition["pass_filenames"] is True
    entry = shlex.split(definition["entry"])
    assert entry[0] == "dataaudit"
    files = re.compile(definition["files"])
    staged = [*good_and_bad, tmp_path / "notes.txt"]
    staged[-1].write_text("not data\n", encoding="utf-8")
    names = [p.name for p in staged if files.search(p.name)]
    args = ["--target", "label"]                         # what a user's config puts in `args:`
    for chosen, code in (([names[0]], 0), (names, 1)):
        proc = subprocess.run([str(SCRIPT), *entry[1:], *args, *chosen], cwd=tmp_path, capture_output=True,
                              text=True, check=False)
        assert proc.returncode == code, proc.stdout + proc.stderr
        assert all(name in proc.stdout for name in chosen)


def run_action_step(tmp_path: Path, data: Path, **inputs: str) -> tuple[dict[str, str], str, Path]:
    """The action's audit step as the runner executes it: its env, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY."""
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "audit")
    defaults = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    values = defaults | {"data": str(data)} | inputs
    env = {name: re.sub(r"\$\{\{ inputs\.([\w-]+) \}\}", lambda m: values[m.group(1)], value)
           for name, value in step["env"].items()}
    output, summary = tmp_path / "github_output", tmp_path / "summary.md"
    env |= {"GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_ACTION_PATH": str(ROOT),
            "PATH": f"{SCRIPT.parent}{os.pathsep}{os.environ['PATH']}",
            "PYTHONPATH": os.environ.get("PYTHONPATH", "")}  # the code under test, where it is not the installed one
    command = step["run"].replace("${GITHUB_ACTION_PATH}", str(ROOT))
    subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, check=True, capture_output=True)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return outputs, summary.read_text(encoding="utf-8"), tmp_path / values["output-dir"]


def test_action_step_reports_and_records_a_failed_gate(good_and_bad: tuple[Path, Path], tmp_path: Path) -> None:
    _, bad = good_and_bad
    outputs, summary, folder = run_action_step(tmp_path, bad, target="label", formats="json")
    assert outputs == {"exit-code": "1", "passed": "false"}
    assert "labels.variants" in summary
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert report["passed"] is False and (folder / "report.md").is_file()


def test_action_step_passes_strict_and_extra_arguments(good_and_bad: tuple[Path, Path], tmp_path: Path) -> None:
    good, _ = good_and_bad
    outputs, _, folder = run_action_step(tmp_path, good, target="label", formats="json", strict="true",
                                         args="--ignore-column b")
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert report["strict"] is True and outputs["exit-code"] == ("0" if report["passed"] else "1")
    assert [c["column"] for c in report["dataset"]["ignored"]] == ["b"]


def test_action_step_writes_sarif_for_code_scanning(good_and_bad: tuple[Path, Path], tmp_path: Path) -> None:
    _, bad = good_and_bad
    outputs, _, folder = run_action_step(tmp_path, bad, target="label", formats="json", sarif="true")
    sarif = json.loads((folder / "report.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"] and outputs["exit-code"] == "1"
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    steps = action["runs"]["steps"]
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif"))
    assert upload["with"]["sarif_file"] == "${{ inputs.output-dir }}/report.sarif"
    assert "inputs.sarif == 'true'" in upload["if"] and upload["if"].startswith("always()")
    assert steps.index(upload) < len(steps) - 1  # before the gate step fails the job
    assert action["inputs"]["sarif"]["default"] == "false"


def test_action_declares_its_inputs_and_fails_the_job_on_the_gate() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    assert {"data", "target", "rules", "formats", "strict", "python-version"} <= set(action["inputs"])
    steps = action["runs"]["steps"]
    install = next(s for s in steps if s.get("name") == "Install dataaudit")
    assert "GITHUB_ACTION_PATH" in install["run"]
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact"))
    assert upload["if"].startswith("always()")
    gate = steps[-1]
    assert gate["if"] == "steps.audit.outputs.exit-code != '0'" and 'exit "$CODE"' in gate["run"]


def test_installed_command_takes_several_files(good_and_bad: tuple[Path, Path]) -> None:
    out, _ = run(["audit", *good_and_bad, "-t", "label"], 1)
    assert "FAILED" in out and "PASSED" in out
