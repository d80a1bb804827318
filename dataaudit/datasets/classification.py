"""Deterministic synthetic classification dataset with known, exactly counted issues.

Why this exists: an auditor can only be tested (and benchmarked) honestly against
data whose problems are known *exactly*. :func:`make_dirty_classification` builds a learnable
4-class table, injects every kind of issue ``dataaudit`` looks for, and returns a
ground-truth dict whose counts are measured by scanning the final table (not taken
from the injection bookkeeping), so they stay exact even where injections overlap
(for example an exact duplicate of a row copies that row's nulls too).

Everything is vectorised numpy/pyarrow: a million rows take a few seconds.

Ground-truth conventions (all row positions are 0-based data-row indices of the
final, shuffled table, header excluded):

* feature columns are all columns except ``id`` and ``label``;
* duplicates are counted keep-first (the first occurrence is not a duplicate);
* a cell is "missing" if it is null, a disguised token (exact string match with
  :data:`SCANNED_TOKENS`) or the numeric sentinel ``-999``;
* label variants are folded with ``strip().lower()`` for conflict detection.

Command line::

    python -m dataaudit.datasets.classification --rows 100000 --seed 0 --out data.csv
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from dataaudit.output import Outputs, all_or_nothing

__all__ = [
    "CLASSES",
    "COLUMNS",
    "FEATURE_COLUMNS",
    "FORMATS",
    "NO_ISSUES",
    "RATES",
    "compute_truth",
    "flip_labels",
    "main",
    "make_dirty_classification",
    "make_dirty_splits",
    "truth_path_for",
    "write_dirty_classification",
    "write_dirty_splits",
]

#: Bumped whenever the generated data for a given (rows, seed) changes, so caches
#: (e.g. the benchmark's) can tell a stale file from a current one.
GENERATOR_VERSION = 1

COLUMNS: tuple[str, ...] = (
    "id",
    "num_a",
    "num_b",
    "num_c",
    "age",
    "count",
    "colour",
    "city",
    "note",
    "mixed",
    "const",
    "label",
)
TARGET = "label"
ID_COLUMN = "id"
FEATURE_COLUMNS: tuple[str, ...] = tuple(c for c in COLUMNS if c not in (ID_COLUMN, TARGET))

CLASSES: tuple[str, ...] = ("cat", "dog", "bird", "fish")
CLASS_SHARES: tuple[float, ...] = (0.50, 0.25, 0.15, 0.10)
#: Non-canonical spellings of "cat" (class 0) injected into the label column.
LABEL_VARIANTS: tuple[str, ...] = ("Cat", "cat ", "CAT")

COLOURS: tuple[str, ...] = (
    "red",
    "green",
    "blue",
    "yellow",
    "black",
    "white",
    "orange",
    "purple",
)
CITIES: tuple[str, ...] = (
    "Amsterdam",
    "Athens",
    "Auckland",
    "Bangkok",
    "Barcelona",
    "Berlin",
    "Bogota",
    "Boston",
    "Brussels",
    "Budapest",
    "Cairo",
    "Chicago",
    "Copenhagen",
    "Dakar",
    "Delhi",
    "Dublin",
    "Edinburgh",
    "Florence",
    "Geneva",
    "Hamburg",
    "Helsinki",
    "Istanbul",
    "Jakarta",
    "Kyoto",
    "Lagos",
    "Lima",
    "Lisbon",
    "London",
    "Lyon",
    "Madrid",
    "Manila",
    "Melbourne",
    "Mexico City",
    "Milan",
    "Montreal",
    "Mumbai",
    "Munich",
    "Nairobi",
    "Osaka",
    "Oslo",
    "Paris",
    "Prague",
    "Quito",
    "Riga",
    "Rome",
    "Santiago",
    "Seoul",
    "Stockholm",
    "Toronto",
    "Vienna",
)
NOTE_WORDS: tuple[str, ...] = (
    "quick",
    "brown",
    "small",
    "large",
    "quiet",
    "noisy",
    "friendly",
    "shy",
    "seen",
    "near",
    "river",
    "park",
    "garden",
    "house",
    "street",
    "morning",
    "evening",
    "often",
    "rarely",
    "sleeps",
    "runs",
    "eats",
    "plays",
    "sits",
    "very",
    "rather",
    "green",
    "yard",
    "window",
    "owner",
    "reported",
    "healthy",
)
#: What ``shortcuts=True`` plants: a column that copies the class (a code per class, changed in
#: ``LEAK_NOISE`` of the rows) and a word that only ``SIGNATURE_CLASS``'s notes carry, in
#: ``SIGNATURE_SHARE`` of its rows with a note: the two shortcuts a model would learn first.
LEAK_COLUMN = "leak"
LEAK_NOISE = 0.005
SIGNATURE = "kennelcam"
SIGNATURE_CLASS = "dog"
SIGNATURE_SHARE = 0.4
#: Words that make ``mixed`` a mixed-type column (mostly integers as text).
MIXED_WORDS: tuple[str, ...] = ("unknown-code", "pending-review", "see-notes")
CONST_VALUE = "v1"
SENTINEL = -999

#: Disguised missing-value tokens scanned for in every string column. Only
#: ``? NA null "" "  "`` are injected; the rest are scanned so the truth also
#: proves they are absent (their counts are then omitted as zero).
SCANNED_TOKENS: tuple[str, ...] = (
    "?",
    "NA",
    "null",
    "",
    "  ",
    "N/A",
    "n/a",
    "NaN",
    "nan",
    "None",
    "none",
    "NULL",
    "-",
    "missing",
    "unknown",
)

#: Columns nulled in the "rows missing most fields" injection: 7 of the 10
#: feature columns (70 %). ``num_a`` stays (continuous, keeps those rows
#: distinct from each other), ``mixed`` and ``const`` stay.
MISSING_MOST_NULLED: tuple[str, ...] = tuple(c for c in FEATURE_COLUMNS if c not in ("num_a", "mixed", "const"))

#: Injection rates as fractions of the total row count. Each count is
#: ``round(rate * rows)``, and at least 1 (3 for label variants: one per
#: spelling) once ``rows >= MIN_ROWS_EVERY_ISSUE``.
#: Copy kinds add rows; the other kinds change rows. Label and cell injections
#: go to DISJOINT original rows (one injected issue per row), so a row never
#: mixes, say, a label variant with a disguised token. Cell keys read
#: ``<column>:<JSON literal>``: ``null`` is a true null, a quoted string a
#: disguised token, a number a sentinel.
RATES: dict[str, float] = {
    "exact_duplicate": 0.010,  # full copy of a clean row, same id
    "feature_duplicate": 0.005,  # copy of a clean row, new id, same label
    "conflicting_label": 0.003,  # copy of a clean row, new id, other class
    "label_variant": 0.006,  # "Cat" / "cat " / "CAT" on cat rows
    "missing_label": 0.004,  # null label
    "missing_most": 0.002,  # MISSING_MOST_NULLED set to null
    "mixed_word": 0.005,  # a word in `mixed` (any row, not disjoint)
    "num_b:null": 0.020,
    "colour:null": 0.010,
    'colour:"?"': 0.010,
    'city:"NA"': 0.008,
    'city:"null"': 0.004,
    "note:null": 0.010,
    'note:""': 0.008,
    'note:"  "': 0.004,
    "age:-999": 0.010,
}
MIN_ROWS_EVERY_ISSUE = 200
#: Rates that inject nothing: clean data drawn from the generator's distribution.
NO_ISSUES: dict[str, float] = {k: 0.0 for k in RATES}

#: File formats by suffix.
FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}

_COPY_KINDS = ("exact_duplicate", "feature_duplicate", "conflicting_label")
_CELL_KEYS = tuple(k for k in RATES if ":" in k)


# --------------------------------------------------------------------------- #
# generation
# --------------------------------------------------------------------------- #
def make_dirty_classification(rows: int, seed: int = 0, rates: dict[str, float] | None = None,
                              flip_share: float = 0.0, shortcuts: bool = False) -> tuple[pa.Table, dict[str, Any]]:
    """A learnable 4-class table with every problem dataaudit looks for planted in it.

    Same (rows, seed, rates, flip_share), same bytes: a test or a benchmark can name its data.

    Parameters
    ----------
    rows : int
        Number of data rows, planted copies included.
    seed : int, default 0
        Seed of the random generator.
    rates : dict of str to float, optional
        Overrides of :data:`RATES`, each a share of ``rows``; :data:`NO_ISSUES` plants nothing
        (clean data from the same distribution).
    flip_share : float, default 0.0
        Share of the rows with a canonical class label that get another class: label noise no
        table scan can see. The flips draw from their own random stream, so the rest of the
        table does not change.
    shortcuts : bool, default False
        Plant two shortcuts (:data:`LEAK_COLUMN`, a column before ``label`` holding a code of the
        class; :data:`SIGNATURE` appended to ``note`` in :data:`SIGNATURE_SHARE` of the
        :data:`SIGNATURE_CLASS` rows with a note), from their own random stream, in the rows
        before they are copied, so copies carry them too and every other count stays as it was.

    Returns
    -------
    table : pyarrow.Table
        Exactly the columns :data:`COLUMNS`: ``id``, ten features, ``label`` (classes
        :data:`CLASSES`, shares 50/25/15/10 %).
    truth : dict
        JSON-serialisable ground truth measured on ``table`` itself (see :func:`compute_truth`):
        counts and 0-based row positions of each problem; ``truth["flipped_labels"]`` lists the
        flipped rows and their original class when ``flip_share`` is set; ``truth["shortcuts"]``
        the planted column and token, with the rows carrying the token, when ``shortcuts`` is set.

    Notes
    -----
    Planted at the default :data:`RATES`, each ``round(rate * rows)`` times (at least once,
    three times for the label spellings, from 200 rows on):

    * 1.0 % exact duplicate rows, 0.5 % feature duplicates (new id, same label) and 0.3 %
      conflicting labels (new id, another class), all copies of clean rows;
    * 0.6 % label variants (``Cat``, ``cat ``, ``CAT``) and 0.4 % missing labels;
    * 0.2 % rows missing most fields (7 of 10 features null);
    * missing cells: nulls in ``num_b`` (2 %), ``colour`` (1 %) and ``note`` (1 %), the
      disguised tokens ``?`` in ``colour`` (1 %), ``NA`` and ``null`` in ``city`` (0.8 %,
      0.4 %), empty and blank ``note`` (0.8 %, 0.4 %), the sentinel -999 in ``age`` (1 %);
    * a mixed-type column (``mixed``: integers as text and 0.5 % words), a constant column
      (``const``) and an id column (``id``).

    Label and cell problems go to distinct rows, one per row, so the counts do not overlap.

    Examples
    --------
    >>> table, truth = make_dirty_classification(10_000, seed=0)
    >>> truth["exact_duplicate_rows"]["count"]
    100
    """
    if rows < 0:
        raise ValueError(f"rows must be >= 0, got {rows}")
    rates = {**RATES, **(rates or {})}
    rng = np.random.default_rng(seed)
    copies = {k: _count(rates[k], rows) for k in _COPY_KINDS}
    n_base = rows - sum(copies.values())
    cls = rng.choice(len(CLASSES), size=n_base, p=CLASS_SHARES)
    base = _clean_features(rng, cls)
    free = np.ones(n_base, dtype=bool)
    labels = _inject_label_issues(rng, cls, free, rows, rates)
    base = _inject_cells(rng, base, free, rows, rates)
    base = _inject_mixed_words(rng, base, rows, rates)
    if shortcuts:
        base = _plant_shortcuts(np.random.default_rng([seed, 0x5C]), base, cls)
    src, id_num, labels = _append_copies(rng, cls, labels, free, copies)
    order = rng.permutation(rows)
    labels = (labels[0][order], labels[1][order])
    eligible = (labels[0] < len(CLASSES)) & ~labels[1]
    codes, flipped = flip_labels(labels[0], eligible, len(CLASSES), flip_share, seed)
    table = _assemble(base, src[order], id_num[order], (codes, labels[1]), rows)
    truth = compute_truth(table, seed=seed, rates=rates)
    if shortcuts:
        carried = _np_bool(pc.match_substring(table.column("note"), SIGNATURE))
        truth["shortcuts"] = {"leak_column": LEAK_COLUMN, "leak_noise": LEAK_NOISE, "token": SIGNATURE,
                              "token_column": "note", "token_class": SIGNATURE_CLASS,
                              "token_rows": np.flatnonzero(carried).tolist()}
    if flip_share:
        truth["flipped_labels"] = {
            "share": flip_share, "count": int(flipped.size), "rows": flipped.tolist(),
            "original": [CLASSES[c] for c in labels[0][flipped]],
        }
    return table, truth


def flip_labels(codes: np.ndarray, eligible: np.ndarray, n_classes: int, share: float,
                seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Give ``round(share * eligible rows)`` of the eligible rows another class, uniformly.

    Returns the new codes and the flipped positions (sorted). Seeded on its own
    stream (``seed`` and a fixed tag), so asking for no flips changes nothing.
    """
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"flip share must lie in [0, 1], got {share}")
    pool = np.flatnonzero(eligible)
    k = round(share * pool.size)
    if k == 0 or n_classes < 2:
        return codes, np.zeros(0, dtype=np.int64)
    rng = np.random.default_rng([seed, 0xF119])
    flipped = np.sort(rng.choice(pool, size=k, replace=False))
    out = codes.copy()
    out[flipped] = (codes[flipped] + rng.integers(1, n_classes, size=k)) % n_classes
    return out, flipped


