"""Every cleaning step, `Cleaner` and `AuditGate` pass scikit-learn's own estimator checks, with
no check excused; and a step fitted on rows learns what the audit's profile of them teaches."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest
from sklearn.base import clone
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

import dataaudit
from dataaudit.io import open_source
from dataaudit.preprocess.base import Step
from dataaudit.preprocess.cleaner import Cleaner
from dataaudit.preprocess.columns import CoerceNumeric, DropColumns
from dataaudit.preprocess.encode import Encode
from dataaudit.preprocess.fitted import STEPS as REGISTERED
from dataaudit.preprocess.labels import MergeLabelVariants
from dataaudit.preprocess.missing import MissingToNull
from dataaudit.preprocess.numeric import Impute, Scale
from dataaudit.preprocess.text import NormalizeText
from dataaudit.rules.load import load_rules
from dataaudit.rules.model import RulePack
from dataaudit.sklearn import AuditGate
from tests.conftest import DATA

PENGUINS = DATA / "penguins.csv"

def warn_only(levels: object) -> object:
    """A rule pack's settings with every fail level off: scikit-learn's checks fit on a few random
    rows, which the default gate rightly fails (too few rows, duplicates), and a failed gate
    raises by design."""
    if isinstance(levels, dict):
        return {key: None if key == "fail" else warn_only(value) for key, value in levels.items()}
    if isinstance(levels, list):
        return [warn_only(value) for value in levels]
    return "warn" if levels == "fail" else levels


class WarnOnly(RulePack):
    def __repr__(self) -> str:  # the checks' test ids print it
        return "WarnOnly(default)"


NEVER_FAILS = WarnOnly.model_validate(warn_only(load_rules("default").rules.model_dump()))
STEPS = [MissingToNull(), NormalizeText(), MergeLabelVariants(), CoerceNumeric(), DropColumns(), Impute(), Scale(),
         Encode()]


@parametrize_with_checks([*STEPS, Cleaner(), AuditGate(rules=NEVER_FAILS)])
def test_scikit_learn_conventions(estimator, check) -> None:
    check(estimator)


def test_every_registered_step_is_checked() -> None:
    assert {type(step) for step in STEPS} == set(REGISTERED.values())


@pytest.mark.parametrize("step", [MissingToNull(), NormalizeText(), CoerceNumeric(), DropColumns()], ids=repr)
def test_a_step_fitted_on_rows_learns_what_their_audit_profile_teaches(step: Step) -> None:
    """`fit(X)` profiles X as the audit does, so a step used alone learns what `dataaudit clean`
    learns from its audit."""
    table = pa.Table.from_batches(list(open_source(PENGUINS).batches())).drop_columns(["species"])
    table = table.append_column("station", pa.array(["Palmer"] * table.num_rows))  # a constant column
    from_rows = clone(step).fit(table).state_dict()
    assert from_rows == clone(step).fit(profile=dataaudit.audit(table).profile).state_dict()
    assert any(from_rows.values())


def test_label_spellings_fitted_on_rows_equal_the_audits() -> None:
    table = pa.Table.from_batches(list(open_source(PENGUINS).batches()))
    step = MergeLabelVariants(target="species")
    from_rows = clone(step).fit(table).state_dict()
    assert from_rows == clone(step).fit(profile=dataaudit.audit(table, target="species").profile).state_dict()
    assert set(from_rows["label_map"].values()) == {"Adelie", "Chinstrap", "Gentoo"}


def test_a_dataframe_in_is_a_dataframe_out() -> None:
    frame = pd.DataFrame({"colour": [" red", "red ", "blue"], "size": [1.0, None, 3.0]})
    out = make_pipeline(NormalizeText(), Impute(numeric="mean")).fit_transform(frame)
    assert isinstance(out, pd.DataFrame)
    assert out.to_dict("list") == {"colour": ["red", "red", "blue"], "size": [1.0, 2.0, 3.0]}
