"""The extracted profile: plain, read-only facts about a dataset that every check reads.

Checks never see pyarrow, pandas or the file; they see this. A profile from the local engine
and one from a distributed engine are the same objects with the same numbers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from dataaudit.profile.runs import Run

if TYPE_CHECKING:
    from dataaudit.profile.groups import GroupProfile
    from dataaudit.profile.label_quality import LabelQuality, TargetResiduals
    from dataaudit.profile.periods import PeriodProfile
    from dataaudit.profile.sample import RowSample
    from dataaudit.profile.shortcuts import Shortcuts
    from dataaudit.profile.text import TextProfile


@dataclass(frozen=True)
class NumericSummary:
    count: int
    min: float
    max: float
    mean: float
    std: float


@dataclass(frozen=True)
class ColumnProfile:
    """One column. Missing cells are `nulls` (empty or null) plus `tokens` (disguised: "?",
    "NA", ...) plus `sentinels` (listed numbers such as -999 lying outside the column's range).
    """

    name: str
    role: str
    rows: int
    type: str
    kinds: dict[str, int]
    spaced: int
    kind_rows: dict[str, list[int]]
    nulls: int
    null_rows: list[int]
    tokens: dict[str, int]
    token_rows: list[int]
    sentinels: dict[str, int]
    sentinel_rows: list[int]
    sentinels_in_range: dict[str, int]
    distinct: int
    numeric: NumericSummary | None
    top_values: list[tuple[str, int]] | None
    #: every tracked non-numeric value with its count (None past the tracking limit)
    value_counts: dict[str, int] | None = None
    #: values at the percentiles 0, 1, ..., 100 of the numbers (with `ProfileSpec.quantiles`)
    percentiles: list[float] | None = None
    #: numbers not written as they print (`007`, `1.10`, `1e3`): as numbers they would be rewritten
    respelled: int = 0
    #: text cells, missing-value tokens aside, that start or end with whitespace (`" red"`): trimming rewrites them
    padded: int = 0
    #: text cells that read as ISO 8601 dates or timestamps (`values.date_texts`): a CSV's dates,
    #: which a reader loads as the dates a typed file holds
    dated: int = 0
    #: text cells that are numbers as a spreadsheet formats them (`12,5`, `1,200`, `$12`, `12%`:
    #: `values.formatted_numbers`), which readers take for text, and their first rows
    formatted: int = 0
    formatted_rows: list[int] = field(default_factory=list)
    #: infinite numbers (`inf`, `-Infinity`, `1e999`), which a model's input refuses, and their first rows
    infinite: int = 0
    infinite_rows: list[int] = field(default_factory=list)

    @property
    def disguised(self) -> int:
        return sum(self.tokens.values()) + sum(self.sentinels.values())

    @property
    def missing(self) -> int:
        return self.nulls + self.disguised

    @property
    def present(self) -> int:
        return self.rows - self.missing


@dataclass(frozen=True)
class ConflictGroup:
    rows: list[int]
    size: int
    labels: dict[str, int]


@dataclass(frozen=True)
class DuplicateProfile:
    """Exact duplicates are identical in every column; feature duplicates repeat the features
    and the (folded) label, possibly differing in ignored columns; a conflict group is a set of
    rows with identical features and more than one label."""

    exact_rows: int
    exact_examples: list[tuple[int, int]]
    feature_rows: int
    feature_examples: list[tuple[int, int]]
    conflict_groups: int
    conflict_rows: int
    conflict_examples: list[ConflictGroup]
    #: how many different feature rows there are (ignored columns and the label left out)
    distinct_feature_rows: int = 0


@dataclass(frozen=True)
class Placeholders:
    """The target's numbers that could be placeholders (see `dataaudit.profile.placeholders`),
    each with its rows and first row numbers, and the range of its other numbers (None without any)."""

    counts: dict[float, int]
    rows: dict[float, list[int]]
    others_min: float | None
    others_max: float | None


@dataclass(frozen=True)
class LabelProfile:
    """The target: counts per spelling as written, and per folded key (spellings merged); for
    its numbers, the longest run of one number in row order and the placeholder candidates."""

    column: str
    counts: dict[str, int]
    folded: dict[str, dict[str, int]]
    missing: int
    missing_rows: list[int]
    tracked: bool
    longest_run: Run | None = None
    placeholders: Placeholders | None = None


@dataclass(frozen=True)
class Profile:
    rows: int
    columns: list[ColumnProfile]
    features: list[str]
    ignored: dict[str, str]
    label: LabelProfile | None
    duplicates: DuplicateProfile
    missing_per_row: list[int]
    missing_per_row_examples: dict[int, list[int]]
    source: dict[str, Any] = field(default_factory=dict)
    #: the comparison with the other splits of the dataset, when there are any
    splits: Any = None
    text: list[TextProfile] = field(default_factory=list)
    sample: RowSample | None = None  # labelled rows for model-based checks, when asked for
    label_quality: LabelQuality | None = None  # model-based label findings, computed before the checks
    #: the ignored columns kept in the rows' identity all the same (`ProfileSpec.keys`)
    keys: list[str] = field(default_factory=list)
    #: the ignored columns found id-like, which the row sample keeps (`ProfileSpec.ids`)
    ids: list[str] = field(default_factory=list)
    target_residuals: TargetResiduals | None = None  # the same model step on a regression target
    shortcuts: Shortcuts | None = None  # single columns and text tokens against the label, before the checks
    #: rows the reader set aside (`bad_rows="skip"`), as the report lists them: known only after the pass
    problems: list[dict[str, Any]] = field(default_factory=list)
    #: JSON Lines keys first met past the rows the columns are read from (`LateKey`): their rows
    #: are audited, their values are not; known only after the pass
    late_keys: list[dict[str, Any]] = field(default_factory=list)
    #: the columns whose every value present is a JSON number (`Source.json_numbers`): numbers by
    #: type whatever their digits (`2.50`), as a typed column's are; known only after the pass
    json_numbers: list[str] = field(default_factory=list)
    #: the columns holding an object or an array (`Source.json_nested`): nested values, which no
    #: step rewrites as text; known only after the pass
    json_nested: list[str] = field(default_factory=list)
    #: the columns holding a JSON string that another JSON value present in them reads as (`"1"`
    #: beside `1`): two values where their text is one (`partial.read_as_other`)
    json_mixed: list[str] = field(default_factory=list)
    #: rows per value of the group columns (`--group-column`, or id-like columns that repeat)
    groups: list[GroupProfile] = field(default_factory=list)
    #: the file read period by period of its time column, when it has one
    periods: PeriodProfile | None = None
    #: rows whose every cell is its column's name (`profile.headers`), and the first of them
    repeated_headers: int = 0
    repeated_header_rows: list[int] = field(default_factory=list)

    def column(self, name: str) -> ColumnProfile:
        return next(c for c in self.columns if c.name == name)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
