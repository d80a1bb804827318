"""Personal data and secrets in training text: a model repeats what it memorised, so a value in
the training file can come back out of the model to anyone who asks.

Each text of a fine-tuning file (every message by role, a prompt or a completion) and each cell
of a table's text columns is scanned for emails, phone numbers, payment card numbers, IBANs,
public IP addresses (personal data) and for URLs with credentials, private keys and API tokens
or passwords (secrets); `dataaudit.pii.detect` says how each kind is told from its look-alikes.
The share judged is that of the lines (or rows) holding at least one value of the family.

Secrets fail on the first one by default: a key or password is never legitimate training data,
and one that reached a file must be rotated whatever the model does with it. Personal data
warns: support transcripts and public contact addresses can be legitimate, and whether a value
may stay is a person's decision (set `fail` to gate on it). Reports name the kind, the count,
the lines and the role or column; a value itself is shown masked (`dataaudit.pii.mask`), never
in clear. `dataaudit clean --redact pii` replaces each with a typed placeholder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field, field_validator

from dataaudit.checks.base import Results, pct
from dataaudit.checks.registry import EVERY_KIND, Check, NoEquivalent
from dataaudit.levels import MaxLevels, MaxShareLevels, Section
from dataaudit.pii.detect import DEFAULT_REGIONS
from dataaudit.profile.pii import family_of
from dataaudit.wording import plural, verb

if TYPE_CHECKING:
    from dataaudit.profile.model import Profile
    from dataaudit.profile.text import TextProfile

IN_TEXT = NoEquivalent("GX matches a column against one regular expression; it validates neither a Luhn sum nor "
                       "an IBAN checksum, and would print the matching values in its results")


def _check(check: str, description: str, fields: tuple[str, ...]) -> Check:
    return Check(check, description, "pii", fields, IN_TEXT, needs=frozenset({"text"}), applies_to=EVERY_KIND)


CHECKS = (
    _check("pii.secrets", "No text holds a secret: a private key, an API token or password, a URL with "
                          "credentials.", ("max_secret_share",)),
    _check("pii.personal", "Few texts hold personal data: emails, phone numbers, card numbers, IBANs, US Social "
                           "Security numbers, public IP addresses.", ("max_personal_share",)),
)
FAMILY_OF_CHECK = {"pii.secrets": "secrets", "pii.personal": "personal"}
NO_TEXT = "no text to scan: give a fine-tuning JSONL file, or name text columns with --text-column"
HINTS = {
    "secrets": "Rotate the exposed keys and passwords, then `dataaudit clean --redact secrets` replaces each with a "
               "placeholder.",
    "personal": "Check whether the values may be trained on; `dataaudit clean --redact personal` (or `--redact "
                "pii` for secrets too) replaces each with a typed placeholder.",
}


class Rules(Section):
    max_secret_share: MaxShareLevels = Field(
        default=MaxShareLevels(fail=0), description="Share of lines or rows holding a secret; one fails by default.")
    max_personal_share: MaxShareLevels = Field(
        default=MaxShareLevels(warn=0),
        description="Share of lines or rows holding personal data; any warns by default.")
    phone_regions: tuple[str, ...] = Field(
        default=DEFAULT_REGIONS, min_length=1,
        description="Countries (ISO 3166 two letters) whose phone numbers are found in their national format; a "
                    "number with a + country code is found whatever they are.")

    @field_validator("phone_regions")
    @classmethod
    def _known_regions(cls, regions: tuple[str, ...]) -> tuple[str, ...]:
        """Upper-cased and known to `phonenumbers`: a typo would otherwise find no number at all.
        The default regions are known without asking: every audit validates the default pack, and
        importing `phonenumbers` costs more than reading a small table."""
        regions = tuple(dict.fromkeys(region.strip().upper() for region in regions))
        if set(regions) <= set(DEFAULT_REGIONS):
            return regions
        import phonenumbers

        unknown = [region for region in regions if region not in phonenumbers.SUPPORTED_REGIONS]
        if unknown:
            raise ValueError(f"{unknown[0]!r} is no region phonenumbers knows (such as US, GB, DE, FR, IN)")
        return regions


def run(profile: Profile, rules: Rules, results: Results) -> None:
    texts = [t for t in profile.text if t.pii is not None]
    if not texts:
        for check in CHECKS:
            results.skip(check.id, NO_TEXT)
        return
    levels = {"pii.secrets": rules.max_secret_share, "pii.personal": rules.max_personal_share}
    for t in texts:
        for check, family in FAMILY_OF_CHECK.items():
            _judge(t, check, family, levels[check], results)


def _judge(t: TextProfile, check: str, family: str, levels: MaxLevels, results: Results) -> None:
    found = t.pii
    assert found is not None
    unit = f"{t.unit}s"
    n = t.records
    rows = found.family_rows[family]
    kinds = [kind for kind in found.values if family_of(kind) == family]
    of = f" of {t.name!r}" if t.kind == "column" else ""
    counted = "; ".join(f"{kind} {found.values[kind]:,} in {plural(found.rows[kind], t.unit)} "
                        f"({_places(found.places[kind])})" for kind in kinds)
    named = "secrets" if family == "secrets" else "personal data"
    message = (f"{rows:,} of {plural(n, t.unit)}{of} ({pct(rows, n)}) "
               f"{verb(rows, 'holds', 'hold')} {named}" + (f": {counted}." if counted else "."))
    examples = [{"kind": kind, "line": e.line, "place": e.place, "masked": e.masked}
                for kind in kinds for e in found.examples[kind]]
    results.judge(
        check, levels, rows / n if n else 0.0, message, info_when_present=True,
        column=t.name if t.kind == "column" else None, examples=found.family_lines[family],
        details={"examples_are": unit, unit: rows,
                 "kinds": {kind: {"values": found.values[kind], unit: found.rows[kind], "places": found.places[kind],
                                  "first": found.lines[kind]} for kind in kinds},
                 "masked_examples": examples},
        hint=HINTS[family],
    )


def _places(places: dict[str, int]) -> str:
    return ", ".join(f"{place} {count:,}" for place, count in places.items())
