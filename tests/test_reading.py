"""Every input is read as written, and every unreadable input is one line on stderr with exit 2.

The files are real and made on disk by each test: a CSV whose quoted fields hold line ends past
the first 1 MiB block, headers of 7,001 and 20,000 columns, a FIFO fed by a writer thread,
stdin piped to the command, truncated compressed files, a JSONL line nested 100,000 deep,
Parquet with nested and binary columns, a BOM, a symlink loop, an oversized rule pack. Each
runs through the installed command (`run`) and click's runner (`invoke`), and the input's
SHA-256 is the same afterwards: reading never writes.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import hashlib
import io
import json
import os
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataaudit import audit as audit_api
from dataaudit.io import open_source
from tests.cli_helpers import SCRIPT, invoke, run

Runner = Callable[..., tuple[str, str]]
QUOTED_NEWLINE_ROWS = 30_000


@pytest.fixture(params=["in-process", "subprocess"])
def dataaudit(request: pytest.FixtureRequest) -> Runner:
    return invoke if request.param == "in-process" else run


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def error_line(dataaudit: Runner, args: list, *needles: str, stdin: bytes | None = None) -> str:
    """Run, expect exit 2 and one error line holding every needle; return it."""
    out, err = dataaudit(args, 2, **({"stdin": stdin} if stdin is not None else {}))
    assert "Traceback" not in out + err, err
    lines = err.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{err[:3000]}"
    assert lines[0].startswith("dataaudit: error: "), lines[0]
    for needle in needles:
        assert needle in lines[0], f"{needle!r} not in {lines[0]!r}"
    return lines[0]


def json_report(dataaudit: Runner, args: list, code: int, stdin: bytes | None = None) -> dict:
    """The JSON report of an audit expected to exit `code` (0 passed, 1 gate failed)."""
    out, err = dataaudit([*args, "-f", "json", "-q"], code, **({"stdin": stdin} if stdin is not None else {}))
    assert "Traceback" not in err
    return json.loads(out)


def _zstd(data: bytes) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.CompressedOutputStream(sink, "zstd") as stream:
        stream.write(data)
    return sink.getvalue().to_pybytes()


def quoted_newline_csv(path: Path, rows: int = QUOTED_NEWLINE_ROWS) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("id,text,label\n")
        for i in range(rows):
            handle.write(f'{i},"row {i}\nsecond line, with comma",l{i % 2}\n')  # distinct beside the id
    return path


# --- 9: quoted line ends past the first block ---------------------------------------------------


@pytest.mark.parametrize("bad_rows", ["error", "skip"])
def test_quoted_newlines_past_the_first_block(tmp_path: Path, dataaudit: Runner, bad_rows: str) -> None:
    path = quoted_newline_csv(tmp_path / "notes.csv")
    assert path.stat().st_size > 1 << 20
    digest = sha256(path)
    report = json_report(dataaudit, ["audit", path, "-t", "label", "--bad-rows", bad_rows], 0)
    assert report["dataset"]["rows"] == QUOTED_NEWLINE_ROWS
    assert report["dataset"]["labels"]["counts"] == {"l0": QUOTED_NEWLINE_ROWS // 2, "l1": QUOTED_NEWLINE_ROWS // 2}
    assert not [f for f in report["findings"] if f["check"] == "source.bad_rows"], "no row is split in two"
    assert sha256(path) == digest


BLOCK = 1 << 20


def _block_csv(path: Path, lead: int, cell: str, tail: list[tuple[str, str]], line_end: str) -> Path:
    """Rows up to `lead` bytes before the end of the first 1 MiB block, where a quoted field opens
    and runs on past the block's end with a line end every other character (so the block's last
    line end is inside quotes); then `tail` rows."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator=line_end)
    writer.writerow(["id", "text", "label"])
    for i in range(BLOCK // 912 - 4):
        writer.writerow([i, "f" * 900, "a" if i % 2 else "b"])
    # a padding row ends where the next row's quoted field starts: `lead` bytes before the block end
    opening = len('x,"')
    padding = BLOCK - lead - opening - len(text.getvalue()) - len("p,,a") - len(line_end)
    writer.writerow(["p", "f" * padding, "a"])
    writer.writerow(["x", "\n" + cell + "y\n" * 2_100, "a"])
    for i, (value, label) in enumerate(tail):
        writer.writerow([f"t{i}", value, label])
    path.write_text(text.getvalue(), encoding="utf-8", newline="")
    return path


# a lone "\r" is left out: csv.writer does not quote it under a "\n" line end, and readers differ on it
CELL = st.text(st.sampled_from('ab ,"\n\t;x'), min_size=0, max_size=3000)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lead=st.integers(1, 2_000), cell=CELL,
       tail=st.lists(st.tuples(CELL, st.sampled_from(["a", "b", "c,d", "e\nf"])), max_size=8),
       line_end=st.sampled_from(["\n", "\r\n"]))
