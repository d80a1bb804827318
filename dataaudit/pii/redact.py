"""Redaction: each value found replaced by its kind's placeholder (`[EMAIL]`, `[CARD]`, ...),
every other character of the text kept. It runs only when `clean --redact` asks for it, on the
kinds it names."""

from __future__ import annotations

from collections.abc import Iterable

from dataaudit.errors import InputError
from dataaudit.pii.detect import DEFAULT_REGIONS, Found, find_pii
from dataaudit.profile.pii import FAMILIES, PII_KINDS, family_of

#: `--redact` names: `pii` is every kind, `personal` and `secrets` a family, or one kind.
REDACT_CHOICES = ("pii", *FAMILIES, *PII_KINDS)
ALL_KINDS = frozenset(PII_KINDS)


def redact_kinds(names: Iterable[str]) -> frozenset[str]:
    """The kinds `--redact` values name; each value may be a comma list, in any case, blanks
    around its names. An unknown name, or a value naming nothing (`--redact ""`, which would
    otherwise redact nothing without a word), is an `InputError` listing the choices."""
    kinds: set[str] = set()
    for value in names:
        named = [part.strip().lower() for part in value.split(",") if part.strip()]
        if not named:
            raise InputError(f"--redact {value!r} names nothing: {_choices()}")
        for name in named:
            kinds.update(_kinds_of(name))
    return frozenset(kinds)


def _kinds_of(name: str) -> tuple[str, ...]:
    """The kinds one `--redact` name stands for: every kind, a family's, or itself."""
    if name == "pii":
        return tuple(PII_KINDS)
    if name in FAMILIES:
        return tuple(kind for kind in PII_KINDS if family_of(kind) == name)
    if name in PII_KINDS:
        return (name,)
    raise InputError(f"--redact {name!r}: {_choices()}")


def _choices() -> str:
    return f"choose among {', '.join(REDACT_CHOICES)} (or a comma list)"


def redacted_value(value: object, regions: tuple[str, ...] = DEFAULT_REGIONS) -> object:
    """A value a report shows (a column's top value), every personal value and secret in it
    replaced by its placeholder, phone numbers read in `regions`' national formats; anything
    but text as it is."""
    return redact(value, ALL_KINDS, regions)[0] if isinstance(value, str) else value


def redactions(text: str, kinds: frozenset[str], regions: tuple[str, ...] = DEFAULT_REGIONS) -> list[Found]:
    """The values of `kinds` in `text`, in text order."""
    return [found for found in find_pii(text, regions) if found.kind in kinds]


def redact(text: str, kinds: frozenset[str],
           regions: tuple[str, ...] = DEFAULT_REGIONS) -> tuple[str, list[Found]]:
    """`text` with each value of `kinds` replaced by its placeholder, and what was replaced; a
    text without such a value comes back as it is."""
    found = redactions(text, kinds, regions)
    return replaced(text, found), found


def replaced(text: str, found: list[Found]) -> str:
    """`text` with each span of `found` (in text order, none overlapping) replaced by its
    kind's placeholder, every other character kept."""
    if not found:
        return text
    out, last = [], 0
    for f in found:
        out += [text[last:f.start], PII_KINDS[f.kind][1]]
        last = f.end
    return "".join(out) + text[last:]
