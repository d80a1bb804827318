"""Free-text columns of a table: string columns of long, varied sentences (a prompt, a review,
an answer), which the text checks audit better than the table's category counts.

One rule judges two views of a column. Before the pass, the first rows of the file decide which
columns are audited as text by themselves (the pass must know its text columns before it
starts). After it, the profile names the free-text columns that were not audited as text (the
opt-out was given, or the first rows did not show them), reading what the profile already holds:
the number of distinct values and the most frequent values, which for such a column are a sample
of its texts.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

import pyarrow as pa

if TYPE_CHECKING:
    from dataaudit.profile.model import ColumnProfile, Profile

MIN_DISTINCT = 10
MIN_DISTINCT_SHARE = 0.2
MIN_MEAN_CHARS = 40
MIN_MEAN_WORDS = 6
# Sentences carry punctuation; headings, titles and names do not: ParlSpeech's `agenda` column
# ("Hate Speech [Oral Answers to Questions > Home Department]") is long, varied and wordy enough,
# but 10% of its values hold a mark against 93-100% of speeches, tweets and reviews.
MIN_PUNCTUATED_SHARE = 0.5
_SENTENCE_MARK = re.compile(r"[.?!,;:]")


def free_text_columns(profile: Profile) -> list[str]:
    """Feature columns that hold free text and are not already audited as text, in column order."""
    audited = {t.name for t in profile.text}
    return [c.name for c in profile.columns if c.name not in audited and _is_free_text(c)]


def free_text_in_rows(rows: pa.Table, skip: Collection[str]) -> list[str]:
    """The string columns of `rows` (a file's first rows) that hold free text, in column order;
    `skip` names the columns that are no candidates (the target, ignored columns, text columns
    already named)."""
    found = []
    for name, column in zip(rows.column_names, rows.columns, strict=True):
        if name in skip or not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            continue
        present = [value for value in column.to_pylist() if value is not None and value.strip()]
        if looks_like_free_text(len(set(present)), len(present), present):
            found.append(name)
    return found


def looks_like_free_text(distinct: int, present: int, samples: Sequence[str]) -> bool:
    """Whether a column with `distinct` values among `present` non-empty ones, of which `samples`
    are a sample, holds free text: many distinct values, long on average, of several words, mostly
    punctuated like sentences (a column of codes or names is varied but short; a column of a few
    boilerplate sentences is long but repeats; a column of headings is long but unpunctuated)."""
    if not samples or distinct < max(MIN_DISTINCT, MIN_DISTINCT_SHARE * present):
        return False
    mean_chars = sum(map(len, samples)) / len(samples)
    mean_words = sum(len(value.split()) for value in samples) / len(samples)
    punctuated = sum(1 for value in samples if _SENTENCE_MARK.search(value)) / len(samples)
    return mean_chars >= MIN_MEAN_CHARS and mean_words >= MIN_MEAN_WORDS and punctuated >= MIN_PUNCTUATED_SHARE


def _is_free_text(column: ColumnProfile) -> bool:
    if column.role != "feature" or column.type != "text" or not column.top_values:
        return False
    return looks_like_free_text(column.distinct, column.present, [value for value, _ in column.top_values])
