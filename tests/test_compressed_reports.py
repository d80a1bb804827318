"""Reports named `.gz`, `.bz2`, `.zst` or `.lz4` are written compressed, and read back compressed
by `dataaudit report`, `diff` and `--baseline`, as the same report plain."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow as pa
import pytest

from dataaudit.compression import CODECS
from tests.cli_helpers import invoke, run
from tests.conftest import DATA

PENGUINS = DATA / "penguins.csv"


def _decompressed(path: Path) -> bytes:
    with pa.input_stream(str(path), compression=CODECS[path.suffix]) as stream:
        return stream.read()


@pytest.fixture(autouse=True)
def _fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # created_at alike in every report


@pytest.mark.parametrize("suffix", sorted(CODECS))
def test_every_format_is_written_compressed_by_its_name(tmp_path: Path, suffix: str) -> None:
    formats = ("json", "html", "markdown", "junit")
    plain = [a for fmt in formats for a in ("-f", fmt, "-o", tmp_path / f"plain.{fmt}")]
    packed = [a for fmt in formats for a in ("-f", fmt, "-o", tmp_path / f"packed.{fmt}{suffix}")]
    invoke(["audit", PENGUINS, "-t", "species", *plain], 0)
    invoke(["audit", PENGUINS, "-t", "species", *packed], 0)
    for fmt in formats:
        written = tmp_path / f"packed.{fmt}{suffix}"
        assert written.read_bytes() != (tmp_path / f"plain.{fmt}").read_bytes()
        assert _decompressed(written) == (tmp_path / f"plain.{fmt}").read_bytes()


def test_a_compressed_report_is_read_back_as_the_plain_one(tmp_path: Path) -> None:
    invoke(["audit", PENGUINS, "-t", "species", "-f", "json", "-o", tmp_path / "a.json"], 0)
    invoke(["audit", PENGUINS, "-t", "species", "-f", "json", "-o", tmp_path / "a.json.zst"], 0)
    plain, _ = invoke(["report", tmp_path / "a.json", "-f", "markdown"], 0)
    packed, _ = invoke(["report", tmp_path / "a.json.zst", "-f", "markdown"], 0)
    assert packed == plain
    stdout, _ = invoke(["diff", tmp_path / "a.json", tmp_path / "a.json.zst", "-f", "json"], 0)
    assert json.loads(stdout)["counts"]["new"] == 0
    stdout, _ = invoke(["audit", PENGUINS, "-t", "species", "--baseline", tmp_path / "a.json.zst", "-f", "json"], 0)
    assert json.loads(stdout)["baseline"]["new"] == []


def test_a_truncated_compressed_report_is_one_line_and_exit_2(tmp_path: Path) -> None:
    invoke(["audit", PENGUINS, "-t", "species", "-f", "json", "-o", tmp_path / "a.json.gz"], 0)
    cut = tmp_path / "cut.json.gz"
    cut.write_bytes((tmp_path / "a.json.gz").read_bytes()[:200])
    _, stderr = run(["report", cut], 2)
    assert stderr == f"dataaudit: error: {cut}: cannot read: Truncated compressed stream\n"


def test_a_clean_writes_its_report_compressed_by_its_name(tmp_path: Path) -> None:
    run(["clean", PENGUINS, "-t", "species", "-o", tmp_path / "out.csv", "--report", tmp_path / "after.json.gz"], 0)
    report = json.loads(gzip.decompress((tmp_path / "after.json.gz").read_bytes()))
    assert {t["id"] for t in report["tables"]} >= {"clean.steps", "clean.before_after"}
    manifest = json.loads((tmp_path / "out.manifest.json").read_text())
    assert manifest["files"]["output"]["path"] == str(tmp_path / "out.csv")
