"""The clean's value steps clean a JSON Lines late key (a key first met past the lines the
columns are read from) as they clean a column of the first lines: its disguised missing values
are nulled, its text trimmed, its rows judged on the cleaned cells (rows alike once trimmed are
duplicates), so that the after audit finds what the output's audit finds and a second clean
changes nothing. The small chunk of the Python API stands for the 65,536 lines the command
reads its columns from, which the slow test uses as a user does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataaudit.preprocess.clean import clean_files
from dataaudit.runner import audit
from tests.cli_helpers import RUNNERS, Runner, audit_report
from tests.test_late_key_columns import CHUNK, HEAD, _as_column, _late, _rows, _write


def _disguised(done) -> list[int]:
    """The before and after counts of disguised missing cells of a clean."""
    table = next(t for t in done.report.tables if t.id == "clean.before_after")
    return next(row[1:] for row in table.rows if row[0] == "disguised missing cells")


def _present(rows: list[dict]) -> list[dict]:
    """Rows without their null cells: a JSONL line lacking a key and one holding it null alike."""
    return [{key: value for key, value in row.items() if value is not None} for row in rows]


def _cleaned(data: Path, out: Path, chunk: int = CHUNK):
    return clean_files(data, out, target="label", chunk_rows=chunk, force=True, allow_large_quarantine=True)


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_a_late_key_is_cleaned_as_a_column_of_the_first_lines(tmp_path: Path, suffix: str) -> None:
    records = [*HEAD, *_late(2, k="NA"), *_late(3, 200, k=" w "), *_late(2, 300, k="u"),
               {"a": 200, "b": "u", "label": "p", "k": "w"}]  # the first ` w ` line once trimmed
    late = _cleaned(_write(tmp_path / "late.jsonl", records), tmp_path / f"late_out{suffix}")
    keys = _cleaned(_write(tmp_path / "keys.jsonl", _as_column(records, "k")), tmp_path / f"keys_out{suffix}")
    assert _present(_rows(late.output)) == _present(_rows(keys.output))
    assert late.manifest["steps"] == keys.manifest["steps"]
    rows = late.manifest["rows"]
    assert rows == keys.manifest["rows"]
    assert (rows["in"], rows["out"], rows["quarantined"]) == (12, 11, 1)
    assert [row["_reason"] for row in _rows(late.quarantine)] == ["duplicate"]
    assert [row.get("k") for row in _rows(late.output)][CHUNK:] == [None, None, "w", "w", "w", "u", "u"]
    assert _disguised(late) == [2, 0]
    after = sorted((f.check, f.column, f.observed) for f in late.report.findings)
    assert after == sorted((f.check, f.column, f.observed) for f in audit(late.output, "label").findings)
    again = _cleaned(late.output, tmp_path / f"again{suffix}")
    assert again.output.read_bytes() == late.output.read_bytes()
    assert again.manifest["rows"]["quarantined"] == 0


def test_a_jsonl_output_writes_a_late_key_s_untouched_values_as_the_input_wrote_them(tmp_path: Path) -> None:
    late = ['{"a": 100, "b": "u", "label": "p", "k": " w "}', '{"a": 101, "b": "v", "label": "q", "k": 1.50}',
            '{"a": 102, "b": "u", "label": "p", "k": "NA"}', '{"a": 103, "b": "v", "label": "q", "k": "\\u0075"}']
    data = tmp_path / "late.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in HEAD) + "".join(line + "\n" for line in late))
    done = _cleaned(data, tmp_path / "out.jsonl")
    assert done.output.read_text().splitlines()[CHUNK:] == [
        '{"a": 100, "b": "u", "label": "p", "k": "w"}', late[1], '{"a": 102, "b": "u", "label": "p", "k": null}',
        late[3]]


def test_a_late_key_s_objects_are_left_as_they_are_as_a_column_s(tmp_path: Path) -> None:
    """A step that leaves a column's objects and arrays as they are (`encode`, `impute` of text)
    leaves a late key's alike: it is known to hold them once the audit has read every line."""
    (tmp_path / "rules.yaml").write_text("preprocess:\n  encode: {method: onehot}\n")
    records = [*HEAD, *_late(2, k={"x": 1}), *_late(1, 200, k=[1, 2])]
    done = clean_files(_write(tmp_path / "late.jsonl", records), tmp_path / "out.jsonl", target="label",
                       rules=tmp_path / "rules.yaml", chunk_rows=CHUNK)
    assert [row.get("k") for row in _rows(done.output)][CHUNK:] == [{"x": 1}, {"x": 1}, [1, 2]]
    encode = next(step for step in done.manifest["steps"] if step["step"] == "encode")
    assert "nested values (lists, structs) left as they are: k" in encode["notes"]


