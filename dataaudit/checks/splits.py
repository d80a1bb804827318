"""Can the validation and test splits measure what a model learned from the training split:
no leaked rows or groups, the same classes and feature distributions, the same columns, and
enough rows per class.

Reads the `SplitComparison` the audit attaches to the reference profile; skipped when the
dataset comes as one split. Drift and shift measures grow by chance on small splits: a value
past its warn level is judged warn or fail only when it also exceeds `significance` times the
value two samples of those sizes from one distribution give on average; below that it is shown
as info, saying the split is too small to tell.
"""

from __future__ import annotations

from pydantic import Field

from dataaudit.checks.base import Results, pct, quoted_counts
from dataaudit.checks.registry import CLASSES, SPLITS, Check, NoEquivalent
from dataaudit.levels import MaxLevels, MaxShareLevels, MinLevels, Number, Section, Toggle
from dataaudit.profile.model import Profile
from dataaudit.profile.splits import SplitComparison
from dataaudit.report.model import Severity
from dataaudit.wording import plural, verb

ACROSS = NoEquivalent("a GX suite validates one batch; this check compares the splits")


def _check(check: str, description: str, fields: tuple[str, ...], *needs: str, target: str | None = None) -> Check:
    """Split checks compare splits: they read the comparison and judge only a dataset in splits."""
    return Check(check, description, "splits", fields, ACROSS, needs=frozenset({"splits", *needs}),
                 applies_to=frozenset({SPLITS}), target=target)


CHECKS = (
    _check("splits.schema", "Every split has the reference's columns, with the same types.",
           ("missing_column", "extra_column", "type_change")),
    _check("splits.leakage", "No row of another split repeats the features of a reference (training) row.",
           ("max_leaked_row_share",)),
    _check("splits.leakage_labels", "No leaked row carries a label other than its reference copy's.",
           ("leaked_label_conflicts",)),
    _check("splits.group_leakage", "No group of the group column has rows in more than one split.",
           ("max_shared_group_row_share",)),
    _check("splits.classes", "Every split has the reference's classes and no class the reference lacks.",
           ("missing_class", "respelled_class", "unseen_class"), target=CLASSES),
    _check("splits.label_shift", "Class shares of every split stay close to the reference's (Jensen-Shannon).",
           ("max_label_divergence", "significance"), target=CLASSES),
    _check("splits.numeric_drift", "Numeric features keep their distribution (PSI on the reference's decile bins).",
           ("max_psi", "significance"), "quantiles"),
    _check("splits.categorical_drift", "Categorical features keep their distribution (Jensen-Shannon divergence).",
           ("max_categorical_divergence", "significance")),
    _check("splits.unseen_categories", "No split carries categories the reference never saw.",
           ("max_unseen_category_share",)),
    _check("splits.missing_shift", "The share of missing values of every column stays close to the reference's.",
           ("max_missing_share_change", "significance")),
    _check("splits.size", "Every split has enough rows per class to measure per-class metrics.",
           ("min_rows_per_class",), target=CLASSES),
)


class Rules(Section):
    missing_column: Toggle = Toggle.FAIL
    extra_column: Toggle = Toggle.WARN
    type_change: Toggle = Toggle.WARN
    max_leaked_row_share: MaxShareLevels = MaxShareLevels(warn=0, fail=0.01)
    leaked_label_conflicts: Toggle = Toggle.WARN
    max_shared_group_row_share: MaxShareLevels = MaxShareLevels(warn=0, fail=0.01)
    missing_class: Toggle = Toggle.WARN
    respelled_class: Toggle = Toggle.FAIL
    unseen_class: Toggle = Toggle.FAIL
    max_label_divergence: MaxLevels = MaxLevels(warn=0.01, fail=0.05)
    max_psi: MaxLevels = MaxLevels(warn=0.1, fail=0.25)
    max_categorical_divergence: MaxLevels = MaxLevels(warn=0.02, fail=0.05)
    max_unseen_category_share: MaxShareLevels = MaxShareLevels(warn=0.01, fail=0.05)
    max_missing_share_change: MaxLevels = MaxLevels(warn=0.05, fail=0.2)
    min_rows_per_class: MinLevels = MinLevels(warn=20)
    significance: Number = Field(3.0, gt=0, description="A drift or shift measure is judged only past this many "
                                                        "times what chance gives at the splits' sizes.")


