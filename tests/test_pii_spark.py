"""The personal-data scan (and the languages, when lingua is installed) on Spark reports what
the local engine reports, on a chat file and on a table's text column with planted values, each
large enough to be read in two partitions: the executors scan with the rule pack's phone
regions and their partials merge into the same counts, lines and masked examples."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

import dataaudit
from dataaudit.profile.languages import detector_installed
from tests.pii_helpers import write_planted_chat, write_planted_table
from tests.test_spark_engine import spark

pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")]
__all__ = ["spark"]  # the session fixture, shared with the table tests

CHECKS = ("pii.", "languages.") if detector_installed() else ("pii.",)


def _scanned(report: dict[str, Any]) -> dict[str, Any]:
    """The findings and check outcomes of the scan, and the dataset card's counts."""
    return {"findings": [f for f in report["findings"] if f["check"].startswith(CHECKS)],
            "checks": [c for c in report["checks"] if c["check"].startswith(CHECKS)],
            "pii": report["dataset"].get("pii"), "languages": report["dataset"].get("languages")}


@pytest.mark.parametrize("layout", ["chat", "table"])
def test_the_scan_on_spark_reports_as_locally(spark: object, tmp_path: Path, layout: str) -> None:
    from dataaudit.engines.spark import SparkEngine

    if layout == "chat":
        path = tmp_path / "chats.jsonl"
        write_planted_chat(path, 2_000, seed=8)
        options: dict[str, Any] = {}
    else:
        path = tmp_path / "reviews.csv"
        write_planted_table(path, 2_000, seed=8)
        # Spark reads a CSV line by line: a private key's lines are joined by blanks, still a PEM block
        rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([[cell.replace("\n", " ") for cell in row] for row in rows])
        options = {"target": "label", "text_columns": ["review"]}
    assert path.stat().st_size > 2 * 2**20  # two partitions of at most 2 MB
    rules = tmp_path / "rules.yaml"
    rules.write_text("checks:\n  pii:\n    phone_regions: [US, GB]\n", encoding="utf-8")
    local = _scanned(dataaudit.audit(path, rules=rules, **options).to_dict())
    on_spark = _scanned(dataaudit.audit(path, rules=rules, engine=SparkEngine(session=spark), **options).to_dict())
    assert on_spark == local
    assert {f["check"] for f in local["findings"]} >= {"pii.secrets", "pii.personal"}
