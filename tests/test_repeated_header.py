"""A header repeated among the rows: two exports joined with their headers, or a dump that
prints its header every so many rows. Real files on disk, through the command and the API."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dataaudit
from tests.cli_helpers import RUNNERS, Runner, invoke
from tests.test_spark_engine import spark

__all__ = ["spark"]  # the session fixture, shared with the Spark tests

HEADER = ["size", "weight", "color", "label"]
COLORS = ["red", "green", "blue"]


def _rows(start: int, n: int) -> list[str]:
    return [f"{i},{i * 1.5 + 0.25},{COLORS[i % 3]},{'yn'[i % 2]}" for i in range(start, start + n)]


def _export(start: int, n: int) -> str:
    return "\n".join([",".join(HEADER), *_rows(start, n)]) + "\n"


def _joined(tmp_path: Path) -> Path:
    """`cat a.csv b.csv`: 150 rows, then the second export's header (row 150), then 150 rows."""
    path = tmp_path / "joined.csv"
    path.write_text(_export(0, 150) + _export(150, 150), encoding="utf-8")
    return path


def _dump(tmp_path: Path, every: int, rows: int) -> tuple[Path, list[int]]:
    """A dump printing its header again after every `every` rows; with the rows that repeat it."""
    lines, headers = [",".join(HEADER)], []
    for i, row in enumerate(_rows(0, rows)):
        if i and i % every == 0:
            headers.append(len(lines) - 1)
            lines.append(",".join(HEADER))
        lines.append(row)
    path = tmp_path / "dump.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, headers


def _report(runner: Runner, args: list, tmp_path: Path, code: int) -> dict:
    out = tmp_path / "report.json"
    runner(["audit", *args, "--format", "json", "-o", out], code)
    return json.loads(out.read_text(encoding="utf-8"))


def _finding(report: dict) -> dict | None:
    return next((f for f in report["findings"] if f["check"] == "source.repeated_header"), None)


def _status(report: dict) -> str:
    return next(c["status"] for c in report["checks"] if c["check"] == "source.repeated_header")


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_concatenated_export_fails_naming_the_row_of_the_second_header(tmp_path: Path, runner: Runner) -> None:
    report = _report(runner, [_joined(tmp_path), "--target", "label"], tmp_path, 1)
    finding = _finding(report)
    assert finding is not None and finding["severity"] == "fail"
    assert finding["examples"] == [150] and finding["details"] == {"rows": 1, "first_rows": [150]}
    assert finding["message"].startswith("1 row repeats the header, every cell its column's name (row 150)")
    assert "a class 'label' of the target" in finding["message"]


