"""A JSON Lines key first met past the lines the columns are read from (a late key) is audited as
the column a clean writes it as: its column checks (missing values, constant, empty) find what
they find on the same rows holding the key from their first line, the clean's `drop_columns`
drops it as it drops such a column, and the clean's output audits and cleans again to the same.
The small chunk of the Python API stands for the 65,536 lines the command reads its columns
from, which the slow test uses as a user does."""

from __future__ import annotations

import csv
import json
from dataclasses import asdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataaudit.preprocess.clean import clean_files
from dataaudit.runner import audit
from tests.cli_helpers import RUNNERS, Runner, audit_report

CHUNK = 4
HEAD = [{"a": i, "b": "uv"[i % 2], "label": "pq"[i % 2]} for i in range(CHUNK)]


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _late(n: int, start: int = 100, **keys: object) -> list[dict]:
    """`n` lines after the head, `a` counting from `start`, each holding `keys`."""
    return [{"a": start + i, "b": "uv"[i % 2], "label": "pq"[i % 2], **keys} for i in range(n)]


def _rows(path: Path) -> list[dict]:
    """A written CSV or JSON Lines file's rows, a CSV file's empty cells left out."""
    if path.suffix == ".csv":
        with path.open(newline="") as handle:
            return [{k: v for k, v in row.items() if v} for row in csv.DictReader(handle)]
    return [json.loads(line) for line in path.read_text().splitlines()]


def _column(report, name: str) -> dict:
    return next(asdict(c) for c in report.profile.columns if c.name == name)


def _findings(report, columns: tuple[str, ...] = ("k", "e")) -> list[tuple[str, str | None, object]]:
    """The findings on the `columns` (the checks that read the features together read the first
    lines' columns only: `size.rows_per_feature`, `missing.rows`, `labels.conflicts`)."""
    return sorted((f.check, f.column, f.observed) for f in report.findings if f.column in columns)


def _as_column(records: list[dict], key: str) -> list[dict]:
    """The same rows with `key` on the first line (null): a column of the first lines."""
    return [{**records[0], key: None}, *records[1:]]


def test_a_late_key_s_column_checks_find_what_they_find_in_a_column(tmp_path: Path) -> None:
    records = [*HEAD, *_late(3, k="x"), *_late(2, 200, e=None)]
    late = audit(_write(tmp_path / "late.jsonl", records), "label", chunk_rows=CHUNK)
    keys = audit(_write(tmp_path / "keys.jsonl", _as_column(_as_column(records, "e"), "k")), "label",
                 chunk_rows=CHUNK)
    assert [c.name for c in late.profile.columns] == ["a", "b", "label", "k", "e"]
    for name in ("k", "e"):
        assert _column(late, name) == _column(keys, name)
    assert [(check, column) for check, column, _ in _findings(late)] == [
        ("columns.constant", "k"), ("missing.column_share", "k"), ("missing.empty_column", "e")]
    assert _findings(late) == _findings(keys)
    assert _column(late, "k")["null_rows"][:4] == [0, 1, 2, 3]  # the lines before it miss it
    assert "source.late_keys" in {f.check for f in late.findings}


def test_a_file_without_late_keys_audits_as_before(tmp_path: Path) -> None:
    records = [*HEAD, *_late(5)]
    report = audit(_write(tmp_path / "plain.jsonl", records), "label", chunk_rows=CHUNK)
    assert [c.name for c in report.profile.columns] == ["a", "b", "label"]
    assert "source.late_keys" not in {f.check for f in report.findings}


def test_workers_profile_a_late_key_as_one_process_does(tmp_path: Path) -> None:
    records = [*HEAD, *_late(6), *_late(3, k="x"), *_late(4), *_late(2, k="y", m="z")]
    data = _write(tmp_path / "late.jsonl", records)
    one = audit(data, "label", chunk_rows=CHUNK)
    two = audit(data, "label", chunk_rows=CHUNK, jobs=2)
    assert [_column(two, name) for name in ("k", "m")] == [_column(one, name) for name in ("k", "m")]
    assert [c.name for c in two.profile.columns] == ["a", "b", "label", "k", "m"]
    assert _findings(two, ("k", "m")) == _findings(one, ("k", "m"))


CELLS = st.one_of(st.none(), st.sampled_from(["x", "y", "", "1", "NA"]), st.integers(0, 1))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.tuples(st.booleans(), CELLS), min_size=1, max_size=14), chunk=st.integers(1, 6))
def test_a_late_key_is_profiled_as_a_column_whatever_the_chunking(tmp_path: Path, cells: list, chunk: int) -> None:
    """The law: for any chunk size, a key met past the first chunk is profiled as the same rows
    holding it from their first line make it (a line holds it or not, its value any)."""
    records = [*({"a": -1 - i, "label": "p"} for i in range(chunk)),
               *({"a": i, "label": "pq"[i % 2], **({"k": v} if has else {})} for i, (has, v) in enumerate(cells))]
    late = audit(_write(tmp_path / "late.jsonl", records), "label", chunk_rows=chunk)
    keys = audit(_write(tmp_path / "keys.jsonl", _as_column(records, "k")), "label", chunk_rows=chunk)
    if any(has for has, _ in cells):  # else the file has no key `k`
        assert _column(late, "k") == _column(keys, "k")
        assert _findings(late) == _findings(keys)


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_the_clean_drops_a_constant_and_an_empty_late_key_and_cleans_again_to_the_same(tmp_path: Path,
                                                                                        suffix: str) -> None:
    records = [*HEAD, *_late(3, k="x"), *_late(2, 200, e=None), HEAD[1]]
    data = _write(tmp_path / "late.jsonl", records)
    out = tmp_path / f"out{suffix}"
    done = clean_files(data, out, target="label", chunk_rows=CHUNK)
    rows = done.manifest["rows"]
    assert (rows["in"], rows["out"], rows["quarantined"]) == (len(records), len(records) - 1, 1)
    assert "dropped k (constant), e (empty)" in json.dumps(done.manifest["steps"])
    assert [set(row) for row in _rows(out)] == [{"a", "b", "label"}] * rows["out"]
    if suffix == ".csv":  # the quarantine keeps the rows as read, every key a column
        assert done.quarantine.read_text().splitlines()[0].replace('"', "") == "a,b,label,k,e,_row,_reason"
    after = sorted((f.check, f.column) for f in done.report.findings)
    assert after == sorted((f.check, f.column) for f in audit(out, "label", chunk_rows=CHUNK).findings)
    assert not {column for _, column in after} & {"k", "e"}
    again = clean_files(out, tmp_path / f"again{suffix}", target="label", chunk_rows=CHUNK)
    assert (tmp_path / f"again{suffix}").read_bytes() == out.read_bytes()
    assert again.manifest["rows"]["quarantined"] == 0


