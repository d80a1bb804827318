"""The extracted text profile: plain facts about the texts of one file or column."""

from __future__ import annotations

from dataclasses import dataclass

from dataaudit.text.lengths import LengthSummary


@dataclass(frozen=True)
class TextProfile:
    """One fine-tuning file (`kind` chat, prompt-completion or instruction; `numbers` are
    1-based file lines) or one text column of a table (`kind` column; `numbers` are 0-based data
    rows). `records` counts lines or cells; `texts` those with text to measure. `error_keys`
    counts, per error kind, the lines naming each key; `metadata` the lines carrying each
    top-level key the layout does not read."""

    name: str
    kind: str
    unit: str
    records: int
    texts: int
    errors: dict[str, int]
    error_lines: dict[str, list[int]]
    error_records: int
    error_keys: dict[str, dict[str, int]]
    metadata: dict[str, int]
    messages: int
    roles: dict[str, int]
    lengths: dict[str, LengthSummary]
    tokenizer: str
    tokens_estimated: bool
    max_tokens: int
    over_limit: int
    over_limit_lines: list[int]
    empty: int
    empty_lines: list[int]
    markup: int
    markup_kinds: dict[str, int]
    markup_lines: list[int]
    duplicates: int
    duplicate_examples: list[tuple[int, int]]
    near_duplicates: int
    near_duplicate_clusters: int
    near_duplicate_examples: list[tuple[int, int]]
    near_threshold: float
    conflict_groups: int
    conflict_records: int
    conflict_examples: list[list[int]]
    length_outliers: int
    length_outlier_lines: list[int]
    length_bounds: tuple[int, int] | None
    labelled: bool = False
