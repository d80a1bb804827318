"""JSON files holding one array of examples (`[{...}, {...}]`), as some exporters and provider
consoles write them instead of JSONL.

Such a file is read whole, so its size is bounded (`MAX_ARRAY_BYTES`); its items come back
one JSON text each, the line it would be in a JSONL file, for the line checks to read as they
read any line. An item's number is its index in the array. `array_source` hands the items to
the engines in chunks, as a JSONL file's lines are handed, so worker processes (`--jobs`) check
them; only the parse itself is one piece of work, in the parent: a JSON text cannot be cut into
items without being parsed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from dataaudit.errors import InputError
from dataaudit.io import named_json_lines
from dataaudit.io.depth import deepest, nested_too_deep, too_deep
from dataaudit.io.lines import LINE_COLUMN, open_binary
from dataaudit.io.source import Source
from dataaudit.io.spool import named
from dataaudit.jsontext import PLAIN, loads, with_long_ints

BOM = b"\xef\xbb\xbf"

#: A JSON array is parsed in memory, at several times its size: larger files should be JSONL.
MAX_ARRAY_BYTES = 256 << 20


def is_json_array(path: Path) -> bool:
    """Whether the file's first character (after blanks and a byte-order mark) opens an array,
    in a file not named JSON Lines (`.jsonl`), whose first line may be an array as any line may."""
    if named_json_lines(path):
        return False
    with open_binary(path) as handle:
        head = handle.read(4096).removeprefix(BOM).lstrip()
    return head.startswith(b"[")


def array_items(path: Path) -> list[bytes]:
    """The items of the array in `path`, each as one JSON text as the file spells it, so the line
    checks read what the clean reads (a key given twice stays given twice, which re-encoding the
    parsed item would hide); an `InputError` naming the file when it is larger than the bound,
    not JSON, or not one array."""
    return array_text(path).items


@dataclass(frozen=True)
class ArrayText:
    """A JSON array as its file spells it: what opens it (`head`, the bracket), each item's JSON
    text (`items`) and the blanks before it (`leads`: its line break and indentation), and what
    follows the last item (`tail`: blanks, the closing bracket, the last line break); a
    byte-order mark the file starts with is part of `head`. Written
    back, the items kept give the input's own form, each kept item byte for byte."""

    head: bytes
    items: list[bytes]
    leads: list[bytes]
    tail: bytes


def array_text(path: Path) -> ArrayText:
    """The array in `path` cut into its items as the file spells them; the same `InputError`s as
    `array_items`."""
    text = _text(path)
    _parsed_array(path, text)  # a file that is not one valid array is named as array_items names it
    opened = text.index("[") + 1
    items: list[bytes] = []
    leads: list[bytes] = []
    end = lead = opened
    start = _after_blanks(text, opened)
    while text[start] != "]":
        _, end = with_long_ints(lambda parser, at=start: parser.raw_decode(text, at), PLAIN)
        leads.append(text[lead:start].encode("utf-8"))
        items.append(text[start:end].encode("utf-8"))
        lead = _after_blanks(text, end) + 1  # past the comma, or the closing bracket
        start = _after_blanks(text, lead) if text[lead - 1] == "," else lead - 1
    # a byte-order mark the file starts with stays before the bracket, as a JSONL file's stays on its first line
    head = (BOM if _starts_with_bom(path) else b"") + text[:opened].encode("utf-8")
    return ArrayText(head, items, leads, text[end:].encode("utf-8"))


def _starts_with_bom(path: Path) -> bool:
    with open_binary(path) as handle:
        return handle.read(len(BOM)) == BOM


def _after_blanks(text: str, position: int) -> int:
    while text[position] in " \t\r\n":
        position += 1
    return position


def _text(path: Path) -> str:
    """The file's text, read whole within the bound, its byte-order mark dropped."""
    with open_binary(path) as handle:
        data = handle.read(MAX_ARRAY_BYTES + 1)
    if len(data) > MAX_ARRAY_BYTES:
        raise InputError(f"{named(path)}: a JSON array is read whole, up to {MAX_ARRAY_BYTES >> 20} MiB; "
                         "write larger files as JSONL, one example a line")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError(f"{named(path)}:{line}: not UTF-8 text at byte {exc.start}; JSON is read as UTF-8 whatever "
                         "--encoding says: convert the file (iconv -f latin-1 -t utf-8)") from None


def _parsed_array(path: Path, text: str) -> list[Any]:
    if (deep := too_deep(text)) is not None:
        raise _nested_too_deep(path, *deep)
    try:
        value = loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{named(path)}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    except RecursionError:  # the parser's limit reached under the depth read, on a long call path
        raise _nested_too_deep(path, *deepest(text)) from None
    if not isinstance(value, list):
        raise InputError(f"{named(path)}: a JSON file of examples holds one array of them")
    return value


def _nested_too_deep(path: Path, line: int, depth: int) -> InputError:
    return InputError(f"{named(path)}:{line}: {nested_too_deep(depth)}")


def array_source(path: Path, chunk_items: int) -> Source:
    """The items of the array in `path` as a source of `chunk_items`-item batches of the `line`
    column a JSONL file's lines come in (a batch's first row is the item at its offset)."""
    items = array_items(path)

    def read() -> Iterator[pa.RecordBatch]:
        for start in range(0, len(items), chunk_items):
            yield pa.RecordBatch.from_arrays([pa.array(items[start:start + chunk_items], pa.binary())],
                                             names=[LINE_COLUMN])

    info = {"path": str(path), "format": "json", "rows": len(items), "bytes": path.stat().st_size}
    return Source(named(path), "json", [LINE_COLUMN], read, info=info, local_path=path)
