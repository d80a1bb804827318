"""CSV dialects as spreadsheets, R, databases and other tools export them, read through the
command as a user runs it: each file is read as its writer meant it, or refused in one line."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest

from tests.cli_helpers import invoke


def _audit(data: Path, tmp_path: Path, *options: str, code: int = 0) -> dict:
    report = tmp_path / "report.json"
    invoke(["audit", data, "-t", "label", "-q", "-f", "json", "-o", report, *options], code)
    return json.loads(report.read_text(encoding="utf-8"))


def _cleaned_rows(data: Path, tmp_path: Path, *options: str) -> list[list[str]]:
    """The rows `clean` writes of `data`, read back as CSV."""
    out = tmp_path / "clean.csv"
    invoke(["clean", data, "-t", "label", "-q", *options, "-o", out], 0)
    with out.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize(("name", "delimiter"), [("prices.tsv", "\t"), ("prices.csv", "|"), ("prices.txt", ";")])
def test_a_comma_in_every_line_does_not_outvote_the_delimiter(tmp_path: Path, name: str, delimiter: str) -> None:
    """A header name and a value holding one comma each (`price, EUR`, `3,5`) made the sniffer
    prefer the comma: the file was two columns of mangled text, and `label` not found."""
    rows = [["id", "price, EUR", "label"]] + [[str(i), f"{i},5", "ab"[i % 2]] for i in range(40)]
    data = tmp_path / name
    data.write_text("".join(delimiter.join(row) + "\n" for row in rows), encoding="utf-8")
    report = _audit(data, tmp_path)
    assert report["source"]["delimiter"] == delimiter
    assert report["dataset"]["columns"] == 3
    assert report["dataset"]["labels"]["counts"] == {"a": 20, "b": 20}

    assert _cleaned_rows(data, tmp_path) == rows


def test_a_delimiter_inside_quoted_fields_does_not_outvote_the_one_around_them(tmp_path: Path) -> None:
    """Split at its semicolons, `id,"a;b;c;d",label` is four fields, more than its commas make; but
    those fields hold quotes, which the delimiter a file is written with leaves around its fields."""
    rows = [["id", "a;b;c;d", "label"]] + [[str(i), f"x;y;z;{i}", "ab"[i % 2]] for i in range(40)]
    data = tmp_path / "quoted.csv"
    data.write_text("".join(f'{a},"{b}",{c}\n' for a, b, c in rows), encoding="utf-8")
    report = _audit(data, tmp_path)
    assert (report["source"]["delimiter"], report["dataset"]["columns"]) == (",", 3)


def test_the_encoding_named_for_a_windows_export_reads_its_euro_signs(tmp_path: Path) -> None:
    """Excel on Windows writes cp1252: `€` is 0x80, `’` 0x92, control characters in latin-1. The
    refusal named latin-1, which read them so, and a clean wrote the control characters out."""
    data = tmp_path / "export.csv"
    rows = [["id", "price", "note", "label"]] + [[str(i), f"{i} €", f"customer’s {i}", "ab"[i % 2]] for i in range(40)]
    data.write_bytes("".join(";".join(row) + "\r\n" for row in rows).encode("cp1252"))
    _, err = invoke(["audit", data, "-t", "label"], 2)
    assert err == f"dataaudit: error: {data}:2: not valid UTF-8 text (byte 0x80); pass --encoding, e.g. cp1252\n"

    encoding = err.rsplit(" ", 1)[1].strip()
    assert _cleaned_rows(data, tmp_path, "--encoding", encoding) == rows


@pytest.mark.parametrize("command", ["audit", "clean"])
@pytest.mark.parametrize("suffix", [".csv", ".csv.gz"])
def test_a_byte_the_encoding_leaves_undefined_past_the_sample_is_named_by_line(tmp_path: Path, command: str,
                                                                               suffix: str) -> None:
    """cp1252 leaves 0x81 undefined: past the first 64 KiB, which are decoded up front, the
    decoding error came from pyarrow's reader as an internal error, exit 3."""
    lines = ["id,text,label"] + [f"{i},word {i} {'x' * 60},{'ab'[i % 2]}" for i in range(3000)]
    lines[2500] = "2500,caf\x81,a"
    text = "".join(line + "\n" for line in lines).encode("latin-1")
    data = tmp_path / f"data{suffix}"
    data.write_bytes(gzip.compress(text) if suffix.endswith(".gz") else text)
    assert len(text) > 128 << 10
    out = ["-o", tmp_path / "out.csv"] if command == "clean" else []
    _, err = invoke([command, data, "-t", "label", "-q", "--encoding", "cp1252", *out], 2)
    assert err == f"dataaudit: error: {data}:2501: not valid cp1252 text (byte 0x81); pass --encoding, e.g. latin-1\n"
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("encoding", ["cp65001", "U8"])
def test_a_byte_order_mark_is_skipped_under_any_name_of_utf8(tmp_path: Path, encoding: str) -> None:
    """Windows calls UTF-8 code page 65001: under that name, or Python's `U8`, the mark of an
    Excel "CSV UTF-8" file became part of the first column's name, in the report and the clean."""
    data = tmp_path / "export.csv"
    rows = [["x", "y", "label"]] + [[str(i), f"{i},5", "ab"[i % 2]] for i in range(40)]
    data.write_bytes(("\ufeff" + "".join(";".join(row) + "\r\n" for row in rows)).encode("utf-8"))
    report = _audit(data, tmp_path, "--encoding", encoding)
    assert [column["name"] for column in report["dataset"]["column_profiles"]] == ["x", "y", "label"]

    assert _cleaned_rows(data, tmp_path, "--encoding", encoding) == rows


