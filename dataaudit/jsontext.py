"""JSON text that any strict parser reads: the one way dataaudit writes its own JSON files.

Python's `json` writes an infinity or NaN as `Infinity`/`NaN`, which JSON does not have and
most parsers refuse (jq, browsers, Go, `json.loads` with `parse_constant` raising). A number
that is not finite (the mean of a column holding `inf`, a spread undefined over it) is
written as null instead, and `allow_nan=False` makes any that slipped past the conversion
(a value turned into JSON by `default`) an error rather than an unreadable file.

Data written back as JSON (a cleaned JSONL line, a cell) keeps its numbers instead
(`data_dumps`): an infinity goes out as `1e999` or `-1e999`, numbers JSON's grammar allows that
pandas, Python and JavaScript read back as that infinity; NaN, no number at all, as null. A line
read as it was written, to be written back so, gets the same spellings for the `Infinity`,
`-Infinity` and `NaN` that Python's `json` reads (`strict_constants`).
"""

from __future__ import annotations

import functools
import json
import math
import re
import sys
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
#: a number as JSON's grammar spells it (RFC 8259): no `+`, no leading zero, no bare point, ASCII
#: digits; a pattern for Python's `re` and Arrow's regex alike
JSON_NUMBER = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"


def finite(value: Any) -> Any:
    """`value` with every float that is not a finite number as None, through dicts, lists
    and tuples."""
    return _non_finite_as(value, lambda _: None)


def non_finite_as_text(value: Any) -> Any:
    """`value` with every float that is not a finite number as its text (`inf`, `-inf`, `nan`),
    through dicts, lists and tuples: for a report's free-form parts (a finding's details, a
    table's cells), where a reader would otherwise meet an infinity as a null, unlike the one
    the audit printed, and a saved report would not render as it did."""
    return _non_finite_as(value, str)


