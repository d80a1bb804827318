"""A finding's fingerprint: which problem it is, not how big it is.

Two audits of the same data, or of its next version, must name the same problem the same way,
so that a comparison of their reports (`dataaudit diff`, `audit --baseline`) and GitHub code
scanning (SARIF `partialFingerprints`) can tell a new problem from an old one that grew. The
fingerprint therefore reads only what says *which* problem a finding is: its check, its column,
and the few details that tell apart several findings of one check on one column (the split and
the split it shares groups with, the kind of a format error, of a schema or class difference, of
a contamination or of a `labels.noise_rate` finding, the class of a report written when that
check gave each class a finding of its own, the label spelled several ways, the format rule, the
evaluation set (by its file's name, the same wherever it lies, and where two sets of a run share
one, `gsm8k/test.jsonl` and `mmlu/test.jsonl`, by its path from the repository's root), the
pandera check, the sentinel value, the chat template's error, a Great Expectations expectation's
arguments). Counts, shares, row numbers, messages and examples change with the data and are left
out, so the fingerprint survives reordered rows, other machines and changes elsewhere in the file.

Two findings of one report never share a fingerprint: a gate that forgives a fingerprint would
forgive both, and a comparison could pair the wrong ones (a test holds the reports of real data
to it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from pathlib import PurePath
from typing import Any

from dataaudit.profile.values import fold_label

#: the details that say which problem a finding is, each read through its normal form: the
#: canonical spelling of a label is folded as the labels were grouped (`fold_label`), since which
#: spelling of the group wins moves with the counts
IDENTITY: dict[str, Callable[[Any], str]] = {
    "split": str,
    "other": str,
    "kind": str,
    "label": str,
    "canonical": lambda value: fold_label(str(value)),
    "rule": str,
    "eval_set": lambda value: PurePath(str(value)).name or str(value),
    "eval_file": str,
    "pandera_check": str,
    "failure_case": str,
}
#: details whose name is too plain to say which problem a finding is but for the check that
#: writes them: the sentinel value of `target.sentinels` (one finding per value), the error of
#: `text.template_error` (one finding per error the template raises)
OF_CHECK: dict[str, dict[str, Callable[[Any], str]]] = {
    "target.sentinels": {"value": str},
    "text.template_error": {"message": str},
}


def _arguments(kwargs: Any) -> str:
    """An expectation's arguments as one canonical text, its `mostly` left out."""
    kept = {k: v for k, v in kwargs.items() if k != "mostly"} if isinstance(kwargs, dict) else kwargs
    return json.dumps(kept, ensure_ascii=False, sort_keys=True)


#: details read for every check of a family: a Great Expectations finding (`gx.<expectation type>`)
#: is one expectation of the suite, told from another of its type by its arguments (`column_A`,
#: `column_B`, the bounds, the regex), but for `mostly`, a tolerance like a rule pack's threshold
OF_FAMILY: dict[str, dict[str, Callable[[Any], str]]] = {"gx": {"kwargs": _arguments}}
#: the algorithm's version goes into the digest, so a change of what is read is a change of every fingerprint
VERSION = "1"
HEX_DIGITS = 16


def finding_fingerprint(check: str, column: str | None, details: Mapping[str, Any]) -> str:
    """16 hex digits of SHA-256 over the finding's identity (64 bits: no two findings of one
    report collide by chance)."""
    read = {**IDENTITY, **OF_FAMILY.get(check.partition(".")[0], {}), **OF_CHECK.get(check, {})}
    identity = {key: normal(details[key]) for key, normal in read.items() if details.get(key) is not None}
    text = json.dumps([VERSION, check, column, identity], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HEX_DIGITS]
