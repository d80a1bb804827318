"""Compare every split with the reference split, from their profiles and row keys alone (read
through `KeyTable`, wherever the engine keeps them)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from itertools import combinations

import numpy as np

from dataaudit.profile import values as v
from dataaudit.profile.classes import canonical_spelling
from dataaudit.profile.extract import label_keys
from dataaudit.profile.model import ColumnProfile, Profile
from dataaudit.profile.spec import ProfileSpec
from dataaudit.profile.splits import (
    Drift,
    GroupOverlap,
    LabelShift,
    Leakage,
    MissingShift,
    SchemaDiff,
    SplitComparison,
    UnseenCategories,
)
from dataaudit.splits import measures as m
from dataaudit.splits.keys import SplitProfile, feature_sets
from dataaudit.splits.loaded import as_loaded

NUMERIC = ("integer", "float")
UNSEEN_SHOWN = 10
# the most row numbers kept per split and finding (the leaked-rows table lists that many): the
# counts are exact, the rows beyond these never leave the engine that holds the keys
ROWS_KEPT = 10_000


def compare_splits(splits: list[SplitProfile], spec: ProfileSpec, features: Mapping[str, tuple[str, ...]],
                   group_column: str | None = None, group_named: bool = True) -> SplitComparison:
    """`splits[0]` is the reference; `features` the feature columns each other split shares
    with it, by split (its row keys, and the reference's for it, were hashed over them)."""
    reference, others = splits[0], splits[1:]
    ref = reference.profile
    lacking = [s.name for s in splits if group_column and all(c.name != group_column for c in s.profile.columns)]
    grouped = [s for s in splits if s.name not in lacking]
    class_counts = _class_counts(splits)
    drift, unseen, missing, not_compared = [], [], [], []
    for split in others:
        for column in features[split.name]:
            a, b = ref.column(column), split.profile.column(column)
            found, skipped = _column_drift(a, b, split.name, spec.max_tracked_values)
            drift.extend(found)
            not_compared.extend(skipped)
            if (extra := _unseen(a, b, split.name)) is not None:
                unseen.append(extra)
            missing.append(_missing(a, b, split.name))
    return SplitComparison(
        reference=reference.name,
        sizes={s.name: s.profile.rows for s in splits},
        target=spec.target,
        class_counts=class_counts,
        schema=[_schema(ref, s.profile, s.name) for s in others],
        leakage=_leakage(reference, others, spec, features),
        group_column=group_column,
        group_named=group_named,
        groups=_groups(grouped, group_column) if group_column else [],
        shared_groups=_shared_groups(grouped) if group_column else {},
        group_lacking=lacking,
        label_shift=_label_shift(reference.name, class_counts, splits) if class_counts else [],
        drift=drift,
        unseen=unseen,
        missing=missing,
        not_compared=not_compared,
    )


# --------------------------------------------------------------------------- schema
def _family(column: ColumnProfile) -> str:
    """The type family a column loads as. A CSV has no types: text that is all dates or
    timestamps (`ColumnProfile.dated`) is the datetime a reader makes of it, as a typed split's is."""
    if column.type in NUMERIC:
        return "numeric"
    if column.type == "text" and column.dated == column.kinds["text"]:
        return "datetime"
    return column.type


def _schema(ref: Profile, other: Profile, name: str) -> SchemaDiff:
    theirs = {c.name: c for c in other.columns}
    ours = {c.name: c for c in ref.columns}
    changes = {}
    for column, a in ours.items():
        b = theirs.get(column)
        if b is None or "empty" in (a.type, b.type):
            continue
        if _family(a) != _family(b):
            changes[column] = (a.type, b.type)
    return SchemaDiff(
        split=name,
        missing={c: ours[c].role for c in ours if c not in theirs},
        extra=[c for c in theirs if c not in ours],
        type_changes=changes,
    )


# --------------------------------------------------------------------------- leakage
def _label_folding(split: SplitProfile, spec: ProfileSpec) -> dict[int, int] | None:
    """A label's value hash -> the hash of its folded spelling (`Cat` = `cat`), for the rows'
    labels to compare across splits; empty when the split has no label. A target too varied to
    count (a regression target) has none (`None`): its rows keep their raw value hash."""
    label = split.profile.label
    if label is None:
        return {}
    if not label.tracked:
        return None
    keys = label_keys(list(label.counts), spec)
    if not keys:
        return {}
    folded = v.hash_strings(np.array(list(keys.values()), dtype=object))
    return dict(zip(keys, (int(h) for h in folded), strict=True))


def _leakage(reference: SplitProfile, others: list[SplitProfile], spec: ProfileSpec,
             features: Mapping[str, tuple[str, ...]]) -> list[Leakage]:
    """Each split that shares a feature column with the reference, on the columns it shares:
    against the reference's keys hashed over that set."""
    folding = _label_folding(reference, spec)
    sets = feature_sets(features)
    out = []
    for split in others:
        if not features[split.name]:
            continue
        ref = reference.keys.keyed(sets.index(features[split.name])).relabelled(folding)
        ref_labelled = ref.labelled()
        keys = split.keys.relabelled(_label_folding(split, spec))
        leaked = keys.semi(ref, ("features",))
        comparable = leaked.labelled().semi(ref_labelled, ("features",))
        other_label = comparable.anti(ref_labelled, ("features", "label"))
        rows, sources = leaked.first_with_sources(ref, ROWS_KEPT)
        out.append(Leakage(split.name, split.profile.rows, rows, sources, other_label.first_rows(ROWS_KEPT),
                           features[split.name], leaked.count(), other_label.count()))
    return out


def _groups(splits: list[SplitProfile], column: str) -> list[GroupOverlap]:
    """Every pair of the splits that have the group column, from the later split's side: a
    group must live in one split only."""
    grouped = {s.name: s.keys.keyed(0).grouped() for s in splits}  # each row once, whatever sets it is hashed over
    out = []
    for a, b in combinations(splits, 2):
        shared = grouped[b.name].semi(grouped[a.name], ("group",))
        out.append(GroupOverlap(b.name, a.name, column, shared.distinct("group"), grouped[b.name].distinct("group"),
                                shared.first_rows(ROWS_KEPT), b.profile.rows, shared.count()))
    return out


def _shared_groups(splits: list[SplitProfile]) -> dict[str, int]:
    """By split after the first, its distinct groups that some earlier split has: all of its
    groups but those left once every earlier split's are taken out."""
    grouped = [s.keys.keyed(0).grouped() for s in splits]
    out = {}
    for i, split in enumerate(splits[1:], start=1):
        alone = grouped[i]
        for earlier in grouped[:i]:
            alone = alone.anti(earlier, ("group",))
        out[split.name] = grouped[i].distinct("group") - alone.distinct("group")
    return out


# --------------------------------------------------------------------------- labels
def _class_counts(splits: list[SplitProfile]) -> dict[str, dict[str, int]] | None:
    """Rows per class and split, classes aligned by their folded key and named by the
    reference's spelling where it has one."""
    labels = [s.profile.label for s in splits]
    if labels[0] is None or not labels[0].tracked:
        return None
    names: dict[str, str] = {}
    counts: dict[str, dict[str, int]] = {}
    for split, label in zip(splits, labels, strict=True):
        if label is None or not label.tracked:
            continue
        for key, spellings in label.folded.items():
            names.setdefault(key, canonical_spelling(spellings, None))
            counts.setdefault(split.name, {})[key] = sum(spellings.values())
    order = sorted(names, key=lambda k: (-sum(c.get(k, 0) for c in counts.values()), names[k]))
    return {s.name: {names[k]: counts.get(s.name, {}).get(k, 0) for k in order} for s in splits if s.name in counts}


def _respelled(reference: SplitProfile, split: SplitProfile) -> dict[str, list[str]]:
    """Per class of `reference` (named as `_class_counts` names it), the spellings of it in
    `split` that no row of `reference` has: a model trained on the reference predicts the
    reference's spelling, which a metric then counts as wrong for every such row."""
    ours, theirs = reference.profile.label, split.profile.label
    if ours is None or theirs is None or not theirs.tracked:
        return {}
    found = {}
    for key, spellings in theirs.folded.items():
        known = ours.folded.get(key)
        new = sorted(s for s in spellings if known and s not in known)
        if new:
            found[canonical_spelling(known, None)] = new
    return found


def _label_shift(reference: str, class_counts: dict[str, dict[str, int]],
                 splits: list[SplitProfile]) -> list[LabelShift]:
    ref = class_counts[reference]
    ref_counts = np.array(list(ref.values()), dtype=np.float64)
    out = []
    for split in splits[1:]:
        theirs = class_counts.get(split.name)
        if theirs is None or not sum(theirs.values()):
            continue
        counts = np.array([theirs[c] for c in ref], dtype=np.float64)
        present = int((ref_counts + counts > 0).sum())
        out.append(LabelShift(
            split=split.name,
            js=m.js_divergence(m.shares(ref_counts), m.shares(counts)),
            noise=m.js_noise(present, int(ref_counts.sum()), int(counts.sum())),
            missing=[c for c, n in ref.items() if n and not theirs[c]],
            unseen={c: n for c, n in theirs.items() if n and not ref[c]},
            respelled=_respelled(splits[0], split),
        ))
    return out


# --------------------------------------------------------------------------- columns
def _column_drift(a: ColumnProfile, b: ColumnProfile, split: str,
                  limit: int) -> tuple[list[Drift], list[tuple[str, str, str]]]:
    found, skipped = [], []
    if a.percentiles and b.percentiles:
        na, nb = a.numeric.count if a.numeric else 0, b.numeric.count if b.numeric else 0
        found.append(numeric_drift(a.name, split, a.percentiles, b.percentiles, na, nb))
    if a.type in NUMERIC:
        return found, skipped
    if a.value_counts is None or b.value_counts is None:
        which = "the reference" if a.value_counts is None else "the split"
        skipped.append((a.name, split, f"more than {limit:,} distinct values in {which}"))
    elif a.value_counts and b.value_counts:
        found.append(categorical_drift(a.name, split, *as_loaded(a.value_counts, b.value_counts)))
    return found, skipped


def numeric_drift(column: str, split: str, reference: list[float], percentiles: list[float], n_reference: int,
                  n: int) -> Drift:
    """PSI of a column's numbers in `split` on the deciles of the reference's, from the
    percentiles of both."""
    edges = m.bin_edges(reference)
    p, q = m.bin_shares(reference, edges), m.bin_shares(percentiles, edges)
    return Drift(column, split, "numeric", "psi", m.psi(p, q, n_reference, n), m.psi_noise(len(p), n_reference, n), n, {
        "bin_edges": [round(float(e), 6) for e in edges],
        "reference_shares": [round(float(x), 4) for x in p],
        "split_shares": [round(float(x), 4) for x in q],
        "reference_median": reference[50], "split_median": percentiles[50],
    })


def categorical_drift(column: str, split: str, reference: dict[str, int], counts: dict[str, int]) -> Drift:
    """Jensen-Shannon divergence of a column's value counts in `split` from the reference's,
    with the five values whose share moved most."""
    categories = sorted(set(reference) | set(counts))
    p = m.shares(np.array([reference.get(c, 0) for c in categories], dtype=np.float64))
    q = m.shares(np.array([counts.get(c, 0) for c in categories], dtype=np.float64))
    na, nb = sum(reference.values()), sum(counts.values())
    moved = np.argsort(-np.abs(q - p), kind="stable")[:5]
    changes = {categories[i]: [round(float(p[i]), 4), round(float(q[i]), 4)] for i in moved}
    return Drift(column, split, "categorical", "js", m.js_divergence(p, q), m.js_noise(len(categories), na, nb), nb,
                 {"largest_changes": changes})


def _unseen(a: ColumnProfile, b: ColumnProfile, split: str) -> UnseenCategories | None:
    if a.type in NUMERIC or a.value_counts is None or b.value_counts is None or not a.value_counts:
        return None
    ours, theirs = as_loaded(a.value_counts, b.value_counts)
    new = {c: n for c, n in theirs.items() if c not in ours}
    shown = dict(sorted(new.items(), key=lambda kv: (-kv[1], kv[0]))[:UNSEEN_SHOWN])
    spelled = {_folded(value): value for value in sorted(ours)}
    respelled = {value: spelled[_folded(value)] for value in shown if _folded(value) in spelled}
    return UnseenCategories(a.name, split, sum(new.values()), b.rows, shown, respelled)


def _folded(value: str) -> str:
    """A category as case and blanks around it leave it: `'dream '` and `Dream` are one."""
    return value.strip().casefold()


def _missing(a: ColumnProfile, b: ColumnProfile, split: str) -> MissingShift:
    pa_, pb = (a.missing / a.rows if a.rows else 0.0), (b.missing / b.rows if b.rows else 0.0)
    pooled = (a.missing + b.missing) / (a.rows + b.rows) if a.rows + b.rows else 0.0
    noise = math.sqrt(pooled * (1 - pooled) * (1 / a.rows + 1 / b.rows)) if a.rows and b.rows else math.inf
    return MissingShift(a.name, split, pa_, pb, noise)
