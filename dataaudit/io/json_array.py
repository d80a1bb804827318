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
from pathlib import Path

import pyarrow as pa

from dataaudit.errors import InputError
from dataaudit.io.lines import LINE_COLUMN, open_binary
from dataaudit.io.source import Source

#: A JSON array is parsed in memory, at several times its size: larger files should be JSONL.
MAX_ARRAY_BYTES = 256 << 20


def is_json_array(path: Path) -> bool:
    """Whether the file's first character (after blanks and a byte-order mark) opens an array."""
    with open_binary(path) as handle:
        head = handle.read(4096).removeprefix(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"[")


def array_items(path: Path) -> list[bytes]:
    """The items of the array in `path`, each as one JSON text; an `InputError` naming the file
    when it is larger than the bound, not JSON, or not one array."""
    with open_binary(path) as handle:
        data = handle.read(MAX_ARRAY_BYTES + 1)
    if len(data) > MAX_ARRAY_BYTES:
        raise InputError(f"{path}: a JSON array is read whole, up to {MAX_ARRAY_BYTES >> 20} MiB; "
                         "write larger files as JSONL, one example a line")
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text at byte {exc.start}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise InputError(f"{path}: JSON nested deeper than the parser goes") from None
    if not isinstance(value, list):
        raise InputError(f"{path}: a JSON file of examples holds one array of them")
    return [json.dumps(item, ensure_ascii=False).encode("utf-8") for item in value]


def array_source(path: Path, chunk_items: int) -> Source:
    """The items of the array in `path` as a source of `chunk_items`-item batches of the `line`
    column a JSONL file's lines come in (a batch's first row is the item at its offset)."""
    items = array_items(path)

    def read() -> Iterator[pa.RecordBatch]:
        for start in range(0, len(items), chunk_items):
            yield pa.RecordBatch.from_arrays([pa.array(items[start:start + chunk_items], pa.binary())],
                                             names=[LINE_COLUMN])

    info = {"path": str(path), "format": "json", "rows": len(items), "bytes": path.stat().st_size}
    return Source(str(path), "json", [LINE_COLUMN], read, info=info, local_path=path)
