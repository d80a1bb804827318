"""Repeated groups in one file: rows per group, groups whose rows carry several labels, and the
warning that a random split leaks them; `--group-column` without `--split`, and the candidate an
id-like column that repeats makes. Real files: the wage panel (545 men x 8 years), ParlSpeech's
speakers, and breast_cancer as the clean control."""

from __future__ import annotations

import json
from functools import reduce
from itertools import pairwise
from unittest.mock import MagicMock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.profile import groups as groups_module
from dataaudit.profile.groups import GroupsPartial
from tests.cli_helpers import invoke, run
from tests.conftest import DATA

WAGES = DATA / "wage_panel.csv"
SPEAKERS = DATA / "parlspeech_speakers.csv"


def _json(runner, args: list[object], code: int) -> dict:
    out, _ = runner(["audit", *args, "--format", "json"], code)
    return json.loads(out)


def _finding(report: dict) -> dict:
    found = [f for f in report["findings"] if f["check"] == "groups.repeated"]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("runner", [invoke, run], ids=["in-process", "installed"])
def test_the_wage_panel_men_are_a_candidate_group_that_a_random_split_leaks(runner) -> None:
    report = _json(runner, [WAGES, "-t", "union"], 0)
    finding = _finding(report)
    assert (finding["severity"], finding["column"], finding["observed"]) == ("warn", "nr", 1)
    details = finding["details"]
    assert (details["groups"], details["repeated_groups"], details["repeated_rows"]) == (545, 545, 4360)
    assert details["rows_per_group"] == {"min": 8, "median": 8, "max": 8}
    assert (details["mixed_label_groups"], details["mixed_label_rows"]) == (246, 246 * 8)
    assert details["reason"] == "a candidate: id-like, its values repeat"
    assert "A random split puts rows of one group on both sides" in finding["message"]
    table = next(t for t in report["tables"] if t["id"] == "groups.sizes")
    assert table["rows"] == [["nr", "a candidate: id-like, its values repeat", 545, 545, 4360, 8, 8, 8, 8, 246]]


def test_the_counts_match_pandas_and_the_examples_are_first_rows_of_mixed_men() -> None:
    frame = pd.read_csv(WAGES)
    mixed = frame.groupby("nr")["union"].nunique() > 1
    first_rows = sorted(frame.reset_index().groupby("nr")["index"].min()[mixed].tolist())
    report = dataaudit.audit(WAGES, target="union", group_column="nr")
    finding = next(f for f in report.findings if f.check == "groups.repeated")
    assert finding.details["mixed_label_groups"] == int(mixed.sum()) == 246
    assert finding.examples == first_rows[:10]
    assert finding.details["reason"] == "named with --group-column"
    assert [i.column for i in report.dataset.ignored] == ["nr"]


def test_a_regression_target_counts_no_groups_with_several_labels() -> None:
    """Every man's log wage differs from year to year: labels a group mixes mean classes only."""
    report = _json(invoke, [WAGES, "-t", "lwage", "-g", "nr", "-q"], 0)
    finding = _finding(report)
    assert "more than one label" not in finding["message"] and finding["examples"] == []
    assert finding["details"]["mixed_label_groups"] is None
    table = next(t for t in report["tables"] if t["id"] == "groups.sizes")
    assert table["rows"][0][-1] is None and "not counted: a regression target" in table["note"]


def test_parlspeech_speakers_are_groups_when_named() -> None:
    report = dataaudit.audit(SPEAKERS, target="party", group_column="speaker")
    finding = next(f for f in report.findings if f.check == "groups.repeated")
    assert finding.severity.value == "warn"
    details = finding.details
    assert (details["groups"], details["repeated_groups"], details["repeated_rows"]) == (598, 214, 616)
    assert details["rows_per_group"] == {"min": 1, "median": 1, "max": 52}
    # "Robert Hughes" is Con and Lab; the Speaker's 52 rows without a party carry no label
    assert details["mixed_label_groups"] == 1 and details["mixed_label_rows"] == 3
    frame = pd.read_csv(SPEAKERS, keep_default_na=False)
    assert frame.loc[finding.examples[0], "speaker"] == "Robert Hughes"


def test_a_repeated_name_is_no_candidate_without_being_named() -> None:
    report = dataaudit.audit(SPEAKERS, target="party")
    status = {c.check: c for c in report.checks}["groups.repeated"]
    assert status.status == "skipped"
    assert status.reason.startswith("no group column: none named (--group-column)")
    assert not [t for t in report.tables if t.id == "groups.sizes"]


def test_breast_cancer_has_no_group_and_no_warning() -> None:
    report = dataaudit.audit(DATA / "breast_cancer.csv", target="target")
    assert {c.check: c.status for c in report.checks}["groups.repeated"] == "skipped"
    assert not [f for f in report.findings if f.severity.value in ("warn", "fail")]


def test_workers_and_chunks_count_the_same_groups(workers: MagicMock) -> None:
    one = dataaudit.audit(WAGES, target="union")
    many = dataaudit.audit(WAGES, target="union", chunk_rows=333, jobs=2)
    assert workers.called
    assert (next(f for f in many.findings if f.check == "groups.repeated").details
            == next(f for f in one.findings if f.check == "groups.repeated").details)


def test_more_groups_than_the_bound_are_not_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(groups_module, "MAX_GROUPS", 500)
    report = dataaudit.audit(WAGES, target="union")
    status = {c.check: c for c in report.checks}["groups.repeated"]
    assert status.status == "skipped" and status.reason.startswith("column 'nr' has more than")


