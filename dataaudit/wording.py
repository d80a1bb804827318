"""Counts and shares as a person reads them: `1 row`, `2 rows`, `99.8%` (never a rounded `100%`)."""

from __future__ import annotations

MAX_DIGITS = 12


def shortened(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, the last one an ellipsis, so a quote says it goes on."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """`1 row`, `1,035 rows`; `nouns` for an irregular plural (`plural(n, "class", "classes")`)."""
    return f"{count:,} {noun if count == 1 else nouns or noun + 's'}"


def pct(part: float, whole: float) -> str:
    """A share as a percentage that never rounds to a claim the numbers do not make: 0% only for
    none, 100% only for all. Shares of 10% or more get no decimals, smaller ones one (three below
    0.1%); more digits are added while rounding would still show 0 or 100."""
    if not whole:
        return "0%"
    share = 100.0 * part / whole
    if share == 0 or part == whole:
        return f"{share:.0f}%"
    digits = 0 if share >= 10 else 1 if share >= 0.1 else 3
    text = f"{share:.{digits}f}"
    while float(text) in (0.0, 100.0) and digits < MAX_DIGITS:
        digits += 1
        text = f"{share:.{digits}f}"
    return f"{text}%"


def verb(count: int, one: str, many: str) -> str:
    """The word that agrees with `count`: `verb(1, "is", "are")` is `is`."""
    return one if count == 1 else many