def _count(rate: float, rows: int, minimum: int = 1) -> int:
    """Injection count for ``rate``; at least ``minimum`` for reasonably sized tables (none
    for a zero rate)."""
    k = round(rate * rows)
    return max(k, minimum) if rows >= MIN_ROWS_EVERY_ISSUE and rate > 0 else k


def _pick(rng: np.random.Generator, free: np.ndarray, k: int, where: np.ndarray | None = None) -> np.ndarray:
    """Draw ``k`` still-free rows (optionally also matching ``where``), mark them used.

    This is what keeps label and cell injections on disjoint rows.
    """
    pool = np.flatnonzero(free if where is None else free & where)
    chosen = np.sort(rng.choice(pool, size=min(k, pool.size), replace=False))
    free[chosen] = False
    return chosen


def _clean_features(rng: np.random.Generator, cls: np.ndarray) -> dict[str, pa.Array]:
    """Issue-free feature columns whose distributions depend on the class.

    Class-dependent means make the label learnable, so the data looks like a
    real training set rather than noise.
    """
    n = cls.size
    mean_a = np.array([0.0, 1.5, -1.5, 3.0])[cls]
    mean_b = np.array([10.0, 12.0, 8.0, 15.0])[cls]
    mean_c = np.array([1.0, 1.4, 0.6, 2.0])[cls]
    age = np.clip(rng.normal(np.array([40.0, 50.0, 30.0, 60.0])[cls], 15.0), 18, 90)
    return {
        "num_a": pa.array(np.round(rng.normal(mean_a, 1.0), 4)),
        "num_b": pa.array(np.round(rng.normal(mean_b, 2.0), 4)),
        "num_c": pa.array(np.round(np.exp(rng.normal(mean_c, 0.5)), 4)),
        "age": pa.array(age.astype(np.int64)),
        "count": pa.array(rng.poisson(np.array([1.0, 2.0, 3.0, 0.5])[cls]).astype(np.int64)),
        "colour": _categorical(rng, cls, COLOURS),
        "city": _take(CITIES, rng.choice(len(CITIES), size=n, p=_zipf(len(CITIES)))),
        "note": _notes(rng, n),
        "mixed": pc.cast(pa.array(rng.integers(0, 100_000, size=n)), pa.string()),
        "const": _take((CONST_VALUE,), np.zeros(n, dtype=np.int64)),
    }


