"""Row steps: which rows leave the cleaned data for the quarantine file, and why.

Rows are judged on their cleaned values (tokens nulled, text trimmed, labels merged), so
two rows that become identical by cleaning are duplicates, and a re-audit of the output finds
none. Cells are hashed by the audit's own value hashing (`profile/values.py`): a text cell is
its text (`007` is not `7`), a typed cell its value (a Parquet 3.0 is the cell `3`). The
hashes of every row are kept (24 bytes a row, as in the audit) until the decisions are made;
then one byte a row remains. They are folded as the audit folds its own, so that a row no
step rewrote takes the audit's hashes instead of being hashed again (`audited.py`).

Steps run in order, each on the rows the earlier ones kept: rows that repeat the header
(`profile.headers`, judged on the rows as read), values that cannot be cast, missing labels,
duplicates (keep the first), conflicting-label groups, rows given by the caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pyarrow as pa

from dataaudit.arrays import factorize, first_of_each, repeated, repeats, to_numpy
from dataaudit.errors import InputError
from dataaudit.preprocess.audited import AuditedRows
from dataaudit.preprocess.base import Tally
from dataaudit.profile.json_strings import strings_kept_apart
from dataaudit.profile.late_keys import features_and_whole, summed_pairs
from dataaudit.profile.rows import combine
from dataaudit.profile.spec import ProfileSpec
from dataaudit.profile.values import cell_hashes

KEEP = 0
KEPT = "kept"
#: the codes in the order they were added, not the order the steps run in: a code keeps its number
REASONS = ("", "not_a_number", "missing_label", "duplicate", "label_conflict", "minority_label", "given",
           "repeated_header")
NOT_A_NUMBER, MISSING_LABEL, DUPLICATE, CONFLICT, MINORITY, GIVEN, HEADER = range(1, len(REASONS))
STEP_OF = {NOT_A_NUMBER: "coerce_numeric", MISSING_LABEL: "missing_labels", DUPLICATE: "duplicates",
           CONFLICT: "conflicts", MINORITY: "conflicts", GIVEN: "quarantine_rows", HEADER: "repeated_header"}
_NO_STRINGS: Mapping[str, np.ndarray] = MappingProxyType({})
#: past this many distinct labels the target is no class label, and classes are not counted
MAX_NAMED_CLASSES = ProfileSpec().max_tracked_labels


@dataclass
class _Rewritten:
    """Rows a value step rewrote in one chunk, cleaned (`batch`), and their numbers in the
    chunk's `audited` identities, which their own hashes replace."""

    batch: pa.RecordBatch
    audited: AuditedRows
    rows: np.ndarray
    strings: Mapping[str, np.ndarray]  # which of its cells were JSON strings (`io.json_strings`)


def _joined_strings(parts: list[_Rewritten]) -> dict[str, np.ndarray]:
    """The JSON string cells of `parts`' rows joined in order; a column one part has no note
    for holds no string there."""
    names = {name for part in parts for name in part.strings}
    return {name: np.concatenate([part.strings.get(name, np.zeros(len(part.rows), dtype=bool)) for part in parts])
            for name in names}


def no_label(column: pa.Array) -> np.ndarray:
    """The rows of a label column without a label: null, or NaN in a column of floats (a
    Parquet or Arrow target's missing value, which the audit counts as missing too)."""
    return to_numpy(column.is_null(nan_is_null=True))


