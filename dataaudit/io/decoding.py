"""Text decoding shared by the CSV and JSONL readers: a UTF-8 byte-order mark is not data.

Spreadsheet programs write a UTF-8 file with a BOM; read as plain UTF-8 it would become part
of the first column's name (or make the first JSON line invalid), so the UTF-8 codec used is
the one that skips it, and the source says it was there.
"""

from __future__ import annotations

import codecs

from dataaudit.errors import InputError

UTF8_NAMES = ("utf-8", "utf8", "utf_8", "utf-8-sig", "utf_8_sig")
BOM_NOTE = "the file starts with a UTF-8 byte-order mark; it was skipped"


def is_utf8(encoding: str | None) -> bool:
    return (encoding or "utf-8").lower() in UTF8_NAMES


def text_codec(encoding: str | None) -> str:
    """The Python codec for `encoding` (None is UTF-8); UTF-8 skips a leading byte-order mark."""
    return "utf-8-sig" if is_utf8(encoding) else str(encoding)


def starts_with_bom(sample: bytes, encoding: str | None) -> bool:
    return is_utf8(encoding) and sample.startswith(codecs.BOM_UTF8)


def no_byte_order(name: str, encoding: str | None, exc: UnicodeError) -> InputError:
    """What to say of a `UnicodeError` that is no decoding error: text with no byte-order mark
    read with `--encoding utf-16` (or utf-32), whose codec does not guess the byte order when it
    reads a stream, as the readers do, though it does for bytes decoded at once."""
    codec = str(encoding).lower()
    return InputError(f"{name}: not {codec} text as --encoding {codec} reads it ({exc}); for text with no "
                      f"byte-order mark pass --encoding {codec}-le or {codec}-be")
