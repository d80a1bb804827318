"""A JSON Lines key first met past the lines the columns are read from (a late key) is part of
its row's identity: lines differing only in a late key's value, or one holding it and one not,
are no duplicates to the audit and the clean, which agree; a late key is a feature to feature
duplicates and label conflicts. The small chunk of the Python API stands for the 65,536 lines
the command reads its columns from, which the slow test uses as a user does."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataaudit.errors import InputError
from dataaudit.preprocess.clean import clean, clean_files
from dataaudit.runner import audit
from tests.cli_helpers import RUNNERS, Runner, audit_report, invoke

CHUNK = 4
KEEP_ALL = ("preprocess: {missing_to_null: false, normalize_text: false, merge_label_variants: false, "
            "missing_labels: keep, duplicates: keep, conflicts: keep, drop_constant_columns: false, "
            "drop_empty_columns: false}\n")
#: four lines the columns are read from, then lines that differ in a late key alone
HEAD = [{"a": 10 + i, "label": "x"} for i in range(CHUNK)]
LATE = [{"a": 2, "label": "y", "note": "keep"}, {"a": 2, "label": "y", "note": "other"}, {"a": 2, "label": "y"},
        {"a": 3, "label": "y", "note": 1}, {"a": 3, "label": "y", "note": "1"}, {"a": 3, "label": "y", "note": None}]


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _pack(tmp_path: Path, text: str = KEEP_ALL) -> Path:
    pack = tmp_path / "pack.yaml"
    pack.write_text(text)
    return pack


def test_lines_differing_in_a_late_key_are_no_duplicates(tmp_path: Path) -> None:
    data = _write(tmp_path / "late.jsonl", [*HEAD, *LATE])
    duplicates = audit(data, "label", chunk_rows=CHUNK).profile.duplicates
    assert (duplicates.exact_rows, duplicates.feature_rows, duplicates.conflict_groups) == (0, 0, 0)
    done = clean(data, "label", chunk_rows=CHUNK)
    assert len(done.data) == len(HEAD) + len(LATE)
    assert done.quarantine.empty


def test_the_same_late_pairs_in_another_order_are_a_duplicate(tmp_path: Path) -> None:
    records = [*HEAD, {"a": 1, "label": "y", "n": 1, "m": "z"}, {"m": "z", "label": "y", "a": 1, "n": 1},
               {"a": 1, "label": "y", "n": 1, "m": "z", "o": None}]
    data = _write(tmp_path / "late.jsonl", records)
    duplicates = audit(data, "label", chunk_rows=CHUNK).profile.duplicates
    assert duplicates.exact_rows == 2
    done = clean(data, "label", chunk_rows=CHUNK, allow_large_quarantine=True)
    assert done.quarantine["_row"].tolist() == [5, 6]
    assert set(done.quarantine["_reason"]) == {"duplicate"}


def test_a_late_key_is_a_feature_to_label_conflicts(tmp_path: Path) -> None:
    records = [*HEAD, {"a": 1, "label": "p", "note": "u"}, {"a": 1, "label": "q", "note": "v"},
               {"a": 2, "label": "p", "note": "w"}, {"a": 2, "label": "q", "note": "w"}]
    data = _write(tmp_path / "late.jsonl", records)
    duplicates = audit(data, "label", chunk_rows=CHUNK).profile.duplicates
    assert (duplicates.conflict_groups, duplicates.conflict_rows) == (1, 2)
    done = clean(data, "label", chunk_rows=CHUNK, allow_large_quarantine=True)
    assert (done.quarantine["_row"].tolist(), set(done.quarantine["_reason"])) == ([6, 7], {"label_conflict"})
    assert len(done.data) + len(done.quarantine) == len(records)


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_the_clean_keeps_what_the_audit_does_and_its_output_agrees(tmp_path: Path, suffix: str) -> None:
    """Rows in = out + quarantined; the before audit's duplicates are the rows quarantined, and the
    output (the late keys its columns) holds none, read by the after audit and by an audit of the
    written file alike. A CSV or Parquet file keeps no JSON type: `1` and `"1"` are one value there."""
    records = [*HEAD, *LATE, LATE[0], LATE[2]]
    data = _write(tmp_path / "late.jsonl", records)
    out = tmp_path / f"out{suffix}"
    done = clean_files(data, out, target="label", chunk_rows=CHUNK, allow_large_quarantine=True)
    typed = suffix == ".jsonl"
    quarantined = [10, 11] if typed else [8, 10, 11]
    assert done.before.profile.duplicates.exact_rows == 2
    rows = done.manifest["rows"]
    assert (rows["in"], rows["out"], rows["quarantined"]) == (12, 12 - len(quarantined), len(quarantined))
    assert done.manifest["quarantine_reasons"] == {"duplicate": len(quarantined)}
    assert done.report.profile.duplicates.exact_rows == 0
    assert audit(out, "label").profile.duplicates.exact_rows == 0


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_kept_duplicates_are_counted_alike_before_and_after(tmp_path: Path, suffix: str) -> None:
    """No line differs from another in a JSON type alone, which a CSV file would not keep."""
    records = [*HEAD, *LATE[:3], LATE[0], LATE[2], {"a": 2, "label": "z", "note": "keep"}]
    data = _write(tmp_path / "late.jsonl", records)
    out = tmp_path / f"out{suffix}"
    done = clean_files(data, out, target="label", rules=_pack(tmp_path), chunk_rows=CHUNK)
    before, after = done.before.profile.duplicates, done.report.profile.duplicates
    assert (before.exact_rows, before.conflict_groups, before.conflict_rows) == (2, 1, 3)
    assert (after.exact_rows, after.conflict_groups, after.conflict_rows) == (2, 1, 3)
    assert done.manifest["rows"]["out"] == len(records)
    again = audit(out, "label").profile.duplicates
    assert (again.exact_rows, again.conflict_groups, again.conflict_rows) == (2, 1, 3)


def test_the_command_counts_a_late_key_in_the_identity(tmp_path: Path) -> None:
    """Through click, the command's own function with a small chunk."""
    data = _write(tmp_path / "late.jsonl", [*HEAD, *LATE, LATE[1]])
    out = tmp_path / "out.jsonl"
    done = clean_files(data, out, target="label", chunk_rows=CHUNK, allow_large_quarantine=True)
    assert [json.loads(line).get("note") for line in done.quarantine.read_text().splitlines()] == ["other"]
    checks = {f["check"] for f in audit_report(invoke, [out, "-t", "label"], tmp_path)["findings"]}
    assert "duplicates.rows" not in checks