@dataclass
class RowHashes:
    """The cleaned rows' identities, gathered chunk by chunk in row order."""

    target: str | None
    ignored: tuple[str, ...]
    #: a JSON Lines table's late keys, columns of the chunks as the clean's steps clean them and
    #: folded into the identities as the audit folds them (`profile.late_keys`)
    late: tuple[str, ...] = ()
    whole: list[np.ndarray] = field(default_factory=list)
    features: list[np.ndarray] = field(default_factory=list)
    label: list[np.ndarray] = field(default_factory=list)
    unlabelled: list[np.ndarray] = field(default_factory=list)
    invalid: list[np.ndarray] = field(default_factory=list)
    #: the rows that repeat the header, found on the rows as read (cleaning trims and casts them)
    headers: list[np.ndarray] = field(default_factory=list)
    #: each cleaned label's hash -> its text, to name a class in the row decisions
    label_names: dict[int, str] = field(default_factory=dict)
    #: rewritten rows not hashed yet, with where their identities go (`flush`)
    pending: list[_Rewritten] = field(default_factory=list)

    def add(self, batch: pa.RecordBatch, invalid: np.ndarray, headers: np.ndarray | None = None,
            strings: Mapping[str, np.ndarray] = _NO_STRINGS) -> None:
        """The identities of the chunk `batch`, as cleaned, hashed here; `headers`: its rows that
        repeat the header, as read (none when not given); `strings`: its cells that were JSON
        strings, as read (`io.json_strings`: a step keeps a string a string)."""
        # a batch left without columns (all dropped) has lost its row count: `invalid` keeps it
        n = len(invalid)
        whole, features, label = self._identities(batch, n, strings)
        unlabelled = self._add(whole, features, label, invalid, headers)
        if self.target in batch.schema.names:
            column = batch.column(self.target)
            unlabelled[:] = no_label(column)
            self._name_labels(column, label, unlabelled)

    def add_audited(self, batch: pa.RecordBatch, invalid: np.ndarray, audited: AuditedRows,
                    rewritten: np.ndarray, cleaned: pa.RecordBatch, headers: np.ndarray | None = None,
                    strings: Mapping[str, np.ndarray] = _NO_STRINGS) -> None:
        """The identities of the chunk `batch`, as read, given the `audited` identities of its
        rows: taken from them but for the `rewritten` rows (`cleaned` holds them as cleaned),
        which are hashed (into `audited`) with those of the next chunks, by `flush`: a few rows
        of each chunk, hashed a column at a time, cost mostly the calls, so they are hashed
        together, up to a chunk's rows; `strings`: the chunk's cells that were JSON strings."""
        n = len(invalid)
        rows = np.flatnonzero(rewritten)
        if rows.size:
            self._defer(_Rewritten(cleaned, audited, rows, {name: cells[rows] for name, cells in strings.items()}), n)
        unlabelled = self._add(audited.whole, audited.features, audited.label, invalid, headers)
        if self.target in batch.schema.names:
            column = batch.column(self.target)
            unlabelled[:] = no_label(column)
            unlabelled[rows] = no_label(cleaned.column(self.target))
            # the rewritten rows' labels are named once hashed (`flush`): a hash is one text,
            # whichever row names it; until then these rows are passed over as unlabelled ones are
            passed = unlabelled.copy() if rows.size else unlabelled
            passed[rows] = True
            self._name_labels(column, audited.label, passed)

    def _add(self, whole: np.ndarray, features: np.ndarray, label: np.ndarray, invalid: np.ndarray,
             headers: np.ndarray | None) -> np.ndarray:
        """Keep one chunk's identities; its rows' unlabelled flags, none set, for the caller to
        set where the chunk has the label column."""
        self.whole.append(whole)
        self.features.append(features)
        self.label.append(label)
        self.invalid.append(invalid)
        self.headers.append(np.zeros(len(invalid), dtype=bool) if headers is None else headers)
        unlabelled = np.zeros(len(invalid), dtype=bool)
        self.unlabelled.append(unlabelled)
        return unlabelled

    def _defer(self, part: _Rewritten, chunk_rows: int) -> None:
        """Set `part` aside; hash what is set aside once it holds a chunk's rows (memory stays
        that of a chunk), or before a part of other columns or types joins it."""
        if self.pending and not part.batch.schema.equals(self.pending[0].batch.schema):
            self.flush()
        self.pending.append(part)
        if sum(p.batch.num_rows for p in self.pending) >= chunk_rows:
            self.flush()

    def flush(self) -> None:
        """Hash the rewritten rows set aside by `add`, all at once, into the identities they
        belong to (a cell's hash is its value's, whatever rows are hashed beside it)."""
        if not self.pending:
            return
        parts, self.pending = self.pending, []
        # one batch, or several where the texts joined would pass what one string array can hold
        joined = pa.Table.from_batches([p.batch for p in parts]).combine_chunks().to_batches()
        strings = _joined_strings(parts)
        hashed = []
        start = 0
        for batch in joined:
            end = start + batch.num_rows
            hashed.append(self._identities(batch, batch.num_rows,
                                           {name: cells[start:end] for name, cells in strings.items()}))
            start = end
        whole, features, label = (np.concatenate([h[i] for h in hashed]) for i in range(3))
        start = 0
        for part in parts:
            end = start + len(part.rows)
            into = part.audited
            into.whole[part.rows], into.features[part.rows], into.label[part.rows] = (
                whole[start:end], features[start:end], label[start:end])
            start = end
        if self.target in parts[0].batch.schema.names:
            for batch, (_, _, labels) in zip(joined, hashed, strict=True):
                column = batch.column(self.target)
                self._name_labels(column, labels, to_numpy(column.is_null()))

    def _in_features(self, column: str) -> bool:
        return column != self.target and column not in self.ignored

    def _identities(self, batch: pa.RecordBatch, n: int,
                    strings: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Whole-row, features and label hashes, folded as the audit folds them
        (`PartialProfile.add`, JSON strings kept apart and the late keys' cells folded in as
        pairs, here as the steps cleaned them), so that they compare with the audit's own."""
        hashes = strings_kept_apart({name: cell_hashes(batch.column(name)) for name in batch.schema.names}, batch,
                                    strings)
        late_hashes = {name: hashes.pop(name) for name in self.late if name in hashes}
        late = summed_pairs(late_hashes, self._in_features, n) if late_hashes else None
        identity = [c for c in hashes if self._in_features(c)]
        features, whole = features_and_whole(hashes, identity, n, late)
        label = hashes[self.target] if self.target in hashes else np.zeros(n, dtype=np.uint64)
        return whole, features, label

    def _name_labels(self, column: pa.Array, hashes: np.ndarray, unlabelled: np.ndarray) -> None:
        """Name each label hash of the chunk not named yet by the text of its first row: the
        first rows of each hash found by numbering the hashes in one pass of Arrow's hash table
        (`factorize`), not by a sort (`np.unique`: 2.4 ms against 0.8 for 70,000 rows)."""
        if len(self.label_names) >= MAX_NAMED_CLASSES:
            return
        labelled = np.flatnonzero(~unlabelled)
        rows = labelled[first_of_each(factorize(hashes[labelled]))]
        for label_hash, row in zip(hashes[rows].tolist(), rows.tolist(), strict=True):
            if label_hash not in self.label_names:
                self.label_names[label_hash] = str(column[row].as_py())


@dataclass
class Decisions:
    """Per row, 0 (kept) or the code of the step that quarantined it; reason and score of given
    rows; per class (cleaned label), its rows kept (`KEPT`) and taken by each step."""

    codes: np.ndarray
    given: dict[int, tuple[str, float | None]] = field(default_factory=dict)
    tallies: dict[str, Tally] = field(default_factory=dict)
    classes: dict[str, dict[str, int]] = field(default_factory=dict)

    def reasons(self, rows: np.ndarray) -> list[str]:
        """The `_reason` text of the quarantined `rows`."""
        return [_given_text(*self.given[int(row)]) if code == GIVEN else REASONS[code]
                for row, code in zip(rows, self.codes[rows], strict=True)]

    @property
    def quarantined(self) -> int:
        return int(np.count_nonzero(self.codes))

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for code, n in zip(*np.unique(self.codes[self.codes > 0], return_counts=True), strict=True):
            if code != GIVEN:
                counts[REASONS[code]] = int(n)
        for reason, _ in self.given.values():
            counts[reason] = counts.get(reason, 0) + 1
        return counts


def _given_text(reason: str, score: float | None) -> str:
    return reason if score is None else f"{reason} (score {score:.4g})"


def check_given(given: Mapping[Any, Any] | None) -> None:
    """Refuse, before any pass, rows to quarantine given otherwise than `decide` takes them: each
    key a row's 0-based position (an integer, not a label of a frame's index, not a bool), each
    value a reason (text) or a (reason, score) pair. A list of rows is refused too: it gives no
    reason, and the quarantine says why each row left."""
    if given is not None and not isinstance(given, Mapping):
        raise InputError(f"quarantine_rows must map each row's 0-based position to a reason, such as "
                         f"{{17: 'mislabelled'}} or {{17: ('mislabelled', 0.93)}}, not a {type(given).__name__}")
    for row, reason in (given or {}).items():
        if isinstance(row, bool) or not isinstance(row, int | np.integer):
            raise InputError(f"quarantine_rows: {row!r} is no row position; give each row's 0-based position "
                             "(an integer), not its label in a DataFrame's index")
        pair = isinstance(reason, tuple | list) and len(reason) == 2
        if not (isinstance(reason, str) or (pair and isinstance(reason[0], str) and isinstance(reason[1], int | float)
                                            and not isinstance(reason[1], bool))):
            raise InputError(f"quarantine_rows: row {row}: {reason!r} is no reason; give a text, or a (text, score) "
                             "pair")


def row_steps(duplicates: str, conflicts: str, has_features: bool) -> tuple[str, str]:
    """The duplicates and conflicts steps to run: as configured, but a table without a feature
    column (every column the target or ignored, an id beside the label) has the same, empty
    features in every row, which no row repeats and no label contradicts: only whole rows repeat,
    and no group conflicts (each would take every row)."""
    if has_features:
        return duplicates, conflicts
    return ("keep" if duplicates == "keep" else "exact"), "keep"


def decide(rows: RowHashes, missing_labels: str, duplicates: str, conflicts: str,
           given: Mapping[int, str | tuple[str, float]] | None = None) -> Decisions:
    """Run the row steps in order over the whole dataset's hashes."""
    rows.flush()
    # each list is emptied as it is joined: the chunks and the joined array never coexist for long
    whole = _concat(rows.whole, np.uint64)
    features = _concat(rows.features, np.uint64)
    label = _concat(rows.label, np.uint64)
    unlabelled = _concat(rows.unlabelled, bool)
    codes = np.zeros(len(whole), dtype=np.int8)
    if rows.headers:
        # first: a header's text is no number either, and the row is no data at all
        codes[_concat(rows.headers, bool)] = HEADER
    codes[(codes == KEEP) & _concat(rows.invalid, bool)] = NOT_A_NUMBER
    if missing_labels == "quarantine" and rows.target is not None:
        codes[(codes == KEEP) & unlabelled] = MISSING_LABEL
    # rows equal in every column, or in features and label, are equal in features: a row whose
    # features no other row has is neither a duplicate nor in a conflict. One sort of the
    # features finds the few rows the two steps then search, instead of a sort of every row each
    shared = repeated(features) if duplicates != "keep" or conflicts != "keep" else None
    if duplicates != "keep":
        kept = np.flatnonzero((codes == KEEP) & shared)
        identity = whole[kept] if duplicates == "exact" else combine([features[kept], label[kept]], len(kept))
        codes[kept[repeats(identity)]] = DUPLICATE
    if conflicts != "keep" and rows.target is not None:
        _conflicts(codes, features, label, ~unlabelled & shared, majority=conflicts == "majority")
    decisions = Decisions(codes)
    for row, reason in sorted((given or {}).items()):
        if not 0 <= row < len(codes):
            raise ValueError(f"row {row} to quarantine is not a row of the data (0 to {len(codes) - 1})")
        if codes[row] == KEEP:
            codes[row] = GIVEN
            decisions.given[row] = (reason, None) if isinstance(reason, str) else (reason[0], float(reason[1]))
    for code, step in STEP_OF.items():
        tally = decisions.tallies.setdefault(step, Tally())
        tally.rows_quarantined += int(np.count_nonzero(codes == code))
    if rows.target is not None and len(rows.label_names) < MAX_NAMED_CLASSES:
        decisions.classes = _fate_of_classes(codes, label, unlabelled, rows.label_names)
    return decisions


def _fate_of_classes(codes: np.ndarray, label: np.ndarray, unlabelled: np.ndarray,
                     names: dict[int, str]) -> dict[str, dict[str, int]]:
    """Per class, in the order the classes first appear, how many of its rows are kept and how
    many each step takes (steps in the order of their codes). A row repeating the header is of
    no class: its label is the column's name."""
    labelled = ~unlabelled & (codes != HEADER)
    label_code = factorize(label[labelled])
    label_hashes = label[labelled][first_of_each(label_code)]
    counts = np.bincount(label_code * len(REASONS) + codes[labelled],
                         minlength=len(label_hashes) * len(REASONS)).reshape(-1, len(REASONS))
    classes: dict[str, dict[str, int]] = {}
    for index, code in zip(*np.nonzero(counts), strict=True):
        fate = classes.setdefault(names[int(label_hashes[index])], {KEPT: 0})
        step = KEPT if code == KEEP else STEP_OF[int(code)]
        fate[step] = fate.get(step, 0) + int(counts[index, code])
    return classes


def _conflicts(codes: np.ndarray, features: np.ndarray, label: np.ndarray, eligible: np.ndarray,
               majority: bool) -> None:
    """Groups of kept, `eligible` rows (labelled, their features another row's too) with equal
    features and more than one label: all of the group to quarantine, or (majority) the rows
    outside the group's most frequent label, when one label is more frequent than every other."""
    candidates = np.flatnonzero((codes == KEEP) & eligible)
    shared = candidates[repeated(features[candidates])]
    if not shared.size:
        return
    # groups, labels and (group, label) pairs as small integer codes
    group, label_code = factorize(features[shared]), factorize(label[shared])
    pair = factorize(group * (int(label_code.max()) + 1) + label_code)
    pair_group = np.zeros(int(pair.max()) + 1, dtype=np.int64)
    pair_group[pair] = group
    pair_label = np.zeros_like(pair_group)
    pair_label[pair] = label_code
    mixed = np.bincount(pair_group)[group] > 1  # rows of a group with more than one label
    if not majority:
        codes[shared[mixed]] = CONFLICT
        return
    size = np.bincount(pair)
    largest = np.zeros(int(group.max()) + 1, dtype=np.int64)
    np.maximum.at(largest, pair_group, size)
    leads = size == largest[pair_group]
    single = np.bincount(pair_group[leads], minlength=len(largest)) == 1
    winner = np.full(len(largest), -1)
    winner[pair_group[leads]] = pair_label[leads]
    won = np.where(single, winner, -1)[group]
    codes[shared[mixed & (won < 0)]] = CONFLICT
    codes[shared[mixed & (won >= 0) & (label_code != won)]] = MINORITY


def _concat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    joined = np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)
    parts.clear()
    return joined
