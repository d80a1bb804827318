"""A labelled corpus for the personal-data and secrets detectors: real sentences (the carriers,
given by the caller) with planted values of every kind and decoys that look like them but are
none: card numbers failing Luhn, IBANs failing their checksum, Social Security numbers the
numbering rules never allow, version strings, git SHAs and
SHA-256 digests in code, dates, times and order numbers shaped like phone numbers, private and
documentation IP addresses, documentation placeholders (example.com addresses, AWS's EXAMPLE
key, `<YOUR_API_KEY>`, `user:password@localhost`). Every planted value is valid by the
detector's own rules (a Luhn sum, a checksum, a number `phonenumbers` calls valid), so recall
measures the finding, not the generator. Same arguments, same texts.

`scores` runs the detectors over the texts and counts, per kind, the values found that were
planted (true positives), those found that were not (false positives, decoys and whatever the
carriers hold) and those planted that were missed.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import random
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from dataaudit.pii.detect import DEFAULT_REGIONS, find_pii
from dataaudit.pii.ssn import issuable
from dataaudit.profile.pii import PII_KINDS

ALNUM = string.ascii_letters + string.digits
FIRST = ["jane", "omar", "li", "maria", "tom", "anna", "raj", "sofia", "lukas", "chloe"]
LAST = ["doe", "haddad", "wei", "garcia", "smith", "kowalski", "patel", "rossi", "muller", "martin"]
DOMAINS = ["gmail.com", "outlook.com", "yahoo.co.uk", "acme-corp.de", "uni-hamburg.de", "proton.me", "web.de"]
AREA_CODES = ["212", "415", "617", "312", "206", "303", "512", "646"]
IBAN_BBAN = {"DE": (18, "n"), "FR": (23, "n"), "ES": (20, "n"), "IT": (23, "n"), "CH": (17, "n"), "NL": (14, "b"),
             "GB": (18, "b")}
CARD_PREFIXES = [("4", 16), ("51", 16), ("55", 16), ("2221", 16), ("34", 15), ("37", 15), ("6011", 16)]


@dataclass
class LabelledText:
    """One text and the values planted in it, as (kind, value)."""

    text: str
    planted: list[tuple[str, str]] = field(default_factory=list)


def _luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def _grouped(value: str, rng: random.Random, sizes: tuple[int, ...] = (4,)) -> str:
    sep = rng.choice(["", " ", "-"])
    if not sep:
        return value
    size = sizes[0]
    return sep.join(value[i:i + size] for i in range(0, len(value), size))


def _card(rng: random.Random, valid: bool = True) -> str:
    prefix, length = rng.choice(CARD_PREFIXES)
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    check = _luhn_digit(body)
    if not valid:
        check = str((int(check) + rng.randint(1, 9)) % 10)
    return _grouped(body + check, rng)


def _iban(rng: random.Random, valid: bool = True) -> str:
    country, (length, shape) = rng.choice(sorted(IBAN_BBAN.items()))
    bank = "".join(rng.choice(string.ascii_uppercase) for _ in range(4)) if shape == "b" else ""
    bban = bank + "".join(rng.choice(string.digits) for _ in range(length - len(bank)))
    number = int("".join(str(int(ch, 36)) for ch in bban + country + "00"))
    check = 98 - number % 97
    if not valid:
        check = (check + rng.randint(1, 90)) % 97 + 2
    compact = f"{country}{check:02d}{bban}"
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4)) if rng.random() < 0.5 else compact


def _phone(rng: random.Random) -> str:
    import phonenumbers

    while True:
        if rng.random() < 0.6:
            area, exchange, line = rng.choice(AREA_CODES), rng.randint(201, 989), rng.randint(0, 9999)
            text = rng.choice(["({a}) {e}-{l:04d}", "{a}-{e}-{l:04d}", "{a}.{e}.{l:04d}", "+1 {a} {e} {l:04d}"]).format(
                a=area, e=exchange, l=line)
        else:
            text = rng.choice([f"+44 20 7946 {rng.randint(0, 999):04d}", f"+49 30 {rng.randint(1000000, 9999999)}",
                               f"+33 1 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
                               f"{rng.randint(10, 99)}"])
        if phonenumbers.is_valid_number(phonenumbers.parse(text, DEFAULT_REGIONS[0])):
            return text


def _public_ip(rng: random.Random) -> str:
    while True:
        if rng.random() < 0.7:
            address = ipaddress.ip_address(rng.getrandbits(32))
        else:
            address = ipaddress.ip_address((rng.choice([0x2001_4860, 0x2606_4700, 0x2a00_1450]) << 96)
                                           | rng.getrandbits(64))
        if address.is_global and (address.version == 6 or address.packed[0] not in (0, 255)):
            return str(address)


def _token(rng: random.Random, alphabet: str, n: int) -> str:
    while True:
        value = "".join(rng.choice(alphabet) for _ in range(n))
        if any(c.isdigit() for c in value) and any(c.isupper() for c in value) and any(c.islower() for c in value):
            return value


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _secret(rng: random.Random) -> tuple[str, str]:
    """A phrase holding a secret, and the secret as it is written."""
    upper = string.ascii_uppercase + string.digits
    choice = rng.randrange(8)
    if choice == 0:
        value = "AKIA" + "".join(rng.choice(upper) for _ in range(16))
    elif choice == 1:
        value = "ghp_" + _token(rng, ALNUM, 36)
    elif choice == 2:
        value = f"xoxb-{rng.randint(10**11, 10**12)}-{rng.randint(10**12, 10**13)}-{_token(rng, ALNUM, 24)}"
    elif choice == 3:
        value = "sk-proj-" + _token(rng, ALNUM, 40)
    elif choice == 4:
        value = "AIza" + _token(rng, ALNUM + "-_", 35)
    elif choice == 5:
        value = ".".join([_b64({"alg": "HS256", "typ": "JWT"}), _b64({"sub": str(rng.randint(1, 10**9)), "n": "x"}),
                          _token(rng, ALNUM + "-_", 43)])
    else:
        value = _token(rng, ALNUM + "!#%&*+", rng.randint(10, 20))
        key = rng.choice(["password", "api_key", "DB_PASSWORD", "client_secret", "auth_token"])
        return rng.choice([f'{key} = "{value}"', f"{key}: {value}", f"my {key.lower().replace('_', ' ')} is {value}"]
                          if key == "password" else [f'{key} = "{value}"', f"{key}: {value}"]), value
    return rng.choice(["use the key {v} for that", "token {v}", "export KEY={v}"]).format(v=value), value


def _private_key(rng: random.Random) -> str:
    label = rng.choice(["RSA ", "EC ", "OPENSSH ", ""])
    body = "\n".join(base64.b64encode(rng.randbytes(48)).decode() for _ in range(rng.randint(3, 8)))
    return f"-----BEGIN {label}PRIVATE KEY-----\n{body}\n-----END {label}PRIVATE KEY-----"


def _ssn(rng: random.Random, valid: bool = True) -> str:
    """A Social Security number, dashed, spaced or as nine digits (the phrases name it); an
    invalid one has an area never issued (000, 666, 9xx), a group of 00 or a serial of 0000."""
    while True:
        parts = f"{rng.randint(1, 899):03d}", f"{rng.randint(1, 99):02d}", f"{rng.randint(1, 9999):04d}"
        if issuable(*parts):
            break
    if not valid:
        spoilt = rng.randrange(3)
        parts = tuple((rng.choice(["000", "666", str(rng.randint(900, 999))]), "00", "0000")[i] if i == spoilt
                      else part for i, part in enumerate(parts))
    return rng.choice(["-", "-", " ", ""]).join(parts)


def _email(rng: random.Random) -> str:
    local = f"{rng.choice(FIRST)}{rng.choice(['.', '_', ''])}{rng.choice(LAST)}{rng.randint(1, 99)}"
    return f"{local}@{rng.choice(DOMAINS)}"


#: kind -> what makes a value, and the phrases it is said in
PHRASES: dict[str, tuple[Callable[[random.Random], str], tuple[str, ...]]] = {
    "email": (_email, ("write to {v}", "my email is {v}.", "contact: {v}")),
    "phone": (_phone, ("call me at {v}", "my phone number is {v}.", "reach us on {v} today")),
    "card": (_card, ("I paid with card {v}", "card number {v}, expiry 04/27", "charge {v} please")),
    "iban": (_iban, ("send it to IBAN {v}", "my account is {v}.", "IBAN: {v}")),
    "ssn": (_ssn, ("my SSN is {v}", "social security number {v}.", "SSN: {v} on file")),
    "ip": (_public_ip, ("the server at {v} is down", "logged in from {v}.", "ssh root at {v}")),
}


def _plant(kind: str, rng: random.Random) -> tuple[str, str]:
    """A phrase holding one value of `kind`, and the value as a detector must find it."""
    if kind in PHRASES:
        make, phrases = PHRASES[kind]
        value = make(rng)
        return rng.choice(phrases).format(v=value), value
    if kind == "url_credentials":
        user, password = rng.choice(FIRST), _token(rng, ALNUM + "!*", rng.randint(10, 16))
        host = rng.choice(["db.internal.acme-corp.de", "10.1.2.3:5432", "mq.prod.net"])
        scheme = rng.choice(["postgres", "https", "amqp", "mysql"])
        return f"connect with {scheme}://{user}:{password}@{host}/app", f"{user}:{password}"
    if kind == "private_key":
        value = _private_key(rng)
        return f"here is the key:\n{value}\nkeep it safe", value
    return _secret(rng)


def _decoy(rng: random.Random) -> str:
    """A phrase that looks like personal data or a secret and is neither."""
    hexdigits = "0123456789abcdef"
    makers: list[Callable[[], str]] = [
        lambda: f"card {_card(rng, valid=False)} was declined",
        lambda: f"IBAN {_iban(rng, valid=False)} is mistyped",
        lambda: f"upgrade to v{rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}.{rng.randint(0, 99)}",
        lambda: f"version {rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}.{rng.randint(1, 99)} fixed it",
        lambda: f"commit {''.join(rng.choice(hexdigits) for _ in range(40))} reverts it",
        lambda: f'sha256 = "{"".join(rng.choice(hexdigits) for _ in range(64))}"',
        lambda: f"on {rng.randint(1990, 2030)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} at "
                f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}",
        lambda: f"order #{rng.choice(AREA_CODES)}-{rng.randint(201, 989)}-{rng.randint(0, 9999):04d} shipped",
        lambda: f"invoice {rng.choice(AREA_CODES)}{rng.randint(201, 989)}{rng.randint(0, 9999):04d} is paid",
        lambda: f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1990, 2030)}",
        lambda: f"write to {rng.choice(FIRST)}@example.com",
        lambda: f"the router at 192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)} or 203.0.113.{rng.randint(1, 254)}",
        lambda: "the key AKIAIOSFODNN7EXAMPLE is AWS's example",
        lambda: 'api_key = "<YOUR_API_KEY>"',
        lambda: "password: ${DB_PASSWORD}",
        lambda: "postgres://user:password@localhost/app",
        lambda: "import it from sk-learn-compatible-transformers",
        lambda: f"ISBN 978-{rng.randint(0, 9)}-{rng.randint(10, 99)}-{rng.randint(100000, 999999)}-{rng.randint(0, 9)}",
        lambda: f"SSN {_ssn(rng, valid=False)} was rejected",
        lambda: f"a budget of {rng.randint(1, 9)},{rng.randint(100, 999)},{rng.randint(100, 999)} pounds",
    ]
    return rng.choice(makers)()


def labelled_texts(carriers: Sequence[str], n: int, seed: int = 0, planted_share: float = 0.7) -> list[LabelledText]:
    """`n` texts, each a carrier sentence with a decoy and, in `planted_share` of them, one
    planted value of a kind drawn in turn (so every kind is planted about as often)."""
    rng = random.Random(seed)
    kinds = list(PII_KINDS)
    texts = []
    for i in range(n):
        parts = [carriers[i % len(carriers)], _decoy(rng)]
        planted = []
        if rng.random() < planted_share:
            phrase, value = _plant(kinds[i % len(kinds)], rng)
            parts.insert(rng.randint(0, 2), phrase)
            planted.append((kinds[i % len(kinds)], value))
        texts.append(LabelledText(". ".join(parts), planted))
    return texts


def scores(texts: Sequence[LabelledText],
           regions: tuple[str, ...] = DEFAULT_REGIONS) -> dict[str, dict[str, int]]:
    """Per kind: `true` (found and planted), `false` (found, not planted) and `missed` (planted,
    not found) values."""
    counts = {kind: {"true": 0, "false": 0, "missed": 0} for kind in PII_KINDS}
    for item in texts:
        expected = list(item.planted)
        for found in find_pii(item.text, regions):
            value = (found.kind, item.text[found.start:found.end])
            if value in expected:
                expected.remove(value)
                counts[found.kind]["true"] += 1
            else:
                counts[found.kind]["false"] += 1
        for kind, _ in expected:
            counts[kind]["missed"] += 1
    return counts


def precision_recall(counts: dict[str, int]) -> tuple[float, float]:
    found, planted = counts["true"] + counts["false"], counts["true"] + counts["missed"]
    return (counts["true"] / found if found else 1.0), (counts["true"] / planted if planted else 1.0)
