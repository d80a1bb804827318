"""Text decoding shared by the CSV and JSONL readers: a UTF-8 byte-order mark is not data.

Spreadsheet programs write a UTF-8 file with a BOM; read as plain UTF-8 it would become part
of the first column's name (or make the first JSON line invalid), so the UTF-8 codec used is
the one that skips it, and the source says it was there.
"""

from __future__ import annotations

import codecs

from dataaudit.errors import InputError, quoted

BOM_NOTE = "the file starts with a UTF-8 byte-order mark; it was skipped"

#: how a compressed file, an archive or an image starts, what it is, and what makes it readable: gzip
#: and zstd are decompressed when the name says so; pyarrow reads no xz, and no archive
PACKINGS = {
    b"\x1f\x8b": ("a gzip-compressed file", "name it with a .gz suffix (data.csv.gz) to have it decompressed"),
    b"\x28\xb5\x2f\xfd": ("a zstd-compressed file",
                          "name it with a .zst suffix (data.csv.zst) to have it decompressed"),
    b"\xfd7zXZ\x00": ("an xz-compressed file", "decompress it first (xz -d), or recompress it as .gz or .zst, which "
                                             "are read compressed"),
    b"PK\x03\x04": ("a zip archive", "extract the file from it first (unzip)"),
    b"\x89PNG": ("a PNG image", None),
}
BINARY_SIGNATURES = tuple(PACKINGS)


def packed(name: str, head: bytes, expected: str) -> str | None:
    """What to say of bytes that start as a compressed file, an archive or an image do, where
    `expected` text was: what the file is and what makes it readable. "binary content" alone sent
    its user guessing, or looking for an encoding."""
    for signature, (what, remedy) in PACKINGS.items():
        if head.startswith(signature):
            return f"{name}: {what}, not {expected}" + (f"; {remedy}" if remedy else "")
    return None


def binary_content(name: str, head: bytes, layout: str) -> InputError | None:
    """The error for a file that, decompressed as its name says, still starts as a compressed
    file, an archive or an image: a gzip inside a `.csv.gz` is no text in any encoding, and
    "pass --encoding" would send its user looking for one."""
    if head.startswith(BINARY_SIGNATURES):
        return InputError(f"{name}: binary content (a compressed file or an archive), not {layout} text")
    return None


def is_utf8(encoding: str | None) -> bool:
    """Whether `encoding` is UTF-8 by any of Python's names for it: `U8` and Windows' `cp65001`
    read a byte-order mark into the first column's name, as no UTF-8 file means it."""
    try:
        return codecs.lookup(encoding or "utf-8").name in ("utf-8", "utf-8-sig")
    except LookupError:  # refused by name where it is read
        return False


def text_codec(encoding: str | None) -> str:
    """The Python codec for `encoding` (None is UTF-8); UTF-8 skips a leading byte-order mark."""
    return "utf-8-sig" if is_utf8(encoding) else str(encoding)


def known_codec(encoding: str | None) -> str:
    """`text_codec(encoding)`, refused in one line when Python has no such codec."""
    codec = text_codec(encoding)
    try:
        codecs.lookup(codec)
    except LookupError:
        raise InputError(f"unknown encoding {quoted(str(encoding))}") from None
    return codec


def starts_with_bom(sample: bytes, encoding: str | None) -> bool:
    return is_utf8(encoding) and sample.startswith(codecs.BOM_UTF8)


def ascii_bytes(encoding: str | None) -> bool:
    """Whether `encoding` writes ASCII as its bytes, one a character (UTF-8, Latin-1, CP1252), so
    a scan of the file's bytes for quotes and line ends reads its text; UTF-16 and UTF-32 do not."""
    return is_utf8(encoding) or '",\n\r'.encode(str(encoding)) == b'",\n\r'


def body_codec(encoding: str | None, sample: bytes) -> str:
    """The codec that writes text as the file's body is written, to compare a value with the
    file's bytes: UTF-16 and UTF-32 in the byte order the file's mark (in `sample`, its first
    bytes) names, with no mark, which their encoders write before any text; UTF-8-SIG as UTF-8."""
    name = codecs.lookup(encoding or "utf-8").name
    if name == "utf-8-sig":
        return "utf-8"
    if name in ("utf-16", "utf-32"):
        big = codecs.BOM_UTF32_BE if name == "utf-32" else codecs.BOM_UTF16_BE
        return f"{name}-be" if sample.startswith(big) else f"{name}-le"
    return name


def unreadable(name: str, encoding: str | None, exc: UnicodeError) -> InputError:
    """What to say of a `UnicodeError` that is no decoding error at a byte. Text with no
    byte-order mark read with `--encoding utf-16` (or utf-32), whose codec does not guess the
    byte order when it reads a stream, as the readers do, though it does for bytes decoded at
    once; or a codec that reads no text of a file at all (`punycode`)."""
    codec = str(encoding or "utf-8").lower()
    if codecs.lookup(codec).name in ("utf-16", "utf-32"):
        return InputError(f"{name}: not {codec} text as --encoding {codec} reads it ({exc}); for text with no "
                          f"byte-order mark pass --encoding {codec}-le or {codec}-be")
    return InputError(f"{name}: not readable as {encoding or 'UTF-8'} text ({exc}); {encoding_hint(encoding)}")


def encoding_hint(encoding: str | None) -> str:
    """What to pass for text `encoding` (None: UTF-8) does not decode. Windows' cp1252, which
    Excel writes, reads each letter latin-1 reads alike, and 0x80 to 0x9F as the marks it has
    there (`€`, `’`, `–`), where latin-1 has invisible control characters: told to pass latin-1,
    a user got every `€` as one, and a clean wrote it so. The five bytes cp1252 leaves undefined
    (0x81) are read by latin-1, which its own refusal then names."""
    tried = codecs.lookup(encoding or "utf-8").name
    return "pass --encoding, e.g. " + ("latin-1" if tried == "cp1252" else "cp1252")
