"""Fingerprints, `dataaudit diff` and `audit --baseline` on the penguins table and edited copies of
it with planted changes: the comparison must name exactly what was planted."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.cli.options import DEFAULT_DELTA as CLI_DEFAULT_DELTA
from dataaudit.report.diff import DEFAULT_DELTA, compare
from dataaudit.report.markdown import MAX_FINDINGS
from dataaudit.report.model import Finding, Report, Severity
from tests.cli_helpers import invoke, run
from tests.conftest import DATA
from tests.csv_rows import read_rows, write_rows

PENGUINS = DATA / "penguins.csv"
RUNNERS = {"in-process": invoke, "subprocess": run}
# what the planted copy changes, as (check, column): one new, one worsened, one fixed finding
NEW = ("duplicates.rows", None)
WORSENED = ("missing.column_share", "bill_length_mm")  # 2 -> 40 missing: info -> warn
FIXED = ("missing.column_share", "sex")  # its 11 'NA' filled in


def _missing(body: list[list[str]], column: int, rows: int) -> None:
    """`rows` more cells of `column` written as the 'NA' the file already uses."""
    present = [row for row in body if row[column] != "NA"]
    for row in present[:rows]:
        row[column] = "NA"


def planted(folder: Path) -> Path:
    """The penguins with one row repeated, 38 more bill lengths missing and every sex filled in."""
    header, body = read_rows(PENGUINS)
    _missing(body, header.index("bill_length_mm"), 38)
    sex = header.index("sex")
    for row in body:
        if row[sex] == "NA":
            row[sex] = "female"
    body.append(list(body[100]))
    return write_rows(folder / "planted.csv", header, body)


def _key(finding: Finding) -> tuple[str, str | None]:
    return finding.check, finding.column


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The JSON reports of the penguins and of the planted copy, as `dataaudit audit` writes them."""
    folder = tmp_path_factory.mktemp("reports")
    old, new = folder / "old.json", folder / "new.json"
    run(["audit", PENGUINS, "-t", "species", "-f", "json", "-o", old], 0)
    run(["audit", planted(folder), "-t", "species", "-f", "json", "-o", new], 0)
    return old, new


# --- fingerprints ------------------------------------------------------------------------------

def test_a_fingerprint_names_the_problem_not_its_size() -> None:
    one = Finding("missing.column_share", Severity.INFO, "2 missing", column="sex", observed=2, examples=[3, 8])
    other = Finding("missing.column_share", Severity.FAIL, "90 missing", column="sex", observed=90, examples=[1])
    assert re.fullmatch("[0-9a-f]{16}", one.fingerprint)
    assert one.fingerprint == other.fingerprint
    assert one.fingerprint != Finding("missing.column_share", Severity.INFO, "", column="island").fingerprint
    assert one.fingerprint != Finding("missing.rows", Severity.INFO, "", column="sex").fingerprint
    by_split = [Finding("splits.leakage", Severity.FAIL, "", details={"split": s, "leaked_rows": n})
                for s, n in (("val", 3), ("test", 3), ("val", 9))]
    assert by_split[0].fingerprint != by_split[1].fingerprint
    assert by_split[0].fingerprint == by_split[2].fingerprint


def test_the_json_report_carries_fingerprints_and_reading_it_back_keeps_them(reports: tuple[Path, Path]) -> None:
    data = json.loads(reports[0].read_text(encoding="utf-8"))
    assert data["schema_version"] == "1.6"
    written = [f["fingerprint"] for f in data["findings"]]
    assert len(set(written)) == len(written) and all(re.fullmatch("[0-9a-f]{16}", fp) for fp in written)
    assert [f.fingerprint for f in Report.from_dict(data).findings] == written


def test_a_report_of_schema_1_0_gets_the_fingerprints_of_today() -> None:
    old = Report.from_dict(json.loads((DATA / "report-1.0.json").read_text(encoding="utf-8")))
    today = dataaudit.audit(PENGUINS, target="species")
    sex = [f.fingerprint for r in (old, today) for f in r.findings if _key(f) == FIXED]
    assert len(sex) == 2 and sex[0] == sex[1]


def _audit_lines(lines: list[str], folder: Path) -> list[str]:
    path = folder / "data.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return sorted(f.fingerprint for f in dataaudit.audit(path, target="species").findings)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1))
