"""Label consistency: spelling variants, conflicting labels, unexpected or absent labels."""

from __future__ import annotations

from pydantic import Field

from dataaudit.checks.base import Results, pct, quoted_counts
from dataaudit.checks.feature_space import NO_FEATURES, feature_space
from dataaudit.checks.registry import CLASSES, Check, Exports, NoEquivalent
from dataaudit.levels import MaxShareLevels, Section, Toggle
from dataaudit.profile.classes import canonical_spelling
from dataaudit.profile.model import LabelProfile, Profile
from dataaudit.profile.values import fold_label
from dataaudit.wording import plural, verb

CHECKS = (
    Check("labels.variants", "Each label has one spelling (no `Cat`, `cat `, `CAT` side by side).", "labels",
          ("variants", "allowed"), NoEquivalent("GX has no folding of spellings"), target=CLASSES),
    Check("labels.conflicts", "Rows with identical features carry the same label.", "labels",
          ("max_conflicting_rows_share", "intrinsic_conflicts"),
          NoEquivalent("GX has no check across feature rows and labels"), target=CLASSES),
    Check("labels.unexpected", "Every label is one of the allowed labels (when the rules list them).", "labels",
          ("unexpected", "allowed"), Exports(("expect_column_values_to_be_in_set",)), target=CLASSES),
    Check("labels.absent", "Every allowed label occurs (when the rules list them).", "labels",
          ("absent", "allowed"), Exports(("expect_column_distinct_values_to_contain_set",)), target=CLASSES),
    Check("labels.mixed_types", "Labels are all numbers or all text, not a mix.", "labels", ("mixed_types",),
          NoEquivalent("GX has no per-value kind of a column")),
    Check("labels.categorical", "The target has a manageable number of distinct labels.", "labels", (),
          NoEquivalent("the audit tells a class label from a continuous target by how many values it can track"),
          target=CLASSES),
)


class Rules(Section):
    allowed: list[str] | None = Field(None, min_length=1)  # an empty list would flag every row
    variants: Toggle = Toggle.FAIL
    max_conflicting_rows_share: MaxShareLevels = MaxShareLevels(warn=0, fail=0.01)
    intrinsic_conflicts: Toggle = Toggle.WARN  # the most it says when the feature space is small; fail: as usual
    unexpected: Toggle = Toggle.FAIL
    absent: Toggle = Toggle.WARN
    mixed_types: Toggle = Toggle.WARN


def run(profile: Profile, rules: Rules, results: Results) -> None:
    label = profile.label
    if label is None:
        for check in CHECKS:
            results.skip(check.id, "no target column")
        return
    _mixed_types(profile, rules, results)
    if not label.tracked:
        results.add("labels.categorical", Toggle.WARN.severity,
                    f"The target {label.column!r} has too many distinct values to be a class label; label "
                    "checks were skipped. Is it an id, or numbers to regress on (`checks.target.kind: regression`)?",
                    column=label.column)
        for check in ("labels.variants", "labels.conflicts", "labels.unexpected", "labels.absent"):
            results.skip(check, "the target is not categorical")
        return
    _variants(label, rules, results)
    _conflicts(profile, rules, results)
    _allowed(label, rules, results)


def _variants(label: LabelProfile, rules: Rules, results: Results) -> None:
    for spellings in label.folded.values():
        if len(spellings) < 2:
            continue
        canonical = canonical_spelling(spellings, rules.allowed)
        others = {s: n for s, n in spellings.items() if s != canonical}
        rows = sum(others.values())
        results.add(
            "labels.variants", rules.variants.severity,
            f"Label {canonical!r} ({plural(spellings.get(canonical, 0), 'row')}) is also spelled "
            f"{quoted_counts(others)}: "
            f"{plural(rows, 'row')}.",
            column=label.column, observed=rows, examples=list(others),
            details={"canonical": canonical, "variants": others},
            hint=f"Merge the spellings into {canonical!r} (`dataaudit clean` does).",
        )


