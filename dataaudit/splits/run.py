"""One pass per split, then the comparison: what `audit` does when a dataset comes in splits."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace

from dataaudit.engines import Engine
from dataaudit.errors import InputError
from dataaudit.io import Source
from dataaudit.io.hf_reader import is_hf_dataset_dict
from dataaudit.profile.extract import extract
from dataaudit.profile.model import Profile
from dataaudit.profile.spec import ProfileSpec
from dataaudit.splits.compare import compare_splits
from dataaudit.splits.keys import KeySpec, KeyTable, SplitPartial, SplitProfile, feature_sets

REFERENCE = "train"


def name_splits(data: object, splits: dict[str, object] | None) -> dict[str, object]:
    """The splits by name, the reference first: a mapping as given (a `datasets.DatasetDict` with
    its `train` split first), or `data` as `train` followed by `splits`."""
    if isinstance(data, dict):
        if splits:
            raise InputError("give the splits either as one mapping or as data plus splits=, not both")
        named = dict(data)
        if REFERENCE in named and is_hf_dataset_dict(data):  # a DatasetDict's order is the saver's, not ours
            named = {REFERENCE: named.pop(REFERENCE), **named}
        if not named:
            raise InputError("the mapping of splits is empty")
    else:
        named = {REFERENCE: data}
        for name, value in _split_items(splits):
            if name in named:
                raise InputError(f"split name {name!r} is given twice (the first dataset is {REFERENCE!r})")
            named[name] = value
    for name in named:
        if not isinstance(name, str) or not name.strip():
            raise InputError(f"split names must be non-empty text, not {name!r}")
    return named


def _split_items(splits: object) -> list[tuple[object, object]]:
    """The other splits as (name, data) pairs: each split is compared under its name, so a list
    or a lone dataset, which names none, is refused here rather than deep in the pass."""
    if splits is None:
        return []
    if not isinstance(splits, Mapping):
        raise InputError(f"splits must map each split's name to its data, such as {{'val': ..., 'test': ...}}, "
                         f"not a {type(splits).__name__}")
    return list(splits.items())


def shared_features(sources: dict[str, Source], spec: ProfileSpec) -> dict[str, tuple[str, ...]]:
    """Each other split's feature columns that the reference has too, in the reference's order:
    what its rows are compared with the reference's on, whatever columns a third split lacks."""
    (_, reference), *others = sources.items()
    return {name: tuple(c for c in reference.columns if spec.role(c) == "feature" and c in source.columns)
            for name, source in others}


def profile_splits(sources: dict[str, Source], spec: ProfileSpec, group_column: str | None,
                   engine: Engine) -> tuple[Profile, list[SplitProfile]]:
    """The reference's profile with the comparison of all splits attached (`Profile.splits`),
    and every split's own profile. Without a named `group_column`, a candidate group
    (`spec.groups`, see `found_group`) is compared as one, found rather than named."""
    named = group_column is not None
    if group_column is None:
        group_column = found_group(sources, spec.groups)
    features = shared_features(sources, spec)
    profiles: list[SplitProfile] = []
    with contextlib.ExitStack() as kept:  # the keys an engine keeps where the rows are live until compared
        for name, source in sources.items():
            own = spec if not profiles else replace(spec, texts=())  # text columns are audited on the reference only
            sets = feature_sets(features) if not profiles else (features[name],)
            keys = KeySpec(sets, spec.target, group_column if group_column in source.columns else None)
            create = functools.partial(SplitPartial.create, own, keys, source.columns)
            profile, row_keys = kept.enter_context(_split_pass(engine, source, own, create))
            profiles.append(SplitProfile(name, profile, row_keys))
        comparison = compare_splits(profiles, spec, features, group_column, named)
    return replace(profiles[0].profile, splits=comparison), profiles


def found_group(sources: dict[str, Source], candidates: tuple[str, ...]) -> str | None:
    """The candidate group (an id-like column of the reference whose values repeat) that the most
    splits have, the first of a tie: a split that lacks it leaves the others compared on it,
    and is named as not compared, rather than no split being compared at all."""
    held = [sum(name in s.columns for s in sources.values()) for name in candidates]
    return candidates[held.index(max(held))] if candidates else None


@contextlib.contextmanager
def _split_pass(engine: Engine, source: Source, spec: ProfileSpec, create: Callable[[], SplitPartial]
                ) -> Iterator[tuple[Profile, KeyTable]]:
    """One split's profile and row keys. An engine with a `keyed_profile` (Spark) keeps the keys
    on its cluster and the comparison runs there; any other gathers them as arrays."""
    keyed = getattr(engine, "keyed_profile", None)
    if keyed is None:
        partial = engine.accumulate(source, create)
        yield extract(partial.profile, source.info), partial.keys.extract()
        return
    from dataaudit.splits.spark_keys import SparkKeys

    with keyed(source, spec, create) as (profile, frame):
        yield profile, SparkKeys(frame)
