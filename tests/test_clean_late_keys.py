"""A JSON Lines table whose key first appears past the lines its columns are read from: a clean
into CSV, Parquet or JSON Lines writes that key's values on the rows that have it (empty
elsewhere), and its quarantine keeps them too; a key it cannot write beside the columns is
refused with its line (a clean on Spark refuses every late key: `test_spark_late_keys.py`).
The small chunk of the Python API stands for the 65,536 lines the command reads its columns
from, which the slow tests use as a user does."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataaudit.errors import InputError
from dataaudit.io.nested import json_text
from dataaudit.preprocess.clean import clean, clean_files
from tests.cli_helpers import invoke, run

KEEP_ALL = ("preprocess: {missing_to_null: false, normalize_text: false, merge_label_variants: false, "
            "missing_labels: keep, duplicates: keep, conflicts: keep, drop_constant_columns: false, "
            "drop_empty_columns: false}\n")
CHUNK = 4


def _records() -> list[dict]:
    """Ten rows; `extra` first on the seventh line, `note` on the eighth (and another value on the
    tenth: neither key is constant, which a clean drops), and the ninth repeats the eighth's
    features, label and late keys, in another order (an exact duplicate the default rules
    quarantine)."""
    records = [{"f": f"v{i}", "g": str(i % 3), "label": "pq"[i % 2]} for i in range(10)]
    records[6]["extra"] = "seven"
    records[7] = {"f": "v7", "g": "1", "label": "q", "extra": {"k": [1]}, "note": 2.50}
    records[8] = {"f": "v7", "g": "1", "label": "q", "note": 2.50, "extra": {"k": [1]}}
    records[9].update(extra=None, note=3)
    return records


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def _table(path: Path) -> list[dict]:
    """The written rows as dicts of text, None for an empty cell or a missing key."""
    if path.suffix == ".csv":
        with path.open(newline="") as handle:
            return [{k: v or None for k, v in row.items()} for row in csv.DictReader(handle)]
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pylist()
    return [{k: json_text(v) for k, v in json.loads(line).items()} for line in path.read_text().splitlines()]


def _header(path: Path) -> list[str]:
    if path.suffix == ".csv":
        return path.read_text().splitlines()[0].replace('"', "").split(",")
    return pq.read_schema(path).names


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_a_late_key_is_a_column_of_the_cleaned_file_and_its_quarantine(tmp_path: Path, suffix: str) -> None:
    records = _records()
    data = _write(tmp_path / "late.jsonl", records)
    out = tmp_path / f"out{suffix}"
    done = clean_files(data, out, target="label", chunk_rows=CHUNK, allow_large_quarantine=True)
    kept, held = _table(out), _table(done.quarantine)
    assert [r["f"] for r in kept] == [f"v{i}" for i in range(10) if i != 8]
    assert [(str(r["_row"]), r["_reason"]) for r in held] == [("8", "duplicate")]
    if suffix != ".jsonl":  # JSON Lines writes no key for a missing value; tables have every column
        assert _header(out) == ["f", "g", "label", "extra", "note"]
        assert _header(done.quarantine) == ["f", "g", "label", "extra", "note", "_row", "_reason"]
    assert [r.get("extra") for r in kept] == [None] * 6 + ["seven", '{"k": [1]}', None]
    assert [r.get("note") for r in kept] == [None] * 7 + ["2.5", "3"]
    assert (held[0]["extra"], held[0]["note"]) == ('{"k": [1]}', "2.5")
    rows = done.manifest["rows"]
    assert (rows["in"], rows["out"], rows["quarantined"]) == (10, 9, 1)
    assert done.manifest["quarantine_reasons"] == {"duplicate": 1}
    assert {p.name for p in done.report.profile.columns} >= {"extra"}
    # the object of the late key `extra` is written as JSON text, not as its line spelled it
    noted = [note.split(":")[0] for note in done.manifest["files"]["output"].get("notes", [])]
    assert noted == ([] if suffix == ".jsonl" else ["extra"])


def test_the_python_api_keeps_a_late_key_in_its_frames(tmp_path: Path) -> None:
    data = _write(tmp_path / "late.jsonl", _records())
    result = clean(data, "label", chunk_rows=CHUNK)
    assert list(result.data.columns) == ["f", "g", "label", "extra", "note"]
    assert result.data["extra"].tolist()[6] == "seven"
    assert result.quarantine["note"].tolist() == ["2.5"]  # the quarantine keeps the text its line wrote


@pytest.mark.parametrize("key", ["_row", "_reason"])
def test_a_late_key_the_quarantine_writes_itself_is_refused_with_its_line(tmp_path: Path, key: str) -> None:
    records = _records()
    records[5][key] = "mine"
    data = _write(tmp_path / "late.jsonl", records)
    out = tmp_path / "out.csv"
    with pytest.raises(InputError, match=rf"late\.jsonl:6: key '{key}', first on this line"):
        clean_files(data, out, target="label", chunk_rows=CHUNK)
    assert not out.exists()


def _pack(tmp_path: Path) -> Path:
    pack = tmp_path / "keep-all.yaml"
    pack.write_text(KEEP_ALL)
    return pack


KEYS = st.sampled_from(["a", "b", "c", "d"])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(st.dictionaries(KEYS, st.one_of(st.text("xyz", max_size=3), st.integers(-5, 5)),
                                        min_size=1), min_size=1, max_size=12),
       chunk_rows=st.sampled_from([1, 3, 65_536]))
def test_a_clean_with_no_step_writes_every_key_in_order_of_first_appearance(tmp_path: Path, records: list[dict],
                                                                           chunk_rows: int) -> None:
    """Whatever the chunk the columns are read from: the columns are the file's keys in order
    of first appearance, and each cell is the line's value, empty where the line lacks the key."""
    rows = [{**r, "label": "pq"[i % 2]} for i, r in enumerate(records)]
    data = _write(tmp_path / "keys.jsonl", rows)
    out = tmp_path / "out.csv"
    clean_files(data, out, target="label", rules=_pack(tmp_path), chunk_rows=chunk_rows, force=True)
    keys = list(dict.fromkeys(k for r in rows for k in r))
    assert _header(out) == keys
    assert _table(out) == [{k: json_text(r.get(k)) or None for k in keys} for r in rows]