def test_fingerprints_do_not_change_when_the_rows_are_shuffled(tmp_path: Path, seed: int) -> None:
    header, *rows = PENGUINS.read_text(encoding="utf-8").splitlines(keepends=True)
    shuffled = list(rows)
    random.Random(seed).shuffle(shuffled)
    assert _audit_lines([header, *shuffled], tmp_path) == _audit_lines([header, *rows], tmp_path)


# --- compare ------------------------------------------------------------------------------------

def test_the_diff_of_a_planted_copy_lists_exactly_what_was_planted(reports: tuple[Path, Path]) -> None:
    old, new = (Report.from_dict(json.loads(p.read_text(encoding="utf-8"))) for p in reports)
    diff = compare(old, new)
    assert [_key(c.finding) for c in diff.of("new")] == [NEW]
    assert [_key(c.finding) for c in diff.of("worsened")] == [WORSENED]
    assert diff.of("worsened")[0].why == "info -> warn"
    assert [_key(c.finding) for c in diff.of("fixed")] == [FIXED]
    assert len(diff.of("unchanged")) == len(old.findings) - 2  # the rest moved by one row in 345
    assert diff.regressed


def test_a_number_past_the_delta_the_bad_way_is_worse_and_within_it_is_not() -> None:
    old = Finding("missing.column_share", Severity.WARN, "", column="sex", observed=0.05, threshold=0.02)
    grown = Finding("missing.column_share", Severity.WARN, "", column="sex", observed=0.06, threshold=0.02)
    shrunk = Finding("missing.column_share", Severity.WARN, "", column="sex", observed=0.01, threshold=0.02)
    low = Finding("size.rows", Severity.WARN, "", observed=100, threshold=500)  # a lower limit: less is worse
    fewer = Finding("size.rows", Severity.WARN, "", observed=80, threshold=500)
    report = dataaudit.audit(PENGUINS, target="species")

    def status(before: Finding, after: Finding, delta: float = DEFAULT_DELTA) -> str:
        one, two = (Report(**{**report.__dict__, "findings": [f]}) for f in (before, after))
        return compare(one, two, delta).changes[0].status

    assert status(old, grown) == "worsened"  # +20%
    assert status(old, grown, delta=0.25) == "unchanged"
    assert status(grown, old) == "unchanged"  # better is not worse
    assert status(old, shrunk) == "unchanged"
    assert status(low, fewer) == "worsened" and status(fewer, low) == "unchanged"
    assert CLI_DEFAULT_DELTA == DEFAULT_DELTA


def _suspected(rows: int, noise_rate: float) -> dict[str, object]:
    """A labels.suspected finding as a saved report holds it: its numbers named, the rows first."""
    return Finding("labels.suspected", Severity.FAIL, f"{rows} of 344 modelled rows look mislabelled",
                   column="species", threshold=0.05,
                   observed={"suspected_rows": rows, "estimated_noise_rate": noise_rate, "models": 2,
                             "balanced_accuracy": 0.9, "chance": 0.33, "margin_over_chance": 0.57, "trusted": True},
                   details={"estimated_noise_rate": noise_rate, "modelled_rows": 344}).to_dict()


@pytest.mark.parametrize(("before", "after", "status", "code"), [
    ((12, 0.06), (300, 0.6), "worsened", 1),  # 25 times the suspects, the same severity
    ((300, 0.6), (12, 0.06), "unchanged", 0),
    ((12, 0.06), (13, 0.062), "unchanged", 0),  # within the delta
])
def test_a_finding_with_named_numbers_is_worse_as_its_headline_grows(
        reports: tuple[Path, Path], tmp_path: Path, before: tuple[int, float], after: tuple[int, float], status: str,
        code: int) -> None:
    saved = json.loads(reports[0].read_text(encoding="utf-8"))
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    for path, numbers in ((old, before), (new, after)):
        path.write_text(json.dumps({**saved, "findings": [*saved["findings"], _suspected(*numbers)]}), encoding="utf-8")
    diff = compare(Report.from_dict(json.loads(old.read_text())), Report.from_dict(json.loads(new.read_text())))
    [change] = [c for c in diff.changes if c.finding.check == "labels.suspected"]
    assert change.status == status
    assert change.why == ("observed 12 -> 300" if status == "worsened" else "")
    out, _ = invoke(["diff", old, new, "-f", "json"], code)
    assert json.loads(out)["counts"]["worsened"] == (status == "worsened")


# --- dataaudit diff -----------------------------------------------------------------------------

