"""Where the shortcut measures meet an audit: the sample they read, their result on the profile,
their tables in the report."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataaudit.arrays import to_numpy
from dataaudit.checks.outliers import NUMERIC
from dataaudit.checks.registry import NUMBERS
from dataaudit.checks.shortcuts import Rules, feature_breaches, id_breaches
from dataaudit.checks.target import Rules as TargetRules
from dataaudit.checks.target import point_mass, target_kind
from dataaudit.io.nested import nested_as_json, nested_as_text
from dataaudit.pii.detect import DEFAULT_REGIONS
from dataaudit.profile.classes import canonical_spelling
from dataaudit.profile.model import Profile
from dataaudit.profile.sample import RowSample
from dataaudit.profile.shortcuts import PointMass, Shortcuts, Signature, SingleColumn
from dataaudit.profile.text_numbers import numbers_in
from dataaudit.profile.values import as_text, fold_label
from dataaudit.report.model import ReportTable
from dataaudit.rules.model import RulePack
from dataaudit.shortcuts.baseline import (
    column_keys,
    neighbour_accuracy,
    out_of_fold_accuracy,
    stratified_folds,
)
from dataaudit.shortcuts.ids import id_order
from dataaudit.shortcuts.tokens import shown_signatures, signatures

#: fewer sampled rows say too little: one row more or less right moves the accuracy by a percent
MIN_ROWS = 50


def with_shortcuts(profile: Profile, pack: RulePack, missing_tokens: tuple[str, ...]) -> Profile:
    """The profile with the shortcut measures on it; unchanged without a sample. A regression
    target has no classes for a column to predict, but its point mass is one (`point_mass_of`)."""
    if profile.label is None or profile.sample is None:
        return profile
    rules = pack.checks.shortcuts
    if target_kind(profile, pack.checks.target).kind == NUMBERS:
        mass = point_mass_of(profile, pack.checks.target)
        if isinstance(mass, str):
            return replace(profile, shortcuts=Shortcuts(0, rules.folds, skipped=mass))
        return replace(profile, shortcuts=measure(profile, rules, missing_tokens, mass=mass))
    if not profile.label.tracked:
        return profile
    return replace(profile, shortcuts=measure(profile, rules, missing_tokens, pack.checks.pii.phone_regions))


def point_mass_of(profile: Profile, rules: TargetRules) -> PointMass | str:
    """The regression target's point mass as `target.point_mass` finds it, or why there is none:
    a target piled at one value (hours 0) splits the rows in two, and a column that tells the two
    apart alone is a consequence of the target a model learns the censoring from."""
    heaviest = point_mass(profile, rules)
    if isinstance(heaviest, str):
        return heaviest
    return PointMass(profile.label.column, heaviest.value, heaviest.share)


def measure(profile: Profile, rules: Rules, missing_tokens: tuple[str, ...],
            regions: tuple[str, ...] = DEFAULT_REGIONS, mass: PointMass | None = None) -> Shortcuts:
    """Every feature column, every id and the row order alone against the label, and the
    signatures of the text columns, on the sampled rows; given a regression target's
    `mass`, the feature columns alone against whether the target is at it."""
    label = profile.label
    sample = replace(profile.sample, values=pa.Table.from_batches(  # nested cells as the JSON they read as
        [nested_as_json(b) for b in profile.sample.values.to_batches()], nested_as_text(profile.sample.values.schema)))
    if mass is None:
        y, keys = _classes(sample, label.column)
    else:  # a regression target's share at its point mass, as the file holds it
        sample, y = _at_point_mass(sample.uniform(), mass)
        keys = ["elsewhere", "at the point mass"]
    n = len(y)
    if n < MIN_ROWS or len(np.unique(y)) < 2:
        why = f"fewer than {MIN_ROWS} sampled rows" if n < MIN_ROWS else "a single class" if mass is None \
            else "every sampled row on one side of the point mass"
        return Shortcuts(n, rules.folds, skipped=f"{why}: nothing to tell a shortcut from", point_mass=mass)
    majority = float(np.bincount(y).max() / n)
    texts = [t.name for t in profile.text if t.name in sample.values.column_names]
    # ids found on the first rows are no features, but the sample keeps them for this question
    orders = {c: id_order(sample.values.column(c)) for c in profile.ids if c in sample.values.column_names}
    ids = {c: order for c, order in orders.items() if order is not None}
    fold = stratified_folds(y, rules.folds, rules.seed)
    missing = frozenset(t.strip().lower() for t in missing_tokens)
    features = []
    for column in (c for c in profile.features if c not in ids and c not in texts):
        numeric = profile.column(column).type in NUMERIC
        keys_of = column_keys(sample.values.column(column), numeric, missing)
        accuracy = out_of_fold_accuracy(keys_of, y, fold, len(keys))
        features.append(SingleColumn(column, accuracy, majority, n, _read_as(keys_of, y, fold, len(keys), accuracy,
                                                                             numeric)))
    if mass is not None:  # the order and the text tokens are judged for classes only
        return Shortcuts(sample_rows=n, folds=rules.folds, features=features, point_mass=mass)
    names = [canonical_spelling(label.folded[k], None) if k in label.folded else k for k in keys]
    return Shortcuts(
        sample_rows=n, folds=rules.folds, features=features,
        ids=[SingleColumn(c, neighbour_accuracy(order, y), majority, n, "the order of its values")
             for c, order in ids.items()],
        row_order=SingleColumn("row order", neighbour_accuracy(np.arange(n), y), majority, n, "the order of the rows"),
        signatures=[s for c in texts for s in _signatures(c, sample.values.column(c).cast("string").to_pylist(), y,
                                                          names, rules, regions)],
        text_columns=texts,
    )


def _at_point_mass(sample: RowSample, point_mass: PointMass) -> tuple[RowSample, np.ndarray]:
    """The sampled rows whose target is a number, and for each 1 where it is the point mass's
    value, 0 elsewhere: the two classes a column alone is judged on."""
    numbers = numbers_in(sample.values.column(point_mass.target))
    present = np.isfinite(numbers)
    if not present.all():
        sample = replace(sample, rows=[r for r, kept in zip(sample.rows, present, strict=True) if kept],
                         values=sample.values.filter(pa.array(present)))
    return sample, (numbers[present] == point_mass.value).astype(np.int64)


def _read_as(keys_of: np.ndarray, y: np.ndarray, fold: np.ndarray, classes: int, accuracy: float,
             numeric: bool) -> str:
    """What the column predicts from: whether it is missing, when that alone (key 0 against the
    rest) predicts as well as its values do (a wage empty exactly for the women not working,
    Mroz's `wage` against `inlf`), so the reader looks at the gaps rather than the values."""
    gaps = np.count_nonzero(keys_of == 0)
    if 0 < gaps < len(keys_of) and out_of_fold_accuracy((keys_of != 0).astype(np.int64), y, fold,
                                                         classes) >= accuracy:
        return "whether it is missing"
    return "its numbers" if numeric else "its values"


def _signatures(column: str, texts: list[str | None], y: np.ndarray, names: list[str], rules: Rules,
                regions: tuple[str, ...]) -> list[Signature]:
    found = signatures(column, texts, y, names, min_rows=rules.min_token_rows, min_share=rules.min_token_share,
                       min_purity=rules.min_token_purity)
    return shown_signatures(found, texts, regions)


def _classes(sample: RowSample, column: str) -> tuple[np.ndarray, list[str]]:
    """Each sampled row's class code and the classes (folded spellings, sorted): `Cat` and `cat`
    are one class, spelling being labels.variants' business. Folded once per distinct label."""
    encoded = pc.dictionary_encode(as_text(sample.values.column(column).combine_chunks()))
    keys, code_of = np.unique([fold_label(v) for v in encoded.dictionary.to_pylist()], return_inverse=True)
    return code_of[to_numpy(encoded.indices)].astype(np.int64), keys.tolist()


def tables(shortcuts: Shortcuts | None, rules: Rules) -> list[ReportTable]:
    """When a column or an id is a shortcut, every column's measure beside it; when a token is,
    every signature found."""
    if shortcuts is None or shortcuts.skipped:
        return []
    out = []
    if feature_breaches(shortcuts, rules) or id_breaches(shortcuts, rules):
        judged = sorted(shortcuts.features + shortcuts.ids, key=lambda s: (-s.skill, s.column))
        mass = shortcuts.point_mass
        against = "the label" if mass is None else f"whether {mass.target!r} is {mass.value:,.6g}"
        ids = ", an id's from the next row in its order" if mass is None else ""
        out.append(ReportTable(
            id="shortcuts.columns", title=f"Each column alone against {against}",
            columns=["column", "read_as", "accuracy", "majority", "skill"],
            rows=[[s.column, s.read_as, round(s.accuracy, 6), round(s.majority, 6), s.skill] for s in judged],
            note=f"On {shortcuts.sample_rows:,} sampled rows: a column's {rules.folds}-fold out-of-fold accuracy "
                 f"(the majority {'label' if mass is None else 'answer'} of each value or quantile bin)"
                 f"{ids}; skill = the share of the "
                 "majority guess's errors the column avoids.",
        ))
    if shortcuts.signatures:
        out.append(ReportTable(
            id="shortcuts.text_tokens", title="Text tokens that mark one class",
            columns=["column", "token", "class", "rows", "share_of_class", "purity"],
            rows=[[s.column, s.token, s.label, s.rows, s.share, s.purity] for s in shortcuts.signatures],
            note=f"On {shortcuts.sample_rows:,} sampled rows: share_of_class = the class's rows carrying the token, "
                 "purity = the token's rows in that class.",
        ))
    return out
