"""From a merged `TextPartial` to the `TextProfile` the checks read: exact and near duplicates,
conflicting answers and length outliers are resolved here, once, over the kept hashes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dataaudit.profile.duplicates import repeat_pairs, repeats
from dataaudit.profile.finetune import ProfileRules
from dataaudit.profile.text import ERROR_KINDS, TextProfile
from dataaudit.text.conformance import RULES, meanings
from dataaudit.text.minhash import NearDuplicates, near_duplicates
from dataaudit.text.partial import TextPartial, compact


def extract(partial: TextPartial) -> TextProfile:
    spec = partial.spec
    k = spec.examples
    b = compact(partial.blocks, spec.num_perm)
    partial.blocks.append(b)
    repeated = repeats(b.whole)
    near = (partial.near if partial.near is not None
            else _numbered(near_duplicates(b.signatures, spec.near_threshold, skip=repeated), b.numbers))
    near_pairs = sorted(zip(near.copies.tolist(), near.first.tolist(), strict=True))
    groups, involved, conflict_examples = _conflicts(b.numbers, b.prompt, b.answer, k)
    outliers, bounds = _outliers(b.numbers, b.chars, spec.outlier_iqr)
    return TextProfile(
        name=spec.name,
        kind=spec.kind,
        unit=spec.unit,
        records=partial.records,
        texts=len(b.numbers),
        errors={kind: partial.errors[kind] for kind in ERROR_KINDS if partial.errors[kind]},
        error_lines={kind: partial.error_lines[kind] for kind in ERROR_KINDS if kind in partial.error_lines},
        error_records=partial.error_records,
        error_keys={kind: _by_count(partial.error_keys[kind]) for kind in ERROR_KINDS if kind in partial.error_keys},
        metadata=_by_count(partial.metadata),
        messages=int(partial.lengths["message_chars"].counts.sum()),
        roles=_by_count(partial.roles),
        lengths={name: hist.summary() for name, hist in partial.lengths.items()},
        tokenizer=spec.counter.name,
        tokens_estimated=spec.counter.estimated,
        max_tokens=spec.max_tokens,
        over_limit=partial.over_limit,
        over_limit_lines=partial.over_limit_lines,
        empty=partial.empty,
        empty_lines=partial.empty_lines,
        markup=partial.markup_records,
        markup_kinds=dict(sorted(partial.markup.items())),
        markup_lines=partial.markup_lines,
        duplicates=int(repeated.sum()),
        duplicate_examples=repeat_pairs(b.numbers, b.whole, repeated, k),
        near_duplicates=len(near_pairs),
        near_duplicate_clusters=near.clusters,
        near_duplicate_examples=near_pairs[:k],
        near_threshold=spec.near_threshold,
        conflict_groups=groups,
        conflict_records=involved,
        conflict_examples=conflict_examples,
        length_outliers=len(outliers),
        length_outlier_lines=outliers[:k],
        length_bounds=bounds,
        labelled=spec.labelled,
        template=None if partial.template is None else partial.template.extract(),
        tokens_total=partial.lengths["text_tokens"].total,
        format_rules=_profile_rules(partial),
        pairs=partial.pairs.extract(k),
        contamination=None if partial.contamination is None
        else partial.contamination.extract(k),
        languages=None if partial.languages is None else partial.languages.extract(k),
        pii=partial.pii.extract(),
    )


def _numbered(near: NearDuplicates, numbers: np.ndarray) -> NearDuplicates:
    """Near duplicates found among the kept texts' indices, as their row (or line) numbers."""
    return NearDuplicates(numbers[near.copies], numbers[near.first], near.clusters)


def _profile_rules(partial: TextPartial) -> ProfileRules | None:
    profile = partial.spec.profile
    if profile is None:
        return None
    breaks = partial.rules
    return ProfileRules(
        name=profile.name, description=profile.description,
        broken={rule: breaks.counts[rule] for rule in RULES if breaks.counts[rule]},
        lines={rule: breaks.first[rule] for rule in RULES if rule in breaks.first},
        what={rule: _by_count(breaks.what[rule]) for rule in RULES if rule in breaks.what},
        meanings=meanings(profile), min_examples=profile.min_examples, max_examples=profile.max_examples,
    )


def _by_count(counts: dict[str, int]) -> dict[str, int]:
    """Most frequent first, then by name: the same order whatever order the lines were read in."""
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _conflicts(numbers: np.ndarray, prompt: np.ndarray, answer: np.ndarray,
               k: int) -> tuple[int, int, list[list[int]]]:
    """Groups of texts sharing a prompt (or a text of a column) with more than one answer (or
    label); texts without an answer take no part."""
    answered = (prompt != 0) & (answer != 0)
    frame = pd.DataFrame({"number": numbers[answered], "prompt": prompt[answered], "answer": answer[answered]})
    shared = frame[frame["prompt"].duplicated(keep=False)]
    if shared.empty:
        return 0, 0, []
    distinct = shared.groupby("prompt", sort=False)["answer"].nunique()
    conflicted = shared[shared["prompt"].isin(distinct.index[distinct > 1])]
    groups = conflicted.groupby("prompt", sort=False)["number"].apply(lambda s: sorted(s.tolist()))
    examples = sorted((lines[:k] for lines in groups), key=lambda lines: lines[0])[:k]
    return len(groups), len(conflicted), examples


def _outliers(numbers: np.ndarray, chars: np.ndarray, iqr_factor: float) -> tuple[list[int], tuple[int, int] | None]:
    """Texts whose length lies more than `iqr_factor` interquartile ranges outside the middle
    half, on a log2 scale (a length ratio, not a difference, is what makes a text odd); the
    spread counts as at least one doubling, so a set of near-equal lengths flags nothing small."""
    if len(chars) < 4:
        return [], None
    logs = np.log2(chars + 1.0)
    q1, q3 = np.percentile(logs, [25, 75])
    spread = max(q3 - q1, 1.0)
    low, high = q1 - iqr_factor * spread, q3 + iqr_factor * spread
    outside = (logs < low) | (logs > high)
    bounds = (max(0, int(np.ceil(2 ** low - 1))), int(np.floor(2 ** high - 1)))
    return numbers[outside].tolist(), bounds