@pytest.mark.parametrize("runner", RUNNERS)
def test_diff_command_in_every_format(runner: str, reports: tuple[Path, Path], tmp_path: Path) -> None:
    old, new = reports
    out, _ = RUNNERS[runner](["diff", old, new], 1)
    for title, key in (("NEW (1)", NEW), ("WORSENED (1)", WORSENED), ("FIXED (1)", FIXED)):
        section = out.split(title, 1)[1].split("\n\n", 1)[0]
        assert key[0] in section and (key[1] is None or f"[{key[1]}]" in section), out
    assert "WORSE: 1 new, 1 worsened, 1 fixed, 4 unchanged" in out

    doc, md = tmp_path / "diff.json", tmp_path / "diff.md"
    RUNNERS[runner](["diff", old, new, "-f", "json", "-o", doc, "-f", "markdown", "-o", md], 1)
    data = json.loads(doc.read_text(encoding="utf-8"))
    assert data["regressed"] is True and data["delta"] == DEFAULT_DELTA
    assert data["counts"] == {"new": 1, "worsened": 1, "fixed": 1, "unchanged": 4}
    planted_keys = {(c["status"], c["check"], c["column"]) for c in data["changes"] if c["status"] != "unchanged"}
    assert planted_keys == {("new", *NEW), ("worsened", *WORSENED), ("fixed", *FIXED)}
    text = md.read_text(encoding="utf-8")
    assert text.startswith("### dataaudit diff: ❌ worse") and "4 findings unchanged." in text
    assert "| 🆕 new | warn | `duplicates.rows` |" in text and r"bill\_length\_mm" in text


def test_diff_of_a_report_with_itself_exits_0(reports: tuple[Path, Path]) -> None:
    out, _ = invoke(["diff", reports[0], reports[0], "-f", "markdown"], 0)
    assert "✅ not worse" in out and "0 new, 0 worsened, 0 fixed, 6 unchanged" in out


def test_a_diff_with_only_fixed_findings_exits_0(reports: tuple[Path, Path], tmp_path: Path) -> None:
    data = json.loads(reports[0].read_text(encoding="utf-8"))
    data["findings"] = [f for f in data["findings"] if (f["check"], f.get("column")) != FIXED]
    fixed = tmp_path / "fixed.json"
    fixed.write_text(json.dumps(data), encoding="utf-8")
    out, _ = invoke(["diff", reports[0], fixed, "-f", "json"], 0)
    assert json.loads(out)["counts"] == {"new": 0, "worsened": 0, "fixed": 1, "unchanged": 5}
    invoke(["diff", fixed, reports[0]], 1)  # the other way round it is new


@pytest.mark.parametrize(("content", "message"), [
    ("not json", "not a JSON report"),
    ('{"schema_version": "2.0", "findings": []}', "schema_version '2.0' cannot be read by this dataaudit"),
    ('{"rows": 3}', "not a dataaudit JSON report (no schema_version)"),
])
def test_diff_refuses_what_is_not_a_report_in_one_line(content: str, message: str, reports: tuple[Path, Path],
                                                       tmp_path: Path) -> None:
    bad = tmp_path / "bad.saved"  # not .json: the schema guard checks the .json files a test leaves
    bad.write_text(content, encoding="utf-8")
    _, err = invoke(["diff", reports[0], bad], 2)
    assert err.count("\n") == 1 and err.startswith(f"dataaudit: error: {bad}") and message in err


# --- audit --baseline ---------------------------------------------------------------------------

@pytest.mark.parametrize("runner", RUNNERS)
def test_baseline_forgives_what_did_not_get_worse_and_fails_on_what_did(runner: str, reports: tuple[Path, Path],
                                                                        tmp_path: Path) -> None:
    baseline = reports[0]  # the penguins' report: 2 warnings, which fail under --strict
    strict = ["-t", "species", "--strict"]
    RUNNERS[runner](["audit", PENGUINS, *strict], 1)
    out, _ = RUNNERS[runner](["audit", PENGUINS, *strict, "--baseline", baseline], 0)
    assert f"Gate against baseline {baseline}: forgave 2 failing findings it had too, no worse now; 0 new, " \
           "0 worsened" in out
    assert "PASSED" in out

    header, body = read_rows(PENGUINS)
    _missing(body, header.index("bill_length_mm"), 38)  # one thing worse: info -> warn, failing under --strict
    worse = write_rows(tmp_path / "worse.csv", header, body)
    saved = tmp_path / "worse.json"
    _, err = RUNNERS[runner](["audit", worse, *strict, "--baseline", baseline, "-f", "json", "-o", saved], 1)
    assert "forgave 2 failing findings it had too, no worse now; 0 new, 1 worsened" in err
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["passed"] is False
    assert data["baseline"]["path"] == str(baseline) and len(data["baseline"]["forgiven"]) == 2
    bill = next(f for f in data["findings"] if (f["check"], f.get("column")) == WORSENED)
    assert data["baseline"]["worsened"] == [bill["fingerprint"]]
    again, _ = RUNNERS[runner](["report", saved], 1)  # a saved report keeps its baseline's verdict
    assert "0 new, 1 worsened" in again and "FAILED" in again


