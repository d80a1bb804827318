"""Facts about a fine-tuning file beyond its texts: how it fares against a provider's or
trainer's format profile, and what its preference pairs look like."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProfileRules:
    """The lines of a file breaking each rule of the format profile `name` (`broken`: rule ->
    lines; `lines`: the first of them; `what`: rule -> the key or role behind it -> lines), what
    each rule asks (`meanings`), and the profile's example-count limits."""

    name: str
    description: str
    broken: dict[str, int]
    lines: dict[str, list[int]]
    what: dict[str, dict[str, int]]
    meanings: dict[str, str]
    min_examples: int | None
    max_examples: int | None


#: The bins of the chosen / rejected length ratio, as (label, upper bound): a ratio falls in the
#: first bin whose bound it is below (equal lengths have their own bin).
RATIO_BINS = (("< 1/2", 0.5), ("1/2 to 2/3", 2 / 3), ("2/3 to 1", 1.0), ("equal", 1.0 + 1e-12),
              ("1 to 3/2", 1.5), ("3/2 to 2", 2.0), ("> 2", float("inf")))


@dataclass(frozen=True)
class PairProfile:
    """Preference pairs: `pairs` read; sides that are the same text, an empty side, implicit
    prompts that differ between the sides, pairs repeating an earlier one (with their first
    lines); and the length of chosen against rejected in characters: pairs where chosen is
    longer or shorter, the ratio's percentiles (p10 to p90) and its distribution over
    `RATIO_BINS`."""

    pairs: int
    identical: int
    identical_lines: list[int]
    empty_side: int
    empty_side_lines: list[int]
    prompt_differs: int
    prompt_differs_lines: list[int]
    duplicates: int
    duplicate_examples: list[tuple[int, int]]
    chosen_longer: int
    chosen_shorter: int
    ratio_percentiles: dict[str, float]
    ratio_bins: dict[str, int]