def run(profile: Profile, rules: Rules, results: Results) -> None:
    comparison: SplitComparison = profile.splits  # the runner runs this family on a dataset in splits only
    _schema(comparison, rules, results)
    _leakage(comparison, rules, results)
    _groups(comparison, rules, results)
    _labels(comparison, rules, results)
    _drift(comparison, rules, results)
    _missing(comparison, rules, results)


def _schema(c: SplitComparison, rules: Rules, results: Results) -> None:
    """One finding per split and kind of difference; `kind` (the rule's name) is in the details
    so that a split's missing and extra columns are two problems, not one, to a baseline."""
    for diff in c.schema:
        if diff.missing:
            features = {col: role for col, role in diff.missing.items() if role != "ignored"}
            severity = rules.missing_column.severity if features else Severity.INFO
            listed = ", ".join(f"{col!r} ({role})" for col, role in diff.missing.items())
            results.add("splits.schema", severity,
                        f"Split {diff.split!r} lacks {plural(len(diff.missing), 'column')} of {c.reference!r}: "
                        f"{listed}.",
                        observed=len(diff.missing),
                        details={"split": diff.split, "kind": "missing_column", "columns": diff.missing},
                        hint="Build every split with the same pipeline; a renamed column shows as one missing "
                             "and one extra.")
        if diff.extra:
            results.add("splits.schema", rules.extra_column.severity,
                        f"Split {diff.split!r} has {plural(len(diff.extra), 'column')} {c.reference!r} lacks: "
                        f"{', '.join(map(repr, diff.extra))}.",
                        observed=len(diff.extra),
                        details={"split": diff.split, "kind": "extra_column", "columns": diff.extra})
        for column, (ours, theirs) in diff.type_changes.items():
            results.add("splits.schema", rules.type_change.severity,
                        f"Column {column!r} is {ours} in {c.reference!r} but {theirs} in {diff.split!r}.",
                        column=column, details={"split": diff.split, "kind": "type_change", "reference_type": ours,
                                                 "split_type": theirs})


def _leakage(c: SplitComparison, rules: Rules, results: Results) -> None:
    if not c.leakage:
        for check in ("splits.leakage", "splits.leakage_labels"):
            results.skip(check, "the splits share no feature column")
        return
    differ = {d.split for d in c.schema if d.missing or d.extra}
    for leak in c.leakage:
        n = leak.leaked_rows
        on = f" (on the {len(leak.features)} feature columns it shares with {c.reference!r})" \
            if leak.split in differ else ""
        results.judge(
            "splits.leakage", rules.max_leaked_row_share, n / leak.rows if leak.rows else 0.0,
            f"{n:,} of {plural(leak.rows, 'row')} ({pct(n, leak.rows)}) of split {leak.split!r} "
            f"{verb(n, 'repeats', 'repeat')} the features of a "
            f"row of {c.reference!r}{on}: a model is scored on rows it trained on.",
            info_when_present=True, examples=leak.leaked[:20].tolist(),
            details={"split": leak.split, "leaked_rows": n, "features_compared": list(leak.features)},
            hint=f"Drop these rows from {leak.split!r} (or deduplicate before splitting).",
        )
        k = leak.other_label_rows
        if k:
            results.add(
                "splits.leakage_labels", rules.leaked_label_conflicts.severity,
                f"{k:,} leaked rows of split {leak.split!r} carry a label other than every {c.reference!r} row "
                "with the same features: label noise across splits.",
                observed=k, examples=leak.other_label[:20].tolist(), details={"split": leak.split},
                hint="Check the labelling of these rows in both splits.",
            )


