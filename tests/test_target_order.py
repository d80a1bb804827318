"""A regression target read in row order: placeholders outside its other numbers, and its
longest run of one number, on real files (tests/data/SOURCES.md) through the installed script
and click's runner, and merged exactly however the rows are cut into chunks."""

from __future__ import annotations

import itertools
import json
import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.checks import run_checks
from dataaudit.checks.target_order import expected_longest_run
from dataaudit.profile.extract import extract
from dataaudit.profile.partial import PartialProfile
from dataaudit.profile.runs import Run
from dataaudit.profile.spec import ProfileSpec
from dataaudit.rules.model import RulePack
from tests.cli_helpers import invoke, run
from tests.conftest import DATA
from tests.profiles import make_column, make_profile


def _findings(report: dict, check: str) -> list[dict]:
    return [f for f in report["findings"] if f["check"] == check]


def _statuses(report: dict) -> dict[str, str]:
    return {c["check"]: c["status"] for c in report["checks"]}


def test_mroz_hours_end_in_one_run_of_325_zeros() -> None:
    """mroz is sorted by `inlf`: its 325 zero `hours` are the last 325 rows (CATALOG.md)."""
    stdout, _ = run(["audit", DATA / "mroz.csv", "--target", "hours", "--format", "json"], 1)
    report = json.loads(stdout)
    (found,) = _findings(report, "target.runs")
    expected = expected_longest_run(325 / 753, 753)
    assert found["severity"] == "warn"
    assert found["details"] == {"value": 0.0, "length": 325, "start": 428, "share": round(325 / 753, 6),
                                "expected_longest": round(expected, 3)}
    assert 7 < expected < 7.5  # log(753 * 0.568) / log(1 / 0.432)
    assert found["observed"] == round(325 / expected, 6)
    assert found["message"].startswith("Target 'hours' is 0 in 325 consecutive rows from row 428: 45.1 times")
    assert found["examples"] == [428]
    assert _statuses(report)["target.sentinels"] == "passed"  # 0 to 4950: no placeholder


def test_clean_regression_targets_raise_no_run_or_placeholder() -> None:
    """cars' mpg (a run of four 14s, 2.1 times chance), wage panel's log wage: nothing to say."""
    for name, target in (("cars", "Miles_per_Gallon"), ("wage_panel_800", "lwage")):
        report = dataaudit.audit(DATA / f"{name}.csv", target=target)
        statuses = {c.check: c.status for c in report.checks}
        assert (statuses["target.runs"], statuses["target.sentinels"]) == ("passed", "passed"), name
    cars = dataaudit.audit(DATA / "cars.csv", target="Miles_per_Gallon")
    assert cars.profile.label.longest_run == Run(14.0, 4, 45)


def test_placeholders_planted_in_mroz_hours_are_named_with_their_rows(tmp_path: Path) -> None:
    frame = pd.read_csv(DATA / "mroz.csv", dtype=str, keep_default_na=False)
    frame.loc[[3, 17, 40], "hours"] = "-1"
    frame.loc[[100], "hours"] = "99999"
    frame.loc[[500], "hours"] = "999"  # inside 0..4950: a real number of hours
    planted = tmp_path / "mroz_placeholders.csv"
    frame.to_csv(planted, index=False)
    stdout, _ = invoke(["audit", planted, "--target", "hours", "--format", "json"], 1)
    found = {f["details"]["value"]: f for f in _findings(json.loads(stdout), "target.sentinels")}
    assert sorted(found) == [-1.0, 99999.0]
    low, high = found[-1.0], found[99999.0]
    assert (low["severity"], low["observed"], low["examples"]) == ("warn", 3, [3, 17, 40])
    assert low["message"] == ("Target 'hours' holds -1 in 3 rows (row 3, 17, 40), below every other number of "
                              "the target (0 to 4950): a placeholder, not a value.")
    assert high["examples"] == [100] and "above every other number" in high["message"]
    assert low["details"]["others_min"] == 0.0 and low["details"]["others_max"] == 4950.0


