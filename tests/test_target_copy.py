"""`target.copy`: a feature column that is a regression target again (a copy, other units, its
logarithm, negated) warns; honest predictors, however strong, and the real controls pass."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dataaudit.checks.target_copy import rank_correlation
from tests.cli_helpers import invoke
from tests.conftest import DATA


def _copies(args: list[object], code: int = 0) -> dict[str, dict]:
    out, _ = invoke(["audit", *args, "-f", "json", "-q"], code)
    report = json.loads(out)
    status = next(c for c in report["checks"] if c["check"] == "target.copy")["status"]
    assert status in ("passed", "warn"), status
    return {f["column"]: f for f in report["findings"] if f["check"] == "target.copy"}


def test_a_copy_other_units_a_logarithm_and_a_negation_of_the_target_warn(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=500)
    y = np.round(np.exp(3 + x + rng.normal(size=500)), 4)
    frame = pd.DataFrame({"honest": x, "noise": rng.normal(size=500), "same": y, "grams": y * 1000,
                          "log": np.log(y), "negated": -y, "y": y})
    path = tmp_path / "copies.csv"
    frame.to_csv(path, index=False)
    found = _copies([path, "-t", "y"])
    assert sorted(found) == ["grams", "log", "negated", "same"]
    assert found["log"]["severity"] == "warn" and found["log"]["details"]["rank_correlation"] == 1.0
    assert "a copy or a transform of the target" in found["same"]["message"]


def test_mroz_log_wage_is_found_in_wage_and_the_controls_pass() -> None:
    assert list(_copies([DATA / "mroz.csv", "-t", "lwage"], 1)) == ["wage"]  # wage is 43% empty: a fail
    assert _copies([DATA / "wage_panel.csv", "-t", "lwage"]) == {}


@pytest.mark.parametrize(("x", "y", "expected"), [
    ([1, 2, 3, 4], [10, 20, 30, 40], 1.0),
    ([1, 2, 3, 4], [4, 3, 2, 1], 1.0),
    ([1, 1, 1, 1], [1, 2, 3, 4], None),
])
def test_rank_correlation(x: list[float], y: list[float], expected: float | None) -> None:
    got = rank_correlation(np.asarray(x, float), np.asarray(y, float))
    assert got == (None if expected is None else pytest.approx(expected))
