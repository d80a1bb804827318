"""The typed parts of a report: where the data came from, what it holds, which rules and tool judged it.

Renderers read these by attribute, so a renamed field fails at test time instead of leaving a
chart or a line silently empty. Each class is the JSON it writes, key for key and in that order
(`plain`); a field declared with `omitted()` is left out of the JSON while it is None, so a CSV's
source carries a `delimiter` and a Parquet file's none. Unknown keys are refused when a report is
read (`extra="forbid"`), and the generated JSON Schema says `additionalProperties: false`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import Field, dataclass, field, fields, is_dataclass
from enum import Enum
from typing import Any

from pydantic import ConfigDict, with_config

# every field without `metadata=OMIT` is written, so the schema requires it
STRICT = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)
OMIT_WHEN_NONE = "omit_when_none"
#: the metadata of a field that is absent from the JSON while it is None (typed as `X | None`)
OMIT = {OMIT_WHEN_NONE: True}


def omittable(f: Field[Any]) -> bool:
    return bool(f.metadata.get(OMIT_WHEN_NONE))


def plain(value: Any) -> Any:
    """`value` as JSON values: a dataclass as an object of its fields in declaration order
    (leaving out an omittable field that is None), an enum as its value, a tuple as a list."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(v) for f in fields(value)
                if not ((v := getattr(value, f.name)) is None and omittable(f))}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


@with_config(STRICT)
@dataclass(frozen=True)
class SourceInfo:
    """What was read: every key a reader, an engine or the audit records about its input.

    A reader adding a key must add it here: `from_info` refuses one it does not know."""

    delimiter: str | None = field(default=None, metadata=OMIT)  # CSV/TSV
    rows: int | None = field(default=None, metadata=OMIT)  # known before the pass (Parquet, a table)
    path: str | None = field(default=None, metadata=OMIT)  # the name given, for a file (`-` for standard input)
    format: str | None = field(default=None, metadata=OMIT)  # csv, tsv, jsonl, parquet; absent for an in-memory table
    kind: str | None = field(default=None, metadata=OMIT)  # fine-tuning files: chat, prompt_completion, instruction
    bytes: int | None = field(default=None, metadata=OMIT)
    notes: list[str] | None = field(default=None, metadata=OMIT)  # what the reader did that matters (a BOM)
    engine: str | None = field(default=None, metadata=OMIT)  # local or spark
    sha256: str | None = field(default=None, metadata=OMIT)  # hex SHA-256 of the file's bytes; file inputs only
    name: str | None = field(default=None, metadata=OMIT)  # how the report calls the data; absent on a split's card

    @classmethod
    def from_info(cls, info: Mapping[str, Any], name: str | None = None) -> SourceInfo:
        """The source part of a report from a profile's `source` dict, without the row problems
        (the `source.bad_rows` finding reports them)."""
        known = {k: v for k, v in info.items() if k != "problems"}
        return cls(**(known | ({"name": name} if name is not None else {})))


@with_config(STRICT)
@dataclass(frozen=True)
class RulesInfo:
    name: str  # a bundled pack's name or the file's stem
    path: str | None  # the YAML file read; None for a rule pack built in Python


@with_config(STRICT)
@dataclass(frozen=True)
class ToolInfo:
    name: str
    version: str


@with_config(STRICT)
@dataclass(frozen=True)
class IgnoredColumn:
    column: str
    reason: str


@with_config(STRICT)
@dataclass(frozen=True)
class LabelCard:
    column: str
    counts: dict[str, int]  # rows per label as written, most frequent first
    missing: int
    categorical: bool  # False: too many distinct values to track as classes


@with_config(STRICT)
@dataclass(frozen=True)
class DuplicateCard:
    exact_rows: int
    feature_rows: int
    conflict_groups: int
    conflict_rows: int
    distinct_feature_rows: int


@with_config(STRICT)
@dataclass(frozen=True)
class NumericCard:
    min: float
    max: float
    mean: float
    std: float


@with_config(STRICT)
@dataclass(frozen=True)
class ColumnCard:
    name: str
    role: str  # feature, target or ignored
    type: str
    kinds: dict[str, int]  # cells per kind of value (integer, float, text, ...)
    nulls: int
    tokens: dict[str, int]  # disguised missing values (NA, ?, ...) and their counts
    sentinels: dict[str, int]
    sentinels_in_range: dict[str, int]
    missing: int
    missing_share: float
    distinct_estimate: int
    numeric: NumericCard | None = field(default=None, metadata=OMIT)
    top_values: list[tuple[Any, int]] | None = field(default=None, metadata=OMIT)  # [value, rows], most frequent first


@with_config(STRICT)
@dataclass(frozen=True)
class CopyCounts:
    """Copies among a fine-tuning file's examples."""

    exact: int
    near: int
    conflicting_answers: int


@with_config(STRICT)
@dataclass(frozen=True)
class TableCard:
    """What was audited, column by column: the card of the dataset and of each of its splits."""

    rows: int
    columns: int
    features: list[str]
    ignored: list[IgnoredColumn]
    labels: LabelCard | None
    duplicates: DuplicateCard
    column_profiles: list[ColumnCard]
    free_text_columns: list[str]  # long, varied texts not audited with --text-column


@with_config(STRICT)
@dataclass(frozen=True)
class SplitPlace:
    """Where a split stands among the others; written before its card."""

    reference: bool  # the split every other one is compared with
    source: SourceInfo
    share: float  # of the rows of all splits


@with_config(STRICT)
@dataclass(frozen=True)
class SplitCard(TableCard, SplitPlace):
    """One split's card: its place, then the same keys as the dataset's."""

    @classmethod
    def of(cls, card: TableCard, place: SplitPlace) -> SplitCard:
        return cls(**{f.name: getattr(place, f.name) for f in fields(SplitPlace)},
                   **{f.name: getattr(card, f.name) for f in fields(TableCard)})


@with_config(STRICT)
@dataclass(frozen=True)
class DatasetCard(TableCard):
    """The dataset's card: a table's, with its splits when it has some; a fine-tuning file's
    adds what its texts hold."""

    splits: dict[str, SplitCard] | None = field(default=None, metadata=OMIT)
    kind: str | None = field(default=None, metadata=OMIT)
    texts: int | None = field(default=None, metadata=OMIT)
    messages: int | None = field(default=None, metadata=OMIT)
    tokenizer: str | None = field(default=None, metadata=OMIT)
    tokens_estimated: bool | None = field(default=None, metadata=OMIT)
    roles: dict[str, int] | None = field(default=None, metadata=OMIT)  # messages per role
    copies: CopyCounts | None = field(default=None, metadata=OMIT)
