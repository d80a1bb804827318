"""Shortcuts: a feature column, an id or a text token that alone predicts the label.

The measures run before the checks (`dataaudit.shortcuts`), on the sample the audit pass draws,
and leave their results on the profile; these checks judge them.

`shortcuts.feature`: each feature column alone, cross-validated (see
`dataaudit.shortcuts.baseline`), against the majority rate. The judged number is the skill, the
share of the majority guess's errors the column avoids, (accuracy - majority) / (1 - majority):
a column warns past `max_feature_skill` (0.97; on two balanced classes, 98.5% accuracy).
Measured on the clean controls, the strongest single columns stay well below: breast_cancer's
`worst radius` 0.74 (accuracy 90.2% against 62.7%), iris's `petal_width_cm` 0.93 (95.3% against
33.3%: seven flowers in 150 wrong is a strong feature, not an almost perfect one), penguins'
`flipper_length_mm` 0.59 (77.3% against 44.2%); the generator's planted copy of the class
(one row in 200 changed) reaches 0.98, mroz's `hours`, `wage` and `lwage` against `inlf` 1.0.

On a regression target the column has no classes to predict, but a point mass is one: the value
`target.point_mass` warns of (more than `checks.target.max_value_share` of the numbers, hours 0
for the women not working) splits the rows in two, and a column that alone tells the two apart
is a consequence of the target a model learns the censoring from. `shortcuts.feature` then judges
each column on whether the target is at that value, with the same measure and level: mroz's
`inlf` (exactly `hours > 0`) reaches 1.0, and `wage` and `lwage` 1.0 from whether they are missing,
while `repwage` stays at 0.65 and on the regression targets of the clean controls (cars'
`Miles_per_Gallon`, the wage panel's `hours` and `lwage`) nothing fires. A regression target
without a point mass skips the check, saying so; `shortcuts.id` and `shortcuts.text_token` stay
class checks.

`shortcuts.id`: an id-like column (`dataaudit.profile.id_columns`) whose values, in order, predict
the label: sorted by the id, the next row's label is right for most rows (a file sorted by label
and numbered, or keys that begin with the label). A model fed the id learns the order. The rows'
own order is measured alike: a file sorted by label teaches nothing by itself (the row number is
no column; iris and penguins come sorted by species), but a split taken from its top leaves
classes out and any index written with it inherits the order: `row_order: info` reports it,
off by default.

`shortcuts.text_token`: tokens of the text columns that mark a class (see
`dataaudit.shortcuts.tokens`), one finding per column.
"""

from __future__ import annotations

from pydantic import Field

from dataaudit.checks.base import Results, skipped_without
from dataaudit.checks.registry import CLASSES, Check, NoEquivalent
from dataaudit.levels import MaxLevels, Number, Section, Toggle, Whole
from dataaudit.profile.model import Profile
from dataaudit.profile.sample import SampleSpec
from dataaudit.profile.shortcuts import PointMass, Shortcuts, SingleColumn
from dataaudit.wording import pct, plural, verb

MEASURED = NoEquivalent("a cross-validated measure on sampled rows, not a property of the values GX can state")
NEEDS = frozenset({"sample"})
CHECKS = (
    Check("shortcuts.feature", "No feature column alone predicts the label, or a regression target's point mass, "
          "almost perfectly.", "shortcuts",
          ("max_feature_skill", "sample_rows", "folds", "seed"), MEASURED, needs=NEEDS),
    Check("shortcuts.id", "No id column, and not the row order, predicts the label.", "shortcuts",
          ("max_id_skill", "row_order", "sample_rows"), MEASURED, needs=NEEDS, target=CLASSES),
    Check("shortcuts.text_token", "No word or link host of a text column marks one class.", "shortcuts",
          ("signature", "min_token_rows", "min_token_share", "min_token_purity", "sample_rows"), MEASURED,
          needs=NEEDS, target=CLASSES),
)


class Rules(Section):
    sample_rows: Whole = Field(10_000, ge=100, description="Rows sampled for the measures (with --label-noise, the "
                                                         "label model's sample instead).")
    folds: Whole = Field(5, ge=2, le=50)
    seed: Whole = Field(0, ge=0)
    max_feature_skill: MaxLevels = MaxLevels(warn=0.97)
    max_id_skill: MaxLevels = MaxLevels(warn=0.9)
    row_order: Toggle = Toggle.OFF
    signature: Toggle = Toggle.WARN
    min_token_rows: Whole = Field(20, ge=2)
    min_token_share: Number = Field(0.2, gt=0.0, le=1.0)
    min_token_purity: Number = Field(0.95, gt=0.5, le=1.0)


def sample_spec(rules: Rules) -> SampleSpec:
    """The sample the measures ask of the pass when the label model asks for none: uniform, no
    rows kept per label, so a target of many values (a regression target, known as one only
    after the pass) costs `sample_rows` rows, not a few of each value. A regression target's
    point mass holds more than `checks.target.max_value_share` of the rows (10%), so a uniform
    sample holds it in that share too: both sides of it are there to judge a column on."""
    return SampleSpec(size=rules.sample_rows, per_label=0, seed=rules.seed)


def feature_breaches(shortcuts: Shortcuts, rules: Rules) -> list[SingleColumn]:
    return [s for s in shortcuts.features if rules.max_feature_skill.judge(s.skill)]


