"""Great Expectations: an exported suite loads in GX, and GX's own verdict on the data agrees with
the audit's; a given suite runs inside the audit and its failures become findings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import great_expectations as gx
import pandas as pd
import pytest

import dataaudit
from dataaudit.rules.load import load_rules
from tests.cli_helpers import invoke, run
from tests.conftest import DATA

RULES = """\
target: species
checks:
  labels: {allowed: [Adelie, Gentoo, Chinstrap]}
"""


@pytest.fixture
def rules_file(tmp_path: Path) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(RULES, encoding="utf-8")
    return path


def penguins(tmp_path: Path, name: str, change: callable | None = None) -> Path:
    frame = pd.read_csv(DATA / "penguins.csv", dtype=str, keep_default_na=False)
    if change is not None:
        frame = change(frame)
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


# Each case: a dataset and how it breaks (or not); the verdicts are GX's and the audit's, compared.
CASES = {
    "clean": None,
    "too_few_rows": lambda f: f.head(15),
    "unexpected_label": lambda f: f.assign(species=f["species"].where(f.index % 50 != 0, "Emperor")),
    "mostly_missing_column": lambda f: f.assign(bill_depth_mm=f["bill_depth_mm"].where(f.index % 2 == 0, "NA")),
    "missing_labels": lambda f: f.assign(species=f["species"].where(f.index % 20 != 0, "")),
    "one_class": lambda f: f.assign(species="Adelie"),
}


def gx_verdict(suite_path: Path, data: Path, tokens: list[str]) -> tuple[bool, bool]:
    """(critical expectations all pass, every expectation passes), by GX alone on pandas' reading."""
    frame = pd.read_csv(data, na_values=tokens, keep_default_na=False)
    context = gx.get_context(mode="ephemeral")
    suite = context.suites.add(gx.ExpectationSuite(**json.loads(suite_path.read_text(encoding="utf-8"))))
    batch = (context.data_sources.add_pandas("p").add_dataframe_asset("a").add_batch_definition_whole_dataframe("b")
             .get_batch(batch_parameters={"dataframe": frame}))
    result = batch.validate(suite)
    critical = all(r.success for r in result.results if r.expectation_config.severity.value == "critical")
    return critical, result.success


@pytest.mark.parametrize("case", list(CASES))
def test_gx_agrees_with_the_audit_on_the_exported_checks(tmp_path: Path, rules_file: Path, case: str) -> None:
    data = penguins(tmp_path, f"{case}.csv", CASES[case])
    suite = tmp_path / "suite.json"
    invoke(["export", "gx", "--rules", rules_file, "--data", data, "-o", suite], 0)
    tokens = load_rules(rules_file).rules.missing_values.tokens
    gx_passed, gx_all_passed = gx_verdict(suite, data, tokens)
    # the audit's verdict on the checks that have a GX equivalent
    exported = {e["meta"]["dataaudit"]["check"] for e in json.loads(suite.read_text())["expectations"]}
    report = dataaudit.audit(data, rules=rules_file)
    relevant = [f for f in report.findings if f.check in exported]
    assert gx_passed == (not any(f.severity == "fail" for f in relevant))
    assert gx_all_passed == (not any(f.severity in ("fail", "warn") for f in relevant))
    if case == "clean":
        assert gx_passed and report.passed
    else:
        assert not gx_passed and not report.passed, [f.check for f in report.blocking]


def test_exported_suite_loads_in_gx_and_names_what_it_leaves_out(rules_file: Path) -> None:
    out, _ = run(["export", "gx", "-r", rules_file, "-t", "species"], 0)
    data = json.loads(out)
    suite = gx.ExpectationSuite(**data)
    types = {e.expectation_type for e in suite.expectations}
    assert {"expect_table_row_count_to_be_between", "expect_column_values_to_not_be_null",
            "expect_column_values_to_be_in_set", "expect_column_distinct_values_to_contain_set"} <= types
    in_set = next(e for e in suite.expectations if e.expectation_type == "expect_column_values_to_be_in_set")
    assert (in_set.column, list(in_set.value_set)) == ("species", ["Adelie", "Gentoo", "Chinstrap"])
    assert "labels.variants" in data["meta"]["dataaudit"]["no_equivalent"]


def test_strict_pack_exports_exact_duplicate_uniqueness(tmp_path: Path) -> None:
    data = penguins(tmp_path, "dup.csv", lambda f: pd.concat([f, f.head(3)], ignore_index=True))
    suite = tmp_path / "strict.json"
    invoke(["export", "gx", "-r", "strict", "-t", "species", "--data", data, "-o", suite], 0)
    unique = [e for e in json.loads(suite.read_text())["expectations"]
              if e["type"] == "expect_compound_columns_to_be_unique"]
    assert [e["meta"]["dataaudit"]["check"] for e in unique] == ["duplicates.rows", "duplicates.features"]
    out, _ = invoke(["audit", data, "-r", "strict", "-t", "species", "--gx-suite", suite, "-f", "json"], 1)
    found = [f for f in json.loads(out)["findings"] if f["check"] == "gx.expect_compound_columns_to_be_unique"]
    assert found and found[0]["severity"] == "warn" and found[0]["observed"] == 6   # GX counts every copy


