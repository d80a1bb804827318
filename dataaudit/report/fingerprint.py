"""A finding's fingerprint: which problem it is, not how big it is.

Two audits of the same data, or of its next version, must name the same problem the same way,
so that a comparison of their reports (`dataaudit diff`, `audit --baseline`) and GitHub code
scanning (SARIF `partialFingerprints`) can tell a new problem from an old one that grew. The
fingerprint therefore reads only what says *which* problem a finding is: its check, its column,
and the few details that tell apart several findings of one check on one column (the split, the
kind of a format error, the class, the label spelled several ways, the pandera check). Counts,
shares, row numbers, messages and examples change with the data and are left out, so the
fingerprint survives reordered rows, other machines and changes elsewhere in the file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

from dataaudit.profile.values import fold_label

#: the details that say which problem a finding is, each read through its normal form: the
#: canonical spelling of a label is folded as the labels were grouped (`fold_label`), since which
#: spelling of the group wins moves with the counts
IDENTITY: dict[str, Callable[[Any], str]] = {
    "split": str,
    "kind": str,
    "label": str,
    "canonical": lambda value: fold_label(str(value)),
    "pandera_check": str,
    "failure_case": str,
}
#: the algorithm's version goes into the digest, so a change of what is read is a change of every fingerprint
VERSION = "1"
HEX_DIGITS = 16


def finding_fingerprint(check: str, column: str | None, details: Mapping[str, Any]) -> str:
    """16 hex digits of SHA-256 over the finding's identity (64 bits: no two findings of one
    report collide by chance)."""
    identity = {key: normal(details[key]) for key, normal in IDENTITY.items() if details.get(key) is not None}
    text = json.dumps([VERSION, check, column, identity], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HEX_DIGITS]
