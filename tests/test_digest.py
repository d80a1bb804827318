"""The file digest a report carries: the SHA-256 of exactly the bytes that were audited."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pandas as pd

from dataaudit import audit
from dataaudit.io.digest import BLOCK_BYTES, file_sha256
from tests.report_fixtures import PENGUINS


def test_digest_spans_several_blocks_and_an_empty_file(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    content = bytes(range(256)) * (BLOCK_BYTES * 5 // 2 // 256 + 7)
    big.write_bytes(content)
    assert file_sha256(big) == hashlib.sha256(content).hexdigest()
    empty = tmp_path / "empty.bin"
    empty.write_bytes(b"")
    assert file_sha256(empty) == hashlib.sha256(b"").hexdigest()


def test_a_file_report_carries_the_digest_of_its_bytes(tmp_path: Path) -> None:
    assert audit(PENGUINS, target="species").source.sha256 == hashlib.sha256(PENGUINS.read_bytes()).hexdigest()
    packed = tmp_path / "penguins.csv.gz"
    packed.write_bytes(gzip.compress(PENGUINS.read_bytes(), mtime=0))
    report = audit(packed, target="species")
    assert report.source.sha256 == hashlib.sha256(packed.read_bytes()).hexdigest()
    assert report.to_dict()["source"]["sha256"] == report.source.sha256


def test_a_dataframe_has_no_file_to_digest() -> None:
    report = audit(pd.read_csv(PENGUINS), target="species")
    assert report.source.sha256 is None
