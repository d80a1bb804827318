"""The check declarations: each names real rule fields, states its GX decision, and the runner,
the profiling pass, the GX export and the documentation's check table all follow them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import dataaudit
from dataaudit.checks import FAMILIES, REGISTRY, run_checks, statistics_needed
from dataaudit.checks.registry import Check, Exports, NoEquivalent, registry
from dataaudit.integrations.gx_export import EXPORTERS, export_suite, no_equivalent
from dataaudit.levels import MaxShareLevels, MinShareLevels
from dataaudit.rules.model import RulePack
from tests.cli_helpers import invoke, run
from tests.profiles import make_profile

CHECK_TABLE = Path(__file__).resolve().parents[1] / "docs" / "checks.md"
OFF = {"warn": None, "fail": None}
#: every check reading the quantile sketch of one table switched off: the numeric outliers and the regression target's
PERCENTILES_OFF = {"outliers": {"max_outlier_share": OFF},
                   "target": {"max_value_share": OFF, "max_outlier_share": OFF, "max_run_ratio": OFF}}


@pytest.mark.parametrize("check", REGISTRY.values(), ids=list(REGISTRY))
def test_every_declared_field_is_a_field_of_its_section(check: Check) -> None:
    assert check.section in FAMILIES, check.section
    model = FAMILIES[check.section].Rules
    assert set(check.fields) <= set(model.model_fields), set(check.fields) - set(model.model_fields)
    assert check in FAMILIES[check.section].CHECKS


def test_default_levels_are_read_from_the_section_model() -> None:
    assert REGISTRY["balance.minority_share"].levels(RulePack().checks) == {
        "min_class_share": MinShareLevels(warn=0.02, fail=0.002)}
    assert REGISTRY["numeric.outliers"].levels(RulePack().checks) == {
        "max_outlier_share": MaxShareLevels(warn=0.1, fail=0.25), "fence_iqr": 3.0, "min_distinct": 20}


def test_a_check_id_declared_twice_is_refused() -> None:
    check = REGISTRY["size.rows"]
    with pytest.raises(ValueError, match=r"'size\.rows' is declared twice"):
        registry([check, REGISTRY["size.classes"], check])


def test_a_check_states_its_gx_expectations_or_why_there_are_none() -> None:
    with pytest.raises(TypeError):
        Check("x.y", "A check.", "size", ("min_rows",))  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="Exports"):
        Check("x.y", "A check.", "size", ("min_rows",), None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="says why"):
        NoEquivalent(" ")
    with pytest.raises(ValueError, match="expect_"):
        Exports(())
    with pytest.raises(ValueError, match="unknown statistics"):
        Check("x.y", "A check.", "size", (), NoEquivalent("none"), needs=frozenset({"histograms"}))
    with pytest.raises(ValueError, match="applies to"):
        Check("x.y", "A check.", "size", (), NoEquivalent("none"), applies_to=frozenset())


def test_the_gx_export_follows_the_declarations() -> None:
    exported = {c.id for c in REGISTRY.values() if isinstance(c.gx, Exports)}
    assert set(EXPORTERS) == exported
    assert set(no_equivalent()) == {c.id for c in REGISTRY.values()
                                    if isinstance(c.gx, NoEquivalent) or c.gx.partly}
    pack = RulePack.model_validate({"target": "label", "checks": {
        "labels": {"allowed": ["a", "b"]}, "duplicates": {"max_duplicate_row_share": {"warn": 0, "fail": 0.05},
                                                         "max_feature_duplicate_share": {"warn": 0, "fail": 0.05}}}})
    suite = export_suite(pack, "all", columns=["x", "y", "label"])
    emitted = {e["meta"]["dataaudit"]["check"]: e["type"] for e in suite["expectations"]}
    assert set(emitted) == exported  # every exported check emits with these rules
    for check, kind in emitted.items():
        assert kind in REGISTRY[check].gx.types
    assert suite["meta"]["dataaudit"]["no_equivalent"]["numeric.outliers"].startswith("GX bounds a column")


def test_statistics_follow_the_enabled_checks_and_the_input_kind() -> None:
    default = RulePack()
    assert "quantiles" in statistics_needed(default, "table")
    assert "splits" not in statistics_needed(default, "table")
    assert statistics_needed(default, "text_file") == {"text"}
    outliers_off = RulePack.model_validate({"checks": {"outliers": {"max_outlier_share": OFF}}})
    assert "quantiles" in statistics_needed(outliers_off, "table")  # a regression target's checks read them
    percentiles_off = RulePack.model_validate({"checks": PERCENTILES_OFF})
    assert "quantiles" not in statistics_needed(percentiles_off, "table")
    assert "quantiles" in statistics_needed(percentiles_off, "splits")  # numeric drift reads them
    both_off = RulePack.model_validate({"checks": {**PERCENTILES_OFF, "splits": {"max_psi": OFF}}})
    assert "quantiles" not in statistics_needed(both_off, "splits")


def test_the_audit_computes_percentiles_only_when_a_check_needs_them(tmp_path: Path) -> None:
    data = tmp_path / "t.csv"
    data.write_text("x,label\n" + "".join(f"{i},{'ab'[i % 2]}\n" for i in range(40)), encoding="utf-8")
    column = dataaudit.audit(data, target="label").profile.column("x")
    assert column.percentiles is not None and column.percentiles[50] == 19.0
    off = RulePack.model_validate({"checks": PERCENTILES_OFF})
    report = dataaudit.audit(data, target="label", rules=off)
    assert report.profile.column("x").percentiles is None
    assert {c.check: c.reason for c in report.checks}["numeric.outliers"] == (
        "switched off in the rules (checks.outliers: max_outlier_share, fence_iqr, min_distinct)")


def test_a_check_with_every_level_switched_off_is_skipped_not_passed() -> None:
    """A check that looked for nothing did not pass: the report says it was switched off."""
    rules = RulePack.model_validate({"checks": {"balance": {"max_imbalance_ratio": OFF}}})
    _, statuses = run_checks(make_profile(label_counts={"a": 99, "b": 1}, columns=["x"]), rules)
    status = {s.check: s for s in statuses}
    assert status["balance.imbalance_ratio"].status == "skipped"
    assert status["balance.imbalance_ratio"].reason == (
        "switched off in the rules (checks.balance: max_imbalance_ratio)")
    assert status["balance.minority_share"].status == "warn"  # its neighbour in the section still judges


def test_a_check_that_does_not_apply_to_the_input_kind_is_skipped_saying_for_what() -> None:
    findings, statuses = run_checks(make_profile(label_counts={"a": 49, "b": 1}, columns=["x"]), RulePack(),
                                    "text_file")
    status = {s.check: s for s in statuses}
    assert status["balance.minority_share"].status == "skipped"
    assert status["balance.minority_share"].reason == ("for one table or a dataset in splits, "
                                                       "not a fine-tuning JSONL file")
    assert status["splits.leakage"].reason == ("for a dataset in splits (compare splits with --split NAME=PATH), "
                                               "not a fine-tuning JSONL file")
    assert status["size.rows"].status == "warn"  # applies to every kind
    assert {f.check for f in findings} == {"size.rows"}


def test_the_documented_check_table_lists_every_registered_check() -> None:
    table = "\n".join(line for line in CHECK_TABLE.read_text(encoding="utf-8").splitlines() if line.startswith("| `"))
    listed = set(re.findall(r"`([a-z_]+\.[a-z_]+)`", table))
    assert set(REGISTRY) <= listed, sorted(set(REGISTRY) - listed)


def test_rules_checks_lists_every_declaration() -> None:
    out, err = run(["rules", "checks"], 0)
    assert err == "" and invoke(["rules", "checks"], 0)[0] == out
    headers = [line.split("  ", 1)[0] for line in out.splitlines() if not line.startswith(" ")]
    assert headers == list(REGISTRY)
    block = out.split("numeric.outliers  ", 1)[1].split("\n")[:4]
    assert block == [
        "Few values of a numeric feature column lie far outside its quartiles.",
        "  rules: checks.outliers: max_outlier_share, fence_iqr, min_distinct",
        "  needs: quantiles; applies to: splits, table",
        "  gx: none: GX bounds a column by fixed values; these fences move with the column's own quartiles",
    ]
    assert "  gx: expect_table_row_count_to_be_between" in out.split("size.rows  ", 1)[1]