def test_a_listed_sentinel_in_the_target_is_a_placeholder_too(tmp_path: Path) -> None:
    frame = pd.read_csv(DATA / "cars.csv", dtype=str, keep_default_na=False)
    frame.loc[[0, 1], "Miles_per_Gallon"] = "-999"
    planted = tmp_path / "cars_sentinel.csv"
    frame.to_csv(planted, index=False)
    report = dataaudit.audit(planted, target="Miles_per_Gallon")
    (found,) = [f for f in report.findings if f.check == "target.sentinels"]
    assert found.details["value"] == -999.0 and found.examples == [0, 1]


def test_a_run_past_the_tracked_values_reads_its_share_off_the_percentiles() -> None:
    """Past 10,000 distinct values: 7 at 3 of the percentiles is about 4% of the numbers (2% + 1)."""
    profile = make_profile(label_counts={"0": 1}, rows=200_000, tracked=False, columns=["x"])
    target = make_column("label", rows=200_000, role="target", type="float", distinct=150_000,
                         percentiles=sorted([7.0] * 3 + list(np.linspace(0, 1000, 98))))
    label = replace(profile.label, longest_run=Run(7.0, 40, 1234))
    columns = [c if c.name != "label" else target for c in profile.columns]
    findings, _ = run_checks(replace(profile, columns=columns, label=label), RulePack())
    (found,) = [f for f in findings if f.check == "target.runs"]
    expected = expected_longest_run(0.04, 200_000)
    assert found.details["share"] == 0.04 and found.details["expected_longest"] == round(expected, 3)
    assert found.observed == round(40 / expected, 6) and "read off its percentiles" in found.message


def _naive_longest(values: list[float | None]) -> Run | None:
    best = None
    for key, group in itertools.groupby(enumerate(values), key=lambda iv: iv[1]):
        rows = [i for i, _ in group]
        if key is not None and (best is None or len(rows) > best.length):
            best = Run(float(key), len(rows), rows[0])
    return best


def _profile_in_chunks(cells: list[str | None], cuts: list[int], order: random.Random) -> PartialProfile:
    spec = ProfileSpec(target="y", sentinels=(-999.0,))
    batch = pa.RecordBatch.from_arrays([pa.array([str(i) for i in range(len(cells))]), pa.array(cells, pa.string())],
                                       names=["x", "y"])
    partials = []
    for start, stop in itertools.pairwise([0, *cuts, len(cells)]):
        partial = PartialProfile.create(spec, ["x", "y"])
        partial.add(batch.slice(start, stop - start), start)
        partials.append(partial)
    order.shuffle(partials)
    merged = partials[0]
    for partial in partials[1:]:
        merged = merged.merged(partial) if order.random() < 0.5 else partial.merged(merged)
    return merged


CELLS = st.one_of(st.none(), st.sampled_from(["?", "-1", "99", "-999", "2", "2.0", "3", "5.5"]))


@settings(max_examples=60, deadline=None)
@given(st.lists(CELLS, min_size=1, max_size=80), st.data())
def test_chunking_and_merge_order_do_not_change_the_run_or_the_placeholders(cells: list[str | None],
                                                                            data: st.DataObject) -> None:
    """The longest run is the one a plain walk over the rows finds (a cell without a number
    ends a run; `2` and `2.0` are one number), whatever the chunks and their merge order."""
    cuts = sorted(data.draw(st.sets(st.integers(1, max(1, len(cells) - 1)), max_size=8))) if len(cells) > 1 else []
    cuts = [c for c in cuts if 0 < c < len(cells)]
    whole = extract(_profile_in_chunks(cells, [], random.Random(0))).label
    chunked = extract(_profile_in_chunks(cells, cuts, random.Random(data.draw(st.integers(0, 99))))).label
    numbers = [None if c in (None, "?") else float(c) for c in cells]
    assert whole.longest_run == chunked.longest_run == _naive_longest(numbers)
    assert whole.placeholders == chunked.placeholders
    placeholders = [n for n in numbers if n in (-1.0, 99.0, -999.0)]
    others = [n for n in numbers if n is not None and n not in (-1.0, 99.0, -999.0)]
    assert chunked.placeholders.counts == {v: placeholders.count(v) for v in sorted(set(placeholders))}
    assert chunked.placeholders.others_min == (min(others) if others else None)
