"""GitHub Actions: findings as workflow-command annotations, the Markdown report as job summary."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from dataaudit.report.cards import SourceInfo
from dataaudit.report.github import annotations
from dataaudit.report.model import Finding, Report, Severity
from tests.cli_helpers import invoke, run
from tests.report_fixtures import PENGUINS, outside_every_repository, penguins_report


def _report(strict: bool = False) -> Report:
    findings = [
        Finding("labels.variants", Severity.FAIL, "Label 'Cat' is also spelled 'cat':\n100% of 5, done\r",
                column="label,kind: x", hint="Fold the spellings: 50%."),
        Finding("duplicates.rows", Severity.WARN, "3 rows (1.5%) repeat an earlier row."),
        Finding("missing.column_share", Severity.INFO, "Column 'a': 1 missing."),
    ]
    return replace(penguins_report(), source=SourceInfo(path="data/pets,v2:final.csv", name="data/pets,v2:final.csv"),
                   strict=strict, findings=findings)


def test_exact_lines_with_escaped_data_and_properties() -> None:
    assert annotations(_report()) == [
        "::error file=data/pets%2Cv2%3Afinal.csv,title=dataaudit labels.variants [label%2Ckind%3A x]::"
        "Label 'Cat' is also spelled 'cat':%0A100%25 of 5, done%0D%0AFold the spellings: 50%25.",
        "::warning file=data/pets%2Cv2%3Afinal.csv,title=dataaudit duplicates.rows::"
        "3 rows (1.5%25) repeat an earlier row.",
    ]


def test_under_strict_a_warning_is_an_error_and_info_is_never_annotated() -> None:
    lines = annotations(_report(strict=True))
    assert [line.split(" ", 1)[0] for line in lines] == ["::error", "::error"]


def test_a_dataframe_report_has_no_file_property() -> None:
    report = _report()
    report.source = SourceInfo(name="DataFrame")
    assert annotations(report)[1] == "::warning title=dataaudit duplicates.rows::3 rows (1.5%25) repeat an earlier row."


def test_the_command_annotates_on_stderr_and_keeps_stdout_for_the_report(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "penguins.csv"  # outside every repository: named as given
    data.write_bytes(PENGUINS.read_bytes())
    outside_every_repository(tmp_path, monkeypatch)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    out, err = run(["audit", data, "-t", "species", "--format", "json"], 0)
    assert json.loads(out)["passed"] is True
    warnings = [line for line in err.splitlines() if line.startswith("::")]
    assert warnings == [
        f"::warning file={data},title=dataaudit missing.column_share [sex]::Column 'sex': 11 of 344 values "
        "missing (3.2%25): 11 disguised ('NA' 11).%0A`dataaudit clean` turns disguised tokens into nulls; then impute "
        "or drop the rows.",
        f"::warning file={data},title=dataaudit missing.rows::2 rows (0.6%25) miss 5 of their 7 feature "
        "values.%0ASuch rows carry little signal: drop them or fix the source.",
    ]


def test_no_annotations_outside_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    _, err = invoke(["audit", PENGUINS, "-t", "species"], 0)
    assert "::" not in err


def test_summary_appends_the_markdown_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    invoke(["audit", PENGUINS, "-t", "species", "--summary"], 0)
    invoke(["audit", PENGUINS, "-t", "species", "--summary", "--strict"], 1)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n### dataaudit ✅ passed: ")
    assert text.count("### dataaudit") == 2 and "### dataaudit ❌ failed: " in text


def test_summary_without_the_variable_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    _, err = invoke(["audit", PENGUINS, "-t", "species", "--summary"], 0)
    assert "GITHUB_STEP_SUMMARY is not set" in err


@pytest.mark.parametrize("runner", [invoke, run], ids=["in-process", "installed"])
def test_a_summary_that_cannot_be_appended_is_refused_before_the_audit_reads(runner, tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "gone" / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    out, err = runner(["audit", PENGUINS, "-t", "species", "--summary"], 2)
    assert out == ""  # refused before the pass: no report
    assert err == f"dataaudit: error: {target}: cannot append the job summary (GITHUB_STEP_SUMMARY): not writable " \
                  "or its folder does not exist\n"


@pytest.mark.parametrize("runner", [invoke, run], ids=["in-process", "installed"])
def test_a_report_is_never_written_over_the_job_summary(runner, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """`-o "$GITHUB_STEP_SUMMARY" --summary` replaced what the job's earlier steps had written
    there by the report, then appended it a second time."""
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    out, err = runner(["audit", PENGUINS, "-t", "species", "-f", "markdown", "-o", summary, "--summary"], 2)
    assert out == "" and summary.read_text(encoding="utf-8") == "earlier step\n"
    assert err == (f"dataaudit: error: {summary}: named for two outputs; the paths of outputs must all differ "
                   "(GITHUB_STEP_SUMMARY, the job summary --summary appends to)\n")


@pytest.mark.parametrize("runner", [invoke, run], ids=["in-process", "installed"])
@pytest.mark.parametrize("command", ["audit", "report"])
def test_the_summary_is_never_appended_to_an_input(runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    command: str) -> None:
    """A job summary pointed at the file being audited grew it by the Markdown report: the next
    audit of it met a malformed row."""
    data = tmp_path / "pets.csv"
    data.write_bytes(PENGUINS.read_bytes())
    saved = tmp_path / "report.json"
    invoke(["audit", data, "-t", "species", "-f", "json", "-o", saved], 0)
    read = data if command == "audit" else saved
    before = read.read_bytes()
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(read))
    args = ["audit", data, "-t", "species", "--summary"] if command == "audit" else ["report", saved, "--summary"]
    out, err = runner(args, 2)
    assert out == "" and read.read_bytes() == before
    assert err == (f"dataaudit: error: {read}: refusing to overwrite the input; write elsewhere (GITHUB_STEP_SUMMARY, "
                   "the job summary --summary appends to)\n")
