"""A saved report keeps the verdict its run decided: `dataaudit report` in every format, the CI
annotations, the job summary and `diff` read it, never judging the findings again without the
baseline's forgiveness that passed them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dataaudit.report.formats import Format
from tests.cli_helpers import invoke, run

CHATS = Path(__file__).parent.parent / "examples" / "chats.jsonl"


def _as_an_earlier_dataaudit_wrote_it(saved: Path) -> None:
    """Give each forgiven finding the fingerprint an earlier dataaudit may have computed for it
    (it read other details: `labels.variants` folded by case alone), in the finding and in the
    baseline's list alike, as that run wrote them."""
    text = saved.read_text(encoding="utf-8")
    for fingerprint in json.loads(text)["baseline"]["forgiven"]:
        text = text.replace(fingerprint, fingerprint[::-1])
    saved.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def forgiven(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report that failing findings of its own would fail, passed by a baseline that had them."""
    folder = tmp_path_factory.mktemp("verdict")
    baseline, saved = folder / "main.json", folder / "new.json"
    invoke(["audit", CHATS, "-f", "json", "-o", baseline], 1)
    invoke(["audit", CHATS, "-f", "json", "-o", saved, "--baseline", baseline], 0)
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["passed"] is True and data["counts"]["fail"] == 2 and len(data["baseline"]["forgiven"]) == 2
    _as_an_earlier_dataaudit_wrote_it(saved)
    return saved


def _passed(fmt: Format, text: str) -> bool:
    """The verdict a format's text states."""
    if fmt is Format.JSON:
        return json.loads(text)["passed"]
    if fmt is Format.JUNIT:
        root = ET.fromstring(text)
        verdict = {p.get("name"): p.get("value") for p in root.iter("property")}["passed"]
        assert (verdict == "true") == (root.find(".//failure") is None), "a failure under a passed verdict"
        return verdict == "true"
    if fmt is Format.SARIF:
        run_ = json.loads(text)["runs"][0]
        blocking = any(r["properties"]["blocking"] for r in run_["results"])
        assert run_["invocations"][0]["properties"]["passed"] != blocking
        return run_["invocations"][0]["properties"]["passed"]
    if fmt is Format.HTML:
        return '<header class="passed" id="verdict">' in text
    return {Format.CONSOLE: "PASSED", Format.MARKDOWN: "✅ passed"}[fmt] in text


@pytest.mark.parametrize("fmt", list(Format))
def test_every_format_of_a_saved_report_keeps_the_verdict_and_exit_code(fmt: Format, forgiven: Path) -> None:
    out, err = invoke(["report", forgiven, "-f", fmt.value], 0)
    assert _passed(fmt, out), out[-2000:]
    assert "FAILED" not in out + err


def test_the_installed_command_exits_0_on_a_saved_report_its_baseline_passed(forgiven: Path) -> None:
    out, _ = run(["report", forgiven, "-f", "json"], 0)
    assert json.loads(out)["passed"] is True


def test_annotations_and_the_job_summary_keep_the_verdict(forgiven: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    _, err = invoke(["report", forgiven, "-f", "json", "-o", tmp_path / "again.json", "--summary"], 0)
    assert "::error" not in err
    assert "✅ passed" in summary.read_text(encoding="utf-8")


def test_diff_shows_the_saved_verdicts(forgiven: Path) -> None:
    out, _ = invoke(["diff", forgiven, forgiven, "-f", "json"], 0)
    data = json.loads(out)
    assert data["old"]["passed"] is True and data["new"]["passed"] is True


def test_a_re_rendered_json_report_renders_as_the_run_did_again(forgiven: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.json"
    invoke(["report", forgiven, "-f", "json", "-o", again], 0)
    invoke(["report", again, "-f", "junit"], 0)
    data = json.loads(again.read_text(encoding="utf-8"))
    fingerprints = {f["fingerprint"] for f in data["findings"]}
    assert set(data["baseline"]["forgiven"]) <= fingerprints  # the lists name the findings as written now


@pytest.mark.parametrize("fmt", list(Format))
def test_the_saved_verdict_stands_where_the_findings_no_longer_name_what_was_forgiven(
        fmt: Format, forgiven: Path, tmp_path: Path) -> None:
    """Fingerprints are derived, so a pipeline may strip them: the baseline's list then names
    findings by fingerprints none computed now has, and the verdict is still the run's."""
    data = json.loads(forgiven.read_text(encoding="utf-8"))
    for finding in data["findings"]:
        del finding["fingerprint"]
    stripped = tmp_path / "stripped.json"
    stripped.write_text(json.dumps(data), encoding="utf-8")
    _, err = invoke(["report", stripped, "-f", fmt.value, "-o", tmp_path / f"again.{fmt.value}"], 0)
    assert "dataaudit: passed (2 fail, 1 warn, 3 info)" in err
