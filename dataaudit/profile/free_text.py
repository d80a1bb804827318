"""Free-text columns of a table that the audit did not read as text.

A table audit treats a string column as categories: it counts values, it does not look for
empty, copied, overlong or scraped texts. A column of long, varied sentences (a prompt, a review,
an answer) is better audited with `--text-column`; this names the candidates so the console can
say so. The judgement reads what the table profile already holds: the number of distinct values
and the most frequent values, which for such a column are a sample of its texts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dataaudit.profile.model import ColumnProfile, Profile

MIN_DISTINCT = 10
MIN_DISTINCT_SHARE = 0.2
MIN_MEAN_CHARS = 40
MIN_MEAN_WORDS = 6


def free_text_columns(profile: Profile) -> list[str]:
    """Feature columns that hold free text and are not already audited as text, in column order."""
    audited = {t.name for t in profile.text}
    return [c.name for c in profile.columns if c.name not in audited and _is_free_text(c)]


def _is_free_text(column: ColumnProfile) -> bool:
    if column.role != "feature" or column.type != "text" or not column.top_values:
        return False
    if column.distinct < max(MIN_DISTINCT, MIN_DISTINCT_SHARE * column.present):
        return False
    samples = [value for value, _ in column.top_values]
    mean_chars = sum(map(len, samples)) / len(samples)
    mean_words = sum(len(value.split()) for value in samples) / len(samples)
    return mean_chars >= MIN_MEAN_CHARS and mean_words >= MIN_MEAN_WORDS