def test_rows_around_the_block_boundary_match_the_csv_module(tmp_path: Path, lead: int, cell: str, tail: list,
                                                             line_end: str) -> None:
    """Whatever quoted line ends, commas and quotes sit across the 1 MiB block boundary, the
    audit counts the rows Python's csv module reads."""
    path = _block_csv(tmp_path / "boundary.csv", lead, cell, tail, line_end)
    assert path.read_bytes()[BLOCK - lead - 1:BLOCK - lead + 1] == b'"\n'
    with open(path, encoding="utf-8", newline="") as handle:
        expected = sum(1 for fields in csv.reader(handle) if fields) - 1
    assert audit_api(path, "label").dataset.rows == expected


# --- 10: headers of any length ----------------------------------------------------------------------


def wide_csv(path: Path, columns: int, rows: int = 12) -> Path:
    names = [f"column_{i:05d}" for i in range(columns)] + ["target"]
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(",".join(names) + "\n")
        for r in range(rows):
            handle.write(",".join(str((r * 7 + i) % 5) for i in range(columns)) + f",t{r % 2}\n")
    return path


@pytest.mark.parametrize("columns", [7_001, 20_000])
def test_a_wide_header_is_read_whole(tmp_path: Path, dataaudit: Runner, columns: int) -> None:
    """The header is longer than any sample: every column is there, none made up, none twice."""
    path = wide_csv(tmp_path / "wide.csv", columns)
    digest = sha256(path)
    line = error_line(dataaudit, ["audit", path, "-t", "no_such_column"], "not found",
                      f"({columns + 1:,} in all)")
    assert "duplicate" not in line
    assert sha256(path) == digest


@pytest.mark.slow
def test_a_7001_column_file_finds_its_last_column(tmp_path: Path, dataaudit: Runner) -> None:
    path = wide_csv(tmp_path / "wide.csv", 7_001)
    report = json_report(dataaudit, ["audit", path, "-t", "target"], 1)
    assert report["target"] == "target"
    assert report["dataset"]["columns"] == 7_002


def test_a_header_with_no_line_end_is_refused_short(tmp_path: Path, dataaudit: Runner) -> None:
    """A 17 MB single line is not a header: refused after the limit, in a line that quotes none of it."""
    path = tmp_path / "one_line.csv"
    path.write_bytes(b"x" * (17 << 20))
    line = error_line(dataaudit, ["audit", path], f"{path}:1: the header is longer than 16 MiB")
    assert len(line) < 300


# --- 11: read-once inputs and unreadable ones --------------------------------------------------------


def small_csv(path: Path) -> Path:
    return quoted_newline_csv(path, rows=60)


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The command's temporary folder, to see that a spooled copy does not outlive the command."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))  # the in-process runs
    return folder


def _feed_fifo(fifo: Path, data: bytes) -> threading.Thread:
    def write() -> None:
        with open(fifo, "wb") as handle:
            handle.write(data)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    return writer


