"""A clean loads scikit-learn only for the steps that use it: the default steps run without it (and
without pandas), imputation and scaling still fit with it, and the steps stay scikit-learn estimators."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.cli_helpers import run
from tests.conftest import DATA


def _imported(stderr: str) -> set[str]:
    """The modules a run imported, from the lines `PYTHONPROFILEIMPORTTIME` writes to stderr."""
    lines = (line.split("|") for line in stderr.splitlines() if line.startswith("import time:"))
    return {fields[-1].strip() for fields in lines if len(fields) == 3}


def _top_level(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_a_default_clean_of_a_csv_imports_neither_scikit_learn_nor_pandas(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """pyarrow's look for pandas is refused and listed as an import of `pandas` alone: a pandas
    really imported brings its submodules."""
    monkeypatch.setenv("PYTHONPROFILEIMPORTTIME", "1")
    _, stderr = run(["clean", DATA / "penguins.csv", "-t", "species", "-o", tmp_path / "out.csv"], 0)
    imported = _imported(stderr)
    assert "dataaudit.preprocess.missing" in imported  # the steps ran, and the probe sees imports
    assert "sklearn" not in _top_level(imported)
    assert not any(name.startswith("pandas.") for name in imported)
    assert "344 rows written" in stderr


def test_a_clean_that_imputes_and_scales_fits_them_with_scikit_learn(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from sklearn.impute import SimpleImputer
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(3)
    size = pd.array(rng.integers(20, 80, 300), dtype="Int64")
    size[::7] = pd.NA  # written as empty cells, the rest as whole numbers: a numeric column to impute and scale
    frame = pd.DataFrame({"id": range(300), "size": size, "label": rng.choice(["a", "b"], 300)})
    frame.to_csv(tmp_path / "data.csv", index=False)
    pack = tmp_path / "pack.yaml"
    # every row kept (sizes repeat), so the statistics are those of the whole column
    pack.write_text("columns: {ignore: [id]}\n"
                    "preprocess: {impute: {numeric: median}, scale: standard, duplicates: keep, conflicts: keep}\n")
    monkeypatch.setenv("PYTHONPROFILEIMPORTTIME", "1")
    # exit 1: the repeats and conflicts it keeps still fail the gate
    _, stderr = run(["clean", tmp_path / "data.csv", "-t", "label", "--rules", pack, "-o", tmp_path / "out.csv"], 1)
    assert {"sklearn.impute", "sklearn.preprocessing"} <= _imported(stderr)
    out = pd.read_csv(tmp_path / "out.csv")
    sizes = frame[["size"]].astype(float)
    expected = StandardScaler().fit_transform(SimpleImputer(strategy="median").fit_transform(sizes))
    assert out["size"].notna().all()
    np.testing.assert_allclose(out["size"].to_numpy(), expected[:, 0], rtol=1e-9, atol=1e-12)
