"""Counts in the JSON report equal the ground truth of generated datasets with injected issues:
the project's own generator (every format), and, as an outside reference, the shared one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dataaudit.datasets import write_dirty_classification
from tests.cli_helpers import run


def _report(path: Path, tmp_path: Path, *args: str) -> dict:
    """The installed command's JSON report; the gate fails on these datasets (exit 1)."""
    out = tmp_path / "report.json"
    run(["audit", str(path), "--target", "label", "--format", "json", "-o", str(out), *args], 1)
    return json.loads(out.read_text())


def _columns(report: dict) -> dict[str, dict]:
    return {c["name"]: c for c in report["dataset"]["column_profiles"]}


def _findings(report: dict, check: str) -> list[dict]:
    return [f for f in report["findings"] if f["check"] == check]


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".parquet", ".jsonl"])
def test_own_generator_counts(tmp_path: Path, suffix: str) -> None:
    truth = write_dirty_classification(tmp_path / f"data{suffix}", rows=20_000, seed=3)
    report = _report(tmp_path / f"data{suffix}", tmp_path, "--ignore-column", "id")
    dataset = report["dataset"]
    assert dataset["rows"] == truth["rows"]
    assert dataset["duplicates"]["exact_rows"] == truth["exact_duplicate_rows"]["count"]
    assert dataset["duplicates"]["feature_rows"] == truth["feature_duplicate_rows"]["count"]
    assert dataset["duplicates"]["conflict_groups"] == truth["conflicting_labels"]["groups"]
    assert dataset["duplicates"]["conflict_rows"] == truth["conflicting_labels"]["rows_involved"]
    assert dataset["labels"]["missing"] == truth["missing_label"]["count"]
    assert dataset["labels"]["counts"] == truth["label_counts"]
    variants = _findings(report, "labels.variants")
    assert [f["observed"] for f in variants] == [truth["label_variants"]["count"]]
    assert variants[0]["details"]["variants"] == truth["label_variants"]["by_spelling"]
    columns = _columns(report)
    for name, expected in truth["missing"].items():
        if name == "label":
            continue
        assert columns[name]["nulls"] == expected["null"], name
        assert columns[name]["tokens"] == expected["tokens"], name
        assert columns[name]["sentinels"] == expected["sentinels"], name
    mostly = _findings(report, "missing.rows")
    assert mostly and mostly[0]["details"]["missing_cells_per_row"]
    assert {f["column"] for f in _findings(report, "columns.constant")} == set(truth["constant_columns"])
    assert {f["column"] for f in _findings(report, "columns.mixed_types")} == set(truth["mixed_type_columns"])
    assert dataset["ignored"] == [{"column": "id", "reason": "named with --ignore-column"}]


def test_own_generator_flags_the_id_when_kept_and_leaves_it_out_by_itself(tmp_path: Path) -> None:
    write_dirty_classification(tmp_path / "data.csv", rows=5_000, seed=1)
    report = _report(tmp_path / "data.csv", tmp_path, "--keep-column", "id")
    assert [f["column"] for f in _findings(report, "columns.unique")] == ["id"]
    report = _report(tmp_path / "data.csv", tmp_path)
    assert not _findings(report, "columns.unique")
    assert [i["column"] for i in report["dataset"]["ignored"]] == ["id"]
    assert report["dataset"]["ignored"][0]["reason"].startswith("id-like: named like an id")


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_a_generated_file_appears_whole_or_not_at_all(tmp_path: Path, suffix: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A benchmark reuses a file whose truth says it is current: a write cut short must leave
    neither a half file nor a truth that vouches for one, and no temporary beside them."""
    from dataaudit.datasets import classification

    write = classification._WRITERS[suffix[1:]]

    def cut_short(table, path) -> None:
        write(table.slice(0, 10), path)
        raise KeyboardInterrupt

    monkeypatch.setitem(classification._WRITERS, suffix[1:], cut_short)
    with pytest.raises(KeyboardInterrupt):
        write_dirty_classification(tmp_path / f"data{suffix}", rows=200, seed=1)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setitem(classification._WRITERS, suffix[1:], write)
    truth = write_dirty_classification(tmp_path / f"data{suffix}", rows=200, seed=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"data{suffix}", "data.truth.json"]
    assert json.loads((tmp_path / "data.truth.json").read_text()) == truth


def test_shared_generator_counts_match_its_truth(tmp_path: Path, shared_dir: Path) -> None:
    """The outside reference: ../shared/bench/make_dataset.py and its ground-truth file."""
    csv = tmp_path / "bench.csv"
    subprocess.run([sys.executable, str(shared_dir / "bench" / "make_dataset.py"), "--rows", "100000",
                    "--out", str(csv)], check=True, capture_output=True)
    truth = json.loads(csv.with_suffix(".truth.json").read_text())
    for path in (csv, csv.with_suffix(".parquet")):
        report = _report(path, tmp_path)
        duplicates = report["dataset"]["duplicates"]
        assert duplicates["exact_rows"] == truth["exact_duplicates"]["count_keep_first"]
        assert duplicates["conflict_groups"] == truth["conflicting_labels"]["groups"]
        assert duplicates["conflict_rows"] == truth["conflicting_labels"]["rows_involved"]
        assert report["dataset"]["labels"]["missing"] == truth["missing_label"]["count"]
        variants = _findings(report, "labels.variants")
        assert sum(f["observed"] for f in variants) == truth["label_variants"]["count"]
        columns = _columns(report)
        for name in truth["feature_columns"]:
            expected = truth["missing"].get(name, {"nan": 0})
            tokens = {t: n for t, n in expected.items() if t in truth["disguised_missing_tokens"]}
            assert columns[name]["nulls"] == expected["nan"], name
            assert columns[name]["tokens"] == tokens, name
            assert columns[name]["sentinels"] == ({"-999": expected["-999"]} if "-999" in expected else {}), name
        assert [f["column"] for f in _findings(report, "columns.constant")] == truth["constant_columns"]