def id_breaches(shortcuts: Shortcuts, rules: Rules) -> list[SingleColumn]:
    return [s for s in shortcuts.ids if rules.max_id_skill.judge(s.skill)]


def run(profile: Profile, rules: Rules, results: Results) -> None:
    found = profile.shortcuts
    if skipped_without(profile, found, "no sampled rows with a class label", CHECKS, results):
        return
    column = profile.label.column
    if found.point_mass is not None:
        _at_point_mass(found, found.point_mass, rules, results)
        return
    judged = (("shortcuts.feature", rules.max_feature_skill, found.features, _alone, _LEAVE_OUT_COLUMN),
              ("shortcuts.id", rules.max_id_skill, found.ids, _in_order, _LEAVE_OUT_ID))
    for check, levels, singles, says, hint in judged:
        for single in singles:
            results.judge(check, levels, single.skill, says(single, column, found.folds), column=single.column,
                          details=_numbers(single), hint=hint)
    order = found.row_order
    if order is not None and rules.max_id_skill.judge(order.skill):
        results.add(
            "shortcuts.id", rules.row_order.severity,
            f"The rows are sorted by {column!r}: the next row's label is right for {order.accuracy:.1%} of "
            f"{order.rows:,} sampled rows, against {order.majority:.1%} for the majority class. An index "
            "written with the rows inherits this order, and a split taken from the top leaves classes out.",
            observed=order.skill, threshold=rules.max_id_skill.breached(order.skill), details=_numbers(order),
            hint="Shuffle the rows before numbering or splitting them.",
        )
    _text_tokens(found, rules, results)


def _at_point_mass(found: Shortcuts, mass: PointMass, rules: Rules, results: Results) -> None:
    """Each feature column alone against whether the regression target is at its point mass,
    judged as a column against a class label is."""
    for single in found.features:
        results.judge("shortcuts.feature", rules.max_feature_skill, single.skill,
                      _tells_point_mass(single, mass, found.folds), column=single.column,
                      details={**_numbers(single), "point_mass": mass.value}, hint=_LEAVE_OUT_POINT_MASS)


def _text_tokens(found: Shortcuts, rules: Rules, results: Results) -> None:
    if not found.text_columns:
        results.skip("shortcuts.text_token", "no text column (--text-column names one)")
        return
    for column in found.text_columns:
        marks = [s for s in found.signatures if s.column == column]
        if not marks:
            continue
        top = ", ".join(f"{s.token!r} -> {s.label!r} (in {s.share:.1%} of its rows, {s.purity:.1%} pure)"
                        for s in marks[:5])
        more = f" and {len(marks) - 5} more" if len(marks) > 5 else ""
        results.add(
            "shortcuts.text_token", rules.signature.severity,
            f"Column {column!r}: {plural(len(marks), 'token')} {verb(len(marks), 'appears', 'appear')} almost only "
            f"in one class: {top}{more}. "
            "A shortcut the model can learn.",
            column=column, observed=len(marks), examples=[s.token for s in marks[:20]],
            details={"examples_are": "tokens",  # the examples are the tokens, not rows
                     "tokens": [{"token": s.token, "class": s.label, "rows": s.rows, "share_of_class": s.share,
                                 "purity": s.purity} for s in marks[:20]]},
            hint="Strip signatures, link hosts and boilerplate that name the source before training; the "
                 "shortcuts.text_tokens table lists every such token.",
        )


_LEAVE_OUT_COLUMN = ("Check whether this column is known when the model predicts: a copy or a consequence of the "
                     "label is a leak; leave it out (--ignore-column) or drop it.")
_LEAVE_OUT_POINT_MASS = ("Check whether this column is known when the model predicts: a flag or a gap that "
                         "records whether the target is at its point mass is a consequence of the target, a leak "
                         "the model learns the censoring from; leave it out (--ignore-column) or drop it.")
_LEAVE_OUT_ID = "Leave the id out of the features (--ignore-column); shuffle the rows before numbering them."


def _alone(single: SingleColumn, target: str, folds: int) -> str:
    return (f"Column {single.column!r} alone predicts {target!r} for {single.accuracy:.1%} of {single.rows:,} "
            f"sampled rows ({folds}-fold cross-validated, from {single.read_as}), against {single.majority:.1%} for "
            "the majority class: a shortcut the model can learn.")


def _tells_point_mass(single: SingleColumn, mass: PointMass, folds: int) -> str:
    return (f"Column {single.column!r} alone tells whether {mass.target!r} is {mass.value:,.6g} (its point mass, "
            f"{pct(mass.share, 1)} of rows): skill {single.skill:.2f}, right for {single.accuracy:.1%} of "
            f"{single.rows:,} sampled rows ({folds}-fold cross-validated, from {single.read_as}) against "
            f"{single.majority:.1%} for the majority guess. A shortcut the model can learn.")


def _in_order(single: SingleColumn, target: str, folds: int) -> str:
    return (f"Column {single.column!r} is an id (unique values) whose order predicts {target!r}: sorted by it, the "
            f"next row's label is right for {single.accuracy:.1%} of {single.rows:,} sampled rows, against "
            f"{single.majority:.1%} for the majority class: a shortcut the model can learn.")


def _numbers(single: SingleColumn) -> dict[str, float | int | str]:
    return {"accuracy": round(single.accuracy, 6), "majority": round(single.majority, 6), "skill": single.skill,
            "rows": single.rows, "read_as": single.read_as}
