"""Every case of tests/cases/checks.yaml: a real CSV on disk, audited, statuses compared."""

from __future__ import annotations

from itertools import count
from pathlib import Path

import pytest
import yaml

import dataaudit
from dataaudit.rules.model import RulePack

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "checks.yaml").read_text())


def _csv(case: dict) -> str:
    header, _, body = case["csv"].partition("\n")
    numbers = count()
    rows = "".join(body.replace("{n}", str(next(numbers)), 1) if "{n}" in body else body
                   for _ in range(case.get("repeat", 1)))
    while "{n}" in rows:
        rows = rows.replace("{n}", str(next(numbers)), 1)
    return f"{header}\n{rows}{case.get('append', '')}"


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_check_case(case: dict, tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text(_csv(case))
    report = dataaudit.audit(path, target=case.get("target", "label"), rules=RulePack.model_validate(
        case.get("rules", {})), ignore_columns=case.get("ignore", ()))
    statuses = {c.check: c.status for c in report.checks}
    assert {check: statuses[check] for check in case["expect"]} == case["expect"]