def test_a_fifo_is_read_once(tmp_path: Path, private_tmp: Path) -> None:
    source = small_csv(tmp_path / "rows.csv")
    fifo = tmp_path / "rows.csv.fifo"
    os.mkfifo(fifo)
    writer = _feed_fifo(fifo, source.read_bytes())
    report = json_report(run, ["audit", fifo, "-t", "label"], 0)
    writer.join(5)
    assert report["source"]["name"] == str(fifo)
    assert report["dataset"]["rows"] == 60
    assert report["source"]["sha256"] == sha256(source)
    assert list(private_tmp.iterdir()) == [], "the spooled copy is removed"


def test_a_fifo_in_process_and_cleaned(tmp_path: Path) -> None:
    """`clean` reads its input twice (audit, then write): a FIFO still gives its rows once."""
    source = small_csv(tmp_path / "rows.csv")
    fifo = tmp_path / "in.csv"
    os.mkfifo(fifo)
    writer = _feed_fifo(fifo, source.read_bytes())
    invoke(["clean", fifo, "-t", "label", "-o", tmp_path / "out.csv"], 0)
    writer.join(5)
    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as handle:
        assert sum(1 for _ in csv.reader(handle)) == 61


def test_stdin_as_dash(tmp_path: Path, dataaudit: Runner, private_tmp: Path) -> None:
    source = small_csv(tmp_path / "rows.csv")
    digest = sha256(source)
    report = json_report(dataaudit, ["audit", "-", "-t", "label"], 0, stdin=source.read_bytes())
    assert report["source"]["name"] == "<stdin>"
    assert report["dataset"]["rows"] == 60
    assert report["source"]["sha256"] == digest
    assert list(private_tmp.iterdir()) == []