def _zipf(k: int, s: float = 0.8) -> np.ndarray:
    """Skewed level probabilities, like real-world category frequencies."""
    w = 1.0 / np.arange(1, k + 1) ** s
    return w / w.sum()


def _categorical(rng: np.random.Generator, cls: np.ndarray, levels: Sequence[str]) -> pa.Array:
    """A categorical column whose level distribution is shifted per class."""
    codes = np.empty(cls.size, dtype=np.int64)
    for c in range(len(CLASSES)):
        rows = np.flatnonzero(cls == c)
        p = np.roll(_zipf(len(levels), 1.0), 2 * c)
        codes[rows] = rng.choice(len(levels), size=rows.size, p=p)
    return _take(levels, codes)


def _take(levels: Sequence[str], codes: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """Strings from level codes; ``mask`` True -> null."""
    return pc.take(pa.array(list(levels), pa.string()), pa.array(codes, mask=mask))


def _notes(rng: np.random.Generator, n: int) -> pa.Array:
    """3-6 word free text built column-wise (no per-row Python loop)."""
    words = rng.integers(0, len(NOTE_WORDS), size=(n, 6))
    n_words = rng.integers(3, 7, size=n)
    parts = [_take(NOTE_WORDS, words[:, j], mask=j >= n_words) for j in range(6)]
    return pc.binary_join_element_wise(*parts, " ", null_handling="skip")


def _plant_shortcuts(rng: np.random.Generator, base: dict[str, pa.Array], cls: np.ndarray) -> dict[str, pa.Array]:
    """The leaking column and the signature word (see :data:`LEAK_COLUMN`), on rows before copying."""
    codes = cls.copy()
    changed = rng.random(cls.size) < LEAK_NOISE
    codes[changed] = (codes[changed] + rng.integers(1, len(CLASSES), size=int(changed.sum()))) % len(CLASSES)
    base[LEAK_COLUMN] = _take(tuple(f"k{c}" for c in range(len(CLASSES))), codes)
    note = base["note"]
    has_note = _np_bool(pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(note)), 0))
    signed = has_note & (cls == CLASSES.index(SIGNATURE_CLASS)) & (rng.random(cls.size) < SIGNATURE_SHARE)
    base["note"] = pc.if_else(pa.array(signed), pc.binary_join_element_wise(note, SIGNATURE, " "), note)
    return base