def test_the_console_names_the_rows_and_the_class_they_make(tmp_path: Path) -> None:
    out, _ = invoke(["audit", _joined(tmp_path), "--target", "label"], 1)
    block = out.split("  source.repeated_header\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert block[0].strip().startswith("1 row repeats the header, every cell its column's name (row 150)")
    assert block[-1].strip() == "e.g. rows: 150"


def test_a_dump_repeating_its_header_counts_every_repeat_and_keeps_the_first_rows(tmp_path: Path) -> None:
    data, headers = _dump(tmp_path, every=10, rows=400)
    report = _report(invoke, [data, "--target", "label"], tmp_path, 1)
    finding = _finding(report)
    assert finding is not None and len(headers) == 39
    assert finding["details"] == {"rows": 39, "first_rows": headers[:20]}
    assert finding["examples"] == headers[:20]
    assert finding["message"].startswith("39 rows repeat the header, every cell its column's name "
                                         f"(rows {', '.join(map(str, headers[:5]))} ...)")


def test_blanks_around_the_names_still_repeat_the_header_and_other_spellings_do_not(tmp_path: Path) -> None:
    data = tmp_path / "spaced.csv"
    data.write_text(_export(0, 150) + " size , weight,color ,label\nSIZE,WEIGHT,COLOR,LABEL\nsize,1,red,y\n"
                    + "\n".join(_rows(150, 50)) + "\n", encoding="utf-8")
    finding = _finding(_report(invoke, [data, "--target", "label"], tmp_path, 1))
    assert finding is not None and finding["details"] == {"rows": 1, "first_rows": [150]}


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_file_without_a_repeated_header_passes(tmp_path: Path, runner: Runner) -> None:
    data = tmp_path / "one.csv"
    data.write_text(_export(0, 300), encoding="utf-8")
    report = _report(runner, [data, "--target", "label"], tmp_path, 0)
    assert _status(report) == "passed" and _finding(report) is None


@pytest.mark.parametrize("runner", RUNNERS)
def test_clean_quarantines_the_header_rows_with_their_reason(tmp_path: Path, runner: Runner) -> None:
    data, headers = _dump(tmp_path, every=25, rows=300)
    out = tmp_path / "clean.csv"
    runner(["clean", data, "--target", "label", "-o", out], 0)
    manifest = json.loads((tmp_path / "clean.manifest.json").read_text(encoding="utf-8"))
    with (tmp_path / "clean.quarantine.csv").open(newline="", encoding="utf-8") as f:
        quarantined = list(csv.DictReader(f))
    with out.open(newline="", encoding="utf-8") as f:
        kept = list(csv.DictReader(f))
    assert [int(r["_row"]) for r in quarantined] == headers
    assert {r["_reason"] for r in quarantined} == {"repeated_header"}
    assert all([r[c] for c in HEADER] == HEADER for r in quarantined)
    assert manifest["rows"]["in"] == 300 + len(headers) == len(kept) + len(quarantined)
    assert manifest["rows"]["out"] == len(kept) == 300 and manifest["rows"]["quarantined"] == len(headers)
    assert manifest["quarantine_reasons"] == {"repeated_header": len(headers)}
    assert not [r for r in kept if r["label"] == "label"]
    assert {"step": "repeated_header", "rows_changed": 0, "rows_quarantined": len(headers)}.items() <= next(
        s for s in manifest["steps"] if s["step"] == "repeated_header").items()
    again = _report(invoke, [out, "--target", "label"], tmp_path, 0)
    assert _status(again) == "passed"
    assert {c["name"]: c["type"] for c in again["dataset"]["column_profiles"]}["size"] == "integer"


def test_a_clean_without_a_repeated_header_lists_no_such_step(tmp_path: Path) -> None:
    data = tmp_path / "one.csv"
    data.write_text(_export(0, 300), encoding="utf-8")
    invoke(["clean", data, "--target", "label", "-o", tmp_path / "clean.csv"], 0)
    manifest = json.loads((tmp_path / "clean.manifest.json").read_text(encoding="utf-8"))
    assert "repeated_header" not in [s["step"] for s in manifest["steps"]]
    assert manifest["rows"] == {"in": 300, "out": 300, "quarantined": 0, "redacted": 0}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(every=st.integers(1, 40), rows=st.integers(1, 120), chunk_rows=st.integers(1, 50))
def test_the_count_and_the_first_rows_do_not_depend_on_the_chunk_size(tmp_path: Path, every: int, rows: int,
                                                                     chunk_rows: int) -> None:
    data, headers = _dump(tmp_path, every=every, rows=rows)
    report = dataaudit.audit(data, target="label", chunk_rows=chunk_rows)
    found = next((f for f in report.findings if f.check == "source.repeated_header"), None)
    if not headers:
        assert found is None
        return
    assert found is not None
    assert found.details == {"rows": len(headers), "first_rows": headers[:20]}


def test_workers_find_what_one_process_finds(tmp_path: Path, workers) -> None:
    data, headers = _dump(tmp_path, every=7, rows=500)
    one = dataaudit.audit(data, target="label", chunk_rows=13, jobs=1)
    two = dataaudit.audit(data, target="label", chunk_rows=13, jobs=2)
    assert workers.called
    details = [next(f for f in r.findings if f.check == "source.repeated_header").details for r in (one, two)]
    assert details[0] == details[1] == {"rows": len(headers), "first_rows": headers[:20]}


def test_the_command_with_two_jobs_reports_what_one_job_reports(tmp_path: Path, workers) -> None:
    """Past three chunks of the command's own size, where --jobs 2 starts workers of itself."""
    data, headers = _dump(tmp_path, every=50_000, rows=200_000)
    reports = [_report(invoke, [data, "--target", "label", "--jobs", jobs], tmp_path, 1) for jobs in ("1", "2")]
    assert workers.called
    assert _finding(reports[0]) == _finding(reports[1])
    assert _finding(reports[0])["details"] == {"rows": len(headers), "first_rows": headers}


@pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")
def test_spark_finds_and_quarantines_the_rows_the_local_engine_does(tmp_path: Path, spark) -> None:
    """Read in several partitions, each from its own offset: the same rows, the same reasons."""
    pq = pytest.importorskip("pyarrow.parquet")
    data, headers = _dump(tmp_path, every=97, rows=3_000)
    conf = spark.conf
    old = conf.get("spark.sql.files.maxPartitionBytes")
    conf.set("spark.sql.files.maxPartitionBytes", "16k")
    try:
        audited = _report(invoke, [data, "--target", "label", "--engine", "spark"], tmp_path, 1)
        invoke(["clean", data, "--target", "label", "--engine", "spark", "-o", tmp_path / "spark.parquet"], 0)
    finally:
        conf.set("spark.sql.files.maxPartitionBytes", old)
    invoke(["clean", data, "--target", "label", "-o", tmp_path / "local.parquet"], 0)
    assert _finding(audited)["details"] == {"rows": len(headers), "first_rows": headers[:20]}
    held = {name: pq.read_table(tmp_path / f"{name}.quarantine.parquet").sort_by("_row").to_pylist()
            for name in ("spark", "local")}
    assert held["spark"] == held["local"] and [r["_row"] for r in held["spark"]] == headers
    assert {r["_reason"] for r in held["spark"]} == {"repeated_header"}
    manifests = [json.loads((tmp_path / f"{name}.manifest.json").read_text(encoding="utf-8"))
                 for name in ("spark", "local")]
    assert manifests[0]["rows"] == manifests[1]["rows"] == {"in": 3_000 + len(headers), "out": 3_000,
                                                            "quarantined": len(headers), "redacted": 0}


_CELLS = st.sampled_from(["a", " a", "a ", "ab", "ba", " b\t", "b", "", "x", "a b", "\u00e9", " \u00e9 "])


@settings(max_examples=200, deadline=None)
@given(names=st.lists(st.sampled_from(["a", " b", "a b", "\u00e9", ""]), min_size=1, max_size=3, unique=True),
       data=st.data())
def test_the_rows_found_are_those_whose_trimmed_cells_are_the_trimmed_names(names: list[str], data) -> None:
    """The search that narrows the rows first finds what comparing every trimmed cell finds."""
    import pyarrow as pa

    from dataaudit.profile.headers import header_rows

    rows = data.draw(st.lists(st.lists(st.one_of(st.none(), _CELLS), min_size=len(names), max_size=len(names)),
                              max_size=12))
    batch = pa.RecordBatch.from_arrays([pa.array([row[i] for row in rows], pa.string()) for i in range(len(names))],
                                       names=names)
    expected = [all(cell is not None and cell.strip() == name.strip() for cell, name in zip(row, names, strict=True))
                for row in rows]
    assert header_rows(batch).tolist() == expected