def test_clean_from_stdin(tmp_path: Path, dataaudit: Runner) -> None:
    """`clean` reads stdin for the audit and again for the output; the manifest names what it read."""
    source = small_csv(tmp_path / "rows.csv")
    out = tmp_path / "out.csv"
    dataaudit(["clean", "-", "-t", "label", "-o", out], 0, stdin=source.read_bytes())
    manifest = json.loads((tmp_path / "out.manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"]["input"] == {"path": "<stdin>", "format": "csv", "bytes": source.stat().st_size,
                                          "sha256": sha256(source)}
    assert manifest["rows"]["in"] == 60


@pytest.mark.parametrize("compress", [gzip.compress, bz2.compress, _zstd])
def test_compressed_stdin(tmp_path: Path, dataaudit: Runner, compress: Callable[[bytes], bytes]) -> None:
    """`gzip -c data.csv | dataaudit audit -`: stdin has no name, so its bytes say the compression."""
    packed = compress(small_csv(tmp_path / "rows.csv").read_bytes())
    report = json_report(dataaudit, ["audit", "-", "-t", "label"], 0, stdin=packed)
    assert report["dataset"]["rows"] == 60
    assert report["source"]["sha256"] == hashlib.sha256(packed).hexdigest()
    error_line(dataaudit, ["audit", "-"], "<stdin>: the compressed file is truncated or corrupt",
               stdin=packed[: len(packed) // 2])


def test_empty_stdin(dataaudit: Runner) -> None:
    error_line(dataaudit, ["audit", "-"], "<stdin>: the file is empty", stdin=b"")


def test_dev_stdin_and_process_substitution(tmp_path: Path, private_tmp: Path) -> None:
    """`/dev/stdin` on a pipe and bash's `<(...)` are pipes too: each read once."""
    source = small_csv(tmp_path / "rows.csv")
    out, _ = run(["audit", "/dev/stdin", "-t", "label", "-q"], 0, stdin=source.read_bytes())
    assert "/dev/stdin (csv, 60 rows x 3 columns)" in out
    proc = subprocess.run(["bash", "-c", f'"{SCRIPT}" audit <(cat "{source}") -t label -q'],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "(csv, 60 rows x 3 columns)" in proc.stdout
    assert list(private_tmp.iterdir()) == []


@pytest.mark.parametrize(("suffix", "inner"), [(".csv.gz", gzip.compress), (".csv.bz2", gzip.compress),
                                                (".csv.gz", _zstd), (".jsonl.gz", gzip.compress)])
def test_a_compressed_file_inside_a_compressed_file_is_binary_content(
        tmp_path: Path, dataaudit: Runner, suffix: str, inner: Callable[[bytes], bytes]) -> None:
    """It was "not valid UTF-8 text (byte 0x8b); pass --encoding", which no encoding mends."""
    outer = gzip.compress if suffix.endswith(".gz") else bz2.compress
    path = tmp_path / f"twice{suffix}"
    table = b'{"a": 1, "label": "x"}\n' * 50 if ".jsonl" in suffix else b"a,b,label\n1,2,x\n" * 50
    kind = "JSON Lines" if ".jsonl" in suffix else "CSV"
    path.write_bytes(outer(inner(table)))
    error_line(dataaudit, ["audit", path], f"{path}: binary content (a compressed file or an archive), not {kind} text")


def _truncated(path: Path, compress: Callable[[bytes], bytes], data: bytes) -> Path:
    packed = compress(data)
    path.write_bytes(packed[: len(packed) // 2])
    return path


@pytest.mark.parametrize(("suffix", "compress"), [(".csv.gz", gzip.compress), (".csv.bz2", bz2.compress),
                                                   (".csv.zst", _zstd), (".jsonl.gz", gzip.compress)])
def test_a_truncated_compressed_file(tmp_path: Path, dataaudit: Runner, suffix: str,
                                     compress: Callable[[bytes], bytes]) -> None:
    if suffix.startswith(".jsonl"):
        data = "".join(json.dumps({"id": i, "text": f"row {i} " * 20}) + "\n" for i in range(20_000)).encode()
    else:
        data = quoted_newline_csv(tmp_path / "plain.csv", rows=20_000).read_bytes()
    path = _truncated(tmp_path / f"data{suffix}", compress, data)
    digest = sha256(path)
    error_line(dataaudit, ["audit", path], f"{path}: the compressed file is truncated or corrupt")
    error_line(dataaudit, ["schema", "infer", path, "-o", tmp_path / "schema.yaml"], str(path))
    assert sha256(path) == digest


def test_a_truncated_split_file(tmp_path: Path, dataaudit: Runner) -> None:
    train = small_csv(tmp_path / "train.csv")
    rows = quoted_newline_csv(tmp_path / "t.csv", 20_000).read_bytes()
    split = _truncated(tmp_path / "test.csv.gz", gzip.compress, rows)
    error_line(dataaudit, ["audit", train, "-t", "label", "--split", f"test={split}"],
               f"{split}: the compressed file is truncated or corrupt")


def test_jsonl_nested_too_deep(tmp_path: Path, dataaudit: Runner) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_text('{"a": 1}\n{"a": ' + "[" * 100_000 + "]" * 100_000 + "}\n", encoding="utf-8")
    digest = sha256(path)
    error_line(dataaudit, ["audit", path], f"{path}:2: JSON nested 100,001 levels deep, more than the 920 read")
    report = json_report(dataaudit, ["audit", path, "--bad-rows", "skip"], 1)
    assert report["dataset"]["rows"] == 1
    assert sha256(path) == digest


def nested_parquet(path: Path, binary: bool) -> Path:
    rows = 40
    columns = {
        "point": pa.array([{"x": i, "name": f"p{i}"} for i in range(rows)]),
        "tags": pa.array([[i, i + 1] for i in range(rows)]),
        "attrs": pa.array([[("k", i)] for i in range(rows)], pa.map_(pa.string(), pa.int64())),
        "label": ["a", "b"] * (rows // 2),
    }
    if binary:
        columns["blob"] = pa.array([bytes([i, 0, 255]) for i in range(rows)])
    pq.write_table(pa.table(columns), path)
    return path


def test_parquet_with_nested_columns_audits_and_cleans_to_csv(tmp_path: Path, dataaudit: Runner) -> None:
    path = nested_parquet(tmp_path / "nested.parquet", binary=False)
    digest = sha256(path)
    report = json_report(dataaudit, ["audit", path, "-t", "label"], 0)
    assert report["dataset"]["rows"] == 40
    out = tmp_path / "clean.csv"
    dataaudit(["clean", path, "-t", "label", "-o", out], 0)
    with open(out, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert json.loads(rows[3]["point"]) == {"x": 3, "name": "p3"}
    assert json.loads(rows[3]["tags"]) == [3, 4]
    assert json.loads(rows[3]["attrs"]) == [["k", 3]]
    assert sha256(path) == digest


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".jsonl", ".csv.gz"])
def test_parquet_binary_column_cleaned_to_a_text_file_is_refused(tmp_path: Path, dataaudit: Runner,
                                                                 suffix: str) -> None:
    """JSONL too: its writer wrote the bytes as a Python literal (`"b'\\x05\\x00'"`)."""
    path = nested_parquet(tmp_path / "blob.parquet", binary=True)
    json_report(dataaudit, ["audit", path, "-t", "label"], 0)
    out = tmp_path / f"clean{suffix}"
    error_line(dataaudit, ["clean", path, "-t", "label", "-o", out], "column 'blob' holds binary values", ".parquet")
    assert not out.exists()
    dataaudit(["clean", path, "-t", "label", "-o", tmp_path / "clean.parquet"], 0)
    assert pq.read_table(tmp_path / "clean.parquet").column("blob").to_pylist()[5] == bytes([5, 0, 255])


@pytest.mark.parametrize("stored", ["dictionary", "view"])
@pytest.mark.parametrize("rows", [20, 0])
def test_bytes_stored_otherwise_are_refused_for_a_csv_too(tmp_path: Path, dataaudit: Runner, stored: str,
                                                         rows: int) -> None:
    """In a dictionary (which crashed the CSV writer) or as views, in rows or only in the schema
    of an output that receives none."""
    blobs = pa.array([bytes([i, 250]) for i in range(20)])
    column = blobs.dictionary_encode() if stored == "dictionary" else blobs.cast(pa.binary_view())
    path = tmp_path / "blob.parquet"
    pq.write_table(pa.table({"blob": column, "label": ["cat", "dog"] * 10}).slice(0, rows), path, store_schema=True)
    error_line(dataaudit, ["clean", path, "-t", "label", "-o", tmp_path / "clean.csv"],
               "column 'blob' holds binary values", ".parquet")


@pytest.mark.parametrize("held", [False, True], ids=["none_quarantined", "one_quarantined"])
@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
@pytest.mark.parametrize("kind", ["list", "struct", "map"])
def test_bytes_inside_nested_values_are_refused_for_a_text_file(tmp_path: Path, dataaudit: Runner, suffix: str,
                                                                kind: str, held: bool) -> None:
    """In a list, a struct or a map: JSONL wrote them as Python literals (`"b'ok'"`), CSV as
    text with backslashed escapes, `b"\xff"` and `b"\\xff"` alike; a CSV was refused only while
    no row was quarantined (the test looked at the nested values once made JSON text)."""
    blobs = [bytes([i, 250]) for i in range(20)]
    column = {"list": pa.array([[b] for b in blobs]),
              "struct": pa.array([{"k": b} for b in blobs]),
              "map": pa.array([[("k", b)] for b in blobs], pa.map_(pa.string(), pa.binary()))}[kind]
    path = tmp_path / "blob.parquet"
    labels = [None if held and i == 3 else ("cat", "dog")[i % 2] for i in range(20)]  # no label: quarantined
    pq.write_table(pa.table({"blob": column, "x": [str(i) for i in range(20)], "label": labels}), path)
    out = tmp_path / f"clean{suffix}"
    error_line(dataaudit, ["clean", path, "-t", "label", "-o", out], "column 'blob' holds binary values", ".parquet")
    assert not out.exists()
    dataaudit(["clean", path, "-t", "label", "-o", tmp_path / "clean.parquet"], 1 if held else 0)
    kept = [value for value, label in zip(column.to_pylist(), labels, strict=True) if label is not None]
    assert pq.read_table(tmp_path / "clean.parquet").column("blob").to_pylist() == kept


@pytest.fixture
def symlink_loop(tmp_path: Path) -> Iterator[Path]:
    first, second = tmp_path / "loop_a.csv", tmp_path / "loop_b.csv"
    first.symlink_to(second)
    second.symlink_to(first)
    yield first


def test_a_symlink_loop(symlink_loop: Path, dataaudit: Runner, tmp_path: Path) -> None:
    error_line(dataaudit, ["audit", symlink_loop], f"{symlink_loop}: too many levels of symbolic links")
    error_line(dataaudit, ["schema", "infer", symlink_loop, "-o", tmp_path / "s.yaml"],
               "too many levels of symbolic links")


def test_a_directory(tmp_path: Path, dataaudit: Runner) -> None:
    """A directory is read as a dataset of Parquet files (tests/test_inputs.py); this one holds none."""
    error_line(dataaudit, ["audit", tmp_path], f"{tmp_path}: a directory with no Parquet files")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_permission_denied(tmp_path: Path, dataaudit: Runner) -> None:
    path = small_csv(tmp_path / "locked.csv")
    path.chmod(0)
    error_line(dataaudit, ["audit", path], f"{path}: permission denied")


# --- 12: sizes, BOM, arrays --------------------------------------------------------------------------


def test_an_oversized_rule_pack_is_refused_before_parsing(tmp_path: Path, dataaudit: Runner) -> None:
    pack = tmp_path / "huge.yaml"
    pack.write_text("description: big\nchecks:\n" + "# padding\n" * 300_000 + "  size: {}\n" * 50_000)
    assert pack.stat().st_size > 3 << 20
    data = small_csv(tmp_path / "rows.csv")
    error_line(dataaudit, ["audit", data, "-t", "label", "--rules", pack], f"{pack}: a rule pack is a config file")
    error_line(dataaudit, ["rules", "validate", pack], "at most 1 MiB")


def test_a_long_malformed_row_is_quoted_short(tmp_path: Path, dataaudit: Runner) -> None:
    path = tmp_path / "long.csv"
    path.write_text("a,b,label\n1,2,x\n" + "y" * 500_000 + ",\n", encoding="utf-8")
    line = error_line(dataaudit, ["audit", path], f"{path}:3: malformed row")
    assert len(line) < 400


def test_long_column_names_with_line_ends_stay_one_short_line(tmp_path: Path, dataaudit: Runner) -> None:
    path = tmp_path / "names.csv"
    names = [f'"name {i}\n{"z" * 5_000}"' for i in range(30)]
    path.write_text(",".join(names) + "\n" + ",".join("1" * 30) + "\n", encoding="utf-8")
    line = error_line(dataaudit, ["audit", path, "-t", "label"], "target column 'label' not found", "(30 in all)")
    assert len(line) < 2_000


def test_a_byte_order_mark_is_skipped_and_said(tmp_path: Path, dataaudit: Runner) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbfid,label\n" + b"".join(f"{i},{'ab'[i % 2]}\n".encode() for i in range(40)))
    digest = sha256(path)
    report = json_report(dataaudit, ["audit", path, "-t", "label", "-i", "id"], 0)  # no feature: nothing repeats
    assert report["source"]["notes"] == ["the file starts with a UTF-8 byte-order mark; it was skipped"]
    assert report["dataset"]["ignored"] == ["id"] or "id" in str(report["dataset"]["ignored"])
    jsonl = tmp_path / "excel.jsonl"
    jsonl.write_bytes(b"\xef\xbb\xbf" + b"".join(json.dumps({"id": i, "label": "ab"[i % 2]}).encode() + b"\n"
                                                 for i in range(40)))
    kept = ["--keep-column", "id"]  # the running number is the only feature: kept, it makes the rows distinct
    assert json_report(dataaudit, ["audit", jsonl, "-t", "label", "--format-kind", "table", *kept], 0)["dataset"][
        "rows"] == 40
    assert sha256(path) == digest


@pytest.mark.parametrize("text", [json.dumps([{"a": 1}, {"a": 2}]) + "\n", '[\n  {"a": 1},\n  {"a": 2}\n]\n'])
def test_one_json_array_is_not_json_lines(tmp_path: Path, dataaudit: Runner, text: str) -> None:
    path = tmp_path / "records.json"
    path.write_text(text, encoding="utf-8")
    error_line(dataaudit, ["audit", path, "--bad-rows", "skip"],
               f"{path}:1: one JSON array, not JSON Lines: one object per line expected")


@pytest.mark.parametrize(("text", "line"), [
    (json.dumps([{"a": 1, "label": "p"}, {"a": 2, "label": "q"}]) + "\n", 1),
    ('\ufeff\n  [\n  {"a": 1, "label": "p"},\n  {"a": 2, "label": "q"}\n]\n', 2),
])
def test_one_json_array_on_stdin_is_read_as_json(tmp_path: Path, dataaudit: Runner, text: str, line: int) -> None:
    """Standard input has no name: its first bytes say JSON, as a `.json` file's name does, and it
    is refused as that file is, not read as CSV."""
    stdin = text.encode("utf-8")
    for args in (["audit", "-", "-t", "label"], ["clean", "-", "-t", "label", "-o", tmp_path / "out.csv"]):
        error_line(dataaudit, args, f"<stdin>:{line}: one JSON array, not JSON Lines: one object per line expected",
                   stdin=stdin)


_CHATS = [{"messages": [{"role": "user", "content": f"question {i}"}, {"role": "assistant", "content": "yes"}]}
          for i in range(2)]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["plain", "bom"])
@pytest.mark.parametrize("layout", ["lines", "array"])
def test_a_fine_tuning_file_no_name_describes_is_known_by_its_first_bytes(tmp_path: Path, dataaudit: Runner,
                                                                          bom: bytes, layout: str) -> None:
    """On standard input or in a file without an extension, past a byte-order mark, chat lines and
    a chat array are the fine-tuning file they are, as a file named `.jsonl` or `.json` is."""
    if layout == "lines":
        content, shown = "".join(json.dumps(chat) + "\n" for chat in _CHATS), "jsonl"
    else:
        content, shown = json.dumps(_CHATS, indent=2), "json"
    path = tmp_path / "chats"
    path.write_bytes(bom + content.encode())
    for args, stdin, name in ((["audit", "-"], path.read_bytes(), "<stdin>"), (["audit", path], None, str(path))):
        out, _ = dataaudit(args, 1, stdin=stdin)
        assert f"{name} ({shown}, 2 chat examples)" in out


def test_text_on_stdin_opening_a_bracket_of_no_json_is_csv(dataaudit: Runner) -> None:
    out, _ = dataaudit(["audit", "-", "-t", "label"], 1, stdin=b"[tag],label\n[a],p\n[b],q\n")
    assert "<stdin> (csv, 2 rows x 2 columns)" in out


def test_report_of_a_garbage_file(tmp_path: Path, dataaudit: Runner) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    error_line(dataaudit, ["report", deep], f"{deep}: not a JSON report")
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(bytes(range(256)) * 4_000)
    error_line(dataaudit, ["report", garbage], str(garbage))


def test_a_malformed_row_in_a_compressed_file_names_its_line(tmp_path: Path, dataaudit: Runner) -> None:
    """Line numbers count the decompressed text, where each record here takes two lines."""
    rows = ["id,text,label", *(f'{i},"first\nsecond",x' for i in range(100))]
    rows[50] = "1,2"
    path = tmp_path / "data.csv.gz"
    path.write_bytes(gzip.compress(("\n".join(rows) + "\n").encode()))
    error_line(dataaudit, ["audit", path], f"{path}:100: malformed row, expected 3 fields, found 2: '1,2'")


# --- a file read twice lists its unreadable rows once ---------------------------------------------


def _with_broken_rows(path: Path, broken: set[int], rows: int = 300) -> Path:
    """Rows of two features and a label the first feature decides; `broken` rows cannot be read."""
    lines = ["id,x,label"] if path.suffix == ".csv" else []
    for i in range(rows):
        x = (i * 37 % 100) / 100
        if i in broken:
            lines.append("1,2,3,4" if path.suffix == ".csv" else '{"x": 1, broken')
        elif path.suffix == ".csv":
            lines.append(f"{i},{x},{'a' if x > 0.5 else 'b'}")
        else:
            lines.append(json.dumps({"id": i, "x": x, "label": "a" if x > 0.5 else "b"}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["data.csv", "data.jsonl"])
def test_the_label_models_second_read_lists_each_bad_row_once(tmp_path: Path, dataaudit: Runner, name: str) -> None:
    """A sample smaller than the file makes the label model read the file again to score the rest."""
    path = _with_broken_rows(tmp_path / name, {10, 200})
    report = json_report(dataaudit, ["audit", path, "-t", "label", "--ignore-column", "id", "--bad-rows", "skip",
                                     "--label-noise", "--sample", "100"], 1)
    assert report["dataset"]["rows"] == 298
    bad = next(f for f in report["findings"] if f["check"] == "source.bad_rows")
    header = 1 if name.endswith(".csv") else 0
    assert bad["observed"] == 2
    assert [p["line"] for p in bad["details"]["problems"]] == [11 + header, 201 + header]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(broken=st.sets(st.integers(0, 59), max_size=6), reads=st.integers(1, 3),
       suffix=st.sampled_from([".csv", ".jsonl"]))
def test_every_read_lists_the_bad_rows_one_read_finds(tmp_path: Path, broken: set[int], reads: int,
                                                      suffix: str) -> None:
    path = _with_broken_rows(tmp_path / f"data{suffix}", broken, rows=60)
    source = open_source(path, chunk_rows=7, bad_rows="skip")
    for _ in range(reads):
        assert sum(b.num_rows for b in source.batches()) == 60 - len(broken)
    header = 1 if suffix == ".csv" else 0
    assert [p.line for p in source.problems] == sorted(i + 1 + header for i in broken)


@pytest.mark.parametrize("name, long_row", [
    ("data.csv", ",".join(["x" * 150] * 4)),  # four fields of three
    ("data.jsonl", json.dumps(["x" * 150] * 4)),  # a list, not an object
])
def test_keep_holds_a_bad_rows_whole_text_and_reports_quote_its_start(tmp_path: Path, name: str,
                                                                      long_row: str) -> None:
    """`keep` is `skip` that also keeps each bad row's text, line end left out, for a clean to
    quarantine; a report still quotes the first 200 characters and never the whole text."""
    first = "a,b,label\r\n1,2,x\r\n" if name.endswith(".csv") else '{"a": 1, "b": 2, "label": "x"}\r\n'
    path = tmp_path / name
    path.write_bytes(f"{first}{long_row}\r\n".encode())
    kept, skipped = (open_source(path, bad_rows=mode) for mode in ("keep", "skip"))
    for source in (kept, skipped):
        assert sum(b.num_rows for b in source.batches()) == 1
    (problem,), (reported,) = kept.problems, skipped.problems
    assert problem.raw == long_row and len(long_row) > 200
    assert reported.raw is None
    assert problem.text == reported.text == long_row[:200]
    assert problem.reported() == {"line": first.count("\n") + 1, "problem": reported.problem, "text": long_row[:200]}
    report = audit_api(path, "label", bad_rows="skip")
    assert [p for f in report.findings if f.check == "source.bad_rows"
            for p in f.details["problems"]] == [problem.reported()]
