"""Preference pairs (TRL's `prompt`/`chosen`/`rejected`, OpenAI's DPO `input`/`preferred_output`/
`non_preferred_output`): what makes a pair teach nothing, or teach the wrong thing.

A pair whose sides are the same text, or with an empty side, carries no preference; a
conversational pair with an implicit prompt whose two sides open differently compares answers
to different prompts; a pair repeated weighs double. Length bias is the share of pairs whose
chosen answer is longer (or shorter) than the rejected one: a preference model learns
"longer is better" from a file where chosen is longer far more often than half the time. It is
measured in characters, with the median ratio of the two lengths ((chosen + 1) / (rejected + 1))
and its spread; the pairs with sides of equal length count on neither side.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from dataaudit.checks.base import Results, pct
from dataaudit.checks.formats import file_check
from dataaudit.checks.registry import NoEquivalent
from dataaudit.levels import MaxLevels, MaxShareLevels, Section, Whole
from dataaudit.wording import verb

if TYPE_CHECKING:
    from dataaudit.profile.finetune import PairProfile
    from dataaudit.profile.model import Profile

IN_PAIRS = NoEquivalent("GX validates table columns; it does not compare the two sides of a preference pair")
CHECKS = (
    file_check("preference.identical", "No pair's chosen answer is the same text as its rejected one.",
               ("max_identical_share",), IN_PAIRS),
    file_check("preference.empty_side", "No pair has an empty chosen or rejected answer.",
               ("max_empty_side_share",), IN_PAIRS),
    file_check("preference.prompt_mismatch", "The two sides of a pair with an implicit prompt open with the same "
                                             "conversation.", ("max_prompt_mismatch_share",), IN_PAIRS),
    file_check("preference.duplicates", "Few pairs repeat an earlier pair (same prompt, chosen and rejected).",
               ("max_duplicate_share",), IN_PAIRS),
    file_check("preference.length_bias", "Chosen answers are not systematically longer, or shorter, than rejected "
                                         "ones.", ("max_length_bias", "min_pairs"), IN_PAIRS),
)
NOT_PAIRS = "not a preference file (prompt/chosen/rejected, or input/preferred_output/non_preferred_output)"


class Rules(Section):
    max_identical_share: MaxShareLevels = MaxShareLevels(warn=0, fail=0.01)
    max_empty_side_share: MaxShareLevels = MaxShareLevels(warn=0, fail=0.01)
    max_prompt_mismatch_share: MaxShareLevels = MaxShareLevels(warn=0, fail=0.01)
    max_duplicate_share: MaxShareLevels = MaxShareLevels(warn=0.001, fail=0.05)
    max_length_bias: MaxLevels = Field(
        default=MaxLevels(warn=0.6), description="The larger of the shares of pairs whose chosen answer is longer "
                                                 "and shorter than the rejected one; 0.5 is no bias.")
    min_pairs: Whole = Field(default=20, ge=1, description="Fewer pairs than this are too few to judge a bias.")


def run(profile: Profile, rules: Rules, results: Results) -> None:
    text = next((t for t in profile.text if t.pairs is not None), None)
    if text is None or text.pairs is None:
        for check in CHECKS:
            results.skip(check.id, NOT_PAIRS)
        return
    pairs, unit = text.pairs, f"{text.unit}s"
    n = pairs.pairs
    _share(results, "preference.identical", rules.max_identical_share, pairs.identical, n, pairs.identical_lines,
           unit, "{count} of {n} pairs ({pct}) {verb} a chosen answer identical to the rejected one.",
           "Such a pair carries no preference: drop it.")
    _share(results, "preference.empty_side", rules.max_empty_side_share, pairs.empty_side, n,
           pairs.empty_side_lines, unit, "{count} of {n} pairs ({pct}) {verb} an empty chosen or rejected answer.",
           "A pair against an empty answer teaches only to say something: fill or drop it.")
    _share(results, "preference.prompt_mismatch", rules.max_prompt_mismatch_share, pairs.prompt_differs, n,
           pairs.prompt_differs_lines, unit, "{count} of {n} pairs ({pct}) {verb} chosen and rejected conversations "
           "that differ before their last message: the sides answer different prompts.",
           "With an implicit prompt both sides must repeat the same conversation; give the prompt explicitly.")
    results.judge(
        "preference.duplicates", rules.max_duplicate_share, pairs.duplicates / n,
        f"{pairs.duplicates:,} of {n:,} pairs ({pct(pairs.duplicates, n)}) "
        f"{verb(pairs.duplicates, 'repeats', 'repeat')} an earlier pair.",
        info_when_present=True, examples=[line for line, _ in pairs.duplicate_examples],
        details={"examples_are": unit, "pairs": pairs.duplicates,
                 "repeats": [list(p) for p in pairs.duplicate_examples]},
        hint="A repeated pair weighs double in the preference loss; keep one.",
    )
    _length_bias(pairs, rules, results)


def _share(results: Results, check: str, levels: MaxLevels, count: int, n: int, lines: list[int], unit: str,
           message: str, hint: str) -> None:
    results.judge(check, levels, count / n,
                  message.format(count=f"{count:,}", n=f"{n:,}", pct=pct(count, n), verb=verb(count, "has", "have")),
                  info_when_present=True, examples=lines, details={"examples_are": unit, "pairs": count}, hint=hint)


def _length_bias(pairs: PairProfile, rules: Rules, results: Results) -> None:
    n = pairs.pairs
    if n < rules.min_pairs:
        results.skip("preference.length_bias", f"{n:,} pairs are fewer than min_pairs ({rules.min_pairs:,})")
        return
    longer, shorter = pairs.chosen_longer / n, pairs.chosen_shorter / n
    side = "longer" if longer >= shorter else "shorter"
    median = pairs.ratio_percentiles["p50"]
    results.judge(
        "preference.length_bias", rules.max_length_bias, max(longer, shorter),
        f"Chosen is the longer answer in {pairs.chosen_longer:,} of {n:,} pairs ({pct(pairs.chosen_longer, n)}) "
        f"and the shorter in {pairs.chosen_shorter:,} ({pct(pairs.chosen_shorter, n)}); median length ratio "
        f"chosen / rejected {median:g} (p10 {pairs.ratio_percentiles['p10']:g}, "
        f"p90 {pairs.ratio_percentiles['p90']:g}).",
        info_when_present=True,
        details={"pairs": n, "chosen_longer": pairs.chosen_longer, "chosen_shorter": pairs.chosen_shorter,
                 "biased_towards": side, "ratio_percentiles": pairs.ratio_percentiles,
                 "ratio_bins": pairs.ratio_bins},
        hint=f"A model trained on these pairs learns that {side} answers win; balance the lengths, or "
             "regularise for length (e.g. length-normalised DPO).",
    )
