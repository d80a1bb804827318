"""One label spelled several ways keeps its fingerprint whichever spelling has the most rows; the
gate forgives a fingerprint only as often as the baseline held it: should two findings ever share
a fingerprint, one old finding cannot hide a new one."""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import dataaudit
from dataaudit.report.cards import BaselineInfo
from dataaudit.report.model import Finding, Report, Severity
from tests.cli_helpers import RUNNERS, Runner
from tests.conftest import DATA

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        header, *body = list(csv.reader(handle))
    return header, body


def _write(path: Path, header: list[str], body: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *body])
    return path


def _repeated(report: Report) -> list[tuple[str, list[tuple[str, str | None, dict[str, Any]]]]]:
    """Every fingerprint two or more findings of `report` share, with those findings."""
    counts = Counter(f.fingerprint for f in report.findings)
    return [(fp, [(f.check, f.column, f.details) for f in report.findings if f.fingerprint == fp])
            for fp, n in counts.items() if n > 1]


# --- the identity of one finding ---------------------------------------------------------------

@pytest.mark.parametrize("spelled", ["not_spam", "Not-Spam", "'not spam'", "not spam.", "ｎｏｔ ｓｐａｍ"])
def test_a_label_spelled_several_ways_keeps_its_fingerprint_whichever_spelling_wins(spelled: str) -> None:
    """The labels are grouped by `fold_label`; the spelling with the most rows names the group,
    so which one it is moves with the counts."""
    def variants(canonical: str) -> Finding:
        return Finding("labels.variants", Severity.FAIL, "", column="label", details={"canonical": canonical})
    assert variants(spelled).fingerprint == variants("not spam").fingerprint
    assert variants("not spam").fingerprint != variants("spam").fingerprint


# --- the gate ---------------------------------------------------------------------------------

def test_a_baseline_forgives_a_fingerprint_as_often_as_it_held_it() -> None:
    """Two gating findings of one fingerprint against a baseline that held it once: one still
    blocks the gate."""
    report = dataaudit.audit(DATA / "penguins.csv", target="species", strict=True)
    gating = report.gating[0]
    twice = replace(report, findings=[*report.findings, replace(gating)])
    held_once = BaselineInfo(path="old.json", created_at="", delta=0.1, forgiven=[gating.fingerprint], new=[],
                             worsened=[])
    def blocked(forgiven: list[str]) -> int:
        blocking = replace(twice, baseline=replace(held_once, forgiven=forgiven)).blocking
        return [f.fingerprint for f in blocking].count(gating.fingerprint)

    assert (blocked([gating.fingerprint]), blocked([gating.fingerprint] * 2)) == (1, 0)


def _spellings(path: Path, spaced: int, joined: int) -> Path:
    """100 'ham' rows, then 'not spam' and 'not_spam' rows: one label spelled two ways."""
    labels = ["ham"] * 100 + ["not spam"] * spaced + ["not_spam"] * joined
    return _write(path, ["x", "label"], [[str(i % 7), label] for i, label in enumerate(labels)])


@pytest.mark.parametrize("runner", RUNNERS)
def test_counts_of_two_spellings_swapping_change_nothing_for_diff_or_baseline(runner: Runner, tmp_path: Path) -> None:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    runner(["audit", _spellings(tmp_path / "old.csv", 30, 20), "-t", "label", "-f", "json", "-o", old, "-q"], 1)
    runner(["audit", _spellings(tmp_path / "new.csv", 20, 30), "-t", "label", "-f", "json", "-o", new, "-q"], 1)
    out, _ = runner(["diff", old, new, "-f", "json"], 0)
    changes = json.loads(out)["changes"]
    variants = [c for c in changes if c["check"] == "labels.variants"]
    assert [c["status"] for c in variants] == ["unchanged"], variants
    runner(["audit", tmp_path / "new.csv", "-t", "label", "--baseline", old, "-f", "json", "-o", tmp_path / "g.json",
            "-q"], 0)
    assert json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))["baseline"]["new"] == []
