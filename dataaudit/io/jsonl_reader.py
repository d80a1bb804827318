"""JSON Lines: one object per line, parsed line by line so a bad line is named, not fatal.

Values become text the way they are written in JSON (`3`, `2.5`, `true`; nested values as
JSON), which the profile classifies exactly as it does CSV cells.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from dataaudit.errors import InputError
from dataaudit.io.source import RowProblem, Source


def open_jsonl(path: Path, *, encoding: str | None, chunk_rows: int, bad_rows: str) -> Source:
    columns = _columns_of_first_rows(path, encoding, chunk_rows)
    source = Source(str(path), "jsonl", columns, read=lambda: iter(()))

    def read() -> Iterator[pa.RecordBatch]:
        known = set(columns)
        unknown: set[str] = set()
        rows: list[dict[str, Any]] = []
        for line_no, record in _records(path, encoding, source, bad_rows):
            extra = record.keys() - known - unknown
            for key in sorted(extra):
                unknown.add(key)
                source.problems.append(RowProblem(line_no, f"key {key!r} first appears after the first "
                                                           f"{chunk_rows:,} lines; it is not audited"))
            rows.append(record)
            if len(rows) == chunk_rows:
                yield _batch(rows, columns)
                rows = []
        if rows:
            yield _batch(rows, columns)

    source.read = read
    return source


def _columns_of_first_rows(path: Path, encoding: str | None, limit: int) -> list[str]:
    columns: dict[str, None] = {}
    scratch = Source(str(path), "jsonl", [], read=lambda: iter(()))
    for i, (_, record) in enumerate(_records(path, encoding, scratch, "skip")):
        columns.update(dict.fromkeys(record))
        if i + 1 >= limit:
            break
    return list(columns)


def _records(path: Path, encoding: str | None, source: Source, bad_rows: str) -> Iterator[tuple[int, dict]]:
    try:
        with pa.input_stream(str(path), compression="detect") as stream, \
                io.TextIOWrapper(stream, encoding=encoding or "utf-8") as handle:
            for line_no, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                record, problem = _parse(line)
                if problem is None:
                    yield line_no, record
                    continue
                if bad_rows != "skip":
                    raise InputError(f"{path}:{line_no}: {problem} "
                                     "(use --bad-rows skip to report such lines and go on)")
                source.problems.append(RowProblem(line_no, problem, line[:200].rstrip("\n")))
    except UnicodeDecodeError:
        raise InputError(f"{path}: not valid {encoding or 'UTF-8'} text; pass --encoding, e.g. latin-1") from None


def _parse(line: str) -> tuple[dict, str | None]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return {}, f"not valid JSON ({exc.msg} at column {exc.colno})"
    if not isinstance(record, dict):
        return {}, f"expected a JSON object, found {type(record).__name__}"
    return record, None


def _batch(rows: list[dict[str, Any]], columns: list[str]) -> pa.RecordBatch:
    arrays = [pa.array([_text(row.get(name)) for row in rows], pa.string()) for name in columns]
    return pa.RecordBatch.from_arrays(arrays, names=columns)


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
