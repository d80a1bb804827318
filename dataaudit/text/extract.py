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
from dataaudit.text.repeats import NearCopies, Repeats, length_fences


def extract(partial: TextPartial) -> TextProfile:
    spec = partial.spec
    k = spec.examples
    found, near = partial.repeats, partial.near
    if found is None:  # not decided where the rows live: over the kept hashes, here
        b = compact(partial.blocks, spec.num_perm)
        partial.blocks.append(b)
        repeated = repeats(b.whole)
        near = _near_copies(near_duplicates(b.signatures, spec.near_threshold, skip=repeated), b.numbers, k)
        found = _repeats(b.numbers, b.whole, b.prompt, b.answer, b.chars, repeated, spec.outlier_iqr, k)
    assert near is not None, "an engine that decides the repeats finds the near duplicates too"
    return TextProfile(
        name=spec.name,
        kind=spec.kind,
        unit=spec.unit,
        records=partial.records,
        texts=found.texts,
        errors={kind: partial.errors[kind] for kind in ERROR_KINDS if partial.errors[kind]},
        error_lines={kind: partial.error_lines[kind] for kind in ERROR_KINDS if kind in partial.error_lines},
        error_records=partial.error_records,
        error_keys={kind: _by_count(partial.error_keys[kind]) for kind in ERROR_KINDS if kind in partial.error_keys},
        metadata=_by_count(partial.metadata),
        beside_missing=_by_count(partial.beside_missing),
        messages=int(partial.lengths["message_chars"].counts.sum()),
        roles=_by_count(partial.roles),
        lengths={name: hist.summary() for name, hist in partial.lengths.items()},
        tokenizer=spec.counter.counting(spec.kind, partial.template is not None),
        tokens_estimated=spec.counter.estimated,
        max_tokens=spec.max_tokens,
        over_limit=partial.over_limit,
        over_limit_lines=partial.over_limit_lines,
        empty=partial.empty,
        empty_lines=partial.empty_lines,
        markup=partial.markup_records,
        markup_kinds=dict(sorted(partial.markup.items())),
        markup_lines=partial.markup_lines,
        duplicates=found.duplicates,
        duplicate_examples=found.duplicate_examples,
        near_duplicates=near.copies,
        near_duplicate_clusters=near.clusters,
        near_duplicate_examples=near.examples,
        near_threshold=spec.near_threshold,
        conflict_groups=found.conflict_groups,
        conflict_records=found.conflict_records,
        conflict_examples=found.conflict_examples,
        length_outliers=found.length_outliers,
        length_outlier_lines=found.length_outlier_lines,
        length_bounds=found.length_bounds,
        labelled=spec.labelled,
        found=spec.found,
        template=None if partial.template is None else partial.template.extract(),
        tokens_total=partial.trained_tokens,
        format_rules=_profile_rules(partial),
        pairs=partial.pairs.extract(k),
        contamination=None if partial.contamination is None
        else partial.contamination.extract(k),
        languages=None if partial.languages is None else partial.languages.extract(k),
        pii=partial.pii.extract(),
    )


def _repeats(numbers: np.ndarray, whole: np.ndarray, prompt: np.ndarray, answer: np.ndarray, chars: np.ndarray,
             repeated: np.ndarray, iqr_factor: float, k: int) -> Repeats:
    """The repeats of the texts whose values are all here, in line order."""
    groups, involved, conflict_examples = _conflicts(numbers, prompt, answer, k)
    outliers, bounds = _outliers(numbers, chars, iqr_factor)
    return Repeats(texts=len(numbers), duplicates=int(repeated.sum()),
                   duplicate_examples=repeat_pairs(numbers, whole, repeated, k), conflict_groups=groups,
                   conflict_records=involved, conflict_examples=conflict_examples, length_outliers=len(outliers),
                   length_outlier_lines=outliers[:k], length_bounds=bounds)


def _near_copies(near: NearDuplicates, numbers: np.ndarray, k: int) -> NearCopies:
    """Near duplicates found among the kept texts' indices, as their row (or line) numbers."""
    pairs = sorted(zip(numbers[near.copies].tolist(), numbers[near.first].tolist(), strict=True))
    return NearCopies(copies=len(pairs), clusters=near.clusters, examples=pairs[:k])


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
    """The texts outside the length fences (`length_fences`), read off all the lengths."""
    fences = length_fences(len(chars), lambda ranks: np.partition(chars, ranks)[ranks].tolist(), iqr_factor)
    if fences is None:
        return [], None
    outside = (chars < fences.shortest) | (chars > fences.longest)
    return numbers[outside].tolist(), fences.bounds
