"""SARIF 2.1.0 output: valid against the official schema (tests/schemas, see SOURCES.md), one
result per warn or fail finding, rules from the check registry, the data file and its lines."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import dataaudit
from dataaudit.checks import REGISTRY
from dataaudit.report.cards import SourceInfo
from dataaudit.report.sarif import FINGERPRINT, artifact_location, render_sarif
from tests.cli_helpers import invoke, run
from tests.conftest import DATA, report_files_problems, sarif_problems
from tests.report_fixtures import outside_every_repository

PENGUINS = DATA / "penguins.csv"
CHAT = DATA / "text" / "chat_errors.jsonl"
RUNNERS = {"in-process": invoke, "subprocess": run}


def _audit_both(folder: Path, data: str, *args: str) -> tuple[dict, dict]:
    """The JSON report and the SARIF of one audit run in `folder`, as a CI job runs it from the repository root."""
    run(["audit", data, *args, "-f", "json", "-o", "r.json", "-f", "sarif", "-o", "r.sarif"], 0, cwd=folder)
    return tuple(json.loads((folder / name).read_text(encoding="utf-8")) for name in ("r.json", "r.sarif"))


def test_sarif_of_a_table_names_its_file_rules_levels_and_fingerprints(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    shutil.copy(PENGUINS, tmp_path / "data" / "penguins.csv")
    report, sarif = _audit_both(tmp_path, "data/penguins.csv", "-t", "species")
    assert sarif_problems(sarif, "r.sarif") == []
    assert sarif["version"] == "2.1.0" and len(sarif["runs"]) == 1
    run_ = sarif["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [c["check"] for c in report["checks"]]
    for rule in rules:
        assert rule["shortDescription"]["text"] == REGISTRY[rule["id"]].description
    assert run_["artifacts"] == [{"location": {"uri": "data/penguins.csv", "uriBaseId": "%SRCROOT%"},
                                  "length": PENGUINS.stat().st_size,
                                  "hashes": {"sha-256": report["source"]["sha256"]}}]

    shown = [f for f in report["findings"] if f["severity"] != "info"]  # info describes, it asks for no fix
    assert len(shown) == 2 < len(report["findings"])
    results = run_["results"]
    assert [(r["ruleId"], r["level"], r["partialFingerprints"][FINGERPRINT]) for r in results] == [
        (f["check"], "warning", f["fingerprint"]) for f in shown]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location == {"artifactLocation": {"uri": "data/penguins.csv", "uriBaseId": "%SRCROOT%", "index": 0},
                            "region": {"startLine": 1}}
    assert results[0]["properties"]["column"] == "sex" and results[0]["properties"]["examplesAre"] == "rows"


def test_sarif_of_a_fine_tuning_file_points_at_its_lines(tmp_path: Path) -> None:
    shutil.copy(CHAT, tmp_path / "chats.jsonl")
    run(["audit", "chats.jsonl", "-f", "json", "-o", "r.json", "-f", "sarif", "-o", "r.sarif"], 1, cwd=tmp_path)
    report, sarif = (json.loads((tmp_path / n).read_text(encoding="utf-8")) for n in ("r.json", "r.sarif"))
    assert sarif_problems(sarif, "r.sarif") == []
    results = sarif["runs"][0]["results"]
    errors = [f for f in report["findings"] if f["severity"] == "fail"]
    assert sum(r["level"] == "error" for r in results) == len(errors) > 0
    lines = CHAT.read_bytes().splitlines()  # one line is not UTF-8 on purpose
    format_errors = [(f, r) for f, r in zip([f for f in report["findings"] if f["severity"] != "info"], results,
                                            strict=True) if f["check"] == "text.format_errors"]
    assert format_errors
    for finding, result in format_errors:
        line = result["locations"][0]["physicalLocation"]["region"]["startLine"]
        assert line == min(finding["examples"]) and 1 <= line <= len(lines)
        assert result["properties"]["examplesAre"] == "lines"


def test_a_malformed_row_is_found_on_its_line(tmp_path: Path) -> None:
    data = tmp_path / "rows.csv"
    data.write_text("a,label\n1,x\n\n2,y\n3,x,extra\n4,y\n", encoding="utf-8")  # the bad row on line 5
    run(["audit", data.name, "-t", "label", "--bad-rows", "skip", "-f", "sarif", "-o", "r.sarif"], 1, cwd=tmp_path)
    results = json.loads((tmp_path / "r.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    bad = next(r for r in results if r["ruleId"] == "source.bad_rows")
    assert bad["locations"][0]["physicalLocation"]["region"] == {"startLine": 5}


def test_a_late_json_lines_key_is_found_on_the_line_it_first_appears(tmp_path: Path) -> None:
    data = tmp_path / "rows.jsonl"
    lines = [json.dumps({"a": i, "label": "xy"[i % 2]}) for i in range(3)] + ['{"a": 3, "late": 1, "label": "x"}']
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    results = json.loads(render_sarif(dataaudit.audit(data, target="label", chunk_rows=3)))["runs"][0]["results"]
    late = next(r for r in results if r["ruleId"] == "source.late_keys")
    assert late["locations"][0]["physicalLocation"]["region"] == {"startLine": 4}


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_saved_report_renders_the_same_sarif(runner: str, tmp_path: Path) -> None:
    shutil.copy(PENGUINS, tmp_path / "penguins.csv")
    run(["audit", "penguins.csv", "-t", "species", "-f", "json", "-o", "r.json", "-f", "sarif", "-o", "a.sarif"], 0,
        cwd=tmp_path)
    out, _ = RUNNERS[runner](["report", tmp_path / "r.json", "-f", "sarif"], 0)
    assert json.loads(out) == json.loads((tmp_path / "a.sarif").read_text(encoding="utf-8"))  # a path named relative


def test_an_absolute_path_is_made_relative_inside_the_working_folder(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    outside_every_repository(tmp_path, monkeypatch)
    monkeypatch.chdir(tmp_path)
    spaced = SourceInfo(path=str(tmp_path / "d" / "a b.csv"))
    assert artifact_location(spaced) == {"uri": "d/a%20b.csv", "uriBaseId": "%SRCROOT%"}
    assert artifact_location(SourceInfo(path="data/x.csv")) == {"uri": "data/x.csv", "uriBaseId": "%SRCROOT%"}
    assert artifact_location(SourceInfo(path="/elsewhere/x.csv")) == {"uri": "file:///elsewhere/x.csv"}
    assert artifact_location(SourceInfo(path="../x y.csv")) == {"uri": "../x%20y.csv"}  # outside every root: as given


def test_the_guard_catches_a_broken_sarif_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.sarif"
    broken.write_text(json.dumps({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}), encoding="utf-8")
    problems = report_files_problems(tmp_path)
    assert problems and "'name' is a required property" in problems[0]
    broken.unlink()  # caught: the guard must not fail this test after it


def test_the_committed_sarif_schema_is_the_official_one() -> None:
    schema = json.loads((Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    assert schema["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]
