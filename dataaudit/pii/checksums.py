"""The arithmetic that tells a real card number or IBAN from a run of digits: the Luhn sum, the
issuers' prefixes and lengths, the IBAN mod-97 checksum and each country's IBAN length, and the
Shannon entropy that tells a random token from a word."""

from __future__ import annotations

import math
from collections import Counter

#: IBAN length per country (ISO 13616 registry).
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29, "BY": 28,
    "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
    "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
    "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20,
    "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15,
    "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19,
    "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}

#: (prefix range low, high, lengths) of the card schemes: Visa, Mastercard, American Express,
#: Discover, JCB, Diners Club, UnionPay. A Luhn-valid number outside them is an id, not a card.
CARD_SCHEMES: tuple[tuple[int, int, tuple[int, ...]], ...] = (
    (4, 4, (13, 16, 19)),
    (51, 55, (16,)),
    (2221, 2720, (16,)),
    (34, 34, (15,)),
    (37, 37, (15,)),
    (6011, 6011, (16, 19)),
    (644, 649, (16, 19)),
    (65, 65, (16, 19)),
    (3528, 3589, (16, 19)),
    (300, 305, (14,)),
    (36, 36, (14,)),
    (38, 39, (14,)),
    (62, 62, (16, 17, 18, 19)),
)


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def is_card_number(digits: str) -> bool:
    """A known scheme's prefix and length, and a valid Luhn sum."""
    n = len(digits)
    for low, high, lengths in CARD_SCHEMES:
        width = len(str(low))
        if n in lengths and low <= int(digits[:width]) <= high:
            return luhn_valid(digits)
    return False


def iban_valid(compact: str) -> bool:
    """The country's length and the mod-97 checksum (the country and check digits moved to the
    end, letters as 10-35, the number modulo 97 is 1)."""
    if IBAN_LENGTHS.get(compact[:2]) != len(compact):
        return False
    moved = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in moved)
    return int(number) % 97 == 1


def entropy(text: str) -> float:
    """Shannon entropy in bits per character: about 4 to 6 for a random token, below 3.5 for
    most words and names."""
    counts = Counter(text)
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in counts.values())