def _inject_label_issues(
    rng: np.random.Generator, cls: np.ndarray, free: np.ndarray, rows: int, rates: dict[str, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Label codes (index into CLASSES + LABEL_VARIANTS) and the missing-label mask."""
    codes = cls.astype(np.int64)
    k = _count(rates["label_variant"], rows, minimum=len(LABEL_VARIANTS))
    variant_rows = _pick(rng, free, k, where=cls == 0)
    codes[variant_rows] = len(CLASSES) + np.arange(variant_rows.size) % len(LABEL_VARIANTS)
    missing = np.zeros(cls.size, dtype=bool)
    missing[_pick(rng, free, _count(rates["missing_label"], rows))] = True
    return codes, missing


def _inject_cells(
    rng: np.random.Generator, base: dict[str, pa.Array], free: np.ndarray, rows: int, rates: dict[str, float]
) -> dict[str, pa.Array]:
    """Rows missing most fields, then single-cell nulls/tokens/sentinels."""
    n = free.size
    most = _mask(n, _pick(rng, free, _count(rates["missing_most"], rows)))
    for col in MISSING_MOST_NULLED:
        base[col] = _set(base[col], most, None)
    for key in _CELL_KEYS:
        col, literal = key.split(":", 1)
        chosen = _mask(n, _pick(rng, free, _count(rates[key], rows)))
        base[col] = _set(base[col], chosen, json.loads(literal))
    return base


def _inject_mixed_words(
    rng: np.random.Generator, base: dict[str, pa.Array], rows: int, rates: dict[str, float]
) -> dict[str, pa.Array]:
    """Put words among the integer strings of ``mixed`` (any rows: not a missing issue)."""
    n = len(base["mixed"])
    chosen = np.sort(rng.choice(n, size=min(_count(rates["mixed_word"], rows), n), replace=False))
    words = _take(MIXED_WORDS, np.arange(chosen.size) % len(MIXED_WORDS))
    base["mixed"] = pc.replace_with_mask(base["mixed"], pa.array(_mask(n, chosen)), words)
    return base


def _mask(n: int, rows: np.ndarray) -> np.ndarray:
    m = np.zeros(n, dtype=bool)
    m[rows] = True
    return m


def _set(arr: pa.Array, mask: np.ndarray, value: Any) -> pa.Array:
    """``arr`` with ``value`` (None -> null) where ``mask`` is True."""
    return pc.if_else(pa.array(mask), pa.scalar(value, type=arr.type), arr)


def _append_copies(
    rng: np.random.Generator,
    cls: np.ndarray,
    labels: tuple[np.ndarray, np.ndarray],
    free: np.ndarray,
    copies: dict[str, int],
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Row sources, id numbers and labels after appending copies of clean rows.

    Sources are drawn from rows with no injected issue; the three copy kinds use
    disjoint source pools. Exact duplicates are drawn with replacement from their
    pool, so some rows get two or more copies (tests keep-first counting).
    """
    n_base = cls.size
    clean = np.flatnonzero(free)
    if clean.size == 0:
        clean = np.arange(n_base)
    pool = rng.permutation(clean)
    e, f, c = (copies[k] for k in _COPY_KINDS)
    src_e = rng.choice(pool[: max(e, 1)], size=e) if e else pool[:0]
    src_f = _cycle(pool[e:], f, pool)
    src_c = _cycle(pool[e + f :], c, pool)
    src = np.concatenate([np.arange(n_base), src_e, src_f, src_c])
    id_num = np.concatenate([np.arange(n_base), src_e, n_base + np.arange(f + c)])
    conflict = (cls[src_c] + rng.integers(1, len(CLASSES), size=c)) % len(CLASSES)
    codes, missing = labels
    codes = np.concatenate([codes, codes[src_e], codes[src_f], conflict])
    missing = np.concatenate([missing, missing[src_e], missing[src_f], np.zeros(c, bool)])
    return src, id_num, (codes, missing)


def _cycle(pool: np.ndarray, k: int, fallback: np.ndarray) -> np.ndarray:
    """First ``k`` of ``pool``, repeating (or falling back) if it is too small."""
    pool = pool if pool.size else fallback
    return np.resize(pool, k) if k else pool[:0]


def _assemble(
    base: dict[str, pa.Array], src: np.ndarray, id_num: np.ndarray, labels: tuple[np.ndarray, np.ndarray], rows: int
) -> pa.Table:
    """Final table in :data:`COLUMNS` order, rows taken from ``base`` via ``src``."""
    width = max(7, len(str(rows)))
    ids = pc.utf8_lpad(pc.cast(pa.array(id_num + 1), pa.string()), width, "0")
    take = pa.array(src, type=pa.int64())
    cols = {name: pc.take(arr, take) for name, arr in base.items()}
    cols["id"] = pc.binary_join_element_wise("r", ids, "")
    cols["label"] = _take(CLASSES + LABEL_VARIANTS, labels[0], mask=labels[1])
    planted = [name for name in cols if name not in COLUMNS]  # the shortcuts, before the label
    return pa.table({name: cols[name] for name in (*COLUMNS[:-1], *planted, TARGET)})


# --------------------------------------------------------------------------- #
# ground truth, measured on the final table
# --------------------------------------------------------------------------- #
def compute_truth(table: pa.Table, seed: int | None = None, rates: dict[str, float] | None = None) -> dict[str, Any]:
    """Measure every ground-truth count on ``table`` itself.

    Keys: rows, seed, columns, feature_columns, target, id_columns,
    constant_columns, mixed_type_columns, exact_duplicate_rows,
    feature_duplicate_rows, conflicting_labels, missing_label, label_variants,
    label_counts, class_counts, missing, rows_missing_most, rates, ...
    """
    codes = {name: _codes(table.column(name)) for name in table.column_names}
    exact, _ = _duplicates([codes[c] for c in COLUMNS])
    feat_dup, _ = _duplicates([codes[c] for c in COLUMNS if c != ID_COLUMN])
    label = table.column(TARGET)
    mixed = _mixed_values(table.column("mixed"))
    return {
        "generator_version": GENERATOR_VERSION,
        "rows": table.num_rows,
        "seed": seed,
        "columns": list(table.column_names),
        "feature_columns": [c for c in table.column_names if c not in (ID_COLUMN, TARGET)],
        "target": TARGET,
        "classes": list(CLASSES),
        "id_columns": [ID_COLUMN],
        "constant_columns": [c for c, k in codes.items() if k.size and k.max() == 0],
        "mixed_type_columns": ["mixed"] if _is_mixed(mixed) else [],
        "mixed_values": {"mixed": mixed},
        "exact_duplicate_rows": {"count": int(exact.size), "rows": exact.tolist()},
        "feature_duplicate_rows": {
            "count": int(feat_dup.size),
            "beyond_exact": int(feat_dup.size - exact.size),
            "rows": feat_dup.tolist(),
        },
        "conflicting_labels": _conflicts(table, codes),
        "missing_label": _positions(pc.is_null(label)),
        **_label_summary(label),
        "missing": {name: _column_missing(table.column(name)) for name in table.column_names},
        "rows_missing_most": _rows_missing_most(table),
        "disguised_tokens_scanned": list(SCANNED_TOKENS),
        "sentinels": [SENTINEL],
        "rates": dict(rates or RATES),
    }


def _codes(col: pa.ChunkedArray) -> np.ndarray:
    """Dense int codes of a column's values (null -> -1), equal values equal codes.

    Codes run 0..k-1 over the k distinct non-null values, so ``max() == 0`` means
    a constant column.
    """
    enc = pc.dictionary_encode(col.combine_chunks())
    return pc.fill_null(enc.indices, -1).to_numpy().astype(np.int64)


def _duplicates(keys: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Keep-first duplicate positions and a group id per row, for multi-column keys.

    Sorting by (keys..., position) puts each group's first occurrence first.
    """
    n = keys[0].size if keys else 0
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    packed = _pack(keys)
    order = np.lexsort([np.arange(n), *packed[::-1]])
    same = np.ones(n - 1, dtype=bool)
    for k in packed:
        ks = k[order]
        same &= ks[1:] == ks[:-1]
    is_dup = np.concatenate([[False], same])
    group = np.empty(n, dtype=np.int64)
    group[order] = np.cumsum(~is_dup) - 1
    return np.sort(order[is_dup]), group


def _pack(keys: list[np.ndarray]) -> list[np.ndarray]:
    """Combine code columns into as few int64 keys as fit (mixed radix): faster lexsort."""
    packed: list[np.ndarray] = []
    cur, span = None, 1
    for k in keys:
        card = int(k.max()) + 2 if k.size else 1  # codes -1..max
        if cur is not None and span * card < 2**62:
            cur, span = cur * card + (k + 1), span * card
        else:
            if cur is not None:
                packed.append(cur)
            cur, span = k + 1, card
    if cur is not None:
        packed.append(cur)
    return packed


def _fold(label: pa.ChunkedArray) -> pa.ChunkedArray:
    """Canonical spelling: ``strip().lower()`` folds "Cat", "cat " and "CAT" into "cat"."""
    return pc.utf8_lower(pc.utf8_trim_whitespace(label))


def _conflicts(table: pa.Table, codes: dict[str, np.ndarray]) -> dict[str, Any]:
    """Groups of identical features (id ignored) carrying >1 folded, non-null label."""
    _, group = _duplicates([codes[c] for c in FEATURE_COLUMNS])
    folded = _codes(_fold(table.column(TARGET)))
    has = folded >= 0
    if not has.any():
        return {"groups": 0, "rows_involved": 0, "rows": []}
    n_labels = int(folded.max()) + 1
    pairs = np.unique(group[has] * n_labels + folded[has])
    distinct = np.bincount(pairs // n_labels, minlength=int(group.max()) + 1)
    bad = distinct > 1
    rows = np.flatnonzero(bad[group])
    return {"groups": int(bad.sum()), "rows_involved": int(rows.size), "rows": rows.tolist()}


def _positions(mask: pa.ChunkedArray) -> dict[str, Any]:
    rows = np.flatnonzero(_np_bool(mask))
    return {"count": int(rows.size), "rows": rows.tolist()}


def _np_bool(mask: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Boolean mask as numpy, null treated as False."""
    return pc.fill_null(mask, False).to_numpy(zero_copy_only=False).astype(bool)


def _value_counts(col: pa.ChunkedArray | pa.Array) -> dict[str, int]:
    """value -> count, nulls excluded, in descending count order."""
    vc = pc.value_counts(col).to_pylist()
    pairs = [(d["values"], d["counts"]) for d in vc if d["values"] is not None]
    return dict(sorted(pairs, key=lambda p: (-p[1], str(p[0]))))


def _label_summary(label: pa.ChunkedArray) -> dict[str, Any]:
    """Raw and folded label counts plus the non-canonical spellings."""
    raw = _value_counts(label)
    variants = {k: v for k, v in raw.items() if k not in CLASSES}
    return {
        "label_counts": raw,
        "class_counts": _value_counts(_fold(label)),
        "label_variants": {"count": sum(variants.values()), "by_spelling": variants},
    }


def _mixed_values(col: pa.ChunkedArray) -> dict[str, Any]:
    """How many values of a text column read as integers, and the other values."""
    is_int = _np_bool(pc.match_substring_regex(col, r"^-?[0-9]+$"))
    others = pc.filter(col, pa.array(~is_int & ~_np_bool(pc.is_null(col))))
    return {"integer_text": int(is_int.sum()), "other": _value_counts(others)}


def _is_mixed(values: dict[str, Any]) -> bool:
    """Integers and words together (tiny tables may have drawn no word at all)."""
    return values["integer_text"] > 0 and bool(values["other"])


def _missing_mask(col: pa.ChunkedArray) -> np.ndarray:
    """Null, disguised token or sentinel, per row."""
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        special = pc.is_in(col, value_set=pa.array((*SCANNED_TOKENS, str(SENTINEL))))
    else:
        special = pc.equal(col, SENTINEL)
    return _np_bool(special) | _np_bool(pc.is_null(col))


def _column_missing(col: pa.ChunkedArray) -> dict[str, Any]:
    """{"null": n, "tokens": {token: n}, "sentinels": {"-999": n}}, zeros omitted."""
    out: dict[str, Any] = {"null": col.null_count}
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        tokens = _value_counts(pc.filter(col, pc.is_in(col, pa.array(SCANNED_TOKENS))))
        sentinels = int(pc.sum(pc.equal(col, str(SENTINEL))).as_py() or 0)
    else:
        tokens = {}
        sentinels = int(pc.sum(pc.equal(col, SENTINEL)).as_py() or 0)
    out["tokens"] = tokens
    out["sentinels"] = {str(SENTINEL): sentinels} if sentinels else {}
    return out


def _rows_missing_most(table: pa.Table) -> dict[str, Any]:
    """Rows where at least half of the feature columns are missing (any kind)."""
    n_missing = np.zeros(table.num_rows, dtype=np.int64)
    for name in FEATURE_COLUMNS:
        n_missing += _missing_mask(table.column(name))
    rows = np.flatnonzero(2 * n_missing >= len(FEATURE_COLUMNS))
    return {
        "count": int(rows.size),
        "rows": rows.tolist(),
        "threshold": "missing feature cells >= half of feature columns",
    }


# --------------------------------------------------------------------------- #
# splits
# --------------------------------------------------------------------------- #
def make_dirty_splits(
    train_rows: int,
    test_rows: int,
    seed: int = 0,
    leaked_share: float = 0.0,
    shift: dict[str, float] | None = None,
    rename: dict[str, str] | None = None,
    rates: dict[str, float] | None = None,
) -> tuple[pa.Table, pa.Table, dict[str, Any]]:
    """A training and a test split with known differences, for the split audit.

    Parameters
    ----------
    train_rows, test_rows : int
        Rows of each split; each is a :func:`make_dirty_classification` table (the test split
        from the next seed).
    seed : int, default 0
        Seed of the training split (the test split uses ``seed + 1``).
    leaked_share : float, default 0.0
        ``round(leaked_share * test_rows)`` distinct training rows are copied into the test
        split at random positions: planted leakage.
    shift : dict of str to float, optional
        A constant added to these numeric columns of the test split's fresh rows (the leaked
        copies stay exact): planted drift.
    rename : dict of str to str, optional
        Test columns renamed: a planted schema difference.
    rates : dict of str to float, optional
        As in :func:`make_dirty_classification`, for both splits.

    Returns
    -------
    train, test : pyarrow.Table
    truth : dict
        ``leaked_rows`` (test row positions, ascending), ``leaked_from`` (the training row each
        one copies), ``shift`` and ``rename``.
    """
    train, _ = make_dirty_classification(train_rows, seed, rates)
    n_leaked = min(round(leaked_share * test_rows), train_rows)
    fresh, _ = make_dirty_classification(test_rows - n_leaked, seed + 1, rates)
    for column, delta in (shift or {}).items():
        index = fresh.column_names.index(column)
        fresh = fresh.set_column(index, column, pc.add(fresh.column(column), pa.scalar(delta, pa.float64())))
    rng = np.random.default_rng([seed, 7])
    source = np.sort(rng.choice(train_rows, size=n_leaked, replace=False))
    copies = train.take(pa.array(source, pa.int64())).cast(fresh.schema)
    order = rng.permutation(test_rows)
    test = pa.concat_tables([fresh, copies]).take(pa.array(order, pa.int64()))
    if rename:
        test = test.rename_columns([rename.get(c, c) for c in test.column_names])
    is_copy = order >= fresh.num_rows
    leaked_rows = np.flatnonzero(is_copy)
    truth = {
        "train_rows": train_rows,
        "test_rows": test_rows,
        "seed": seed,
        "leaked_rows": leaked_rows.tolist(),
        "leaked_from": source[order[is_copy] - fresh.num_rows].tolist(),
        "shift": dict(shift or {}),
        "rename": dict(rename or {}),
    }
    return train, test, truth


def write_dirty_splits(train_path: str | Path, test_path: str | Path, train_rows: int, test_rows: int,
                       seed: int = 0, **options: Any) -> dict[str, Any]:
    """:func:`make_dirty_splits` written to two files, its truth next to the test file.

    Parameters
    ----------
    train_path, test_path : str or Path
        The two files, each in the format of its suffix; the truth goes to
        :func:`truth_path_for` of ``test_path``.
    train_rows, test_rows, seed, **options
        As in :func:`make_dirty_splits` (``leaked_share``, ``shift``, ``rename``, ``rates``).

    Returns
    -------
    truth : dict
        The truth of :func:`make_dirty_splits`.
    """
    train, test, truth = make_dirty_splits(train_rows, test_rows, seed, **options)
    with all_or_nothing() as outputs:
        for table, path in ((train, Path(train_path)), (test, Path(test_path))):
            _write_table(outputs, table, path, FORMATS[path.suffix.lower()])
        outputs.text(truth_path_for(test_path), json.dumps(truth) + "\n")
    return truth


# --------------------------------------------------------------------------- #
# writing
# --------------------------------------------------------------------------- #
def truth_path_for(path: str | Path) -> Path:
    """``data/x.csv`` -> ``data/x.truth.json`` (where :func:`write_dirty_classification` puts the truth)."""
    path = Path(path)
    return path.with_name(f"{path.stem}.truth.json")


def write_dirty_classification(path: str | Path, rows: int, seed: int = 0, fmt: str | None = None,
          flip_share: float = 0.0, shortcuts: bool = False) -> dict[str, Any]:
    """:func:`make_dirty_classification` written to ``path``, its truth next to it.

    Parameters
    ----------
    path : str or Path
        The data file; the truth goes to :func:`truth_path_for` of it (``x.truth.json``).
    rows, seed, flip_share, shortcuts
        As in :func:`make_dirty_classification`.
    fmt : {"csv", "tsv", "parquet", "jsonl"}, optional
        Defaults to the one of ``path``'s suffix. CSV/TSV: a null is an empty unquoted field,
        every string value is quoted (so an empty string is ``""``). JSONL: one object per
        line, null as ``null``.

    Returns
    -------
    truth : dict
        The truth of :func:`make_dirty_classification`, plus the file's name and format.
    """
    path = Path(path)
    fmt = fmt or FORMATS.get(path.suffix.lower())
    if fmt not in set(FORMATS.values()):
        raise ValueError(f"unknown format for {path} (use one of {sorted(FORMATS)})")
    table, truth = make_dirty_classification(rows, seed, flip_share=flip_share, shortcuts=shortcuts)
    truth = {"file": path.name, "format": fmt, **truth}
    with all_or_nothing() as outputs:
        _write_table(outputs, table, path, fmt)
        outputs.text(truth_path_for(path), json.dumps(truth, indent=1) + "\n")
    return truth


def _write_table(outputs: Outputs, table: pa.Table, path: Path, fmt: str) -> None:
    """`table` written to a temporary beside `path` that `outputs` renames into place, data before
    truth: a reader that finds a file (or a truth that says it is current) never finds half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _WRITERS[fmt](table, outputs.open(path).content)


def _write_csv(table: pa.Table, path: Path, delimiter: str = ",") -> None:
    pacsv.write_csv(table, path, write_options=pacsv.WriteOptions(delimiter=delimiter))


def _write_tsv(table: pa.Table, path: Path) -> None:
    _write_csv(table, path, delimiter="\t")


def _write_parquet(table: pa.Table, path: Path) -> None:
    pq.write_table(table, path)


def _write_jsonl(table: pa.Table, path: Path, chunk_rows: int = 200_000) -> None:
    """JSON lines built column-wise with pyarrow; the joined lines are written raw."""
    with open(path, "wb") as fh:
        for batch in table.to_batches(max_chunksize=chunk_rows):
            parts: list[Any] = []
            for i, name in enumerate(batch.schema.names):
                parts += [("{" if i == 0 else ",") + json.dumps(name) + ":", _json_values(batch.column(i))]
            lines = pc.binary_join_element_wise(*parts, "}\n", "")
            fh.write(_string_data(lines))


def _json_values(arr: pa.Array) -> pa.Array:
    """JSON text of each value. Strings are escaped for quotes and backslashes.

    The generator's own strings hold no control characters, so that is enough.
    """
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        escaped = pc.replace_substring(pc.replace_substring(arr, "\\", "\\\\"), '"', '\\"')
        text = pc.binary_join_element_wise('"', escaped, '"', "")
    else:
        text = pc.cast(arr, pa.string())
    return pc.fill_null(text, "null")


def _string_data(arr: pa.Array) -> memoryview | bytes:
    """The concatenated bytes of a (non-null) string array, without a Python loop."""
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32, count=len(arr) + 1, offset=arr.offset * 4)
    data = arr.buffers()[2]
    return memoryview(data)[offsets[0] : offsets[-1]] if data is not None else b""


_WRITERS = {
    "csv": _write_csv,
    "tsv": _write_tsv,
    "parquet": _write_parquet,
    "jsonl": _write_jsonl,
}


# --------------------------------------------------------------------------- #
# command line
# --------------------------------------------------------------------------- #
def main(argv: Sequence[str] | None = None) -> int:
    """``python -m dataaudit.datasets.classification --rows N --seed S --out PATH``."""
    parser = argparse.ArgumentParser(
        prog="python -m dataaudit.datasets.classification",
        description="Write a synthetic dataset with known issues and its ground truth (<stem>.truth.json next to it).",
    )
    parser.add_argument("--rows", type=int, required=True, help="number of data rows")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", required=True, help="output file; format from suffix: " + ", ".join(FORMATS))
    parser.add_argument(
        "--format", choices=sorted(set(FORMATS.values())), help="override the format implied by the suffix"
    )
    parser.add_argument("--flip-labels", type=float, default=0.0, metavar="SHARE",
                        help="give this share of labelled rows another class (listed in the truth)")
    parser.add_argument("--shortcuts", action="store_true",
                        help=f"plant a column copying the class ({LEAK_COLUMN!r}) and a signature word in 'note'")
    args = parser.parse_args(argv)
    try:
        truth = write_dirty_classification(args.out, args.rows, args.seed, args.format, args.flip_labels,
                                           args.shortcuts)
    except ValueError as exc:
        parser.error(str(exc))
    print(f"wrote {truth['rows']} rows ({truth['format']}) to {args.out}; truth: {truth_path_for(args.out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
