"""Tokens of a text column that mark one class: signatures, boilerplate, source names.

A token is a lower-cased word (`\\w+`) or the host of a link (`https://bbc.in/1BO3dB0` gives
`bbc.in`, its path being different in every text). For each token the sampled rows carrying it
are counted per class; it marks a class when at least `min_rows` rows carry it, at least
`min_purity` of them belong to one class, and they cover at least `min_share` of that class. A
word every class uses is impure, a rare word is too rare to learn, a word only one class uses
now and then covers too little of it: what is left is what a model can learn instead of the
meaning (a news agency's link shortener, a signature line, a template's heading).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

import numpy as np

from dataaudit.pii.redact import ALL_KINDS, redactions
from dataaudit.profile.pii import PII_KINDS
from dataaudit.profile.shortcuts import Signature

_LINK = re.compile(r"https?://([^/\s?#]+)\S*", re.IGNORECASE)
_WORD = re.compile(r"\w+")
#: the texts carrying a token that are searched for the personal value it may be a piece of
TEXTS_SEARCHED = 20


def tokens(text: str) -> list[str]:
    """The distinct tokens of one text: its link hosts and the words outside its links."""
    hosts = [host.lower() for host in _LINK.findall(text)]
    return list(dict.fromkeys(hosts + _WORD.findall(_LINK.sub(" ", text).lower())))


def signatures(column: str, texts: list[str | None], y: np.ndarray, names: list[str], *, min_rows: int,
               min_share: float, min_purity: float) -> list[Signature]:
    """The tokens of `texts` (one per sampled row, `y` its class code into `names`) that mark a
    class, the most covering first."""
    from scipy.sparse import csr_matrix
    from sklearn.feature_extraction.text import CountVectorizer

    counter = CountVectorizer(analyzer=tokens, binary=True, min_df=min_rows, dtype=np.int32)
    try:
        carried = counter.fit_transform(["" if t is None else t for t in texts])
    except ValueError:  # no token in `min_rows` rows
        return []
    classes = csr_matrix((np.ones(len(y), dtype=np.int32), (np.arange(len(y)), y)), shape=(len(y), len(names)))
    counts = (carried.T @ classes).toarray()
    rows = counts.sum(axis=1)
    best = counts.argmax(axis=1)
    in_class = counts[np.arange(len(counts)), best]
    class_rows = np.bincount(y, minlength=len(names))
    marks = np.flatnonzero((in_class >= min_purity * rows) & (in_class >= min_share * class_rows[best]))
    vocabulary = counter.get_feature_names_out()
    found = [Signature(column, str(vocabulary[i]), names[best[i]], int(rows[i]), int(in_class[i]),
                       int(class_rows[best[i]])) for i in marks]
    return sorted(found, key=lambda s: (-s.share, -s.purity, s.token))


def shown_signatures(found: list[Signature], texts: list[str | None], regions: tuple[str, ...]) -> list[Signature]:
    """`found` as a report may show them: a token that is a piece of a personal value or a
    secret in the texts carrying it (`corpmail` of `zed.quux@corpmail.io`) is shown as that
    value's placeholder (`[EMAIL]`), once per column and class. Whole values are masked where
    reports show them; a value's words, split apart here, would rebuild it. Only the texts
    carrying a marking token are searched (`TEXTS_SEARCHED` of each), not every sampled one."""
    shown: list[Signature] = []
    seen: set[tuple[str, str, str]] = set()
    for signature in found:
        kind = _personal_kind(signature.token, texts, regions)
        if kind is not None:
            signature = replace(signature, token=PII_KINDS[kind][1])
            if (signature.column, signature.token, signature.label) in seen:
                continue
            seen.add((signature.column, signature.token, signature.label))
        shown.append(signature)
    return shown


def _personal_kind(token: str, texts: list[str | None], regions: tuple[str, ...]) -> str | None:
    """The kind of the personal value or secret `token` is a piece of in the first texts carrying
    it, if any."""
    for text in itertools.islice((t for t in texts if t and token in tokens(t)), TEXTS_SEARCHED):
        for found in redactions(text, ALL_KINDS, regions):
            if token in tokens(text[found.start:found.end]):
                return found.kind
    return None
