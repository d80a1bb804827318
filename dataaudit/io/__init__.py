"""Readers: any supported input becomes a `Source` of streamed record batches.

Formats are recognised by extension (compressed `.gz`/`.bz2`/`.zst` CSV and JSONL too), and
by content when the extension says nothing. `-` is standard input; stdin, FIFOs and other
inputs that can be read only once are spooled to a temporary file first (see `spool.py`).
A folder is a Parquet dataset (`dataset_reader.py`), or a `datasets` folder saved with
`save_to_disk`; an `s3://` (any fsspec) URI is read through its filesystem (`object_store.py`).
"""

from __future__ import annotations

import codecs
import contextlib
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from dataaudit.compression import CODECS, input_stream
from dataaudit.errors import InputError
from dataaudit.io import read_ahead
from dataaudit.io.access import read_failure
from dataaudit.io.decimal_comma import POINT, decimal_mark
from dataaudit.io.decoding import BINARY_SIGNATURES, BOM_NOTE, ascii_bytes, is_utf8, packed, starts_with_bom
from dataaudit.io.object_store import uri_protocol
from dataaudit.io.source import DEFAULT_CHUNK_ROWS, KEEP_BAD_ROWS, RowProblem, Source
from dataaudit.io.spool import STDIN, Spooled, display_name, local_copy

__all__ = ["DEFAULT_CHUNK_ROWS", "KEEP_BAD_ROWS", "RowProblem", "Source", "json_content", "open_source", "parse_ahead",
           "remote_input"]

FORMATS = {
    ".csv": "csv", ".txt": "csv", ".psv": "csv", ".tsv": "tsv", ".tab": "tsv",
    ".parquet": "parquet", ".pq": "parquet",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
}
COMPRESSED = tuple(CODECS)
#: UTF-32's marks first: UTF-32-LE's starts with UTF-16-LE's
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
             (codecs.BOM_UTF16_BE, "utf-16"))
BAD_ROWS = ("error", "skip")


def open_source(data: Any, *, delimiter: str | None = None, encoding: str | None = None,
                chunk_rows: int = DEFAULT_CHUNK_ROWS, bad_rows: str = "error", fmt: str | None = None,
                storage_options: Mapping[str, Any] | None = None, decimal: str = POINT) -> Source:
    """Open a path, a folder, a URI or an in-memory table for one streaming pass.
    `storage_options` are the keyword arguments of a URI's fsspec filesystem (`endpoint_url`).
    `decimal` is the decimal mark of a CSV or TSV file's numbers (`decimal_comma.py`); another
    than the point is refused for any other input, which holds its numbers as numbers."""
    if bad_rows not in (*BAD_ROWS, KEEP_BAD_ROWS):
        raise InputError(f"bad_rows must be one of {', '.join(BAD_ROWS)}, not {bad_rows!r}")
    if isinstance(chunk_rows, bool) or not isinstance(chunk_rows, int) or chunk_rows < 1:
        raise InputError(f"chunk_rows must be a whole number of rows, at least 1, not {chunk_rows!r}")
    decimal = decimal_mark(decimal)
    if isinstance(data, Source):  # already open: a stream another step produces
        return data
    if decimal != POINT and not isinstance(data, (str, Path)):
        raise InputError(f"the decimal mark (--decimal) applies to CSV and TSV files, not to a "
                         f"{type(data).__name__}, whose numbers are numbers already")
    if not isinstance(data, (str, Path)):
        from dataaudit.io.frame_reader import open_frame

        return open_frame(data, chunk_rows=chunk_rows)
    if storage_options is None:  # a file `parse_ahead` began with these options (a format named, too)
        begun = read_ahead.taken(Path(data), (delimiter, encoding, chunk_rows, bad_rows, fmt, decimal))
        if begun is not None:
            return begun
    return _open_named(data, delimiter=delimiter, encoding=encoding, chunk_rows=chunk_rows, bad_rows=bad_rows,
                       fmt=fmt, storage_options=storage_options, decimal=decimal)


