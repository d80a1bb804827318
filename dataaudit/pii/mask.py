"""How a found value is shown in a report: never in clear. An email keeps the first character of
its local part and of its domain and its top-level domain (`j***@e***.com`), enough to tell a
company address from a private one; every other kind is its placeholder and its length
(`[CARD 19 chars]`), which says what was found without a digit of it."""

from __future__ import annotations

from dataaudit.profile.pii import PII_KINDS


def masked(kind: str, value: str) -> str:
    if kind == "email":
        local, _, domain = value.partition("@")
        tld = domain.rsplit(".", 1)[-1]
        return f"{local[:1]}***@{domain[:1]}***.{tld}"
    return f"{PII_KINDS[kind][1][:-1]} {len(value)} chars]"
