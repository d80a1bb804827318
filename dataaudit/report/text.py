"""Untrusted text made printable: control characters shown as escapes, never obeyed or dropped."""

from __future__ import annotations

import re
from typing import Any

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def printable(text: object) -> str:
    """`bell\\x07` for a value holding a bell: a terminal or a chart shows it, neither acts on it."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], str(text))


def shape(dataset: dict[str, Any]) -> str:
    """What was audited, in a few words: `344 rows x 8 columns`, or `2 chat examples` for a
    fine-tuning file, whose records are examples rather than rows of columns."""
    if dataset.get("kind"):
        return f"{dataset['rows']:,} {dataset['kind']} examples"
    return f"{dataset['rows']:,} rows x {dataset['columns']} columns"