def test_baseline_delta_says_how_far_a_number_may_grow(reports: tuple[Path, Path], tmp_path: Path) -> None:
    header, body = read_rows(PENGUINS)
    _missing(body, header.index("sex"), 3)  # 11 -> 14 missing: still a warning, its share +27%
    grown = write_rows(tmp_path / "grown.csv", header, body)
    args = ["audit", grown, "-t", "species", "--strict", "--baseline", reports[0], "-f", "json", "-o",
            tmp_path / "r.json"]
    _, err = invoke(args, 1)
    assert "1 worsened" in err
    _, err = invoke([*args, "--baseline-delta", "0.5"], 0)
    assert "forgave 2 failing findings" in err and "0 worsened" in err


def test_baseline_through_the_python_api(reports: tuple[Path, Path]) -> None:
    report = dataaudit.audit(PENGUINS, target="species", strict=True, baseline=reports[0])
    assert report.passed and len(report.baseline.forgiven) == 2
    report.raise_for_gate()
    saved = Report.from_dict(json.loads(reports[0].read_text(encoding="utf-8")))
    assert dataaudit.audit(PENGUINS, target="species", strict=True, baseline=saved).passed


@pytest.mark.parametrize(("content", "message"), [
    ("species,island\n", "not a JSON report"),
    ('{"schema_version": "0.9", "findings": []}', "report schema_version '0.9' cannot be read"),
    ('{"schema_version": "1.1", "findings": "none"}', "not a valid dataaudit JSON report"),
])
def test_a_baseline_that_is_not_a_report_is_one_line_and_exit_2(content: str, message: str, tmp_path: Path) -> None:
    bad = tmp_path / "baseline.saved"  # not .json, which the schema guard checks
    bad.write_text(content, encoding="utf-8")
    _, err = invoke(["audit", PENGUINS, "-t", "species", "--baseline", bad], 2)
    assert err.count("\n") == 1 and err.startswith(f"dataaudit: error: {bad}") and message in err


def test_a_baseline_is_never_overwritten_by_the_report(reports: tuple[Path, Path]) -> None:
    before = reports[0].read_bytes()
    _, err = invoke(["audit", PENGUINS, "-t", "species", "--baseline", reports[0], "-f", "json", "-o", reports[0]], 2)
    assert "refusing to overwrite the input" in err and reports[0].read_bytes() == before


def test_baseline_delta_without_a_baseline_is_refused() -> None:
    _, err = invoke(["audit", PENGUINS, "-t", "species", "--baseline-delta", "0.3"], 2)
    assert "--baseline-delta (baseline_delta) needs --baseline" in err


def test_the_markdown_report_names_what_the_baseline_forgave(reports: tuple[Path, Path]) -> None:
    out, _ = invoke(["audit", PENGUINS, "-t", "species", "--strict", "--baseline", reports[0], "-f", "markdown"], 0)
    assert out.startswith("### dataaudit ✅ passed")
    assert "forgave 2 failing findings it had too, no worse now; 0 new, 0 worsened" in out


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_the_page_and_the_comment_say_which_failures_the_baseline_forgave(reports: tuple[Path, Path], tmp_path: Path,
                                                                          fmt: str) -> None:
    """A passed report listing two failing findings says why; a failed one, which finding failed it."""
    header, body = read_rows(PENGUINS)
    _missing(body, header.index("bill_length_mm"), 38)  # warn under --strict, new since the baseline
    worse = write_rows(tmp_path / "worse.csv", header, body)
    strict = ["-t", "species", "--strict", "--baseline", reports[0], "-f", fmt, "-o"]
    invoke(["audit", PENGUINS, *strict, tmp_path / "same"], 0)
    invoke(["audit", worse, *strict, tmp_path / "worse"], 1)
    same, worsened = ((tmp_path / name).read_text(encoding="utf-8") for name in ("same", "worse"))
    forgiven = "(forgiven: the baseline had it, no worse)" if fmt == "html" else "warn (forgiven)"
    assert "forgave 2 failing findings it had too, no worse now; 0 new, 0 worsened" in same
    assert "forgave 2 failing findings it had too, no worse now; 0 new, 1 worsened" in worsened
    assert same.count(forgiven) == 2 and worsened.count(forgiven) == 2
    [bill] = [line for line in worsened.splitlines() if re.search(r"Column ('|&#39;)bill\\?_length", line)]
    assert forgiven not in bill  # the finding that failed the gate


