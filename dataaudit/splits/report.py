"""The split section of a report: tables beside the findings and a dataset card per split."""

from __future__ import annotations

from typing import Any

from dataaudit.checks.splits import Rules
from dataaudit.pii.detect import DEFAULT_REGIONS
from dataaudit.profile.splits import SplitComparison
from dataaudit.report.cards import SourceInfo, SplitCard, SplitPlace
from dataaudit.report.dataset import dataset_summary
from dataaudit.report.masking import shown_labels
from dataaudit.report.model import ReportTable
from dataaudit.splits.compare import ROWS_KEPT
from dataaudit.splits.keys import SplitProfile

LEAKED_ROWS_LISTED = ROWS_KEPT  # the comparison keeps the first rows of each split, as many as are listed


def split_cards(profiles: list[SplitProfile], comparison: SplitComparison,
                regions: tuple[str, ...] = DEFAULT_REGIONS, classes: bool = False) -> dict[str, SplitCard]:
    """Every split's dataset card (the same keys as the reference's), with its source and share;
    `regions` are the phone formats its masked values are read in; with `classes` (a
    classification target) each card shows the split's classes as the dataset's card does
    (`masking.shown_labels`)."""
    total = sum(comparison.sizes.values()) or 1
    # texts, the target's personal-data scan included, are audited on the reference only
    reference = next(s.profile for s in profiles if s.name == comparison.reference)
    return {
        s.name: SplitCard.of(dataset_summary(s.profile, regions=regions, classes=classes,
                                             labels=shown_labels(s.profile, classes, regions, reference)), SplitPlace(
            reference=s.name == comparison.reference, source=SourceInfo.from_info(s.profile.source),
            share=round(s.profile.rows / total, 6)))
        for s in profiles
    }


def split_tables(c: SplitComparison, rules: Rules) -> list[ReportTable]:
    tables = [_summary(c)]
    if c.class_counts:
        tables.append(_class_shares(c))
    tables.append(_drift(c, rules))
    if any(leak.leaked_rows for leak in c.leakage):
        tables.append(_leaked_rows(c))
    return tables


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _summary(c: SplitComparison) -> ReportTable:
    total = sum(c.sizes.values())
    leaks = {leak.split: leak for leak in c.leakage}
    shifts = {s.split: s.js for s in c.label_shift}
    columns = ["split", "rows", "share", "leaked rows", "leaked share", "leaked, other label", "label JS"]
    if c.group_column:
        columns.insert(6, "shared groups")
    rows = []
    for name, n in c.sizes.items():
        leak = leaks.get(name)
        row: list[Any] = [
            name + (" (reference)" if name == c.reference else ""), n, _share(n, total),
            None if leak is None else leak.leaked_rows,
            None if leak is None else _share(leak.leaked_rows, n),
            None if leak is None else leak.other_label_rows,
            None if name not in shifts else round(shifts[name], 4),
        ]
        if c.group_column:
            row.insert(6, c.shared_groups.get(name))
        rows.append(row)
    shared = f"; shared groups are its groups ({c.group_column!r}) that a split above has too" if c.group_column else ""
    return ReportTable(id="splits.summary", title="Splits", columns=columns, rows=rows,
                       note=f"Every split is compared with {c.reference!r}; leaked rows repeat the features of one "
                            f"of its rows{shared}.")


def _class_shares(c: SplitComparison) -> ReportTable:
    assert c.class_counts is not None
    names = list(c.class_counts)
    classes = list(c.class_counts[names[0]])
    for counts in c.class_counts.values():
        classes.extend(k for k in counts if k not in classes)
    totals = {s: sum(counts.values()) for s, counts in c.class_counts.items()}
    columns = ["class"] + [col for s in names for col in (f"{s} rows", f"{s} share")]
    rows = []
    for k in classes:
        row: list[Any] = [k]
        for s in names:
            n = c.class_counts[s].get(k, 0)
            row += [n, _share(n, totals[s])]
        rows.append(row)
    return ReportTable(id="splits.class_shares", title=f"Class shares per split ({c.target!r})", columns=columns,
                       rows=rows)


def _drift(c: SplitComparison, rules: Rules) -> ReportTable:
    """Every measured (column, split), the largest drift first, each measured against its warn
    level so that PSI and Jensen-Shannon values rank together."""
    warn = {"numeric": rules.max_psi.warn or 0.1, "categorical": rules.max_categorical_divergence.warn or 0.02}
    ranked = sorted(c.drift, key=lambda d: (-d.value / warn[d.kind], d.column, d.split))
    rows = [[d.column, d.kind, d.measure, round(d.value, 4), round(d.noise, 4), d.split] for d in ranked]
    note = None
    if c.not_compared:
        splits_of: dict[tuple[str, str], list[str]] = {}
        for column, split, why in c.not_compared:
            splits_of.setdefault((column, why), []).append(split)
        note = "Not compared: " + "; ".join(f"{column!r} in {', '.join(map(repr, splits))} ({why})"
                                            for (column, why), splits in splits_of.items()) + "."
    return ReportTable(id="splits.drift", title="Feature drift against the reference (largest first)",
                       columns=["column", "kind", "measure", "value", "chance", "split"], rows=rows, note=note)


def _leaked_rows(c: SplitComparison, limit: int = LEAKED_ROWS_LISTED) -> ReportTable:
    """Each leaked row with the reference row it repeats: the list to drop them by."""
    rows: list[list[Any]] = []
    left_out = 0
    for leak in c.leakage:
        other = set(leak.other_label.tolist())
        listed = min(len(leak.leaked), limit)
        left_out += leak.leaked_rows - listed
        rows.extend([leak.split, int(r), int(s), "yes" if int(r) in other else ""]
                    for r, s in zip(leak.leaked[:listed], leak.sources[:listed], strict=True))
    note = f"{left_out:,} more leaked rows are not listed (at most {limit:,} per split)." if left_out else None
    return ReportTable(id="splits.leaked_rows", title=f"Rows that repeat a row of {c.reference!r}",
                       columns=["split", "row", f"{c.reference} row", "other label"], rows=rows, note=note)