# --- the accumulator's law -------------------------------------------------------------------------

rows_strategy = st.lists(st.tuples(st.integers(0, 30), st.booleans(), st.integers(0, 3), st.booleans()),
                         min_size=1, max_size=200)


def _partial(rows: list[tuple[int, bool, int, bool]], offset: int) -> GroupsPartial:
    partial = GroupsPartial("g")
    if rows:
        values, present, labels, labelled = (np.array(c) for c in zip(*rows, strict=True))
        partial.add(values.astype(np.uint64), present, labels.astype(np.uint64), labelled, offset)
    return partial


def _facts(partial: GroupsPartial) -> tuple:
    profile = partial.extract("named")
    return (profile.rows, profile.groups, profile.repeated, profile.repeated_rows, profile.sizes,
            profile.mixed, profile.mixed_rows, profile.mixed_examples, profile.overflow)


@settings(max_examples=80, deadline=None)
@given(rows=rows_strategy, cuts=st.lists(st.integers(0, 200), max_size=4), bound=st.sampled_from([5, 100_000]))
def test_chunks_merged_in_any_grouping_give_the_whole_and_match_a_direct_count(
        rows: list, cuts: list[int], bound: int) -> None:
    groups_module.MAX_GROUPS, kept = bound, groups_module.MAX_GROUPS
    try:
        edges = sorted({0, len(rows), *(min(c, len(rows)) for c in cuts)})
        chunks = [_partial(rows[a:b], a) for a, b in pairwise(edges)]
        whole = _partial(rows, 0)
        left = reduce(lambda a, b: a.merged(b), chunks)
        right = reduce(lambda a, b: b.merged(a), reversed(chunks))
        assert _facts(left) == _facts(right) == _facts(whole)
    finally:
        groups_module.MAX_GROUPS = kept
    present = [(v, lab if has else None, i) for i, (v, p, lab, has) in enumerate(rows) if p]
    by_group: dict[int, list] = {}
    for value, label, row in present:
        by_group.setdefault(value, []).append((label, row))
    if len(by_group) > bound:
        assert whole.extract("named").overflow
        return
    mixed = [g for g in by_group.values() if len({lab for lab, _ in g if lab is not None}) > 1]
    profile = whole.extract("named")
    assert (profile.rows, profile.groups) == (len(present), len(by_group))
    assert profile.repeated == sum(len(g) > 1 for g in by_group.values())
    assert (profile.mixed, profile.mixed_rows) == (len(mixed), sum(len(g) for g in mixed))
    assert profile.mixed_examples == sorted(min(r for _, r in g) for g in mixed)[:10]


@pytest.mark.parametrize("runner", [invoke, run], ids=["in-process", "installed"])
def test_splits_by_year_leak_every_man_and_the_found_group_warns_the_named_one_fails(runner, tmp_path) -> None:
    header, *rows = WAGES.read_text().splitlines()
    early, late = tmp_path / "early.csv", tmp_path / "late.csv"
    early.write_text("\n".join([header, *(r for r in rows if int(r.split(",")[1]) < 1985)]) + "\n")
    late.write_text("\n".join([header, *(r for r in rows if int(r.split(",")[1]) >= 1985)]) + "\n")
    args = [early, "-t", "union", "--split", f"test={late}"]
    found = [f for f in _json(runner, args, 1)["findings"] if f["check"] == "splits.group_leakage"]
    assert [(f["column"], f["severity"], f["details"]["shared_groups"]) for f in found] == [("nr", "warn", 545)]
    assert "not named (--group-column nr gates on it)" in found[0]["message"]
    named = [f for f in _json(runner, [*args, "-g", "nr"], 1)["findings"] if f["check"] == "splits.group_leakage"]
    assert [(f["column"], f["severity"], f["observed"]) for f in named] == [("nr", "fail", 1.0)]


@pytest.mark.parametrize("runner", [invoke, run], ids=["in-process", "installed"])
def test_a_split_without_the_found_group_leaves_the_others_compared_and_is_named(runner, tmp_path) -> None:
    """A found group column that one split lacks skipped the group check for every split, saying
    no group column was given: the men of 1983-84 shared with 1980-82 went unreported. The splits
    that have it are compared; the one without it is named, and so is each when only the
    reference has it."""
    header, *rows = WAGES.read_text().splitlines()
    early, mid, late = (tmp_path / f"{name}.csv" for name in ("early", "mid", "late"))
    for path, low, high in ((early, 1980, 1983), (mid, 1983, 1985), (late, 1985, 1988)):
        picked = [r for r in rows if low <= int(r.split(",")[1]) < high]
        lines = [header, *picked] if path != late else [r.split(",", 1)[1] for r in [header, *picked]]
        path.write_text("\n".join(lines) + "\n")
    report = _json(runner, [early, "-t", "union", "--split", f"mid={mid}", "--split", f"late={late}"], 1)
    found = [f for f in report["findings"] if f["check"] == "splits.group_leakage"]
    assert [(f["severity"], f["details"].get("shared_groups")) for f in found] == [("warn", 545), ("info", None)]
    assert found[1]["details"]["splits"] == ["late"]
    assert "Split 'late' lacks the group column 'nr' (found: id-like, its values repeat)" in found[1]["message"]
    alone = _json(runner, [early, "-t", "union", "--split", f"late={late}"], 1)
    status = next(c for c in alone["checks"] if c["check"] == "splits.group_leakage")
    assert (status["status"], status["reason"]) == (
        "skipped", "the group column 'nr' (found: id-like, its values repeat) is in 'train' only; 'late' lacks it")
