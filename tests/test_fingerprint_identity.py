"""The gate forgives a fingerprint only as often as the baseline held it: should two findings
ever share a fingerprint, one old finding cannot hide a new one."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import dataaudit
from dataaudit.report.cards import BaselineInfo
from dataaudit.report.model import Report
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
