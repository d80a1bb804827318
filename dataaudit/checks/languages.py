"""Languages: the language of each example (a fine-tuning file's example, a table's text cell),
told by lingua's detector (see `dataaudit.text.languages.detector` for its rules and speed).

`languages.outside` counts the examples whose language is not among `expected` (`--language`,
ISO 639-1 codes); with none expected it reports the shares per language as information.
`languages.mixed` counts the examples holding a second language in at least `mixed_share` of
their told letters. Examples too short or too unsure to tell (below `min_letters` letters told
with a confidence of at least `min_confidence`) are counted as undetermined and judged by
neither: they are not guessed. Shares are of the determined examples.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from dataaudit.checks.base import Results, pct
from dataaudit.checks.registry import EVERY_KIND, Check, NoEquivalent
from dataaudit.levels import MaxShareLevels, Number, Section, Whole
from dataaudit.profile.languages import MISSING, UNDETERMINED, detector_installed
from dataaudit.report.model import Severity
from dataaudit.wording import plural, verb

if TYPE_CHECKING:
    from dataaudit.profile.languages import LanguageProfile
    from dataaudit.profile.model import Profile

IN_LANGUAGES = NoEquivalent("GX has no expectation that detects the natural language of a text")


def _check(check: str, description: str, fields: tuple[str, ...]) -> Check:
    return Check(check, description, "languages", fields, IN_LANGUAGES, needs=frozenset({"text"}),
                 applies_to=EVERY_KIND)


CHECKS = (
    _check("languages.outside", "Examples are in the languages asked for (--language); otherwise the shares per "
                                "language are reported.",
           ("max_outside_share", "expected", "min_letters", "min_confidence", "max_chars")),
    _check("languages.mixed", "Few examples mix two languages.", ("max_mixed_share", "mixed_share")),
)
NO_TEXT = "no text to audit: give a fine-tuning JSONL file, or name text columns with --text-column"


class Rules(Section):
    expected: list[str] = Field(
        default_factory=list, description="ISO 639-1 codes of the languages examples must be in (--language); "
                                          "empty: the shares per language are reported, nothing is outside.")
    min_letters: Whole = Field(default=20, ge=1, description="Letters an example needs told to have a language "
                                                           "(shorter ones are undetermined).")
    min_confidence: Number = Field(default=0.7, gt=0, le=1,
                                  description="The detector's confidence a chunk of text needs to count.")
    mixed_share: Number = Field(default=0.25, gt=0, le=0.5,
                               description="The share of an example's told letters a second language needs to "
                                           "make it mixed.")
    max_chars: Whole = Field(default=2000, ge=100, description="Characters read of each message or text.")
    max_outside_share: MaxShareLevels = MaxShareLevels(warn=0)
    max_mixed_share: MaxShareLevels = MaxShareLevels(warn=0.05)


def run(profile: Profile, rules: Rules, results: Results) -> None:
    if not profile.text:
        for check in CHECKS:
            results.skip(check.id, NO_TEXT)
        return
    for text in profile.text:
        column = text.name if text.kind == "column" else None
        unit = f"{text.unit}s"
        found = text.languages
        if found is None or not found.determined:
            reason = (MISSING if not detector_installed() else "the languages were not detected"
                      if found is None else f"no example has {found.min_letters} letters or more to tell its "
                                            "language by")
            for check in CHECKS:
                results.skip(check.id, reason)
            continue
        _outside(found, rules, results, column, unit)
        n = found.determined
        results.judge(
            "languages.mixed", rules.max_mixed_share, found.mixed / n,
            f"{found.mixed:,} of {plural(n, 'example')} ({pct(found.mixed, n)}) "
            f"{verb(found.mixed, 'mixes', 'mix')} two languages ({_listed(found.mixes)}), the second in at least "
            f"{found.mixed_share:.0%} of the text.",
            info_when_present=True, column=column, examples=found.mixed_lines,
            details={"examples_are": unit, "examples": found.mixed, "mixes": found.mixes},
            hint="A mixed example is often a translation task or a reply in the wrong language; review a few.")


def _outside(found: LanguageProfile, rules: Rules, results: Results, column: str | None, unit: str) -> None:
    n = found.determined
    shares = _listed({name: count for name, count in found.counts.items() if name != UNDETERMINED}, n)
    unsure = found.counts.get(UNDETERMINED, 0)
    undetermined = (f"; {plural(unsure, 'example')} too short or unsure to tell (undetermined)" if unsure else "")
    details = {"examples_are": unit, "languages": found.counts, "determined": n}
    if not found.expected:
        results.add("languages.outside", Severity.INFO, f"Languages of {plural(n, 'example')}: {shares}{undetermined}.",
                    column=column, details=details)
        return
    asked = ", ".join(found.expected)
    results.judge(
        "languages.outside", rules.max_outside_share, found.outside / n,
        f"{found.outside:,} of {plural(n, 'example')} ({pct(found.outside, n)}) {verb(found.outside, 'is', 'are')} in "
        f"another language than {asked}: {shares}{undetermined}.",
        column=column, examples=found.outside_lines,
        details={**details, "examples": found.outside, "expected": found.expected},
        hint="A model fine-tuned on them learns to answer in those languages; drop or translate them, or add "
             "their codes with --language.")


def _listed(counts: dict[str, int], whole: int | None = None) -> str:
    """`en 40 (80%), de 10 (20%)`, at most eight, the most first."""
    items = list(counts.items())
    shown = ", ".join(f"{name} {count:,}" + (f" ({pct(count, whole)})" if whole else "") for name, count in items[:8])
    return shown + (f" and {len(items) - 8} more" if len(items) > 8 else "")
