"""A file's first chunks parsed while the command loads its code (`dataaudit/io/read_ahead.py`).

The law: reading ahead changes nothing. The audit's open of the same file with the same options
gets the source begun, whose first read yields the same chunks, in the same order, then raises
the same error where a plain read raises it; every later read starts afresh. Anything else (other
options, a file changed in between) opens as before."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataaudit.errors import InputError
from dataaudit.io import Source, open_source, parse_ahead, read_ahead
from tests.cli_helpers import RUNNERS, Runner, audit_report

CHUNK_ROWS = 1_000  # a chunk is whole 1 MiB read blocks of at least this many rows: one block each here
KEY = (None, None, CHUNK_ROWS, "error", None, ".")  # the options `parse_ahead(path, chunk_rows=CHUNK_ROWS)` opens with


def _write_rows(path: Path, rows: int, bad_at: int | None = None) -> None:
    """`rows` rows of 5 columns (about 60 bytes each); the row `bad_at` has a field too many."""
    lines = ["id,name,score,flag,label"]
    for i in range(rows):
        extra = ",oops" if i == bad_at else ""
        lines.append(f"r{i:07d},name number {i % 997},{(i * 37) % 1000 / 10},{i % 2 == 0},class_{i % 4}{extra}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def many_chunks(tmp_path: Path) -> Path:
    path = tmp_path / "rows.csv"
    _write_rows(path, 120_000)  # about 7 MiB: 7 chunks, more than are parsed ahead
    return path


def _chunks(source: Source) -> list[pa.RecordBatch]:
    return list(source.batches())


def _same_chunks(left: list[pa.RecordBatch], right: list[pa.RecordBatch]) -> None:
    assert [b.num_rows for b in left] == [b.num_rows for b in right]
    assert all(a.equals(b) for a, b in zip(left, right, strict=True))


def test_the_audits_open_takes_the_source_read_ahead(many_chunks: Path) -> None:
    with parse_ahead(str(many_chunks), chunk_rows=CHUNK_ROWS):
        begun = open_source(str(many_chunks), chunk_rows=CHUNK_ROWS)
        afresh = open_source(str(many_chunks), chunk_rows=CHUNK_ROWS)  # taken once: this one is new
    assert begun is not afresh
    expected = _chunks(afresh)
    assert len(expected) > read_ahead.AHEAD_CHUNKS
    _same_chunks(_chunks(begun), expected)
    _same_chunks(_chunks(begun), expected)  # a second read starts from the first row again
    assert begun.info == afresh.info


def test_first_rows_then_the_pass_read_ahead_chunks_once(many_chunks: Path) -> None:
    """What an audit does: a look at the first rows, then the pass, which starts with that chunk."""
    expected = _chunks(open_source(str(many_chunks), chunk_rows=CHUNK_ROWS))
    with parse_ahead(str(many_chunks), chunk_rows=CHUNK_ROWS):
        source = open_source(str(many_chunks), chunk_rows=CHUNK_ROWS)
        assert source.first_rows(10).equals(pa.Table.from_batches([expected[0].slice(0, 10)]))
        _same_chunks(_chunks(source), expected)


def test_a_source_no_open_took_is_dropped_with_the_block(many_chunks: Path) -> None:
    with parse_ahead(str(many_chunks), chunk_rows=CHUNK_ROWS):
        pass
    assert read_ahead.taken(many_chunks, KEY) is None
    assert not [thread for thread in threading.enumerate() if thread.name == "dataaudit-read-ahead"]


def _written(many_chunks: Path, path: Path, kind: str) -> None:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    if kind == "tsv":
        path.write_text(many_chunks.read_text(encoding="utf-8").replace(",", "\t"), encoding="utf-8")
    elif kind == "csv.gz":
        path.write_bytes(gzip.compress(many_chunks.read_bytes(), compresslevel=1))
    elif kind == "latin-1.csv":
        path.write_bytes(many_chunks.read_bytes().replace(b"name number", "naïve".encode("latin-1")))
    else:
        options = pacsv.ConvertOptions(column_types={"score": pa.string()})
        pq.write_table(pacsv.read_csv(many_chunks, convert_options=options), path, row_group_size=20_000)


@pytest.mark.parametrize(("kind", "ahead"), [("tsv", True), ("parquet", True), ("csv.gz", False),
                                             ("latin-1.csv", False)])
def test_other_files_hand_on_the_same_chunks(many_chunks: Path, tmp_path: Path, kind: str, ahead: bool) -> None:
    """Read ahead where pyarrow parses without Python's lock; a compressed file or another
    encoding than UTF-8 is decoded through Python, and opened by the audit as before."""
    path = tmp_path / f"rows.{kind}"
    _written(many_chunks, path, kind)
    encoding = "latin-1" if kind.startswith("latin-1") else None
    expected = _chunks(open_source(str(path), chunk_rows=CHUNK_ROWS, encoding=encoding))
    assert len(expected) > 1
    key = (None, encoding, CHUNK_ROWS, "error", None, ".")
    with parse_ahead(str(path), chunk_rows=CHUNK_ROWS, encoding=encoding):
        if not ahead:
            assert read_ahead.taken(path, key) is None
        _same_chunks(_chunks(open_source(str(path), chunk_rows=CHUNK_ROWS, encoding=encoding)), expected)
        assert read_ahead.taken(path, key) is None  # taken, or never begun


def test_a_parquet_source_read_ahead_allocates_from_the_pool_chosen_first(many_chunks: Path, tmp_path: Path) -> None:
    """pyarrow's Parquet reader keeps the pool it was opened with: `before_parsing` runs before
    the open, so the pass's pool (jemalloc, in the command) serves the whole read."""
    path = tmp_path / "rows.parquet"
    _written(many_chunks, path, "parquet")
    default = pa.default_memory_pool()
    chosen = pa.proxy_memory_pool(default)
    try:
        with parse_ahead(str(path), chunk_rows=CHUNK_ROWS, before_parsing=lambda: pa.set_memory_pool(chosen)):
            _chunks(open_source(str(path), chunk_rows=CHUNK_ROWS))
    finally:
        pa.set_memory_pool(default)
    assert chosen.max_memory() > 0