VALUES = st.one_of(st.none(), st.text("xy1", min_size=1, max_size=2), st.integers(0, 2), st.booleans())


def _reference_duplicates(records: list[dict]) -> int:
    """The rows repeating an earlier row, read in plain Python with every key: a value is its
    JSON text (`1` is no `"1"`), and a null is no value, as a missing key is."""
    seen: set[frozenset] = set()
    repeats = 0
    for record in records:
        identity = frozenset((k, json.dumps(v)) for k, v in record.items() if v is not None)
        repeats += identity in seen
        seen.add(identity)
    return repeats


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(st.dictionaries(st.sampled_from("abcd"), VALUES), min_size=1, max_size=14),
       chunk_rows=st.sampled_from([1, 2, 3, 5, 65_536]))
def test_duplicates_are_those_of_every_key_whatever_the_chunk(tmp_path: Path, records: list[dict],
                                                              chunk_rows: int) -> None:
    rows = [{"k": 0, **r} for r in records]  # every line has a key: the file has a column
    data = _write(tmp_path / "law.jsonl", rows)
    assert audit(data, chunk_rows=chunk_rows).profile.duplicates.exact_rows == _reference_duplicates(rows)


def test_two_jobs_count_as_one_process_does(tmp_path: Path) -> None:
    records = [*HEAD, *(LATE * 3), *({"a": i % 5, "label": "y", "note": i % 3} for i in range(40))]
    data = _write(tmp_path / "late.jsonl", records)
    one = audit(data, "label", chunk_rows=CHUNK).profile.duplicates
    two = audit(data, "label", chunk_rows=CHUNK, jobs=2).profile.duplicates
    expected = len(records) - len({json.dumps({k: v for k, v in r.items() if v is not None}, sort_keys=True)
                                   for r in records})
    assert one.exact_rows == two.exact_rows == expected
    assert (one.exact_examples, one.conflict_rows) == (two.exact_examples, two.conflict_rows)


def test_an_ignored_late_key_leaves_the_features_identity(tmp_path: Path) -> None:
    """`ignore_columns` may name a late key, known once the pass has read every line: rows
    differing in it alone are feature duplicates, and a label conflict, not exact duplicates."""
    records = [*HEAD, {"a": 2, "label": "y", "note": "keep"}, {"a": 2, "label": "y", "note": "other"},
               {"a": 2, "label": "z", "note": "u"}]
    data = _write(tmp_path / "late.jsonl", records)
    report = audit(data, "label", chunk_rows=CHUNK, ignore_columns=("note",))
    duplicates = report.profile.duplicates
    assert (duplicates.exact_rows, duplicates.feature_rows, duplicates.conflict_rows) == (0, 1, 3)
    assert report.profile.ignored == {"note": "named with --ignore-column"}
    out = tmp_path / "out.csv"
    done = clean_files(data, out, target="label", ignore_columns=("note",), chunk_rows=CHUNK,
                       allow_large_quarantine=True)
    rows = done.manifest["rows"]
    assert (rows["in"], rows["out"], rows["quarantined"]) == (7, 4, 3)
    assert done.manifest["quarantine_reasons"] == {"label_conflict": 3}
    assert done.report.profile.duplicates.conflict_rows == 0