@pytest.mark.parametrize("command", ["audit", "clean"])
@pytest.mark.parametrize("end", ["\n", ""])
def test_a_small_files_last_letter_in_latin1_is_named_on_its_line(tmp_path: Path, command: str, end: str) -> None:
    """A file shorter than the sample ending in `café` (0xE9, then at most a line end) looked like
    a letter cut by the sample's end; the header's reader, which reads ahead, then met the byte
    and named line 1."""
    data = tmp_path / "data.csv"
    data.write_bytes(f"x,label\n1,a\n2,caf\xe9{end}".encode("latin-1"))
    out = ["-o", tmp_path / "out.csv"] if command == "clean" else []
    _, err = invoke([command, data, "-t", "label", "-q", *out], 2)
    assert err == f"dataaudit: error: {data}:3: not valid UTF-8 text (byte 0xe9); pass --encoding, e.g. cp1252\n"


@pytest.mark.parametrize("spelling", ["\\t", "tab", "TAB"])
def test_a_tab_named_as_a_shell_passes_it_is_the_delimiter(tmp_path: Path, spelling: str) -> None:
    """`--delimiter '\\t'` reaches the program as a backslash and a `t`, and a tab is awkward to
    type in a shell: both were refused as not one character."""
    rows = [["id", "price, EUR", "label"]] + [[str(i), f"{i},5", "ab"[i % 2]] for i in range(40)]
    data = tmp_path / "prices.txt"
    data.write_text("".join("\t".join(row) + "\n" for row in rows), encoding="utf-8")
    report = _audit(data, tmp_path, "--delimiter", spelling)
    assert (report["source"]["delimiter"], report["dataset"]["columns"]) == ("\t", 3)

    assert _cleaned_rows(data, tmp_path, "--delimiter", spelling) == rows


@pytest.mark.parametrize("command", ["audit", "clean"])
def test_a_delimiter_neither_one_character_nor_a_name_is_one_line(tmp_path: Path, command: str) -> None:
    data = tmp_path / "data.csv"
    data.write_text("x,label\n1,a\n", encoding="utf-8")
    out = ["-o", tmp_path / "out.csv"] if command == "clean" else []
    _, err = invoke([command, data, "-t", "label", "-q", "--delimiter", "::", *out], 2)
    assert err == (f"dataaudit: error: {data}: the delimiter must be one character or one of \\t, tab, comma, "
                   "semicolon, pipe, space; not '::'\n")
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("name", ["DATA.CSV.GZ", "Data.csv.Bz2", "DATA.JSONL.ZST"])
def test_a_compression_suffix_in_upper_case_is_decompressed(tmp_path: Path, name: str) -> None:
    """pyarrow tells a compression by a lower-case suffix only: `DATA.CSV.GZ`, as a Windows tool
    names it, was read compressed and refused as binary content."""
    import pyarrow as pa

    rows = [["x", "y", "label"]] + [[str(i), f"{i}.5", "ab"[i % 2]] for i in range(40)]
    data = tmp_path / name
    codec = {".GZ": "gzip", ".BZ2": "bz2", ".ZST": "zstd"}[data.suffix.upper()]
    text = ("".join(json.dumps(dict(zip(rows[0], row, strict=True))) + "\n" for row in rows[1:]) if ".JSONL" in name
            else "".join(",".join(row) + "\n" for row in rows))
    with pa.CompressedOutputStream(str(data), codec) as stream:
        stream.write(text.encode("utf-8"))
    report = _audit(data, tmp_path)
    assert report["dataset"]["labels"]["counts"] == {"a": 20, "b": 20}

    out = tmp_path / "CLEAN.CSV.GZ"
    invoke(["clean", data, "-t", "label", "-q", "-o", out], 0)
    with gzip.open(out, "rt", encoding="utf-8", newline="") as handle:
        assert list(csv.reader(handle)) == rows