def _late_file(tmp_path: Path) -> Path:
    lines = [json.dumps({"a": i % 50, "b": f"w{i}", "label": "pq"[i % 2]}) for i in range(65_540)]
    lines.append(json.dumps({"a": 1, "b": "last", "label": "p", "extra": "kept?"}))
    return _write(tmp_path / "late.jsonl", [json.loads(line) for line in lines])


@pytest.mark.slow  # two cleans of 65,541 lines
@pytest.mark.parametrize("runner", [pytest.param(run, id="installed"), pytest.param(invoke, id="click")])
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_the_command_writes_a_key_first_seen_past_the_first_chunk(tmp_path: Path, runner, suffix: str) -> None:
    data = _late_file(tmp_path)
    out = tmp_path / f"out{suffix}"
    runner(["clean", data, "-t", "label", "-r", _pack(tmp_path), "-o", out], 1)
    written = _table(out)
    assert len(written) == 65_541
    assert [i for i, r in enumerate(written) if r.get("extra") is not None] == [65_540]
    assert written[-1]["extra"] == "kept?"
    manifest = json.loads((tmp_path / "out.manifest.json").read_text())
    assert manifest["rows"]["in"] == manifest["rows"]["out"] + manifest["rows"]["quarantined"] == 65_541


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_a_late_key_is_redacted_as_the_columns_are(tmp_path: Path, suffix: str) -> None:
    """`--redact` promises no address is written: a key the audit never profiled is scanned too."""
    records = _records()
    records[6]["extra"] = "mail bob@gmail.com today"
    data = _write(tmp_path / "late.jsonl", records)
    out = tmp_path / f"out{suffix}"
    done = clean_files(data, out, target="label", redact=("pii",), chunk_rows=CHUNK, force=True)
    written = out.read_text(encoding="utf-8")
    assert "bob@gmail.com" not in written
    assert "mail [EMAIL] today" in written
    assert done.manifest["redactions"] == {"email": {"extra": 1}}
    assert done.manifest["rows"]["redacted"] == 1


def test_a_late_key_s_object_is_redacted_inside_and_written_as_an_object(tmp_path: Path) -> None:
    records = _records()
    records[6]["extra"] = {"to": "mail bob@gmail.com today", "n": 2}
    data = _write(tmp_path / "late.jsonl", records)
    out = tmp_path / "out.jsonl"
    done = clean_files(data, out, target="label", redact=("pii",), chunk_rows=CHUNK, force=True)
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert written[6]["extra"] == {"to": "mail [EMAIL] today", "n": 2}
    assert done.manifest["redactions"] == {"email": {"extra": 1}}