def test_audit_runs_a_suite_and_merges_its_results(tmp_path: Path, rules_file: Path) -> None:
    data = penguins(tmp_path, "bad.csv", CASES["unexpected_label"])
    suite = tmp_path / "suite.json"
    invoke(["export", "gx", "-r", rules_file, "-o", suite], 0)
    out, _ = run(["audit", data, "-r", rules_file, "--gx-suite", suite, "-f", "json"], 1)
    report = json.loads(out)
    in_set = [f for f in report["findings"] if f["check"] == "gx.expect_column_values_to_be_in_set"]
    emperors = [i for i in range(344) if i % 50 == 0]
    assert len(in_set) == 1
    assert in_set[0]["severity"] == "fail" and in_set[0]["column"] == "species"
    assert in_set[0]["observed"] == len(emperors) and in_set[0]["examples"] == emperors
    assert "'Emperor'" in in_set[0]["message"]
    statuses = {c["check"]: c["status"] for c in report["checks"]}
    assert statuses["gx.expect_column_values_to_be_in_set"] == "fail"
    assert statuses["gx.expect_table_row_count_to_be_between"] == "passed"


def test_a_hand_written_suite_with_a_missing_column_is_a_finding(tmp_path: Path) -> None:
    suite = tmp_path / "own.json"
    suite.write_text(json.dumps({"name": "own", "expectations": [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "no_such_column"}},
        {"type": "expect_column_max_to_be_between", "kwargs": {"column": "year", "max_value": 2008},
         "severity": "warning"},
    ]}), encoding="utf-8")
    report = dataaudit.audit(DATA / "penguins.csv", target="species", gx_suite=suite)
    found = {f.check: f for f in report.findings if f.check.startswith("gx.")}
    assert found["gx.expect_column_values_to_not_be_null"].severity == "fail"
    assert "could not run" in found["gx.expect_column_values_to_not_be_null"].message
    assert found["gx.expect_column_max_to_be_between"].severity == "warn"
    assert found["gx.expect_column_max_to_be_between"].observed == 2009


@pytest.mark.parametrize("content, says", [
    ("{not json", ":1: not JSON"),
    ('{"name": "x", "expectations": [{"type": "expect_nothing_at_all", "kwargs": {}}]}',
     "not a Great Expectations suite"),
])
def test_a_broken_suite_is_one_line_and_exit_2(tmp_path: Path, content: str, says: str) -> None:
    suite = tmp_path / "bad.json"
    suite.write_text(content, encoding="utf-8")
    _, err = invoke(["audit", DATA / "penguins.csv", "--gx-suite", suite], 2)
    assert err.startswith(f"dataaudit: error: {suite}") and says in err and err.count("\n") == 1


@pytest.mark.parametrize(("suite", "kind"), [({"name": "s", "expectations": []}, "dict"), (123, "int")])
def test_a_suite_of_another_kind_is_refused_naming_the_argument(suite: object, kind: str) -> None:
    frame = pd.DataFrame({"x": [1, 2, 3], "label": ["a", "b", "a"]})
    with pytest.raises(dataaudit.InputError, match=rf"^gx_suite must be the path of a Great Expectations suite's "
                                                   rf"JSON file, not a {kind}$"):
        dataaudit.audit(frame, target="label", gx_suite=suite)  # type: ignore[arg-type]


@pytest.mark.parametrize("case", ["empty_column", "sentinels"])
def test_where_gx_and_the_audit_judge_missing_values_apart_the_suite_says_so(tmp_path: Path, case: str) -> None:
    """An all-empty column is `missing.empty_column`'s alone (a warning), yet fails the critical
    not-null expectation of `missing.column_share`; a sentinel (-999) is missing to the audit and a
    number to GX. The suite's meta names the check and both differences, as it does the others'."""
    change = {"empty_column": lambda f: f.assign(note=""),
              "sentinels": lambda f: f.assign(bill_depth_mm=f["bill_depth_mm"].where(f.index % 2 == 0, "-999"))}[case]
    data = penguins(tmp_path, f"{case}.csv", change)
    suite = tmp_path / "suite.json"
    invoke(["export", "gx", "-t", "species", "--data", data, "-o", suite], 0)
    gx_passed, _ = gx_verdict(suite, data, load_rules("default").rules.missing_values.tokens)
    share = [f for f in dataaudit.audit(data, target="species").findings if f.check == "missing.column_share"
             and f.severity == "fail"]
    assert gx_passed == bool(share)  # they disagree: the audit fails where GX passes, and the other way round
    partly = json.loads(suite.read_text(encoding="utf-8"))["meta"]["dataaudit"]["no_equivalent"]
    assert "missing.empty_column" in partly["missing.column_share"]
    assert "-999" in partly["missing.column_share"]