def _xz(text: bytes, name: str) -> bytes:
    import lzma

    return lzma.compress(text)


def _zip(text: bytes, name: str) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, text)
    return buffer.getvalue()


PACKED = {
    "xz": (_xz, "an xz-compressed file", "decompress it first (xz -d), or recompress it as .gz or .zst, which are "
                                         "read compressed"),
    "zip": (_zip, "a zip archive", "extract the file from it first (unzip)"),
}


@pytest.mark.parametrize("command", ["audit", "clean"])
@pytest.mark.parametrize(("packing", "name", "expected"), [
    ("xz", "data.csv.xz", "a CSV, TSV, Parquet or JSONL file"), ("xz", "data.csv", "a CSV text file"),
    ("zip", "data.zip", "a CSV, TSV, Parquet or JSONL file"), ("zip", "data.csv", "a CSV text file"),
    ("xz", "-", "a CSV, TSV, Parquet or JSONL file"), ("zip", "-", "a CSV, TSV, Parquet or JSONL file"),
])
def test_an_xz_file_or_a_zip_archive_is_named_with_what_makes_it_readable(
        tmp_path: Path, command: str, packing: str, name: str, expected: str) -> None:
    """pyarrow reads neither xz nor an archive: both were "binary content", which named neither
    what the file is nor what to do with it (for a `.csv`, no more than an encoding would)."""
    pack, what, remedy = PACKED[packing]
    packed = pack(b"x,label\n" + b"".join(b"%d,%s\n" % (i, b"ab"[i % 2:i % 2 + 1]) for i in range(40)), "data.csv")
    data = tmp_path / name
    if name != "-":
        data.write_bytes(packed)
    out = ["-o", tmp_path / "out.csv"] if command == "clean" else []
    _, err = invoke([command, "-" if name == "-" else data, "-t", "label", "-q", *out], 2,
                    stdin=packed if name == "-" else None)
    shown = "<stdin>" if name == "-" else data
    assert err == f"dataaudit: error: {shown}: {what}, not {expected}; {remedy}\n"
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("delimiter", [",", "\t"])
def test_a_database_exports_null_is_a_missing_value(tmp_path: Path, delimiter: str) -> None:
    """MySQL's `SELECT ... INTO OUTFILE` and PostgreSQL's `COPY` write a NULL as `\\N`: it was
    counted as text, so a numeric column with NULLs mixed kinds and its NULLs were no missing values."""
    rows = [["age", "x", "city", "label"]] + [["\\N" if i % 10 == 0 else str(20 + i % 50), f"{i}.5",
                                                "\\N" if i % 7 == 0 else "xyz"[i % 3], "ab"[i % 2]] for i in range(120)]
    data = tmp_path / ("export.csv" if delimiter == "," else "export.tsv")
    data.write_text("".join(delimiter.join(row) + "\n" for row in rows), encoding="utf-8")
    report = _audit(data, tmp_path)
    age, _, city, _ = report["dataset"]["column_profiles"]
    assert (age["type"], age["tokens"], age["missing"]) == ("integer", {"\\N": 12}, 12)
    assert (city["tokens"], city["missing"]) == ({"\\N": 18}, 18)
    assert "columns.mixed_types" not in {finding["check"] for finding in report["findings"]}

    nulled = [[cell.replace("\\N", "") for cell in row] for row in rows]
    assert _cleaned_rows(data, tmp_path) == nulled
