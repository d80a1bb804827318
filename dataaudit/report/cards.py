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
from typing import Any, Literal

from pydantic import ConfigDict, with_config

from dataaudit.jsontext import finite
from dataaudit.report.repository import repository_path
from dataaudit.wording import plural

# every field without `metadata=OMIT` is written, so the schema requires it; a field's docstring
# is its description there
STRICT = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True, use_attribute_docstrings=True)
OMIT_WHEN_NONE = "omit_when_none"
#: the metadata of a field that is absent from the JSON while it is None (typed as `X | None`)
OMIT = {OMIT_WHEN_NONE: True}
#: the layouts of a fine-tuning JSONL file (dataaudit.text.formats.TEXT_KINDS)
TextKind = Literal["chat", "prompt-completion", "instruction", "preference"]


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
    """What was read: each key only where its reader, engine or the audit knows it.

    A reader adding a key must add it here: `from_info` refuses one it does not know."""

    delimiter: str | None = field(default=None, metadata=OMIT)
    """The delimiter a CSV or TSV file was read with."""
    decimal: str | None = field(default=None, metadata=OMIT)
    """The decimal mark a CSV or TSV file's numbers were read with, where it is not the point (`,`)."""
    rows: int | None = field(default=None, metadata=OMIT)
    """Rows known before the pass: a Parquet file's metadata, an in-memory table."""
    path: str | None = field(default=None, metadata=OMIT)
    """The file as it was named (`<stdin>` for standard input)."""
    in_repository: str | None = field(default=None, metadata=OMIT)
    """The file's path from the root of the repository it lay in when it was audited (since
    schema 1.6): what SARIF, annotations and JUnit name it by, from whatever folder a saved
    report is rendered again (`repository.py`)."""
    format: str | None = field(default=None, metadata=OMIT)
    """csv, tsv, jsonl, parquet, or json for a JSON file holding one array; absent for an in-memory table."""
    kind: TextKind | None = field(default=None, metadata=OMIT)
    """A fine-tuning file's layout."""
    bytes: int | None = field(default=None, metadata=OMIT)
    """The file's size."""
    notes: list[str] | None = field(default=None, metadata=OMIT)
    """What the reader did that a person should know (a byte-order mark skipped)."""
    engine: str | None = field(default=None, metadata=OMIT)
    """The engine of the pass: local or spark."""
    sha256: str | None = field(default=None, metadata=OMIT)
    """Hex SHA-256 of the file's bytes; file inputs only."""
    name: str | None = field(default=None, metadata=OMIT)
    """How the report calls the data; absent on a split's card."""

    @classmethod
    def from_info(cls, info: Mapping[str, Any], name: str | None = None) -> SourceInfo:
        """The source part of a report from a profile's `source` dict (what its reader recorded),
        with the file's place in its repository, found now, while the path names it."""
        inside = repository_path(info.get("path"))
        return cls(**(dict(info) | ({"name": name} if name is not None else {})
                      | ({"in_repository": inside.as_posix()} if inside is not None else {})))

    def repository_file(self) -> str | None:
        """The file from its repository's root: as found when it was audited, else (a report of
        schema 1.5 or before) as found from the working folder now; None outside every root."""
        if self.in_repository is not None:
            return self.in_repository
        inside = repository_path(self.path)
        return None if inside is None else inside.as_posix()


@with_config(STRICT)
@dataclass(frozen=True)
class RulesInfo:
    name: str
    """A bundled pack's name or the file's stem."""
    path: str | None
    """The YAML file read; null for a rule pack built in Python."""
    sha256: str | None = field(default=None, metadata=OMIT)
    """SHA-256 of the pack's content: the file's bytes, or the canonical JSON of a pack built in
    Python; what a clean's manifest records instead of the path (since schema 1.1)."""


@with_config(STRICT)
@dataclass(frozen=True)
class ToolInfo:
    name: str
    version: str


@with_config(STRICT)
@dataclass(frozen=True)
class BaselineInfo:
    """The saved report an audit was gated against: a failing finding it already had, and no
    worse now, is forgiven (listed here, not blocking); a new or worsened one fails the gate."""

    path: str
    """The saved report as it was named."""
    created_at: str
    """When the saved report was made."""
    delta: float
    """How far a finding's number may move the bad way, as a share of its old value, before it counts as worse."""
    forgiven: list[str]
    """Fingerprints of the failing findings the saved report had too, no worse now."""
    new: list[str]
    """Fingerprints of the failing findings the saved report did not have."""
    worsened: list[str]
    """Fingerprints of the failing findings that got worse: a higher severity, or a number past `delta`."""

    def summary(self) -> str:
        """The line every format shows: what the baseline forgave, and what it could not."""
        return (f"against baseline {self.path}: forgave {plural(len(self.forgiven), 'failing finding')} it had "
                f"too, no worse now; {len(self.new)} new, {len(self.worsened)} worsened")


@with_config(STRICT)
@dataclass(frozen=True)
class IgnoredColumn:
    """A column left out of the features, and why."""

    column: str
    reason: str


@with_config(STRICT)
@dataclass(frozen=True)
class LabelCard:
    column: str
    counts: dict[str, int]
    """Rows per label as written (each spelling apart), most frequent first; none for a
    regression target (its table `target.distribution` describes it)."""
    missing: int
    """Rows without a label."""
    categorical: bool
    """False for a regression target, and when the target has too many distinct values to track
    as classes."""