def _groups(c: SplitComparison, rules: Rules, results: Results) -> None:
    if c.group_column is None:
        results.skip("splits.group_leakage", "no group column (--group-column)")
        return
    n = len(c.group_lacking)
    lacking = f"{', '.join(map(repr, c.group_lacking))} {verb(n, 'lacks', 'lack')}"
    if not c.groups:  # only the reference has the found column: no pair of splits to compare
        results.skip("splits.group_leakage", f"the group column {c.group_column!r} (found: id-like, its values "
                                             f"repeat) is in {c.reference!r} only; {lacking} it")
        return
    if n:  # the pairs below leave these splits out: say so, or they pass unchecked
        results.add("splits.group_leakage", Severity.INFO,
                    f"{verb(n, 'Split', 'Splits')} {lacking} the group column {c.group_column!r} (found: id-like, "
                    f"its values repeat): whether {verb(n, 'it shares', 'they share')} groups with another split "
                    "is not checked.",
                    column=c.group_column, observed=n, details={"splits": c.group_lacking},
                    hint=f"Keep {c.group_column!r} in every split, or name a group column (--group-column) "
                         "that every split has.")
    # a column found by its values may name something other than what the rows belong to
    found = "" if c.group_named else (f" A warning at most: the group column was found (id-like, its values repeat), "
                                      f"not named (--group-column {c.group_column} gates on it).")
    for overlap in c.groups:
        n = overlap.shared_rows
        share = n / overlap.split_rows if overlap.split_rows else 0.0
        results.judge(
            "splits.group_leakage", rules.max_shared_group_row_share, share,
            f"{overlap.groups:,} of the {overlap.split_groups:,} {overlap.column!r} groups of split {overlap.split!r} "
            f"also occur in {overlap.other!r}: {plural(n, 'row')} ({pct(n, overlap.split_rows)}).{found}",
            column=overlap.column, info_when_present=True, at_most=None if c.group_named else Severity.WARN,
            examples=overlap.rows[:20].tolist(),
            details={"split": overlap.split, "other": overlap.other, "shared_groups": overlap.groups},
            hint="Split by group (e.g. scikit-learn's GroupShuffleSplit), so each group lives in one split.",
        )


def _labels(c: SplitComparison, rules: Rules, results: Results) -> None:
    """`splits.classes` gives a split up to three findings, told apart by `kind`: classes it
    lacks, classes it spells otherwise, classes the reference lacks."""
    if c.class_counts is None:
        for check in ("splits.classes", "splits.label_shift", "splits.size"):
            results.skip(check, "no categorical target")
        return
    for shift in c.label_shift:
        if shift.missing:
            results.add("splits.classes", rules.missing_class.severity,
                        f"Split {shift.split!r} has no rows of {plural(len(shift.missing), 'class', 'classes')} of "
                        f"{c.reference!r}: {', '.join(map(repr, shift.missing))}; "
                        f"{verb(len(shift.missing), 'its', 'their')} metrics cannot be measured there.",
                        column=c.target, observed=len(shift.missing),
                        details={"split": shift.split, "kind": "missing_class", "classes": shift.missing})
        if shift.respelled:
            spelled = ", ".join(f"{', '.join(map(repr, theirs))} ({ours!r} in {c.reference!r})"
                                for ours, theirs in shift.respelled.items())
            results.add("splits.classes", rules.respelled_class.severity,
                        f"Split {shift.split!r} spells {plural(len(shift.respelled), 'class', 'classes')} otherwise "
                        f"than {c.reference!r}: {spelled}; a model trained on {c.reference!r} predicts its spelling, "
                        "which every such row's label differs from.",
                        column=c.target, observed=len(shift.respelled),
                        details={"split": shift.split, "kind": "respelled_class", "spellings": shift.respelled},
                        hint="Write the labels of every split alike: `dataaudit clean` of a split with the "
                             "reference's `--save-fitted` state (`--fitted`) writes them as the reference does.")
        if shift.unseen:
            results.add("splits.classes", rules.unseen_class.severity,
                        f"Split {shift.split!r} has {verb(len(shift.unseen), 'a class', 'classes')} "
                        f"{c.reference!r} lacks: {quoted_counts(shift.unseen)}; a model trained on it can never "
                        f"predict {verb(len(shift.unseen), 'it', 'them')}.",
                        column=c.target, observed=len(shift.unseen),
                        details={"split": shift.split, "kind": "unseen_class", "classes": shift.unseen})
        shares = _shares_text(c, shift.split)
        _judge_measure(results, rules, "splits.label_shift", rules.max_label_divergence, shift.js, shift.noise,
                       f"Class shares of {shift.split!r} differ from {c.reference!r}: Jensen-Shannon divergence "
                       f"{shift.js:.3f} bits ({shares}).",
                       column=c.target, details={"split": shift.split, "classes": c.class_counts[shift.split]},
                       hint="Stratify the split by the label, or weigh the evaluation by the training shares.")
    classes = [k for k, n in c.class_counts[c.reference].items() if n]
    for name in c.others:
        counts = c.class_counts.get(name) or {}
        present = {k: n for k, n in counts.items() if n}
        if classes and not present:  # no class share to compare: a split without labels is judged here
            results.judge("splits.size", rules.min_rows_per_class, 0,
                          f"Split {name!r} has no labelled row (of {plural(c.sizes[name], 'row')}): none of "
                          f"{c.reference!r}'s {plural(len(classes), 'class', 'classes')} can be measured there.",
                          column=c.target, details={"split": name, "classes": {k: 0 for k in classes}},
                          hint="Give this split its labels, or audit it alone as unlabelled data.")
            continue
        small = {k: n for k, n in present.items() if rules.min_rows_per_class.judge(n)}
        if small:
            fewest = min(small.values())
            results.judge("splits.size", rules.min_rows_per_class, fewest,
                          f"Split {name!r} has too few rows of {plural(len(small), 'class', 'classes')} to measure "
                          "per-class metrics: "
                          f"{quoted_counts(small)} (of {plural(c.sizes[name], 'row')}).",
                          column=c.target, details={"split": name, "classes": small},
                          hint="Give this split more rows, or report only metrics its class counts support.")


