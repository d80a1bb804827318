"""Repeated groups in one table: rows that share a patient, a user or a product. A random split
puts rows of one group on both sides, and the model is scored on people it has already seen.

The group column is the one named with `--group-column`, or else each candidate: an id-like
column (`dataaudit.profile.id_columns`) whose values repeat in the first rows (wage_panel's
`nr`, 545 men of 8 rows each). A name column that repeats (a speaker, a car model) is a
candidate only when named: a category repeats too, and most categories are no groups. The
counts are exact over the whole file, per group at most `MAX_GROUPS` of them
(`dataaudit.profile.groups`). The check measures the share of rows in groups of more than one
row; the finding gives the rows per group (min, median, max), and for class labels the groups
whose rows carry more than one label (a man who joins a union: his other rows tell the model
his label). With `--split`, `splits.group_leakage` judges whether the groups stay apart.
"""

from __future__ import annotations

from dataaudit.checks.base import Results, pct
from dataaudit.checks.registry import TABLE, Check, NoEquivalent
from dataaudit.levels import MaxShareLevels, Section
from dataaudit.profile.groups import MAX_GROUPS, GroupProfile
from dataaudit.profile.model import Profile
from dataaudit.report.model import ReportTable
from dataaudit.wording import plural

CHECKS = (
    Check("groups.repeated", "Few rows share a group (patient, user, product) that a random split would leak.",
          "groups", ("max_repeated_row_share",),
          NoEquivalent("GX validates values, not which rows a later split puts together"),
          applies_to=frozenset({TABLE})),
)


class Rules(Section):
    max_repeated_row_share: MaxShareLevels = MaxShareLevels(warn=0.05)


def run(profile: Profile, rules: Rules, results: Results) -> None:
    if not profile.groups:
        results.skip("groups.repeated", "no group column: none named (--group-column) and no id-like column "
                                        "repeats its values in the first rows")
        return
    for group in profile.groups:
        if group.overflow:
            results.skip("groups.repeated", f"column {group.column!r} has more than {MAX_GROUPS:,} groups: "
                                            "not counted")
            continue
        _judge(profile, group, rules, results)


def _judge(profile: Profile, group: GroupProfile, rules: Rules, results: Results) -> None:
    low, median, high = group.sizes
    message = (f"Column {group.column!r} ({group.reason}): {group.rows:,} rows in {plural(group.groups, 'group')}, "
               f"{group.repeated:,} of more than one row ({group.repeated_rows:,} rows, "
               f"{pct(group.repeated_rows, profile.rows)}); rows per group min {low:,}, median {median:,}, "
               f"max {high:,}.")
    classes = results.classes and _labels_are_classes(profile)
    if classes:
        message += (f" {plural(group.mixed, 'group')} ({group.mixed_rows:,} rows) "
                    f"{'carries' if group.mixed == 1 else 'carry'} more than one label.")
    results.judge(
        "groups.repeated", rules.max_repeated_row_share, group.repeated_rows / profile.rows if profile.rows else 0.0,
        message + " A random split puts rows of one group on both sides and leaks it.", info_when_present=True,
        column=group.column, examples=group.mixed_examples if classes else [],
        details={"groups": group.groups, "repeated_groups": group.repeated, "repeated_rows": group.repeated_rows,
                 "rows_per_group": {"min": low, "median": median, "max": high},
                 "mixed_label_groups": group.mixed if classes else None,
                 "mixed_label_rows": group.mixed_rows if classes else None, "reason": group.reason},
        hint=f"Split by group (scikit-learn's GroupShuffleSplit or GroupKFold on {group.column!r}), and check the "
             f"splits with --split NAME=PATH --group-column {group.column}.",
    )


def _labels_are_classes(profile: Profile) -> bool:
    return profile.label is not None and profile.label.tracked


def groups_table(profile: Profile, classes: bool) -> list[ReportTable]:
    """Rows per group of each group column, for the report; no table without one. Groups mix
    labels only where the target holds `classes`: a regression target differs row by row."""
    counted = [g for g in profile.groups if not g.overflow]
    if not counted:
        return []
    return [ReportTable(
        id="groups.sizes", title="Rows per group",
        columns=["column", "chosen", "groups", "repeated_groups", "repeated_rows", "min_rows", "median_rows",
                 "max_rows", "most_common_rows", "mixed_label_groups"],
        rows=[[g.column, g.reason, g.groups, g.repeated, g.repeated_rows, *g.sizes, g.most_common_size,
               g.mixed if classes else None] for g in counted],
        note="Counted over every row; a group mixes labels when its rows carry more than one label"
             + ("." if classes else " (not counted: a regression target)."),
    )]