@with_config(STRICT)
@dataclass(frozen=True)
class DuplicateCard:
    exact_rows: int
    """Rows that repeat an earlier row entirely."""
    feature_rows: int
    """Rows that repeat an earlier row's features."""
    conflict_groups: int
    """Groups of rows with the same features and different labels."""
    conflict_rows: int
    distinct_feature_rows: int


@with_config(STRICT)
@dataclass(frozen=True)
class NumericCard:
    """A numeric column's range, mean and spread. In JSON a number that is not finite is null:
    a column holding an infinity (`inf`, `1e999`) has an infinite maximum or minimum, an
    infinite or undefined mean and an undefined spread."""

    min: float | None
    max: float | None
    mean: float | None
    std: float | None

    def __post_init__(self) -> None:
        # as JSON carries them, so that a saved report renders as the audit did
        for name in ("min", "max", "mean", "std"):
            object.__setattr__(self, name, finite(getattr(self, name)))


@with_config(STRICT)
@dataclass(frozen=True)
class ColumnCard:
    name: str
    role: str
    """feature, target or ignored."""
    type: str
    kinds: dict[str, int]
    """Cells per kind of value (integer, float, text, ...)."""
    nulls: int
    """True nulls (empty cells)."""
    tokens: dict[str, int]
    """Disguised missing values (NA, ?, ...) and their counts."""
    sentinels: dict[str, int]
    """Sentinel numbers (-999, ...) and their counts."""
    sentinels_in_range: dict[str, int]
    """Sentinel numbers inside the column's range, so possibly real values."""
    missing: int
    missing_share: float
    distinct_estimate: int
    numeric: NumericCard | None = field(default=None, metadata=OMIT)
    """min, max, mean and std of a numeric column."""
    top_values: list[tuple[Any, int]] | None = field(default=None, metadata=OMIT)
    """[value, rows] pairs, most frequent first."""


@with_config(STRICT)
@dataclass(frozen=True)
class CopyCounts:
    """Copies among a fine-tuning file's examples."""

    exact: int
    near: int
    conflicting_answers: int
    """Examples whose prompt is answered differently elsewhere."""


@with_config(STRICT)
@dataclass(frozen=True)
class MatchKinds:
    """Counted once each, under the strongest way it was matched."""

    exact: int
    """Equal after lower-casing and dropping punctuation."""
    ngram: int
    """Shared n-grams cover at least the rule pack's share of the item's words."""
    near: int
    """Estimated Jaccard similarity of word 3-grams at or above the threshold, and no copy."""


@with_config(STRICT)
@dataclass(frozen=True)
class ContaminationCard:
    """One evaluation set against one training text (a fine-tuning file, or a text column)."""

    text: str
    """The training file or text column."""
    eval_set: str
    """The evaluation set's path (a split's, for a split compared as one)."""
    kind: str
    """Its layout: chat, prompt-completion, instruction, preference or table."""
    fields: list[str]
    """The fields an item's text was read from."""
    items: int
    """Items with text."""
    ngram: int
    items_matched: int
    items_by_kind: MatchKinds
    examples_matched: int
    """Training examples (lines or rows) holding an item."""
    examples_by_kind: MatchKinds
    copies_by_side: dict[str, int]
    """Examples holding a copy, by where the overlap lies: prompt, answer, both, or text (a column)."""


@with_config(STRICT)
@dataclass(frozen=True)
class TableCard:
    """What was audited, column by column: the card of the dataset and of each of its splits."""

    rows: int
    columns: int
    features: list[str]
    ignored: list[IgnoredColumn]
    labels: LabelCard | None
    """Null without a target."""
    duplicates: DuplicateCard
    column_profiles: list[ColumnCard]
    free_text_columns: list[str]
    """String columns of long, varied texts not audited with --text-column."""


@with_config(STRICT)
@dataclass(frozen=True)
class SplitPlace:
    """Where a split stands among the others; written before its card."""

    reference: bool
    """True for the split every other one is compared with (the first)."""
    source: SourceInfo
    share: float
    """Of the rows of all splits."""


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
    """Every split's card by name, the reference first; with splits only."""
    auto_text_columns: list[str] | None = field(default=None, metadata=OMIT)
    """Free-text columns audited as text without --text-column (their first rows held long, varied
    texts; --no-auto-text turns this off); only when there are some. New in schema 1.2."""
    kind: TextKind | None = field(default=None, metadata=OMIT)
    """A fine-tuning file's layout."""
    texts: int | None = field(default=None, metadata=OMIT)
    """Examples with text to measure."""
    messages: int | None = field(default=None, metadata=OMIT)
    tokenizer: str | None = field(default=None, metadata=OMIT)
    """The tokenizer that counted tokens, or how they were estimated."""
    tokens_estimated: bool | None = field(default=None, metadata=OMIT)
    roles: dict[str, int] | None = field(default=None, metadata=OMIT)
    """Messages per role."""
    languages: dict[str, int] | None = field(default=None, metadata=OMIT)
    """Examples per language (ISO 639-1 code, most first; `undetermined`: too short or unsure to tell),
    when the languages were detected."""
    copies: CopyCounts | None = field(default=None, metadata=OMIT)
    contamination: list[ContaminationCard] | None = field(default=None, metadata=OMIT)
    """Evaluation sets compared with the texts (--eval-set, or the other splits); only then."""
    pii: dict[str, int] | None = field(default=None, metadata=OMIT)
    """Personal values and secrets found in the texts, per kind (email, phone, card, iban, ssn, ip,
    url_credentials, private_key, secret); only when some were. The values themselves are in no
    report."""