def test_rows_alike_but_for_a_dropped_late_key_are_one_row_in_the_output(tmp_path: Path) -> None:
    """Dropping a key in the input's identities makes rows alike that differed in it alone: the
    later goes to the quarantine as the duplicate the output would hold, as for a column."""
    records = [*HEAD, *_late(3, k="x"), _late(1)[0]]  # the last line is the first late one, without `k`
    data = _write(tmp_path / "late.jsonl", records)
    out = tmp_path / "out.jsonl"
    done = clean_files(data, out, target="label", chunk_rows=CHUNK)
    assert json.loads(done.quarantine.read_text())["_reason"] == "duplicate"
    rows = done.manifest["rows"]
    assert (rows["in"], rows["out"], rows["quarantined"]) == (len(records), len(records) - 1, 1)
    assert audit(out, "label", chunk_rows=CHUNK).profile.duplicates.exact_rows == 0
    again = clean_files(out, tmp_path / "again.jsonl", target="label", chunk_rows=CHUNK)
    assert (tmp_path / "again.jsonl").read_bytes() == out.read_bytes()
    assert again.manifest["rows"]["quarantined"] == 0


def test_a_late_key_left_empty_by_the_quarantine_is_dropped(tmp_path: Path) -> None:
    """Its values, two, are on lines without a label, which the clean quarantines: the kept rows
    hold none, which the output's audit would find empty and a second clean drop."""
    records = [*HEAD, *_late(3), *({"a": 7, "b": "u", "label": None, "k": value} for value in "zw")]
    data = _write(tmp_path / "late.jsonl", records)
    out = tmp_path / "out.csv"
    done = clean_files(data, out, target="label", chunk_rows=CHUNK)
    assert out.read_text().splitlines()[0].replace('"', "") == "a,b,label"
    assert "k (empty once cleaned)" in json.dumps(done.manifest["steps"])
    assert [row["k"] for row in _rows(done.quarantine)] == ["z", "w"]
    again = clean_files(out, tmp_path / "again.csv", target="label", chunk_rows=CHUNK)
    assert (tmp_path / "again.csv").read_bytes() == out.read_bytes()
    assert again.manifest["rows"]["quarantined"] == 0


def test_a_late_key_s_disguised_missing_values_are_counted_before_and_nulled_after(tmp_path: Path) -> None:
    """The before table counts a late key's tokens, which `missing_to_null` nulls as a column's."""
    records = [*HEAD, *_late(2, k="NA"), *_late(3, 200, k="x"), *_late(2, 300, k="y")]
    done = clean_files(_write(tmp_path / "late.jsonl", records), tmp_path / "out.csv", target="label",
                       chunk_rows=CHUNK)
    table = next(t for t in done.report.tables if t.id == "clean.before_after")
    assert next(row[1:] for row in table.rows if row[0] == "disguised missing cells") == [2, 0]


def _big_late_file(tmp_path: Path) -> Path:
    """65,540 distinct lines, then three more holding a late key of one value."""
    lines = [{"a": i % 97, "b": i % 89, "c": i % 83, "label": "pq"[i % 2]} for i in range(65_540)]
    lines += [{"a": 100 + i, "b": 1, "c": 1, "label": "q", "late_k": "x"} for i in range(3)]
    return _write(tmp_path / "late.jsonl", lines)


@pytest.mark.slow  # audits and cleans of 65,543 lines
@pytest.mark.parametrize("runner", RUNNERS)
def test_the_command_audits_and_drops_a_constant_late_key(tmp_path: Path, runner: Runner) -> None:
    data = _big_late_file(tmp_path)
    report = audit_report(runner, [data, "-t", "label", "--jobs", "2"], tmp_path, code=1)
    on_key = sorted(f["check"] for f in report["findings"] if f.get("column") == "late_k")
    assert on_key == ["columns.constant", "missing.column_share"]
    out = tmp_path / "out.jsonl"
    runner(["clean", data, "-t", "label", "-o", out], 0)
    assert "late_k" not in out.read_text()
    manifest = json.loads((tmp_path / "out.manifest.json").read_text())
    assert (manifest["rows"]["in"], manifest["rows"]["out"], manifest["rows"]["quarantined"]) == (65_543, 65_543, 0)
    assert audit_report(runner, [out, "-t", "label"], tmp_path, code=0)["findings"] == []
    again = tmp_path / "again.jsonl"
    runner(["clean", out, "-t", "label", "-o", again], 0)
    assert again.read_bytes() == out.read_bytes()
