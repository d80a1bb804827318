"""Compressed outputs of `dataaudit clean`: an output named `.gz`, `.bz2`, `.zst` or `.lz4` is
written compressed, its quarantine too, and decompresses to the bytes the plain clean writes;
the manifest's digests are of the files as stored. Parquet named so is refused, and so is an
output that is the input under its compressed name."""

from __future__ import annotations

import bz2
import csv
import gzip
import hashlib
import json
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.compression import CODECS
from dataaudit.datasets import write_dirty_classification
from dataaudit.errors import InputError
from dataaudit.output import all_or_nothing
from dataaudit.preprocess.clean import clean_files
from dataaudit.preprocess.writers import BatchWriter, beside, output_format
from tests.cli_helpers import invoke, run
from tests.conftest import DATA

SUFFIXES = sorted(CODECS)


def _decompressed(path: Path) -> bytes:
    """The file's content, through the standard library where it has the codec (so that the
    files are read as other tools read them), else through pyarrow."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        return gzip.decompress(data)
    if path.suffix == ".bz2":
        return bz2.decompress(data)
    with pa.input_stream(str(path), compression=CODECS[path.suffix]) as stream:
        return stream.read()


def _compress(path: Path, suffix: str) -> Path:
    """`path` compressed as `path` + `suffix`, beside it."""
    target = path.with_name(path.name + suffix)
    with pa.output_stream(str(target), compression=CODECS[suffix]) as stream:
        stream.write(path.read_bytes())
    return target


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tables")
    for fmt in ("csv", "tsv", "jsonl"):
        write_dirty_classification(folder / f"data.{fmt}", rows=400, seed=3)
    return folder


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl"])
def test_a_compressed_clean_decompresses_to_the_plain_clean(tmp_path: Path, tables: Path, fmt: str,
                                                            suffix: str) -> None:
    plain = shutil.copy(tables / f"data.{fmt}", tmp_path / f"data.{fmt}")
    packed = _compress(plain, suffix)
    invoke(["clean", plain, "-t", "label", "-o", tmp_path / f"plain.{fmt}"], 0)
    invoke(["clean", packed, "-t", "label", "-o", tmp_path / f"packed.{fmt}{suffix}"], 0)
    for role in ("", ".quarantine"):
        written = tmp_path / f"packed{role}.{fmt}{suffix}"
        assert written.read_bytes() != (tmp_path / f"plain{role}.{fmt}").read_bytes()
        assert _decompressed(written) == (tmp_path / f"plain{role}.{fmt}").read_bytes()
    assert not (tmp_path / "packed.quarantine.manifest.json").exists()
    manifest = json.loads((tmp_path / "packed.manifest.json").read_text())
    for name, role in (("output", ""), ("quarantine", ".quarantine")):
        written = tmp_path / f"packed{role}.{fmt}{suffix}"
        entry = manifest["files"][name]
        assert entry == {"path": str(written), "format": fmt, "bytes": written.stat().st_size,
                         "sha256": _sha256(written)}
    assert manifest["files"]["input"]["sha256"] == _sha256(packed)
    assert manifest["rows"]["quarantined"] > 0


def test_two_runs_write_the_same_compressed_bytes(tmp_path: Path, tables: Path) -> None:
    """gzip's header would hold a time; pyarrow's holds none, so the files and manifest repeat."""
    out = tmp_path / "out.csv.gz"
    digests = []
    for _ in range(2):
        invoke(["clean", tables / "data.csv", "-t", "label", "-o", out, "--force"], 0)
        digests.append([_sha256(p) for p in (out, tmp_path / "out.quarantine.csv.gz", tmp_path / "out.manifest.json")])
    assert digests[0] == digests[1]
    assert gzip.decompress(out.read_bytes())  # a gzip file the standard tools read


def test_the_installed_command_writes_compressed_files_named_beside_the_output(tmp_path: Path) -> None:
    shutil.copy(DATA / "penguins.csv", tmp_path / "penguins.csv")
    packed = _compress(tmp_path / "penguins.csv", ".gz")
    _, stderr = run(["clean", packed.name, "-t", "species", "-o", "out.clean.csv.gz"], 0, cwd=tmp_path)
    assert "written to out.clean.csv.gz" in stderr and "quarantined to out.clean.quarantine.csv.gz" in stderr
    run(["clean", "penguins.csv", "-t", "species", "-o", "plain.csv"], 0, cwd=tmp_path)
    assert _decompressed(tmp_path / "out.clean.csv.gz") == (tmp_path / "plain.csv").read_bytes()
    assert {p.name for p in tmp_path.iterdir()} == {
        "penguins.csv", "penguins.csv.gz", "out.clean.csv.gz", "out.clean.quarantine.csv.gz",
        "out.clean.manifest.json", "plain.csv", "plain.quarantine.csv", "plain.manifest.json"}


def test_a_quarantine_named_plain_is_written_plain(tmp_path: Path, tables: Path) -> None:
    invoke(["clean", tables / "data.csv", "-t", "label", "-o", tmp_path / "out.csv.zst",
            "--quarantine", tmp_path / "held.csv"], 0)
    assert (tmp_path / "held.csv").read_bytes().startswith(b'"id",')
    assert _decompressed(tmp_path / "out.csv.zst").startswith(b'"id",')


@pytest.mark.parametrize(("name", "message"), [
    ("out.parquet.gz", "out.parquet.gz: Parquet compresses itself (its columns, inside the file); name it .parquet"),
    ("out.pq.zst", "Parquet compresses itself"),
    ("out.gz", "out.gz: cannot tell the output format"),
    ("out.txt.bz2", "cannot tell the output format"),
])
def test_a_name_that_cannot_be_written_compressed_is_one_line_and_exit_2(tmp_path: Path, tables: Path, name: str,
                                                                          message: str) -> None:
    _, stderr = invoke(["clean", tables / "data.csv", "-t", "label", "-o", tmp_path / name], 2)
    assert stderr.count("\n") == 1 and message in stderr and "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []


def test_the_compressed_input_is_never_the_output(tmp_path: Path, tables: Path) -> None:
    data = _compress(shutil.copy(tables / "data.csv", tmp_path / "a.csv"), ".gz")
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.csv.gz").symlink_to(data)
    before = {p.name: _sha256(p) for p in tmp_path.iterdir() if p.is_file()}
    for output in (data, tmp_path / "sub" / ".." / "a.csv.gz", tmp_path / "link.csv.gz"):
        _, stderr = run(["clean", data, "-t", "label", "-o", output, "--force"], 2)
        assert "refusing to overwrite the input" in stderr and stderr.count("\n") == 1
    _, stderr = invoke(["clean", tmp_path / "link.csv.gz", "-t", "label", "-o", data, "--force"], 2)
    assert "refusing to overwrite the input" in stderr
    assert {p.name: _sha256(p) for p in tmp_path.iterdir() if p.is_file()} == before
    assert not any(p.name.endswith(".part") for p in tmp_path.iterdir())


def test_a_fine_tuning_clean_writes_both_files_compressed(tmp_path: Path) -> None:
    data = shutil.copy(DATA / "text" / "chat_errors.jsonl", tmp_path / "chats.jsonl")
    packed = _compress(data, ".bz2")
    run(["clean", data, "-o", tmp_path / "plain.jsonl"], 1)
    _, stderr = run(["clean", packed, "-o", tmp_path / "out.jsonl.bz2", "--report", tmp_path / "r.json"], 1)
    assert "quarantined to" in stderr and str(tmp_path / "out.quarantine.jsonl.bz2") in stderr
    for role in ("", ".quarantine"):
        assert _decompressed(tmp_path / f"out{role}.jsonl.bz2") == (tmp_path / f"plain{role}.jsonl").read_bytes()
    manifest = json.loads((tmp_path / "out.manifest.json").read_text())
    output = tmp_path / "out.jsonl.bz2"
    assert manifest["files"]["output"]["sha256"] == _sha256(output)
    assert manifest["files"]["quarantine"]["sha256"] == _sha256(tmp_path / "out.quarantine.jsonl.bz2")
    source = json.loads((tmp_path / "r.json").read_text())["source"]
    assert (source["sha256"], source["bytes"]) == (_sha256(output), output.stat().st_size)
    assert manifest["lines"]["quarantined"] > 0


def test_a_json_array_is_written_as_a_compressed_array(tmp_path: Path) -> None:
    lines = (DATA / "text" / "hhh_chat_60.jsonl").read_text(encoding="utf-8").splitlines()[:4]
    array = tmp_path / "chats.json"
    array.write_text("[\n" + ",\n".join([*lines, lines[0]]) + "\n]\n", encoding="utf-8")  # one duplicate
    packed = _compress(array, ".gz")
    invoke(["clean", array, "-o", tmp_path / "plain.json"], 1)
    invoke(["clean", packed, "-o", tmp_path / "out.json.gz"], 1)
    assert _decompressed(tmp_path / "out.json.gz") == (tmp_path / "plain.json").read_bytes()
    assert _decompressed(tmp_path / "out.quarantine.jsonl.gz") == (tmp_path / "plain.quarantine.jsonl").read_bytes()
    assert (tmp_path / "out.manifest.json").is_file()


def test_the_python_api_writes_by_the_name_too(tmp_path: Path, tables: Path) -> None:
    result = dataaudit.clean(tables / "data.jsonl", target="label")
    manifest = result.write_to(tmp_path / "out.jsonl.gz")
    assert manifest["files"]["output"]["sha256"] == _sha256(tmp_path / "out.jsonl.gz")
    kept = [json.loads(line) for line in _decompressed(tmp_path / "out.jsonl.gz").splitlines()]
    assert len(kept) == len(result.data)
    assert (tmp_path / "out.quarantine.jsonl.gz").is_file() and (tmp_path / "out.manifest.json").is_file()


@pytest.mark.parametrize(("output", "quarantine", "manifest"), [
    ("out.csv", "out.quarantine.csv", "out.manifest.json"),
    ("train.clean.csv.gz", "train.clean.quarantine.csv.gz", "train.clean.manifest.json"),
    ("OUT.JSONL.ZST", "OUT.quarantine.JSONL.ZST", "OUT.manifest.json"),
    ("big.clean.parquet", "big.clean.quarantine.parquet", "big.clean.manifest.json"),
])
def test_files_beside_an_output_are_named_before_its_suffixes(output: str, quarantine: str, manifest: str) -> None:
    assert beside(Path("d") / output, "quarantine") == Path("d") / quarantine
    assert beside(Path("d") / output, "manifest", ".json") == Path("d") / manifest


def test_the_format_looks_past_the_compression() -> None:
    assert [output_format(Path(n)) for n in ("a.csv.gz", "a.tsv.bz2", "a.ndjson.zst", "a.jsonl.lz4")] == [
        "csv", "tsv", "jsonl", "jsonl"]
    with pytest.raises(InputError, match="Parquet compresses itself"):
        output_format(Path("a.parquet.gz"))


ROWS = st.lists(st.fixed_dictionaries({
    "n": st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)),
    "x": st.one_of(st.none(), st.floats(allow_nan=False)),
    "s": st.one_of(st.none(), st.text(max_size=30)),
}), max_size=40)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chunks=st.lists(ROWS, min_size=1, max_size=4), fmt=st.sampled_from(["csv", "tsv", "jsonl"]),
       suffix=st.sampled_from(SUFFIXES))
def test_decompressing_a_written_file_gives_the_plain_file(tmp_path_factory: pytest.TempPathFactory,
                                                          chunks: list[list[dict[str, object]]], fmt: str,
                                                          suffix: str) -> None:
    """The law: whatever the rows and however they are chunked, the compressed file holds the
    plain file's bytes, and its digest is of what it holds."""
    folder = tmp_path_factory.mktemp("law")
    schema = pa.schema([("n", pa.int64()), ("x", pa.float64()), ("s", pa.string())])
    plain, packed = folder / f"t.{fmt}", folder / f"t.{fmt}{suffix}"
    written = {}
    for path in (plain, packed):
        with all_or_nothing() as outputs:
            writer = BatchWriter(outputs.open(path, CODECS.get(path.suffix)))
            for rows in chunks:
                writer.write(pa.RecordBatch.from_pylist(rows, schema=schema))
            writer.close(schema)
        written[path] = writer.sha256
    assert _decompressed(packed) == plain.read_bytes()
    assert written == {plain: _sha256(plain), packed: _sha256(packed)}
    assert not [p for p in os.listdir(folder) if p.endswith(".part")]