def test_the_comment_lists_the_finding_that_failed_the_gate_past_its_first_fifty(tmp_path: Path) -> None:
    """A pull-request comment stops at MAX_FINDINGS rows, most severe first: 60 failures the
    baseline forgave filled it, and the one new failure was cut off."""
    names = [f"c{i:02d}" for i in range(60)]
    rows = [[("" if (r + i) % 2 else str(r * 7 + i)) for i in range(60)] + ["ab"[r % 2]] for r in range(80)]
    base = write_rows(tmp_path / "base.csv", [*names, "label"], rows)
    worse = write_rows(tmp_path / "worse.csv", [*names, "zz", "label"],
                       [[*row[:60], "" if r % 2 else "1", row[60]] for r, row in enumerate(rows)])
    baseline = tmp_path / "base.json"
    invoke(["audit", base, "-t", "label", "-f", "json", "-o", baseline], 1)
    comment = tmp_path / "comment.md"
    invoke(["audit", worse, "-t", "label", "--baseline", baseline, "-f", "markdown", "-o", comment], 1)
    table = comment.read_text(encoding="utf-8").split("| | Check | Column | Finding |\n|---|---|---|---|\n", 1)[1]
    rows_shown = table.split("\n\n", 1)[0].splitlines()
    assert len(rows_shown) == MAX_FINDINGS
    assert "(forgiven)" not in rows_shown[0] and "| zz |" in rows_shown[0]
    assert all("(forgiven)" in row for row in rows_shown[1:])


# --- reports of different data ------------------------------------------------------------------


def test_a_report_of_other_data_is_refused_in_one_line_not_diffed(reports: tuple[Path, Path], tmp_path: Path) -> None:
    iris = tmp_path / "iris.json"
    invoke(["audit", DATA / "iris.csv", "-t", "target", "-f", "json", "-o", iris], 0)
    _, err = run(["diff", reports[0], iris], 2)
    assert err == f"dataaudit: error: {iris}: not comparable with {reports[0]}: target 'target' here, " \
                  "'species' there\n"
    header, body = read_rows(PENGUINS)
    renamed = write_rows(tmp_path / "renamed.csv", [f"{name}_2" for name in header], body)
    other = tmp_path / "renamed.json"
    invoke(["audit", renamed, "-t", "species_2", "-f", "json", "-o", other], 0)
    _, err = invoke(["diff", reports[0], other], 2)
    assert "target 'species_2' here, 'species' there" in err
    no_common = Report.from_dict({**json.loads(other.read_text(encoding="utf-8")), "target": "species"})
    with pytest.raises(dataaudit.InputError, match="no column in common"):
        dataaudit.audit(PENGUINS, target="species", baseline=no_common)


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_baseline_of_another_target_is_refused(runner: str, reports: tuple[Path, Path]) -> None:
    _, err = RUNNERS[runner](["audit", PENGUINS, "-t", "island", "--baseline", reports[0]], 2)
    assert err == f"dataaudit: error: {PENGUINS}: not comparable with {reports[0]}: target 'island' here, " \
                  "'species' there\n"


def test_a_new_column_and_more_rows_still_compare(reports: tuple[Path, Path], tmp_path: Path) -> None:
    header, body = read_rows(PENGUINS)
    grown = write_rows(tmp_path / "grown.csv", [*header, "note"], [[*row, "x"] for row in body + body[:5]])
    out, _ = invoke(["audit", grown, "-t", "species", "--baseline", reports[0]], 0)
    assert "Gate against baseline" in out


@pytest.mark.parametrize(("baseline", "says"), [
    ({"schema_version": "1.5"}, r"dict \(read it with Report\.from_dict\)$"),
    (123, "int$"),
])
def test_a_baseline_of_another_kind_is_refused_naming_the_argument(baseline: object, says: str) -> None:
    with pytest.raises(dataaudit.InputError, match=rf"^baseline must be a saved JSON report's path or a Report, "
                                                   rf"not a {says}"):
        dataaudit.audit(PENGUINS, target="species", baseline=baseline)  # type: ignore[arg-type]