def test_a_target_the_data_does_not_have_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """With --data the columns are known: a target not among them wrote a suite whose expectations
    on it could not run, where `audit` refuses the same target."""
    data = penguins(tmp_path, "p.csv")
    suite = tmp_path / "suite.json"
    _, err = invoke(["export", "gx", "-t", "specie", "--data", data, "-o", suite], 2)
    assert err.strip().splitlines() == [f"dataaudit: error: {data}: target column 'specie' not found (did you mean "
                                        f"'species'?); columns are: species, island, bill_length_mm, bill_depth_mm, "
                                        f"flipper_length_mm, body_mass_g, sex, year"]
    assert not suite.exists()
    proc = subprocess.run([sys.executable, "-m", "dataaudit", "export", "gx", "-t", "specie", "--data", str(data),
                           "-o", str(suite)], capture_output=True, text=True, check=False, timeout=180)
    assert (proc.returncode, proc.stderr.strip().splitlines()) == (2, err.strip().splitlines())
    invoke(["export", "gx", "-t", "species", "--data", data, "-o", suite], 0)  # the target it has


def test_integers_past_2_to_the_53_with_a_blank_stay_distinct_for_gx(tmp_path: Path) -> None:
    """A blank made the column floats, in which ids one apart past 2**53 are one number: GX found
    every such pair a repeated row, where there is none. The integers are given to GX exact."""
    lines = ["code,x,label"] + [f"{'' if i == 5 else 2**53 + i},{i // 2 % 7},{'ab'[i // 2 % 2]}" for i in range(60)]
    data = tmp_path / "ids.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    suite = tmp_path / "suite.json"
    invoke(["export", "gx", "-r", "strict", "-t", "label", "--data", data, "-o", suite], 0)
    out, _ = invoke(["audit", data, "-r", "strict", "-t", "label", "--gx-suite", suite, "-f", "json"], 1)
    assert [f for f in json.loads(out)["findings"] if f["check"] == "gx.expect_compound_columns_to_be_unique"] == []
    report = tmp_path / "report.json"
    proc = subprocess.run([sys.executable, "-m", "dataaudit", "audit", str(data), "-r", "strict", "-t", "label",
                           "--gx-suite", str(suite), "-f", "json", "-o", str(report)], capture_output=True, text=True,
                          check=False, timeout=180)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "gx.expect_compound_columns_to_be_unique" not in {
        f["check"] for f in json.loads(report.read_text(encoding="utf-8"))["findings"]}


def _pairs(tmp_path: Path, name: str, *broken: str) -> Path:
    """40 rows of columns a, b, c, d all equal, but for each pair of `broken` (`"ab"`), whose
    second column differs in the first 3 rows."""
    frame = pd.DataFrame({column: range(40) for column in "abcd"} | {"label": ["x", "y"] * 20})
    for pair in broken:
        frame.loc[:2, pair[1]] = -1
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def test_an_expectation_failing_where_another_of_its_type_failed_before_fails_the_baseline_gate(
        tmp_path: Path) -> None:
    """The suite expects a == b and c == d. The baseline broke the first, the new data the second:
    one expectation met again, another broken, which the gate must not forgive for the first;
    and data breaking both has two findings of two fingerprints."""
    suite = tmp_path / "pairs.json"
    suite.write_text(json.dumps({"name": "pairs", "expectations": [
        {"type": "expect_column_pair_values_to_be_equal", "kwargs": {"column_A": a, "column_B": b}}
        for a, b in ("ab", "cd")]}), encoding="utf-8")
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    args = ["-t", "label", "--gx-suite", suite, "-f", "json", "-q"]
    run(["audit", _pairs(tmp_path, "old.csv", "ab"), *args, "-o", old], 1)
    invoke(["audit", _pairs(tmp_path, "new.csv", "cd"), *args, "-o", new, "--baseline", old], 1)
    report = json.loads(new.read_text(encoding="utf-8"))
    broken = [f for f in report["findings"] if f["check"] == "gx.expect_column_pair_values_to_be_equal"]
    assert [f["details"]["kwargs"]["column_A"] for f in broken] == ["c"]
    assert report["baseline"]["new"] == [broken[0]["fingerprint"]]

    both = dataaudit.audit(_pairs(tmp_path, "both.csv", "ab", "cd"), target="label", gx_suite=suite)
    pairs = [f for f in both.findings if f.check == "gx.expect_column_pair_values_to_be_equal"]
    assert len(pairs) == 2 and pairs[0].fingerprint != pairs[1].fingerprint