def _open_named(data: str | Path, *, delimiter: str | None, encoding: str | None, chunk_rows: int, bad_rows: str,
                fmt: str | None, storage_options: Mapping[str, Any] | None, decimal: str = POINT) -> Source:
    """A path, a folder or a URI opened for one streaming pass."""
    name = display_name(data)
    if uri_protocol(data) is not None:
        copy = remote_input(str(data), storage_options, chunk_rows)
        if isinstance(copy, Source):
            return _refuse_decimal(copy, decimal)
    elif Path(data).is_dir():
        return _refuse_decimal(_folder(Path(data), name, chunk_rows), decimal)
    else:
        copy = local_copy(data)
    path = copy.path if copy is not None else Path(data)
    sample = _sample(path, name)
    fmt = fmt or _format_of(Path(name), sample, encoding)
    if decimal != POINT and fmt not in ("csv", "tsv"):
        raise InputError(f"{name}: the decimal mark (--decimal) applies to CSV and TSV files; this is {fmt}, "
                         "whose numbers are numbers already: leave --decimal out")
    if fmt == "parquet":
        from dataaudit.io.parquet_reader import open_parquet

        source = open_parquet(path, name, chunk_rows=chunk_rows)
    elif fmt == "jsonl":
        from dataaudit.io.jsonl_reader import open_jsonl

        source = open_jsonl(path, name, encoding=encoding, chunk_rows=chunk_rows, bad_rows=bad_rows,
                            lines_only=named_json_lines(Path(name)))
    else:
        from dataaudit.io.csv_reader import open_csv

        source = open_csv(path, name, sample, delimiter=delimiter, encoding=encoding, chunk_rows=chunk_rows,
                          bad_rows=bad_rows, tab_default=fmt == "tsv", decimal=decimal)
    source.info.update({"path": name, "format": source.format, "bytes": path.stat().st_size})
    source.local_path = path
    if copy is not None:  # the copy was hashed as it was made; the input itself cannot be read again
        source.info["sha256"] = copy.sha256
    if fmt != "parquet" and starts_with_bom(sample, encoding):
        source.info.setdefault("notes", []).append(BOM_NOTE)
    return source


def _refuse_decimal(source: Source, decimal: str) -> Source:
    """`source`, a folder's or an object store's table, which a decimal mark does not apply to."""
    if decimal != POINT:
        raise InputError(f"{source.name}: the decimal mark (--decimal) applies to CSV and TSV files; this is "
                         f"{source.format}, whose numbers are numbers already: leave --decimal out")
    return source


@contextlib.contextmanager
def parse_ahead(data: str, *, delimiter: str | None = None, encoding: str | None = None,
                chunk_rows: int = DEFAULT_CHUNK_ROWS, bad_rows: str = "error",
                before_parsing: Callable[[], None] = lambda: None, decimal: str = POINT) -> Iterator[None]:
    """Inside the block, a local CSV, TSV or Parquet file's first chunks are parsed on a thread,
    for the `open_source` of it with the same options that follows (`read_ahead.py`): what a
    command does while it loads its code. `before_parsing` runs once the file qualifies, before
    it is opened. Only where the parsing runs without Python's lock: a compressed file or another
    encoding than UTF-8 is decoded through Python, and is left to that `open_source`, as is any
    other input and a file that cannot be opened, whose error that open reports. On leaving the
    block, a source no open took is dropped."""
    with contextlib.suppress(Exception):  # the audit's own open says what is wrong, where it would have
        _begin_parsing(data, delimiter, encoding, chunk_rows, bad_rows, before_parsing, decimal)
    try:
        yield
    finally:
        read_ahead.discard()


def _begin_parsing(data: str, delimiter: str | None, encoding: str | None, chunk_rows: int, bad_rows: str,
                   before_parsing: Callable[[], None], decimal: str = POINT) -> None:
    path = Path(data)
    if data == STDIN or uri_protocol(data) is not None or not path.is_file() or path.suffix.lower() in COMPRESSED:
        return
    if encoding is not None and codecs.lookup(encoding).name != "utf-8":
        return
    if _format_of(path, _sample(path, str(data)), encoding) not in ("csv", "tsv", "parquet"):
        return  # JSON Lines may be a fine-tuning file, which is read another way
    before_parsing()  # before the open: a Parquet reader keeps the Arrow pool it was opened with
    opened = read_ahead.identity(path)
    source = _open_named(data, delimiter=delimiter, encoding=encoding, chunk_rows=chunk_rows, bad_rows=bad_rows,
                         fmt=None, storage_options=None, decimal=decimal)
    read_ahead.begin(path, (delimiter, encoding, chunk_rows, bad_rows, None, decimal), source, opened)


def remote_input(uri: str, storage_options: Mapping[str, Any] | None,
                 chunk_rows: int = DEFAULT_CHUNK_ROWS) -> Spooled | Source:
    """A folder of Parquet files in an object store, streamed; or the local copy of one file
    (made once per run, whoever asks first: the layout's sniff, the pass)."""
    from dataaudit.io.object_store import describe, filesystem
    from dataaudit.io.spool import remote_copy

    fs, path = filesystem(uri, storage_options)
    if describe(fs, path, uri).get("type") == "directory":
        from dataaudit.io.dataset_reader import open_parquet_folder

        return open_parquet_folder(path, uri, chunk_rows=chunk_rows, filesystem=fs)
    return remote_copy(uri, lambda: fs.open(path, "rb"))


def _folder(path: Path, name: str, chunk_rows: int) -> Source:
    """A folder saved by `datasets` (`save_to_disk`), or a folder of Parquet files."""
    if (path / "dataset_dict.json").is_file():
        raise InputError(f"{name}: a DatasetDict folder; give one split's folder ({name.rstrip('/')}/train) and "
                         "the others with --split")
    if (path / "state.json").is_file() and (path / "dataset_info.json").is_file():
        from dataaudit.io.hf_reader import load_saved_dataset, open_hf_dataset

        return open_hf_dataset(load_saved_dataset(path, name), chunk_rows=chunk_rows)
    from dataaudit.io.dataset_reader import open_parquet_folder

    return open_parquet_folder(str(path), name, chunk_rows=chunk_rows)


