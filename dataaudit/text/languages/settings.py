"""The language settings of an audit, from its rule pack and `--language`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from dataaudit.checks.languages import CHECKS
from dataaudit.profile.languages import detector_installed
from dataaudit.text.languages.detector import checked_codes
from dataaudit.text.languages.partial import LanguageSettings

if TYPE_CHECKING:
    from dataaudit.rules.load import LoadedRules
    from dataaudit.rules.model import RulePack


def language_settings(pack: RulePack) -> LanguageSettings | None:
    """How the pass tells languages under `pack`, or None when it need not: the language checks
    are switched off, or lingua is not installed and no language was asked for (then the checks
    skip, saying how to install it). Languages asked for that lingua does not know, or asked
    for without lingua, are an `InputError` before any data is read."""
    rules = pack.checks.languages
    if not any(check.enabled(pack.checks) for check in CHECKS):
        return None
    expected = checked_codes(rules.expected)
    if not detector_installed():
        return None
    return LanguageSettings(expected, rules.min_letters, rules.min_confidence, rules.mixed_share, rules.max_chars)


def with_languages(loaded: LoadedRules, codes: Iterable[str]) -> LoadedRules:
    """`loaded` with `codes` (`--language`) as the languages examples must be in, if any."""
    codes = list(codes)
    if not codes:
        return loaded
    pack = loaded.rules
    languages = pack.checks.languages.model_copy(update={"expected": codes})
    return replace(loaded, rules=pack.model_copy(update={"checks": pack.checks.model_copy(
        update={"languages": languages})}))
