"""Inputs a pipeline hands over as its own tools typed them: Polars categoricals (whose codes are
unsigned), in process and as the Parquet file Polars writes, through the API, the CLI in
process and `python -m dataaudit`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dataaudit
from tests.cli_helpers import invoke

pl = pytest.importorskip("polars")

N = 120


def _frame() -> pl.DataFrame:
    """A categorical that is the label spelt otherwise (a shortcut), one that is noise, a number."""
    rng = np.random.default_rng(0)
    label = rng.choice(["p", "q"], N).tolist()
    return pl.DataFrame({
        "kind": [{"p": "alpha", "q": "beta"}[value] for value in label],
        "colour": rng.choice(["red", "green", "blue"], N).tolist(),
        "x": rng.normal(size=N),
        "label": label,
    }).with_columns(pl.col("kind", "colour").cast(pl.Categorical))


def _shortcut_columns(findings: list) -> set:
    return {f["column"] if isinstance(f, dict) else f.column for f in findings
            if (f["check"] if isinstance(f, dict) else f.check) == "shortcuts.feature"}


@pytest.mark.parametrize("lazy", [False, True], ids=["DataFrame", "LazyFrame"])
def test_a_polars_categorical_is_audited_and_its_shortcut_found(lazy: bool) -> None:
    frame = _frame()
    report = dataaudit.audit(frame.lazy() if lazy else frame, target="label")
    assert _shortcut_columns(report.findings) == {"kind"}


def test_the_parquet_file_of_a_polars_categorical_is_audited(tmp_path: Path) -> None:
    data = tmp_path / "train.parquet"
    _frame().write_parquet(data)
    out = tmp_path / "click.json"
    invoke(["audit", data, "--target", "label", "-f", "json", "-o", out], 0)
    assert _shortcut_columns(json.loads(out.read_text(encoding="utf-8"))["findings"]) == {"kind"}
    out = tmp_path / "module.json"
    proc = subprocess.run([sys.executable, "-m", "dataaudit", "audit", str(data), "--target", "label",
                           "-f", "json", "-o", str(out)], capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"}, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert _shortcut_columns(json.loads(out.read_text(encoding="utf-8"))["findings"]) == {"kind"}