def _sample(path: Path, name: str) -> bytes:
    try:
        with input_stream(path) as stream:
            sample = stream.read(64 * 1024)
    except OSError as exc:
        raise read_failure(name, exc) from None
    if not sample:
        raise InputError(f"{name}: the file is empty")
    return sample


def _suffixes(path: Path) -> list[str]:
    """The name's suffixes in lower case, a compression's left out (`data.jsonl.gz`: `.jsonl`)."""
    suffixes = [s.lower() for s in path.suffixes]
    return suffixes[:-1] if suffixes and suffixes[-1] in COMPRESSED else suffixes


def named_json_lines(path: Path) -> bool:
    """Whether the name says JSON Lines (`.jsonl`, `.ndjson`, compressed or not): each line is a
    JSON text, whatever the first one is, and the file is never one JSON array, as a `.json`
    file may be."""
    return _suffixes(path)[-1:] in ([".jsonl"], [".ndjson"])


def _format_of(path: Path, sample: bytes, encoding: str | None) -> str:
    suffixes = _suffixes(path)
    if path.suffix.lower() in COMPRESSED:
        if suffixes and FORMATS.get(suffixes[-1]) == "parquet":
            raise InputError(f"{path}: a compressed Parquet file; Parquet compresses internally, give the .parquet")
        if not suffixes or suffixes[-1] not in FORMATS:
            raise InputError(f"{path}: compressed file of unknown format; name it like data.csv.gz or data.jsonl.gz")
        fmt = FORMATS[suffixes[-1]]
        if not sample.startswith(BINARY_SIGNATURES) and _binary(sample, encoding):
            # `sample` is the decompressed text: what is no text there is refused as in a plain file (a
            # compressed file inside is left to the reader, which says so without "name it .gz")
            raise InputError(_wide_text(path, sample) or f"{path}: binary content, not a {fmt.upper()} text file")
        return fmt
    if sample.startswith(b"PAR1"):
        return "parquet"
    if suffixes and suffixes[-1] in FORMATS:
        fmt = FORMATS[suffixes[-1]]
        if fmt != "parquet" and _binary(sample, encoding):
            raise InputError(packed(str(path), sample, f"a {fmt.upper()} text file") or _wide_text(path, sample)
                             or f"{path}: binary content, not a {fmt.upper()} text file")
        return fmt
    if _binary(sample, encoding):
        raise InputError(packed(str(path), sample, "a CSV, TSV, Parquet or JSONL file") or _wide_text(path, sample)
                         or f"{path}: not a CSV, TSV, Parquet or JSONL file (binary content)")
    return "jsonl" if json_content(sample) else "csv"


#: what JSON Lines (an object) or a JSON array of objects starts with, after blanks
_JSON_START = re.compile(rb"[ \t\r\n]*(?:\{|\[[ \t\r\n]*\{)")


def json_content(sample: bytes) -> bool:
    """Whether content no name describes (standard input, a pipe, a file without an extension
    or with one of no format) is JSON: its first bytes past blanks and a byte-order mark open an
    object (JSON Lines), or an array whose first item is one (a JSON array of examples, as a
    `.json` file holds). Any other text is CSV. The one rule for such content: the fine-tuning
    audit asks it too, so a table and a fine-tuning file are told from other text alike."""
    return _JSON_START.match(sample.removeprefix(codecs.BOM_UTF8)) is not None


def wide_codec(sample: bytes) -> str | None:
    """The UTF-16 or UTF-32 codec that the byte-order mark opening `sample` names, if any: the
    one lookup for tables and fine-tuning files, which refuse such text each in its own words."""
    return next((codec for bom, codec in _WIDE_BOMS if sample.startswith(bom)), None)


def _wide_text(path: Path, sample: bytes) -> str | None:
    """What to say of text whose byte-order mark names its UTF-16 or UTF-32 encoding."""
    codec = wide_codec(sample)
    if codec is None:
        return None
    return f"{path}: {codec.upper()} text (it starts with its byte-order mark); pass --encoding {codec}"


def _ascii_bytes(encoding: str | None) -> bool:
    """`ascii_bytes`, for an encoding Python knows; the reader names one it does not."""
    try:
        return ascii_bytes(encoding)
    except LookupError:
        return False


def _binary(sample: bytes, encoding: str | None) -> bool:
    """Bytes that start as a compressed file or an archive does, with NULs that are no UTF-8
    text, or whose NULs are a large share (UTF-16, UTF-32, or a program's bytes read as
    Latin-1): a NUL here and there in text is a character of a value, and is read as one.
    Text in a wide encoding a user names (`--encoding utf-16`) is read in it, NULs and all."""
    if sample.startswith(BINARY_SIGNATURES):
        return True
    if b"\x00" not in sample or not _ascii_bytes(encoding):
        return False
    if is_utf8(encoding):
        try:
            sample.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(sample) - 4:  # not merely a character cut at the sample's end
                return True
    return sample.count(0) * 8 > len(sample)
