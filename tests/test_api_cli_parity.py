"""`dataaudit.clean(...).write_to(...)` writes the bytes `python -m dataaudit clean` writes for
the same input and options: the data, the quarantine and the manifest (but for the files' own
paths)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import dataaudit

ROOT = Path(dataaudit.__file__).resolve().parent.parent


def _cli_clean(data: Path, output: Path, *options: str) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-m", "dataaudit", "clean", str(data), "-o", str(output), *options],
                          env=env, capture_output=True, text=True, timeout=180, check=False)
    assert output.is_file(), proc.stderr[-2000:]


def _without_paths(manifest: dict) -> dict:
    for name in ("output", "quarantine"):
        manifest["files"][name].pop("path")
    return manifest


def _same_files(tmp_path: Path, data: Path, suffix: str, *options: str, **kwargs: object) -> tuple[bytes, bytes]:
    api, cli = tmp_path / f"api{suffix}", tmp_path / f"cli{suffix}"
    written = dataaudit.clean(data, **kwargs).write_to(api)
    _cli_clean(data, cli, *options)
    held = api.with_name(f"api.quarantine{suffix}").read_bytes()
    assert held == cli.with_name(f"cli.quarantine{suffix}").read_bytes()
    assert api.read_bytes() == cli.read_bytes()
    manifest = json.loads(cli.with_name("cli.manifest.json").read_text())
    assert _without_paths(written) == _without_paths(manifest)
    return api.read_bytes(), held


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_write_to_keeps_the_separator_line_and_blank_header_cells(tmp_path: Path, suffix: str) -> None:
    data = tmp_path / "in.csv"
    rows = "".join(f"{i};v{i};{i % 2};;\n" for i in range(20))
    data.write_text("sep=;\nid;text;label;;\n" + rows + "0;v0;0;;\n", encoding="utf-8")
    kept, held = _same_files(tmp_path, data, suffix, "--target", "label", target="label")
    delimiter = "\t" if suffix == ".tsv" else ","
    assert kept.startswith(f"sep={delimiter}\n".encode())
    assert held.startswith(f"sep={delimiter}\n".encode())
    assert b"(column" not in held and delimiter.join(['""', '""']).encode() in held  # the blank cells stay blank


def test_write_to_writes_a_jsonl_inputs_values_as_its_lines_wrote_them(tmp_path: Path) -> None:
    data = tmp_path / "in.jsonl"
    lines = [f'{{"id": {i}, "x": {i}.50, "y": 1e{i % 3}, "label": "{"ab"[i % 2]}"}}\n' for i in range(20)]
    data.write_text("".join(lines) + lines[0], encoding="utf-8")
    kept, held = _same_files(tmp_path, data, ".jsonl", "--target", "label", target="label")
    assert kept.splitlines()[0] == b'{"id": 0, "x": 0.50, "y": 1e0, "label": "a"}'
    assert b'"x": 0.50' in held


def _reviews(tmp_path: Path) -> Path:
    """A CSV of 40 reviews, one row written twice and one malformed row."""
    rows = ["id,note,score,label"]
    for i in range(40):
        score = "N/A" if i % 5 == 0 else i * 1.5
        rows.append(f'{i},"Mail me at person{i % 7}@example.com, about review number {i}",{score},{"ab"[i % 2]}')
    data = tmp_path / "in.csv"
    data.write_text("\n".join([*rows, rows[3], "99,bad,row,with,too,many"]) + "\n", encoding="utf-8")
    return data


@pytest.mark.parametrize(("options", "kwargs"), [
    pytest.param(["--bad-rows", "quarantine", "-i", "id", "-i", "note"],
                 {"bad_rows": "quarantine", "ignore_columns": ["id", "note"]}, id="ignore-column"),
    pytest.param(["--bad-rows", "quarantine", "--redact", "pii", "--text-column", "note", "--keep-column", "id"],
                 {"bad_rows": "quarantine", "redact": ["pii"], "text_columns": ["note"], "keep_columns": ["id"]},
                 id="redact"),
])
@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl.gz"])
def test_write_to_and_the_command_write_the_same_files_and_manifest(tmp_path: Path, suffix: str, options: list[str],
                                                                     kwargs: dict) -> None:
    _, held = _same_files(tmp_path, _reviews(tmp_path), suffix, "-t", "label", *options, target="label", **kwargs)
    assert held  # the duplicate and the malformed row, with their reasons, in both


NESTED_NOTE = ("JSON objects and arrays written as the JSON text of their values, not as the input spelled them "
               "(spacing and escapes not kept; a number with a fraction or an exponent as the float it reads as: "
               "1.50 as 1.5)")


def _nested_lines(rows: int, late_from: int | None = None) -> str:
    """JSONL lines with an object column `meta` spelled with extra spaces and `1.50`; from line
    `late_from` (1-based) on, a key `extra` holding an array."""
    lines = []
    for i in range(rows):
        extra = f', "extra": [{i},  2.50]' if late_from is not None and i + 1 >= late_from else ""
        lines.append(f'{{"id": "r{i}", "x": {i * 3 % 17}, "meta": {{"a":  {i}, "w": 1.50}}{extra}, '
                     f'"label": "{"ab"[i % 2]}"}}\n')
    return "".join(lines)


@pytest.mark.parametrize(("suffix", "notes"), [(".csv", [f"meta: {NESTED_NOTE}"]),
                                               (".parquet", [f"meta: {NESTED_NOTE}"]), (".jsonl", None)])
def test_write_to_notes_nested_values_written_into_cells_as_the_command_does(tmp_path: Path, suffix: str,
                                                                             notes: list[str] | None) -> None:
    """`dataaudit clean` says in the manifest that a CSV, TSV or Parquet cell holds an object's
    JSON text, not its line's spelling; `write_to` wrote the same cells without saying so. A
    JSONL output keeps the lines' spelling, and says nothing."""
    data = tmp_path / "in.jsonl"
    data.write_text(_nested_lines(30), encoding="utf-8")
    api, cli = tmp_path / f"api{suffix}", tmp_path / f"cli{suffix}"
    _same_files(tmp_path, data, suffix, "--target", "label", target="label")
    assert json.loads(api.with_name("api.manifest.json").read_text())["files"]["output"].get("notes") == notes
    assert json.loads(cli.with_name("cli.manifest.json").read_text())["files"]["output"].get("notes") == notes
    if suffix == ".csv":
        assert b'"{""a"": 0, ""w"": 1.5}"' in api.read_bytes()