CELLS = st.lists(st.sampled_from(["a", "B", "0", "7", " ", ",", '"', "\n", "é", "NA", "?", "-999"]),
                 max_size=4).map("".join)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(CELLS, CELLS, st.sampled_from(["yes", "no", "Yes", " no", ""])), min_size=1,
                     max_size=30),
       suffix=st.sampled_from(SUFFIXES))
def test_a_clean_of_a_compressed_csv_decompresses_to_the_clean_of_the_plain_one(
        tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str, str]], suffix: str) -> None:
    """The law on whole cleans: any CSV (quotes, line ends and blanks in fields, duplicates,
    disguised missing values, label variants) cleaned from `x.csv.gz` into `y.csv.gz` decompresses
    to what the clean of `x.csv` into `y.csv` writes, quarantine included."""
    folder = tmp_path_factory.mktemp("cleans")
    with open(folder / "x.csv", "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([("id", "text", "label"), *rows])
    packed = _compress(folder / "x.csv", suffix)
    clean_files(folder / "x.csv", folder / "y.csv", target="label", allow_large_quarantine=True)
    clean_files(packed, folder / f"z.csv{suffix}", target="label", allow_large_quarantine=True)
    assert _decompressed(folder / f"z.csv{suffix}") == (folder / "y.csv").read_bytes()
    assert _decompressed(folder / f"z.quarantine.csv{suffix}") == (folder / "y.quarantine.csv").read_bytes()


def _table(tmp_path: Path) -> Path:
    data = tmp_path / "train.csv"
    data.write_text("a,b,label\n1,x,p\n2, y,q\n3,z,p\n4,,q\n", encoding="utf-8")
    return data


@pytest.mark.parametrize("runner", [run, invoke], ids=["installed", "click"])
def test_a_fitted_state_and_a_manifest_named_gz_are_gzip_and_the_state_is_read_back(tmp_path: Path, runner) -> None:
    data = _table(tmp_path)
    state, manifest = tmp_path / "fitted.json.gz", tmp_path / "m.json.gz"
    runner(["clean", data, "-t", "label", "-o", tmp_path / "a.csv", "--save-fitted", state,
            "--manifest", manifest], 1)
    assert json.loads(gzip.decompress(state.read_bytes()))["steps"]
    assert json.loads(gzip.decompress(manifest.read_bytes()))["rows"]
    runner(["clean", data, "-t", "label", "-o", tmp_path / "b.csv", "--fitted", state], 1)
    assert (tmp_path / "b.csv").read_bytes() == (tmp_path / "a.csv").read_bytes()


def test_a_corrupt_compressed_fitted_state_is_one_line(tmp_path: Path) -> None:
    data = _table(tmp_path)
    state = tmp_path / "fitted.json.gz"
    state.write_bytes(b"\x1f\x8b\x08\x00not deflate")
    _, err = invoke(["clean", data, "-t", "label", "-o", tmp_path / "out.csv", "--fitted", state], 2)
    assert err.strip().count("\n") == 0 and "fitted.json.gz: cannot read the fitted state" in err


def test_an_inferred_schema_and_an_exported_suite_named_gz_are_read_back(tmp_path: Path) -> None:
    pytest.importorskip("pandera")
    pytest.importorskip("great_expectations")
    data = _table(tmp_path)
    schema, suite = tmp_path / "schema.yaml.gz", tmp_path / "suite.json.gz"
    invoke(["schema", "infer", data, "-o", schema], 0)
    invoke(["export", "gx", "-t", "label", "-o", suite], 0)
    assert gzip.decompress(schema.read_bytes()).decode("utf-8").startswith("schema_type")
    assert json.loads(gzip.decompress(suite.read_bytes()))["expectations"]
    out, _ = invoke(["audit", data, "-t", "label", "--schema", schema, "--gx-suite", suite, "-f", "json"], 1)
    checks = {c["check"] for c in json.loads(out)["checks"]}
    assert "schema.pandera" in checks and "gx.expect_table_row_count_to_be_between" in checks