def _conflicts(profile: Profile, rules: Rules, results: Results) -> None:
    d = profile.duplicates
    if not profile.rows:
        return
    if not profile.features:
        results.skip("labels.conflicts", NO_FEATURES)
        return
    folded = profile.label.folded if profile.label is not None else {}

    def spelled(labels: dict[str, int]) -> dict[str, int]:
        """Conflicts are found on folded labels (`cat` for `Cat`); users read the spelling they wrote."""
        return {canonical_spelling(folded[key], rules.allowed) if key in folded else key: n
                for key, n in labels.items()}

    groups = [{"rows": g.rows, "size": g.size, "labels": spelled(g.labels)} for g in d.conflict_examples]
    first = groups[0] if groups else None
    example = ""
    if first is not None:
        example = f" E.g. rows {', '.join(map(str, first['rows'][:5]))} are labelled {quoted_counts(first['labels'])}."
    space = feature_space(profile)
    if space.intrinsic and d.conflict_rows and rules.intrinsic_conflicts is Toggle.OFF:
        results.skip("labels.conflicts", f"conflicts are intrinsic: {space.describe()}")
        return
    hint = "Relabel the group consistently; `dataaudit clean` quarantines conflicting groups."
    if space.intrinsic:
        example += (f" The features cannot tell these rows apart ({space.describe()}): the label is not a function "
                    "of them, not a labelling error; choose `conflicts: keep`, `majority` or `quarantine` in the rule "
                    "pack's `preprocess:` section.")
        hint = ("In the rule pack's `preprocess:` section, `conflicts: keep` trains on the rows as they are, "
                "`majority` keeps each group's most frequent label, `quarantine` (the default) takes every row of "
                "the group; set `duplicates: keep` too, or repeats go first.")
    results.judge(
        "labels.conflicts", rules.max_conflicting_rows_share, d.conflict_rows / profile.rows,
        f"{plural(d.conflict_groups, 'group')} of identical feature rows {verb(d.conflict_groups, 'carries', 'carry')} "
        f"different labels: "
        f"{plural(d.conflict_rows, 'row')} "
        f"({pct(d.conflict_rows, profile.rows)}).{example}",
        at_most=rules.intrinsic_conflicts.severity if space.intrinsic else None,
        column=profile.label.column, examples=[r for g in d.conflict_examples for r in g.rows][:20],
        details={"groups": d.conflict_groups, "rows": d.conflict_rows, "examples": groups, **space.details()},
        hint=hint,
    )


def _allowed(label: LabelProfile, rules: Rules, results: Results) -> None:
    if rules.allowed is None:
        for check in ("labels.unexpected", "labels.absent"):
            results.skip(check, "the rules list no allowed labels")
        return
    allowed = {fold_label(a): a for a in rules.allowed}
    unexpected = {canonical_spelling(s, None): sum(s.values()) for key, s in label.folded.items() if key not in allowed}
    if unexpected:
        rows = sum(unexpected.values())
        results.add("labels.unexpected", rules.unexpected.severity,
                    f"{plural(rows, 'row')} {verb(rows, 'carries a label', 'carry labels')} outside the allowed set: "
                    f"{quoted_counts(unexpected)}.",
                    column=label.column, observed=rows, examples=list(unexpected),
                    details={"labels": unexpected, "allowed": rules.allowed},
                    hint="Fix these labels or add them to labels.allowed in the rules.")
    absent = [a for key, a in allowed.items() if key not in label.folded]
    if absent:
        results.add("labels.absent", rules.absent.severity,
                    f"Allowed labels with no rows: {', '.join(map(repr, absent))}.",
                    column=label.column, observed=len(absent), examples=absent,
                    hint="A class with no examples cannot be learned: collect some.")


def _mixed_types(profile: Profile, rules: Rules, results: Results) -> None:
    column = profile.column(profile.label.column)
    if column.type != "mixed":
        return
    results.add("labels.mixed_types", rules.mixed_types.severity,
                f"Labels in {column.name!r} mix kinds: {quoted_counts(column.kinds)}.",
                column=column.name, observed=len(column.kinds),
                examples=sorted(r for rows in column.kind_rows.values() for r in rows[:3]),
                details={"kinds": column.kinds},
                hint="Use one spelling per class, e.g. all text names or all integer codes.")