def test_write_to_notes_a_nested_key_first_met_late_as_the_command_does(tmp_path: Path) -> None:
    """A key first met past the columns' lines is not profiled: neither `write_to` nor the
    command said its arrays were written as JSON text. Both name it after the profiled columns.
    The command's own function runs with the API's chunk size, so that the key comes late in both."""
    from dataaudit.preprocess.clean import clean_files

    data = tmp_path / "in.jsonl"
    data.write_text(_nested_lines(30, late_from=9), encoding="utf-8")
    api, cli = tmp_path / "api.csv", tmp_path / "cli.csv"
    written = dataaudit.clean(data, target="label", chunk_rows=4).write_to(api)
    run = clean_files(data, cli, target="label", chunk_rows=4)
    assert api.read_bytes() == cli.read_bytes()
    assert api.read_text(encoding="utf-8").splitlines()[9].endswith(',"[8, 2.5]"')
    assert _without_paths(written) == _without_paths(run.manifest)
    assert written["files"]["output"]["notes"] == [f"meta, extra: {NESTED_NOTE}"]


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_write_to_judges_a_jsonl_inputs_rows_as_its_output_holds_them(tmp_path: Path, suffix: str) -> None:
    """Lines that differ only in a value's JSON type (`1`, `"1"`) are two rows in a JSONL file and
    one in a CSV or Parquet file: `dataaudit clean` quarantines the second as a duplicate for those
    outputs and keeps both for a JSONL one. The result of `clean` keeps both, as a JSONL file
    would; `write_to` a CSV or Parquet file wrote them both, a duplicate the output's audit found."""
    data = tmp_path / "in.jsonl"
    data.write_text("".join(f'{{"x": {value}, "y": "v{i}", "label": "{"ab"[i % 2]}"}}\n'
                            for i in range(12) for value in (i, f'"{i}"')), encoding="utf-8")
    result = dataaudit.clean(data, target="label")
    assert len(result.data) == 24 and len(result.quarantine) == 0
    kept, _ = _same_files(tmp_path, data, suffix, "--target", "label", target="label")
    if suffix == ".jsonl":
        assert kept.count(b"\n") == 24
    else:
        manifest = json.loads((tmp_path / "api.manifest.json").read_text())
        assert (manifest["rows"]["out"], manifest["rows"]["quarantined"]) == (12, 12), manifest["rows"]
        statuses = {c.check: c.status for c in dataaudit.audit(tmp_path / f"api{suffix}", target="label").checks}
        assert statuses["duplicates.rows"] == "passed"