def _shares_text(c: SplitComparison, split: str) -> str:
    assert c.class_counts is not None
    ref, theirs = c.class_counts[c.reference], c.class_counts[split]
    total_ref, total = sum(ref.values()) or 1, sum(theirs.values()) or 1
    moved = sorted(ref, key=lambda k: -abs(theirs[k] / total - ref[k] / total_ref))[:3]
    return ", ".join(f"{k!r} {pct(ref[k], total_ref)} -> {pct(theirs[k], total)}" for k in moved)


def _drift(c: SplitComparison, rules: Rules, results: Results) -> None:
    levels = {"numeric": rules.max_psi, "categorical": rules.max_categorical_divergence}
    for d in c.drift:
        check = f"splits.{d.kind}_drift"
        if d.kind == "numeric":
            text = (f"Column {d.column!r} drifts in {d.split!r}: PSI {d.value:.3f} on the deciles of {c.reference!r} "
                    f"(median {d.details['reference_median']:.4g} -> {d.details['split_median']:.4g}).")
        else:
            moved = list(d.details["largest_changes"].items())[:3]
            changes = ", ".join(f"{k!r} {a:.1%} -> {b:.1%}" for k, (a, b) in moved)
            text = (f"Column {d.column!r} drifts in {d.split!r}: Jensen-Shannon divergence {d.value:.3f} bits "
                    f"({changes}).")
        _judge_measure(results, rules, check, levels[d.kind], d.value, d.noise, text, column=d.column,
                       details={"split": d.split, **d.details},
                       hint="Compare how the splits were collected; re-split at random (or stratified) if "
                            "the difference is not intended.")
    for u in c.unseen:
        if u.rows:
            respelled = "".join(f" {new!r} is {old!r} respelled (its case, or blanks around it)."
                                for new, old in list(u.respelled.items())[:3])
            results.judge("splits.unseen_categories", rules.max_unseen_category_share, u.rows / u.split_rows,
                          f"Column {u.column!r}: {plural(u.rows, 'row')} ({pct(u.rows, u.split_rows)}) of {u.split!r} "
                          f"{verb(u.rows, 'carries', 'carry')} "
                          f"values {c.reference!r} never has: {quoted_counts(u.values)}.{respelled}",
                          info_when_present=True, column=u.column,
                          details={"split": u.split, "values": u.values,
                                   **({"respelled": u.respelled} if u.respelled else {})})
    if not c.drift:
        for check in ("splits.numeric_drift", "splits.categorical_drift"):
            results.skip(check, "no feature column the splits share could be compared")


def _missing(c: SplitComparison, rules: Rules, results: Results) -> None:
    for s in c.missing:
        _judge_measure(results, rules, "splits.missing_shift", rules.max_missing_share_change, s.change, s.noise,
                       f"Column {s.column!r} is missing in {s.split_share:.1%} of {s.split!r} against "
                       f"{s.reference_share:.1%} of {c.reference!r}.",
                       column=s.column, details={"split": s.split, "reference_share": round(s.reference_share, 6),
                                                 "split_share": round(s.split_share, 6)})


def _judge_measure(results: Results, rules: Rules, check: str, levels: MaxLevels, value: float, noise: float,
                   message: str, **fields: object) -> None:
    """Judge a drift or shift measure, as info when chance alone could give it at these sizes."""
    severity = levels.judge(value)
    if severity is None:
        return
    threshold = levels.breached(value)
    if value < rules.significance * noise:
        severity, threshold = Severity.INFO, None
        message += f" The split is too small to tell: chance alone gives about {noise:.3f} at these sizes."
    results.add(check, severity, message, observed=round(value, 6), threshold=threshold, **fields)  # type: ignore[arg-type]
