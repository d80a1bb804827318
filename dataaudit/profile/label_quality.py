"""What the model found, as plain values: the checks and the report read this, never a model."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SuspectedRow:
    """A row whose given label the model doubts; `score` is 1 - p(given label), higher is surer."""

    row: int
    given: str
    suggested: str
    score: float


@dataclass(frozen=True)
class ClassNoise:
    """One class: modelled rows (sampled and scored), suspected rows, and confident learning's
    estimated noise rate."""

    label: str
    rows: int
    suspected: int
    noise_rate: float


@dataclass(frozen=True)
class Scores:
    accuracy: float
    balanced_accuracy: float
    macro_precision: float
    macro_recall: float
    macro_f1: float
    per_class_f1: dict[str, float]


@dataclass(frozen=True)
class LabelQuality:
    """Everything the model-based checks need, computed once from one set of out-of-fold probabilities.

    `skipped` says why no model ran (too few rows or classes); then the other results are empty.
    `small_classes` are classes with fewer sampled rows than folds, left out of the model.
    `models` are the models that ran: every suspect is a row each of them flags, so one model
    alone is a weaker witness than two of different kinds. `scored_rows` are the labelled rows
    outside the sample, scored by the fold models in a pass of their own: suspects and noise
    rates cover them too, the baseline is the sample's.
    `no_signal` says why the model ran but its disagreements are not findings: its balanced
    accuracy is not clearly above chance (`dataaudit.labelnoise.baseline.above_chance`). Then
    there are no suspects and no noise rates; the baseline and the classes' row counts stay.
    `too_weak` says the same of a model above chance whose estimated share of wrong labels
    exceeds its informedness (`dataaudit.labelnoise.baseline.informedness`): its gain over a
    guess is real, its suspects would be its guesses.
    """

    sample_rows: int
    folds: int
    seed: int
    model: str
    method: str
    suspected: list[SuspectedRow] = field(default_factory=list)
    classes: list[ClassNoise] = field(default_factory=list)
    noise_rate: float = 0.0
    baseline: Scores | None = None
    dummy: Scores | None = None
    small_classes: dict[str, int] = field(default_factory=dict)
    skipped: str | None = None
    models: list[str] = field(default_factory=list)
    scored_rows: int = 0
    no_signal: str | None = None
    #: the columns the model did not read, each with why (`features.unused_columns`)
    unused: dict[str, str] = field(default_factory=dict)
    #: why the boosted trees did not run beside the linear model (`oof.trees_left_out`), or None
    without_trees: str | None = None
    too_weak: str | None = None

    @property
    def withheld(self) -> str | None:
        """Why the model's disagreements are no findings (no suspects, no noise rates), or None."""
        return self.no_signal or self.too_weak

    @property
    def modelled_rows(self) -> int:
        """Every row the suspects are drawn from: the sample's and the scored ones."""
        return self.sample_rows + self.scored_rows

    @property
    def chance(self) -> float:
        """The balanced accuracy of any guess that ignores the features (1 / classes)."""
        return 1.0 / len(self.classes) if self.classes else 0.0

    @property
    def margin_over_chance(self) -> float:
        """How far the cross-validated baseline's balanced accuracy lies above chance: how much
        the model's disagreements with a label can be trusted to be the label's fault."""
        return 0.0 if self.baseline is None else round(self.baseline.balanced_accuracy - self.chance, 6)


@dataclass(frozen=True)
class SuspectedValue:
    """A row whose regression target the model doubts: `score` is how many robust standard
    deviations (1.4826 MAD) its out-of-fold residual lies from the residuals' median."""

    row: int
    given: float
    predicted: float
    score: float


@dataclass(frozen=True)
class TargetResiduals:
    """The label model as a regressor: out-of-fold predictions of a regression target.

    `suspected` are the rows whose residual lies more than `max_mads` robust standard deviations
    from the median residual, farthest first; `r2` is the model's out-of-fold R², `r2_mean` that
    of the training folds' mean, the baseline. `skipped` says why no model ran.
    `no_signal` says why the model ran but its residuals are not findings: its out-of-fold R² is
    not above the mean's, so a residual measures the model's miss as much as the value's error
    (with no signal it is the value's distance from the mean: the target's own tail). Then there
    are no suspects; the R², the errors and the residuals' scale stay.
    """

    sample_rows: int
    folds: int
    seed: int
    model: str
    max_mads: float
    suspected: list[SuspectedValue] = field(default_factory=list)
    r2: float = 0.0
    r2_mean: float = 0.0
    mae: float = 0.0
    mae_mean: float = 0.0
    residual_scale: float = 0.0
    skipped: str | None = None
    no_signal: str | None = None
    #: the columns the regressor did not read, each with why (`features.unused_columns`)
    unused: dict[str, str] = field(default_factory=dict)