def _non_finite_as(value: Any, instead: Callable[[float], Any]) -> Any:
    """`value` with each float that is not a finite number replaced by `instead` of it, through
    dicts, lists (and tuples, which become lists)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else instead(value)
    if isinstance(value, dict):
        return {key: _non_finite_as(item, instead) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_non_finite_as(item, instead) for item in value]
    return value


def dumps(value: Any, *, indent: int | None = None, ensure_ascii: bool = False,
          default: Callable[[Any], Any] | None = None) -> str:
    """`value` as strict JSON text (see the module's docstring)."""
    return json.dumps(finite(value), indent=indent, ensure_ascii=ensure_ascii, default=default, allow_nan=False)


def data_dumps(value: Any, *, default: Callable[[Any], Any] | None = None) -> str:
    """`value`, data read from JSON or a table, as strict JSON text with its infinities as
    `1e999` and `-1e999` (see the module's docstring), in `json.dumps`' separators; a value
    holding none is `json.dumps`' own text, written at its speed. One holding some is written by
    `json.dumps` too, its constants then respelled (`strict_constants`): no Python recursion, so
    a value nested as deep as the parser reads is written."""
    try:
        return json.dumps(value, ensure_ascii=False, default=default, allow_nan=False)
    except ValueError:  # a number that is not finite, somewhere within
        return strict_constants(json.dumps(value, ensure_ascii=False, default=default))


class WrittenNumber(str):
    """A JSON number as its text wrote it (`0.10`, `1E+03`), which `written_dumps` writes back
    bare: parsed as a float, `0.10` would go out as `0.1`, a value nobody asked to change."""


class JSONText(str):
    """A value's JSON text, made already (a decimal as the number of its digits), which a JSONL
    line writes as it is."""


def loads_keeping_numbers(text: str | bytes) -> Any:
    """JSON text parsed with each number kept as written (`WrittenNumber`); `Infinity` and `NaN`,
    which Python's parser accepts, as floats."""
    return json.loads(text, parse_float=WrittenNumber, parse_int=WrittenNumber)


def written_int(digits: str, long: Callable[[str], Any] = WrittenNumber) -> Any:
    """A JSON integer as an int; one of more digits than Python turns into an int
    (`sys.get_int_max_str_digits`, a guard against the conversion's quadratic time, which this
    process leaves as it is) as `long` makes it: as written, a `WrittenNumber`, by default; and
    `-0` so too, which an int would make `0`."""
    limit = sys.get_int_max_str_digits()
    return long(digits) if 0 < limit < len(digits.lstrip("-")) or digits == "-0" else int(digits)


#: where a JSON text may hold the integer `-0` (or a string holding `-0` not followed by a digit,
#: a point or an exponent: a false find costs a slower parse, never a value): the texts to parse
#: with `long_ints`, which keeps it as written, where the C parser's int makes it `0`
may_hold_negative_zero = re.compile(r"-0(?![0-9.eE])").search


def with_long_ints(parse: Callable[[json.JSONDecoder], T], decoder: json.JSONDecoder,
                   long: Callable[[str], Any] = WrittenNumber) -> T:
    """`parse(decoder)`; for a text holding an integer of more digits than Python turns into an
    int, which `decoder` refuses with a `ValueError`, `parse` again by a decoder that keeps such
    integers as written (`written_int`; as `long` makes them), every other value as `decoder`
    makes it. The parse of any other text costs no more than `decoder`'s own."""
    try:
        return parse(decoder)
    except json.JSONDecodeError:  # a ValueError too: the text is no JSON
        raise
    except ValueError:
        return parse(long_ints(decoder, long))


def loads(text: str, long: Callable[[str], Any] = WrittenNumber) -> Any:
    """`json.loads(text)`, an integer of more digits than Python turns into an int kept as
    `long` makes it (`with_long_ints`)."""
    return with_long_ints(lambda parser: parser.decode(text), PLAIN, long=long)


def long_ints(decoder: json.JSONDecoder, long: Callable[[str], Any] = WrittenNumber) -> json.JSONDecoder:
    """`decoder`, but keeping an integer of more digits than Python turns into an int as
    written (`written_int`; as `long` makes it): what to parse again a text `decoder` refuses with a `ValueError` that
    is no `JSONDecodeError` (a hot loop catches it itself rather than call `with_long_ints`)."""
    return json.JSONDecoder(parse_float=decoder.parse_float, parse_int=functools.partial(written_int, long=long),
                            parse_constant=decoder.parse_constant, object_hook=decoder.object_hook,
                            object_pairs_hook=decoder.object_pairs_hook, strict=decoder.strict)


#: the decoder of `json.loads`, for `with_long_ints`
PLAIN = json.JSONDecoder()


class _Literal(str):
    """JSON text `written_dumps` has made already (a bracket, a key and its colon)."""


def written_dumps(value: Any, default: Callable[[Any], Any] | None = None) -> str:
    """`value`, parsed by `loads_keeping_numbers` and perhaps changed, as `data_dumps` writes it,
    its numbers as they were written (`default` as `json.dumps` takes it). Walked with a stack of
    its own, not by recursion: a value nested as deep as the parser reads is written."""
    out: list[str] = []
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _Literal | WrittenNumber):
            out.append(str.__str__(item))
        elif isinstance(item, float) and not math.isfinite(item):
            out.append("null" if math.isnan(item) else "1e999" if item > 0 else "-1e999")
        elif isinstance(item, dict):
            members = [part for i, (key, member) in enumerate(item.items())
                       for part in (_Literal((", " if i else "") + json.dumps(str(key), ensure_ascii=False) + ": "),
                                    member)]
            stack += [_Literal("}"), *reversed(members), _Literal("{")]
        elif isinstance(item, list | tuple):
            members = [part for i, member in enumerate(item) for part in ((_Literal(", "), member) if i else (member,))]
            stack += [_Literal("]"), *reversed(members), _Literal("[")]
        else:
            out.append(json.dumps(item, ensure_ascii=False, allow_nan=False, default=default))
    return "".join(out)


#: a JSON string (skipped whole: `"NaN"` is text), or one of the constants Python's `json` reads
_CONSTANT = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|(-?Infinity|NaN)')
#: what follows a constant, a value: what a string holding the names (`"NaN"`, a film title with
#: `Infinity`) rarely looks like, so that such text costs one search, no walk through its strings
_MAY_HOLD = re.compile(r'(?:Infinity|NaN)\s*(?:$|[,\]}])')
_STRICT = {"Infinity": "1e999", "-Infinity": "-1e999", "NaN": "null"}


def strict_constants(text: str) -> str:
    """`text`, JSON as Python's `json` reads it, with each `Infinity`, `-Infinity` and `NaN`
    outside a string spelled as `data_dumps` writes that value, every other character as it was:
    the same text when it holds none."""
    if ("Infinity" not in text and "NaN" not in text) or not _MAY_HOLD.search(text):
        return text
    return _CONSTANT.sub(lambda found: found[0] if found[1] is None else _STRICT[found[1]], text)
