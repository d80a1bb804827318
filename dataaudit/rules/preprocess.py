"""The `preprocess:` section of a rule pack: which cleaning steps run and how.

Every key is optional. The defaults fix what the audit finds and change nothing else: a cell
of a kept row changes only when it is a disguised missing value (to null), a text feature with
surrounding blanks (trimmed) or a label spelling (merged); every other cell is written as the
input spells it. Steps that rewrite values beyond that (Unicode folding, numbers stored as text
to numbers, imputation, scaling, encoding) change the data a model sees, so a pack (or
`Cleaner`) turns them on explicitly.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from dataaudit.levels import Flag, Number, Section, Whole


class Impute(Section):
    """Fill nulls in feature columns with statistics of the training rows (scikit-learn's
    `SimpleImputer` for numbers); `none` leaves nulls as nulls."""

    numeric: Literal["none", "mean", "median", "most_frequent", "constant"] = "none"
    categorical: Literal["none", "most_frequent", "constant"] = "none"
    fill_number: Number = 0.0
    fill_text: str = "missing"


class Encode(Section):
    """Turn text feature columns into numbers: one column per category (`onehot`) or one
    integer per category (`ordinal`, unknown categories -1). Columns with more categories than
    `max_categories` are left as text and named in the step's report."""

    method: Literal["none", "onehot", "ordinal"] = "none"
    max_categories: Whole = Field(50, ge=1)


class Preprocess(Section):
    missing_to_null: Flag = True                # disguised tokens and out-of-range sentinels -> null
    normalize_text: Flag = True                 # trim surrounding blanks of text features
    normalize_unicode: Flag = False             # also fold Unicode compatibility forms (NFKC): `…` -> `...`
    merge_label_variants: Flag = True           # one canonical spelling per label
    missing_labels: Literal["quarantine", "keep"] = "quarantine"
    duplicates: Literal["exact", "features", "keep"] = "exact"
    conflicts: Literal["quarantine", "majority", "keep"] = "quarantine"
    allow_large_quarantine: Flag = False        # else more than half the rows, or a whole class, is refused
    coerce_numeric: Flag = False                # numbers stored as text become numbers (as they print)
    drop_constant_columns: Flag = True
    drop_empty_columns: Flag = True
    impute: Impute = Impute()
    scale: Literal["none", "standard", "minmax", "robust"] = "none"
    encode: Encode = Encode()
    strip_metadata: Flag = False                # fine-tuning JSONL: drop top-level keys the layout does not read
