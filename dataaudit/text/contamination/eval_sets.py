"""An evaluation set read into items of text: what training data must not contain.

Which fields make an item's text: those named (`--eval-field`, a dotted path such as
`data.question` reaching into nested objects, as a format profile's `conversation` does), else what the file's layout
says is text (a chat file's message contents, a prompt/completion file's prompt and completion,
an instruction file's instruction, input and output, a preference file's prompt and chosen
answer), else, for a table, its text-like columns: string columns whose values are mostly
distinct (a question or a passage, not a category). The fields of one item are joined in that
order, so a training example holding the prompt and then the answer holds the item; each field
(each message of a chat, each string of a list) is kept apart too, as one of the item's parts,
because a copy often puts words of its own between them ("Question: ... Answer: ...").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dataaudit.errors import InputError
from dataaudit.io import COMPRESSED, FORMATS, Source
from dataaudit.io.surrogates import lone_surrogate
from dataaudit.jsontext import loads
from dataaudit.text.formats import CHAT, INSTRUCTION, PREFERENCE, PROMPT_COMPLETION, TABLE, detect_format, value_at
from dataaudit.text.validate import text_of

#: the fields that hold the text of each fine-tuning layout, in the order an item joins them
LAYOUT_FIELDS = {
    CHAT: ("messages",),
    PROMPT_COMPLETION: ("prompt", "completion"),
    INSTRUCTION: ("instruction", "input", "output"),
    PREFERENCE: ("prompt", "chosen"),
}
#: what `value_at` gives for a path that leads nowhere, told apart from a null value
_ABSENT = object()
#: a table's column is text-like when at least this share of its rows hold a string ...
MIN_STRING_SHARE = 0.5
#: ... and at least this share of those strings are distinct
MIN_DISTINCT_SHARE = 0.5


@dataclass(frozen=True)
class EvalItems:
    """The items of one evaluation set: `numbers` name each item as reports do (`unit`: a JSONL
    file's 1-based line, a JSON array's index, a table's 0-based row), `texts` its fields' text,
    `parts` that text's pieces one by one (a field, a message, a string of a list), in order."""

    name: str
    kind: str
    fields: tuple[str, ...]
    unit: str
    numbers: list[int]
    texts: list[str]
    parts: list[tuple[str, ...]]


def read_eval_set(data: Any, fields: tuple[str, ...] = (), required: bool = True,
                  storage_options: Mapping[str, Any] | None = None) -> EvalItems:
    """The items of the evaluation set `data` (a JSONL, JSON, CSV, TSV or Parquet path, a folder
    of Parquet files, an s3:// or other fsspec URI of either read with `storage_options`, or an
    in-memory table), their text from `fields` (each `required`, or those present) or from the
    fields detected; an `InputError` names a file that cannot be read or holds no text."""
    name = str(data)
    if isinstance(data, (str, Path)):
        path = _one_file(data, storage_options)
        fmt = None if path is None else _format(Path(name))
        if path is not None and fmt in ("jsonl", "json"):
            numbered, unit = _json_records(path, fmt, name)
            kind = detect_format(path)
            return _items(name, kind, unit, numbered, fields, required)
    records = _table_records(data, storage_options=storage_options)
    return _items(name, TABLE, "row", list(enumerate(records)), fields, required)


def _one_file(data: str | Path, storage_options: Mapping[str, Any] | None) -> Path | None:
    """Where the file `data` names can be read (an object store's file: its local copy), or None
    for a folder of Parquet files, read as the table it is."""
    from dataaudit.io import remote_input
    from dataaudit.io.object_store import uri_protocol

    if uri_protocol(data) is not None:
        opened = remote_input(str(data), storage_options)
        return None if isinstance(opened, Source) else opened.path
    path = Path(data)
    if path.is_dir():
        return None
    if not path.is_file():
        raise InputError(f"{path}: no such evaluation set")
    return path


def _format(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes if s.lower() not in COMPRESSED]
    if suffixes and suffixes[-1] == ".json":
        return "json"
    fmt = FORMATS.get(suffixes[-1]) if suffixes else None
    if fmt is None:
        raise InputError(f"{path}: an evaluation set is a JSONL, JSON, CSV, TSV or Parquet file")
    return fmt


def _json_records(path: Path, fmt: str, name: str) -> tuple[list[tuple[int, Any]], str]:
    from dataaudit.io.json_array import array_items
    from dataaudit.io.lines import open_binary

    if fmt == "json":
        return [(i, _parsed(raw, name, "item", i)) for i, raw in enumerate(array_items(path))], "item"
    with open_binary(path) as handle:
        return [(i, _parsed(raw, name, "line", i)) for i, raw in enumerate(handle, 1) if raw.strip()], "line"


#: a surrogate written as its bytes (decoded with "surrogatepass") rather than escaped
_SURROGATE = re.compile("[\ud800-\udfff]")


def _parsed(raw: bytes, name: str, unit: str, number: int) -> Any:
    """`raw` as `json.loads` reads it, but an integer of more digits than Python reads is a number
    all the same (a float, an infinity: no text field to match, as digits kept as written would
    pass for), not a line of no JSON."""
    try:
        text = raw.decode(json.detect_encoding(raw), "surrogatepass")
        value = loads(text, long=float)
    except (ValueError, RecursionError):
        raise InputError(f"{name}: {unit} {number} is not valid JSON") from None
    if (surrogate := _lone_surrogate(text, value)) is not None:
        raise InputError(f"{name}: {unit} {number} holds a lone surrogate ({surrogate}): JSON text no UTF-8 holds")
    return value


def _lone_surrogate(text: str, value: Any) -> str | None:
    """Half of a UTF-16 pair in `value`, escaped (`\\ud800`) or written as its bytes, as its
    escape: no step after the reading (Arrow's strings, hashing) can encode such a string."""
    written = _SURROGATE.search(text)
    return f"\\u{ord(written.group()):04x}" if written is not None else lone_surrogate(text, value)


def table_items(data: Any, fields: tuple[str, ...], **open_options: Any) -> EvalItems:
    """The rows of a table read as the audit reads its splits (a file, a Parquet folder, a pipe's
    copy, a URI with its `open_options`), their text the `fields` each row has."""
    return _items(str(data), TABLE, "row", list(enumerate(_table_records(data, **open_options))), fields, False)


def _table_records(data: Any, **open_options: Any) -> list[dict[str, Any]]:
    from dataaudit.io import open_source

    source = open_source(data, **open_options)
    return [row for batch in source.batches() for row in batch.to_pylist()]


def _items(name: str, kind: str, unit: str, numbered: list[tuple[int, Any]], fields: tuple[str, ...],
           required: bool) -> EvalItems:
    records = [(n, r) for n, r in numbered if isinstance(r, dict)]
    chosen = fields or LAYOUT_FIELDS.get(kind) or text_like(r for _, r in records)
    present = [f for f in chosen if any(value_at(r, f, _ABSENT) is not _ABSENT for _, r in records)]
    if fields and required and len(present) < len(fields):
        missing = ", ".join(repr(f) for f in fields if f not in present)
        raise InputError(f"{name}: no field {missing} in the evaluation set")
    numbers, texts, parts = [], [], []
    for number, record in records:
        values = [value_at(record, f) for f in present]
        text = "\n".join(t for t in map(_text, values) if t)
        if text.strip():
            numbers.append(number)
            texts.append(text)
            parts.append(tuple(p for v in values for p in _parts(v) if p))
    if not texts and fields:
        named = ", ".join(repr(f) for f in fields)
        raise InputError(f"{name}: --eval-field {named} holds no text in any item (a string, a list of strings or "
                         "of messages; a nested object's field is named by its dotted path, data.question)")
    if not texts:
        raise InputError(f"{name}: no text field in the evaluation set (name one with --eval-field)")
    return EvalItems(name, kind, tuple(present), unit, numbers, texts, parts)


def _parts(value: Any) -> list[str]:
    """A field's text piece by piece: a list's strings and a chat's messages one by one, so that
    each can be found where a copy has put other words between them."""
    if isinstance(value, dict):
        return _parts(value.get("messages"))
    if isinstance(value, list) and (all(isinstance(v, str) for v in value) or all(isinstance(v, dict) for v in value)):
        return [t for t in (_text(v) if isinstance(v, str) else text_of(v.get("content")) for v in value) if t]
    text = _text(value)
    return [text] if text else []


def _text(value: Any) -> str | None:
    """A field's text: a string, a list of messages' contents, or a list of strings."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            return "\n".join(value)
        if all(isinstance(v, dict) for v in value):
            return "\n".join(t for t in (text_of(m.get("content")) for m in value) if t)
    if isinstance(value, dict):  # an OpenAI DPO input: {"messages": [...]}
        return _text(value.get("messages"))
    return None


def text_like(records: Iterator[dict[str, Any]]) -> tuple[str, ...]:
    """The keys of `records` that hold mostly distinct strings in most records, in first-seen order."""
    rows = list(records)
    strings: dict[str, list[str]] = {}
    for record in rows:
        for key, value in record.items():
            if isinstance(value, str) and value.strip():
                strings.setdefault(key, []).append(value)
    return tuple(key for key, values in strings.items()
                 if len(values) >= MIN_STRING_SHARE * len(rows)
                 and len(set(values)) >= MIN_DISTINCT_SHARE * len(values))
