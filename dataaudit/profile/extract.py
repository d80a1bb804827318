"""From a merged `PartialProfile` to the `Profile` the checks read."""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa

from dataaudit.profile import values as v
from dataaudit.profile.classes import canonical_spelling
from dataaudit.profile.column import ColumnPartial
from dataaudit.profile.duplicates import find_duplicates_by_part
from dataaudit.profile.model import (
    ColumnProfile,
    DuplicateProfile,
    LabelProfile,
    NumericSummary,
    Placeholders,
    Profile,
)
from dataaudit.profile.partial import PartialProfile
from dataaudit.profile.periods import extract_periods
from dataaudit.profile.sample import extract_sample
from dataaudit.profile.sketches import hll_estimate
from dataaudit.profile.spec import ProfileSpec

TOP_VALUES = 10


def extract(partial: PartialProfile, source: dict | None = None,
            duplicates_of: Callable[[dict[int, str]], DuplicateProfile] | None = None) -> Profile:
    """`duplicates_of` finds duplicates and conflicts from the label hashes' folded labels where
    the row hashes are not in `partial` (Spark keeps them on the cluster); by default they are."""
    spec = partial.spec
    columns = [_column(col.resolved(), spec.role(col.name))
               for col in [*partial.columns.values(), *partial.late.filled(partial.n_rows)]]
    label = None
    label_hash_to_key: dict[int, str] = {}
    if spec.target is not None and spec.target in partial.columns:
        label, label_hash_to_key = _label(partial.columns[spec.target], spec)
    duplicates = (find_duplicates_by_part(partial.rows.parts(), label_hash_to_key, spec.examples)
                  if duplicates_of is None else duplicates_of(label_hash_to_key))
    missing_sentinels = {(name, value) for name, col in partial.columns.items() if spec.role(name) == "feature"
                         for value in _outside(col)}
    histogram, histogram_examples = partial.rows.with_sentinels(missing_sentinels)
    return Profile(
        rows=partial.n_rows,
        columns=columns,
        features=[c for c in partial.columns if spec.role(c) == "feature"],
        ignored={c: spec.ignore_reasons.get(c, "named as not a feature") for c in spec.ignored if c in partial.columns},
        keys=[c for c in spec.keys if c in partial.columns],
        ids=[c for c in spec.ids if c in partial.columns],
        label=label,
        duplicates=duplicates,
        missing_per_row=histogram,
        missing_per_row_examples=histogram_examples,
        repeated_headers=partial.rows.headers,
        repeated_header_rows=partial.rows.header_rows,
        json_mixed=[c.name for c in columns if c.name in partial.read_as_other
                    and c.present > partial.json_strings.get(c.name, 0)],
        source=dict(source or {}),
        sample=None if partial.sample is None else extract_sample(
            partial.sample, [c for c in partial.columns if spec.sampled(c)]),
        text=[texts.extract() for texts in partial.texts],
        groups=[g.extract(spec.group_reasons.get(g.column, "a group column")) for g in partial.groups],
        periods=None if partial.periods is None else extract_periods(
            partial.periods, _class_names(label, label_hash_to_key),
            {c.name for c in columns if c.type in ("integer", "float")},
            missing=next((c.missing for c in columns if c.name == partial.periods.spec.column.name), 0)),
    )


def _outside(col: ColumnPartial) -> set[float]:
    """The sentinels of `col` outside the range of its real numbers: missing values, not values."""
    m = col.moments
    return {value for value in col.sentinels if not (m.count and m.min <= value <= m.max)}


def _column(col: ColumnPartial, role: str) -> ColumnProfile:
    m = col.moments
    numeric = None
    if m.count:
        numeric = NumericSummary(m.count, m.min, m.max, m.mean, m.std())
    outside, inside = {}, {}
    missing = _outside(col)
    for value, n in sorted(col.sentinels.items()):
        (outside if value in missing else inside)[_number_text(value)] = n
    top = None
    if col.value_counts is not None:
        top = sorted(col.value_counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_VALUES]
    return ColumnProfile(
        name=col.name,
        role=role,
        rows=col.rows,
        type=_column_type(col.kinds),
        kinds=dict(sorted(col.kinds.items())),
        spaced=col.spaced,
        kind_rows=dict(sorted(col.kind_rows.items())),
        nulls=col.nulls,
        null_rows=col.null_rows,
        tokens=dict(sorted(col.tokens.items())),
        token_rows=col.token_rows,
        sentinels=outside,
        sentinel_rows=col.sentinel_rows if outside else [],
        sentinels_in_range=inside,
        distinct=hll_estimate(col.registers),
        numeric=numeric,
        top_values=top,
        value_counts=None if col.value_counts is None else dict(sorted(col.value_counts.items())),
        percentiles=col.quantiles.percentiles() if col.quantiles is not None else None,
        respelled=col.respelled,
        padded=col.padded,
        dated=col.dated,
        formatted=col.formatted,
        formatted_rows=col.formatted_rows,
        infinite=col.infinite,
        infinite_rows=col.infinite_rows,
    )


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def _column_type(kinds: dict[str, int]) -> str:
    families = {"integer": "numeric", "float": "numeric"}
    present = {families.get(k, k) for k, n in kinds.items() if n}
    if not present:
        return "empty"
    if len(present) > 1:
        return "mixed"
    family = present.pop()
    if family == "numeric":
        return "float" if kinds.get("float") else "integer"
    return family


def _label(col: ColumnPartial, spec: ProfileSpec) -> tuple[LabelProfile, dict[int, str]]:
    """Label counts, their folding, and the map from a row's label hash to its folded key."""
    missing = col.nulls + sum(col.tokens.values())
    missing_rows = sorted(set(col.null_rows) | set(col.token_rows))[: spec.examples]
    in_order = {"longest_run": None if col.runs is None else col.runs.longest(),
                "placeholders": _placeholders(col)}
    if col.value_counts is None:
        return LabelProfile(col.name, {}, {}, missing, missing_rows, tracked=False, **in_order), {}
    counts = dict(sorted(col.value_counts.items(), key=lambda kv: (-kv[1], kv[0])))
    folded: dict[str, dict[str, int]] = {}
    for raw, n in counts.items():
        folded.setdefault(v.fold_label(raw), {})[raw] = n
    return (LabelProfile(col.name, counts, folded, missing, missing_rows, tracked=True, **in_order),
            label_keys(list(counts), spec))


def _placeholders(col: ColumnPartial) -> Placeholders | None:
    found = col.placeholders
    if found is None:
        return None
    seen = found.others_min <= found.others_max
    return Placeholders(dict(sorted(found.counts.items())), dict(sorted(found.rows.items())),
                        found.others_min if seen else None, found.others_max if seen else None)


def _class_names(label: LabelProfile | None, keys: dict[int, str]) -> dict[int, str]:
    """The map from a label's value hash to its class, named by its most frequent spelling."""
    if label is None:
        return {}
    return {h: canonical_spelling(label.folded[key], None) for h, key in keys.items()}


def label_keys(labels: list[str], spec: ProfileSpec) -> dict[int, str]:
    """The map from a label's value hash (as the rows carry it) to its folded key."""
    if not labels:
        return {}
    table = v.value_table(pa.array(labels, pa.string()), spec)
    return {int(h): v.fold_label(raw) for raw, h in zip(table.raw, table.hashes, strict=True)}

