"""What the personal-data and secrets scan found in the texts of one file or column: counts,
places and masked examples, never a value in clear (the scan masks each value as it finds it,
so no report, pickle or worker result ever holds one)."""

from __future__ import annotations

from dataclasses import dataclass

#: Kind -> (family, placeholder `clean --redact` writes, what it is), in the order reports list them.
PII_KINDS: dict[str, tuple[str, str, str]] = {
    "email": ("personal", "[EMAIL]", "email address"),
    "phone": ("personal", "[PHONE]", "phone number"),
    "card": ("personal", "[CARD]", "payment card number (Luhn)"),
    "iban": ("personal", "[IBAN]", "IBAN (mod-97 checksum)"),
    "ssn": ("personal", "[SSN]", "US Social Security number"),
    "ip": ("personal", "[IP]", "public IP address"),
    "url_credentials": ("secrets", "[URL_CREDENTIALS]", "URL with a user and password"),
    "private_key": ("secrets", "[PRIVATE_KEY]", "private key (PEM block)"),
    "secret": ("secrets", "[SECRET]", "API token or secret"),
}
FAMILIES = ("personal", "secrets")


def family_of(kind: str) -> str:
    return PII_KINDS[kind][0]


@dataclass(frozen=True)
class PiiExample:
    """One value found: its line (or row), the role or column it sits in, and its masked form."""

    line: int
    place: str
    masked: str


@dataclass(frozen=True)
class PiiProfile:
    """Per kind: `values` found, `rows` (lines or rows) holding one, the values per `places`
    (chat role, prompt/completion key or column), the first `lines` and masked `examples`.
    Per family: the rows holding any value of the family and their first lines."""

    values: dict[str, int]
    rows: dict[str, int]
    places: dict[str, dict[str, int]]
    lines: dict[str, list[int]]
    examples: dict[str, list[PiiExample]]
    family_rows: dict[str, int]
    family_lines: dict[str, list[int]]