CELLS = st.one_of(st.none(), st.sampled_from(["u", "w", " w ", "NA", "", "1", " 1"]), st.integers(0, 2))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.tuples(st.booleans(), st.integers(0, 1), CELLS), min_size=1, max_size=12),
       chunk=st.integers(1, 5))
def test_a_late_key_is_cleaned_as_a_column_whatever_the_chunking(tmp_path: Path, cells: list, chunk: int) -> None:
    """The law: for any chunk size, a key met past the first chunk is cleaned, and its rows
    judged, as the same rows holding it from their first line are, read in one chunk; every row
    read is written or quarantined."""
    records = [*({"a": -1 - i, "label": "p"} for i in range(chunk)),
               *({"a": a, "label": "pq"[i % 2], **({"k": v} if has else {})} for i, (has, a, v) in enumerate(cells))]
    if not any(has for has, _, _ in cells):
        return  # no key `k`: no late key
    late = _cleaned(_write(tmp_path / "late.jsonl", records), tmp_path / "late.csv", chunk)
    keys = _cleaned(_write(tmp_path / "keys.jsonl", _as_column(records, "k")), tmp_path / "keys.csv", len(records))
    assert late.output.read_bytes() == keys.output.read_bytes()
    assert late.quarantine.read_bytes() == keys.quarantine.read_bytes()
    assert late.manifest["steps"] == keys.manifest["steps"]
    rows = late.manifest["rows"]
    assert rows["in"] == rows["out"] + rows["quarantined"] == len(records)


def _big_late_file(tmp_path: Path) -> Path:
    """65,540 distinct lines, then lines holding a late key: tokens, padded text, and a line that
    repeats another once its key is trimmed."""
    lines = [{"x1": i % 97, "x2": i % 89, "x3": i % 83, "label": "pq"[i % 2]} for i in range(65_540)]
    lines += [{"x1": 100 + i, "x2": 1, "x3": 1, "label": "q", "late_t": ["u", "v", "NA", " w "][i % 4]}
              for i in range(40)]
    lines += [{"x1": 103, "x2": 1, "x3": 1, "label": "q", "late_t": "w"}]  # the line of x1 103 holds " w "
    return _write(tmp_path / "late.jsonl", lines)


@pytest.mark.slow  # cleans of 65,581 lines
@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_the_command_cleans_a_late_key_s_values(tmp_path: Path, runner: Runner, suffix: str) -> None:
    data = _big_late_file(tmp_path)
    out = tmp_path / f"out{suffix}"
    runner(["clean", data, "-t", "label", "-o", out], 1)  # the output's late_t is missing on most rows
    manifest = json.loads((tmp_path / "out.manifest.json").read_text())
    assert (manifest["rows"]["in"], manifest["rows"]["out"], manifest["rows"]["quarantined"]) == (65_581, 65_580, 1)
    assert {row.get("late_t") for row in _rows(out)} == {None, "u", "v", "w"}
    findings = audit_report(runner, [out, "-t", "label"], tmp_path)["findings"]
    assert [(f["check"], "disguised" in f["message"]) for f in findings if f.get("column") == "late_t"] == [
        ("missing.column_share", False)]
    again = tmp_path / f"again{suffix}"
    runner(["clean", out, "-t", "label", "-o", again], 1)
    assert again.read_bytes() == out.read_bytes()
