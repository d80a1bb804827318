"""The label model over the whole file: with more labelled rows than its sample, the fold models
score the rest in a pass of their own, so suspects, class counts and noise rates cover every row."""

from __future__ import annotations

import io
import json
from pathlib import Path
from unittest.mock import MagicMock

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.engines import progress as progress_module
from dataaudit.engines.local import LocalEngine
from dataaudit.labelnoise import detect
from dataaudit.labelnoise.features import fit_encoding
from tests.cli_helpers import invoke, run

ROWS, SAMPLE = 3_000, 600
CLASSES = ("north", "south", "west")


@pytest.fixture(scope="module")
def separable(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[int]]:
    """3,000 rows whose class two numbers and a colour tell apart almost surely, 3% of the labels
    flipped to another class (seeded); the flipped rows are the truth."""
    rng = np.random.default_rng(7)
    truth = rng.integers(0, 3, ROWS)
    centres = np.array([[0.0, 0.0], [4.0, 0.0], [0.0, 4.0]])
    x = centres[truth] + rng.normal(0, 0.7, (ROWS, 2))
    colour = np.where(rng.random(ROWS) < 0.8, np.array(["red", "green", "blue"])[truth], "grey")
    flipped = rng.choice(ROWS, size=ROWS * 3 // 100, replace=False)
    given = truth.copy()
    given[flipped] = (truth[flipped] + rng.integers(1, 3, len(flipped))) % 3
    path = tmp_path_factory.mktemp("whole") / "regions.csv"
    pacsv.write_csv(pa.table({"x": x[:, 0].round(3), "y": x[:, 1].round(3), "colour": colour,
                              "region": np.array(CLASSES)[given]}), path)
    return path, set(flipped.tolist())


@pytest.fixture(scope="module")
def small_sample_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pack = tmp_path_factory.mktemp("pack") / "rules.yaml"
    pack.write_text(f"checks:\n  label_noise:\n    sample_rows: {SAMPLE}\n", encoding="utf-8")
    return pack


@pytest.fixture(scope="module")
def report(separable: tuple[Path, set[int]], small_sample_pack: Path) -> dataaudit.Report:
    return dataaudit.audit(separable[0], target="region", rules=small_sample_pack, label_noise=True)


def _suspects(report: dataaudit.Report) -> dict[int, list]:
    table = next(t for t in report.tables if t.id == "labels.suspected")
    return {row[0]: row for row in table.rows}


def test_flipped_rows_outside_the_sample_are_found(report: dataaudit.Report,
                                                   separable: tuple[Path, set[int]]) -> None:
    sampled = set(report.profile.sample.rows)
    assert len(sampled) < ROWS / 2
    outside = separable[1] - sampled
    found = set(_suspects(report)) & outside
    assert len(found) >= 0.8 * len(outside)
    assert len(set(_suspects(report)) - separable[1]) <= 0.2 * len(outside)


def test_class_counts_cover_every_labelled_row_of_the_file(report: dataaudit.Report,
                                                           separable: tuple[Path, set[int]]) -> None:
    quality = report.profile.label_quality
    in_file = pd.read_csv(separable[0])["region"].value_counts()
    noise = next(t for t in report.tables if t.id == "labels.noise_rate")
    assert {row[0]: row[1] for row in noise.rows} == in_file.to_dict()
    suspected_per_class = pd.Series([row[1] for row in _suspects(report).values()]).value_counts()
    assert {row[0]: row[2] for row in noise.rows} == {c: int(suspected_per_class.get(c, 0)) for c in CLASSES}
    assert quality.sample_rows + quality.scored_rows == ROWS
    assert quality.scored_rows > 0
    assert f"the other {quality.scored_rows:,} labelled rows scored" in noise.note
    finding = next(f for f in report.findings if f.check == "labels.suspected")
    assert finding.details["modelled_rows"] == ROWS


def test_a_file_no_larger_than_the_sample_is_not_read_again(separable: tuple[Path, set[int]]) -> None:
    quality = dataaudit.audit(separable[0], target="region", label_noise=True).profile.label_quality
    assert quality.scored_rows == 0
    assert quality.sample_rows == ROWS


def _json_without_times(path: Path) -> dict:
    report = json.loads(path.read_text(encoding="utf-8"))
    report.pop("created_at", None)
    report.get("source", {}).pop("engine", None)
    return report


@pytest.mark.slow  # two audits of the installed command, one with a pool of workers
def test_two_jobs_give_the_json_of_one(separable: tuple[Path, set[int]], tmp_path: Path) -> None:
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"jobs{jobs}.json"
        run(["audit", separable[0], "-t", "region", "--label-noise", "--sample", str(SAMPLE), "--jobs", jobs,
             "-f", "json", "-o", out], 0, timeout=600)
        outputs.append(_json_without_times(out))
    assert outputs[0] == outputs[1]
    suspected = next(t for t in outputs[0]["tables"] if t["id"] == "labels.suspected")
    assert "labelled rows scored by the mean of the fold models" in suspected["note"]


def test_clean_quarantines_suspects_from_outside_the_sample(separable: tuple[Path, set[int]],
                                                            tmp_path: Path) -> None:
    out = tmp_path / "clean.csv"
    invoke(["clean", separable[0], "-t", "region", "--quarantine-suspected-labels", "--sample", str(SAMPLE),
            "-o", out], 0)
    quarantined = pd.read_csv(tmp_path / "clean.quarantine.csv")
    suspected = quarantined[quarantined["_reason"].str.startswith("suspected_label")]
    report = dataaudit.audit(separable[0], target="region", label_noise=True, sample=SAMPLE)
    outside = set(_suspects(report)) - set(report.profile.sample.rows)
    assert outside
    assert outside <= set(suspected["_row"])
    assert len(pd.read_csv(out)) + len(quarantined) == ROWS


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_scoring_pass_counts_on_the_progress_line(separable: tuple[Path, set[int]],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(progress_module, "DELAY", 0.0)
    monkeypatch.setattr(progress_module, "EVERY", 0.0)
    terminal = Terminal()
    dataaudit.audit(separable[0], target="region", label_noise=True, sample=SAMPLE, folds=2,
                    engine=LocalEngine(progress=terminal))
    assert f"dataaudit: label model: scoring {ROWS:,} rows" in terminal.getvalue()


def test_the_encoding_of_the_sample_applies_to_other_rows() -> None:
    sample = pa.table({"n": ["1", "2", "NA", "4"], "c": ["a", "b", "a", "b"]})
    encoding = fit_encoding(sample, ["n", "c"], ("NA",))
    later = encoding.apply(pa.table({"n": ["7", "x"], "c": ["b", "unseen"]}))
    assert later.tabular["n"].tolist()[0] == 7.0 and np.isnan(later.tabular["n"].tolist()[1])
    assert list(later.tabular["c"].cat.categories) == ["a", "b"]
    assert later.tabular["c"].tolist()[0] == "b" and pd.isna(later.tabular["c"].tolist()[1])


@st.composite
def labelled_probabilities(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, list[int]]:
    k = draw(st.integers(2, 5))
    n = draw(st.integers(4 * k, 120))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    y = np.concatenate([np.arange(k), rng.integers(0, k, n - k)])
    probs = rng.dirichlet(np.full(k, draw(st.sampled_from([0.3, 1.0, 3.0]))), n)
    cuts = sorted(draw(st.lists(st.integers(1, n - 1), max_size=4, unique=True)))
    return y, probs, cuts


@settings(max_examples=60, deadline=None)
@given(labelled_probabilities())
def test_counts_added_chunk_by_chunk_are_cleanlabs_joint(case: tuple[np.ndarray, np.ndarray, list[int]]) -> None:
    from cleanlab.count import estimate_joint, num_label_issues

    y, probs, cuts = case
    thresholds = detect.thresholds(y, probs)
    counts = sum(detect.confident_counts(yc, pc, thresholds)
                 for yc, pc in zip(np.split(y, cuts), np.split(probs, cuts), strict=True))
    joint = detect.calibrated_joint(counts, np.bincount(y, minlength=probs.shape[1]))
    np.testing.assert_array_equal(joint, estimate_joint(labels=y, pred_probs=probs))
    assert detect.issue_count(joint, len(y)) == num_label_issues(labels=y, pred_probs=probs,
                                                                 estimation_method="off_diagonal_calibrated")


@pytest.mark.slow  # two audits, one over a pool of workers
def test_suspects_do_not_depend_on_chunks_or_workers(separable: tuple[Path, set[int]], report: dataaudit.Report,
                                                     small_sample_pack: Path, workers: MagicMock) -> None:
    chunked = dataaudit.audit(separable[0], target="region", rules=small_sample_pack, label_noise=True,
                              chunk_rows=500, jobs=2)
    assert workers.called
    assert chunked.profile.label_quality == report.profile.label_quality
