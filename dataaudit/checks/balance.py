"""Are the classes balanced enough to learn the small ones."""

from __future__ import annotations

from dataaudit.checks.base import Results, pct
from dataaudit.checks.registry import CLASSES, Check, NoEquivalent
from dataaudit.levels import MaxLevels, MinShareLevels, Section
from dataaudit.profile.classes import class_counts
from dataaudit.profile.model import Profile

CHECKS = (
    Check("balance.imbalance_ratio", "The largest class is not too many times the smallest.", "balance",
          ("max_imbalance_ratio",), NoEquivalent("GX has no ratio between value counts"), target=CLASSES),
    Check("balance.minority_share", "The smallest class is not too small a share of the rows.", "balance",
          ("min_class_share",), NoEquivalent("GX has no share of the rarest value"), target=CLASSES),
)


class Rules(Section):
    max_imbalance_ratio: MaxLevels = MaxLevels(warn=10, fail=100)
    min_class_share: MinShareLevels = MinShareLevels(warn=0.02, fail=0.002)


def run(profile: Profile, rules: Rules, results: Results) -> None:
    label = profile.label
    counts = class_counts(label) if label is not None and label.tracked else {}
    if len(counts) < 2:
        for check in CHECKS:
            results.skip(check.id, "fewer than two classes")
        return
    (big, n_big), (small, n_small) = next(iter(counts.items())), list(counts.items())[-1]
    total = sum(counts.values())
    ratio = n_big / n_small
    results.judge(
        "balance.imbalance_ratio", rules.max_imbalance_ratio, ratio,
        f"Class imbalance {ratio:,.1f}:1 ({big!r} {n_big:,} vs {small!r} {n_small:,}).",
        column=label.column, details={"classes": counts},
        hint="Resample, weight classes in the loss, or collect more minority examples.",
    )
    results.judge(
        "balance.minority_share", rules.min_class_share, n_small / total,
        f"The smallest class {small!r} is {pct(n_small, total)} of labelled rows ({n_small:,} of {total:,}).",
        column=label.column,
        hint="Collect more examples of the smallest class or weight it in training.",
    )