def test_an_ignored_name_of_no_column_nor_late_key_is_refused_after_the_pass(tmp_path: Path) -> None:
    data = _write(tmp_path / "late.jsonl", [*HEAD, *LATE])
    with pytest.raises(InputError, match=r"late\.jsonl: ignored column 'nope' not found; columns are: a, label$"):
        audit(data, "label", chunk_rows=CHUNK, ignore_columns=("nope",))


def test_a_target_or_column_named_before_the_pass_may_be_a_late_key_which_the_error_says(tmp_path: Path) -> None:
    """A late key cannot be the target, and the pass that would meet it has not run: the error
    says where the columns come from and how to make the key one, for the API and `clean` alike."""
    data = _write(tmp_path / "late.jsonl", [*HEAD, *LATE])
    said = (r"late\.jsonl: target column 'note' not found; columns are: a, label \(the keys of the first 4 JSON "
            r"objects; a key first met past them is no column: give it to one of them, as null where it has no "
            r"value\)$")
    with pytest.raises(InputError, match=said):
        audit(data, "note", chunk_rows=CHUNK)
    with pytest.raises(InputError, match=said):
        clean(data, "note", chunk_rows=CHUNK)
    with pytest.raises(InputError, match=r"target column 'note ' not found \(did you mean 'note'\?\); columns are: "
                                         r"a, label, note$"):
        audit(data, "note ", chunk_rows=len(HEAD) + len(LATE) + 1)  # the columns are every line's keys: no note


def test_a_file_that_ends_where_its_columns_are_read_gets_no_late_key_hint(tmp_path: Path) -> None:
    """A file of exactly the rows the columns are read from, blank lines and a bad line after
    them aside, holds no later key: its error lists the columns alone. One object more and the
    hint is back."""
    data = _write(tmp_path / "exact.jsonl", HEAD)
    data.write_text(data.read_text() + "\n  \n")
    with pytest.raises(InputError, match=r"exact\.jsonl: target column 'note' not found; columns are: a, label$"):
        audit(data, "note", chunk_rows=len(HEAD))
    data.write_text(data.read_text() + "{not json\n")
    with pytest.raises(InputError, match=r"exact\.jsonl:\d+: .*"):
        audit(data, "label", chunk_rows=len(HEAD))
    skipped = audit(data, "label", chunk_rows=len(HEAD), bad_rows="skip")
    assert skipped.profile.rows == len(HEAD) and "source.bad_rows" in [f.check for f in skipped.findings]
    with pytest.raises(InputError, match=r"columns are: a, label \(the keys of the first"):
        audit(_write(tmp_path / "more.jsonl", [*HEAD, HEAD[0]]), "note", chunk_rows=len(HEAD))


def _late_file(tmp_path: Path) -> Path:
    """65,540 distinct lines, then two lines alike but for a late key's value and one repeating
    the first of them."""
    lines = [json.dumps({"a": i % 97, "b": i % 89, "c": i % 83, "label": "pq"[i % 2]}) for i in range(65_540)]
    lines += [json.dumps({"a": 1, "b": 1, "c": 1, "label": "q", "note": note}) for note in ("keep", "other", "keep")]
    path = tmp_path / "late.jsonl"
    path.write_text("".join(line + "\n" for line in lines))
    return path


@pytest.mark.slow  # audits and cleans of 65,543 lines
@pytest.mark.parametrize("runner", RUNNERS)
def test_the_command_tells_lines_apart_by_a_late_key(tmp_path: Path, runner: Runner) -> None:
    data = _late_file(tmp_path)
    # the late `note` is audited as the column the clean writes: nearly all missing, in both audits
    report = audit_report(runner, [data, "-t", "label", "--jobs", "2"], tmp_path, code=1)
    exact = [f for f in report["findings"] if f["check"] == "duplicates.rows"]
    assert [f["examples"] for f in exact] == [[65_542]]
    assert [f["column"] for f in report["findings"] if f["check"] == "missing.column_share"] == ["note"]
    out = tmp_path / "out.csv"
    runner(["clean", data, "-t", "label", "-o", out], 1)
    manifest = json.loads((tmp_path / "out.manifest.json").read_text())
    assert (manifest["rows"]["in"], manifest["rows"]["out"], manifest["rows"]["quarantined"]) == (65_543, 65_542, 1)
    with (tmp_path / "out.quarantine.csv").open(newline="") as handle:
        held = list(csv.DictReader(handle))
    assert [(r["note"], r["_row"], r["_reason"]) for r in held] == [("keep", "65542", "duplicate")]
