"""JSON text that any strict parser reads: the one way dataaudit writes its own JSON files.

Python's `json` writes an infinity or NaN as `Infinity`/`NaN`, which JSON does not have and
most parsers refuse (jq, browsers, Go, `json.loads` with `parse_constant` raising). A number
that is not finite (the mean of a column holding `inf`, a spread undefined over it) is
written as null instead, and `allow_nan=False` makes any that slipped past the conversion
(a value turned into JSON by `default`) an error rather than an unreadable file.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any


def finite(value: Any) -> Any:
    """`value` with every float that is not a finite number as None, through dicts, lists
    and tuples."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [finite(item) for item in value]
    return value


def dumps(value: Any, *, indent: int | None = None, ensure_ascii: bool = False,
          default: Callable[[Any], Any] | None = None) -> str:
    """`value` as strict JSON text (see the module's docstring)."""
    return json.dumps(finite(value), indent=indent, ensure_ascii=ensure_ascii, default=default, allow_nan=False)