@pytest.mark.parametrize("other", [{"bad_rows": "skip"}, {"delimiter": ";"}, {"chunk_rows": 2 * CHUNK_ROWS},
                                   {"fmt": "csv"}])
def test_other_options_open_afresh(many_chunks: Path, other: dict) -> None:
    with parse_ahead(str(many_chunks), chunk_rows=CHUNK_ROWS):
        options = {"chunk_rows": CHUNK_ROWS, **other}
        _same_chunks(_chunks(open_source(str(many_chunks), **options)),
                     _chunks(open_source(str(many_chunks), **options)))
        assert read_ahead.taken(many_chunks, KEY) is not None  # still waiting


def test_a_file_changed_after_reading_ahead_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    _write_rows(path, 3_000)
    with parse_ahead(str(path), chunk_rows=CHUNK_ROWS):
        _write_rows(path, 2_000)
        assert sum(b.num_rows for b in _chunks(open_source(str(path), chunk_rows=CHUNK_ROWS))) == 2_000


def test_an_error_met_ahead_is_raised_where_the_read_reaches_it(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    _write_rows(path, 60_000, bad_at=30_000)  # in the second chunk, one of those parsed ahead
    plain = _until_error(open_source(str(path), chunk_rows=CHUNK_ROWS))
    with parse_ahead(str(path), chunk_rows=CHUNK_ROWS):
        ahead = _until_error(open_source(str(path), chunk_rows=CHUNK_ROWS))
    _same_chunks(ahead[0], plain[0])
    assert ahead[1] == plain[1]
    assert ":30002: malformed row" in ahead[1]


def _until_error(source: Source) -> tuple[list[pa.RecordBatch], str]:
    chunks: list[pa.RecordBatch] = []
    with pytest.raises(InputError) as raised:
        for chunk in source.batches():
            chunks.append(chunk)
    return chunks, str(raised.value)


@pytest.mark.parametrize("name", ["rows.jsonl", "folder", "-", "x" * 300 + ".csv", "missing.csv"])
def test_inputs_read_another_way_are_not_read_ahead(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = Path(name)
    if name == "folder":
        path.mkdir()
    elif name in ("rows.jsonl", "-"):
        path.write_text('{"a": 1}\n' if name == "rows.jsonl" else "a\n1\n", encoding="utf-8")
    with parse_ahead(name):  # no error here (a name too long for the system included)
        assert read_ahead.taken(path, (None, None, 65_536, "error", None, ".")) is None


@pytest.mark.parametrize("encoding", [None, "punycode", "no-such-codec"])
def test_a_file_that_cannot_be_opened_is_left_to_the_audit(tmp_path: Path, encoding: str | None) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("a,a\n1,2\n", encoding="utf-8")
    # no error from parse_ahead: the audit's own open says what is wrong
    with parse_ahead(str(path), encoding=encoding), pytest.raises((InputError, UnicodeError)):
        open_source(str(path), encoding=encoding)


def _source(batches: int, error_at: int | None, reads: list[int]) -> Source:
    """A source of `batches` one-row batches whose reading raises at `error_at`; `reads` counts
    the reads begun."""

    def read() -> Iterator[pa.RecordBatch]:
        reads.append(1)
        for i in range(batches):
            if i == error_at:
                raise InputError(f"bad row {i}")
            yield pa.record_batch({"x": [i]})

    return Source("memory", "csv", ["x"], read)


def _outcome(batches: Iterator[pa.RecordBatch]) -> tuple[list[int], str | None]:
    seen: list[int] = []
    try:
        for batch in batches:
            seen.append(batch.column(0)[0].as_py())
    except InputError as exc:
        return seen, str(exc)
    return seen, None


@settings(max_examples=60, deadline=None)
@given(batches=st.integers(0, 3 * read_ahead.AHEAD_CHUNKS), error_at=st.none() | st.integers(0, 12))
def test_reading_ahead_changes_no_read(batches: int, error_at: int | None) -> None:
    with tempfile.NamedTemporaryFile() as handle:
        path = Path(handle.name)
        reads: list[int] = []
        source = _source(batches, error_at, reads)
        read_ahead.begin(path, "options", source, read_ahead.identity(path))
        assert read_ahead.taken(path, "options") is source
        assert read_ahead.taken(path, "options") is None  # once
        expected = _outcome(_source(batches, error_at, []).read())
        assert _outcome(source.read()) == expected
        assert _outcome(source.read()) == expected  # a later read starts afresh
        assert len(reads) == 2


@pytest.mark.parametrize("runner", RUNNERS)
def test_the_command_reads_ahead_and_reports_as_the_api_does(runner: Runner, many_chunks: Path,
                                                              tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dataaudit.api import audit

    taken: list[Source | None] = []
    real = read_ahead.taken
    monkeypatch.setattr(read_ahead, "taken", lambda *key: taken.append(real(*key)) or taken[-1])
    report = audit_report(runner, [many_chunks, "-t", "label", "--ignore-column", "id"], tmp_path, code=0)
    if runner.__name__ == "invoke":  # in this process: the command's open took the source begun
        assert [source is not None for source in taken] == [True]
    expected = audit(str(many_chunks), target="label", ignore_columns=["id"]).to_dict()
    for document in (report, expected):
        document.pop("created_at")
    assert report == expected


def test_workers_profile_the_chunks_read_ahead_as_one_process_does(many_chunks: Path, tmp_path: Path) -> None:
    from tests.cli_helpers import run

    reports = []
    for jobs in ("1", "2"):
        (tmp_path / jobs).mkdir()
        reports.append(audit_report(run, [many_chunks, "-t", "label", "--ignore-column", "id", "--jobs", jobs],
                                    tmp_path / jobs, code=0))
    for report in reports:
        report.pop("created_at")
    assert reports[0] == reports[1]


def test_a_usage_error_after_reading_ahead_exits_cleanly(many_chunks: Path) -> None:
    from tests.cli_helpers import run

    _, stderr = run(["audit", many_chunks, "-t", "no_such_column"], 2)
    assert stderr.count("\n") == 1 and "no_such_column" in stderr
    assert os.path.exists(many_chunks)


@pytest.mark.parametrize("bad_rows", ["error", "quarantine"])
def test_the_clean_reads_ahead_for_its_first_audit(many_chunks: Path, tmp_path: Path, bad_rows: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import dataaudit.io
    from tests.cli_helpers import invoke

    taken: list[Source | None] = []
    real = read_ahead.taken
    monkeypatch.setattr(read_ahead, "taken", lambda *key: taken.append(real(*key)) or taken[-1])
    written = {}
    for way in ("ahead", "plain"):
        out = tmp_path / way / "clean.csv"
        out.parent.mkdir()
        invoke(["clean", many_chunks, "-t", "label", "--bad-rows", bad_rows, "-o", out], 0)
        manifest = json.loads((out.parent / "clean.manifest.json").read_text(encoding="utf-8"))
        written[way] = ((out.read_bytes(), (out.parent / "clean.quarantine.csv").read_bytes()),
                        {key: manifest[key] for key in ("rows", "quarantine_reasons", "steps", "parameters")})
        if way == "ahead":
            assert sum(source is not None for source in taken) == 1
            monkeypatch.setattr(dataaudit.io, "parse_ahead", lambda *args, **options: contextlib.nullcontext())
    assert written["ahead"] == written["plain"]


@pytest.mark.parametrize("case", ["punycode", "name too long"])
def test_a_file_parse_ahead_cannot_open_leaves_the_first_error_to_the_audit(tmp_path: Path, case: str) -> None:
    """Whatever opening the file raises ahead (here a codec's plain UnicodeError, an OSError of
    the name), the command reports its first error as it did: an unknown rule pack."""
    from tests.cli_helpers import run

    data = tmp_path / "data.csv"
    data.write_text("a,label\n1,p\n", encoding="utf-8")
    options = ["--encoding", "punycode"] if case == "punycode" else []
    name = data if case == "punycode" else tmp_path / ("x" * 300 + ".csv")
    _, stderr = run(["audit", name, "-t", "label", "--rules", tmp_path / "nosuch.yaml", *options], 2)
    assert stderr.count("\n") == 1 and "nosuch.yaml" in stderr


def test_several_files_are_not_read_ahead(many_chunks: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The later files find the code loaded; and the first one's source, made before the command
    freezes what its imports left for the collector, would outlive its audit."""
    from tests.cli_helpers import invoke

    other = tmp_path / "other.csv"
    _write_rows(other, 500)
    begun: list[Path] = []
    monkeypatch.setattr(read_ahead, "begin", lambda path, *rest: begun.append(path))
    invoke(["audit", many_chunks, other, "-t", "label", "--ignore-column", "id"], 0)
    assert begun == []
