"""`dataaudit clean` on the command line: in-process through click's runner and as the installed
command. Outputs by extension, dry runs, refusals, atomic writes, deterministic bytes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

import dataaudit.preprocess.writers as writers
from dataaudit.datasets import write_dirty_classification
from dataaudit.errors import InputError, OutputError
from dataaudit.io import open_source
from dataaudit.io.digest import file_sha256
from tests.cli_helpers import invoke, run
from tests.conftest import DATA


@pytest.fixture
def data(tmp_path: Path) -> Path:
    write_dirty_classification(tmp_path / "data.csv", rows=3_000, seed=2)
    (tmp_path / "data.truth.json").unlink()
    return tmp_path / "data.csv"


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_help_names_the_exit_codes() -> None:
    stdout, _ = invoke(["clean", "--help"], 0)
    assert "0 the cleaned data passes the gate, 1 it still fails, 2 usage or input error" in " ".join(stdout.split())


def test_penguins_before_and_after_through_the_installed_command(tmp_path: Path) -> None:
    stdout, stderr = run(["clean", DATA / "penguins.csv", "-t", "species", "-o", tmp_path / "out.csv"], 0)
    assert "Before and after cleaning" in stdout and "Cleaning steps" in stdout
    assert "disguised missing cells  19" in stdout
    assert "344 rows written" in stderr and "0 quarantined" in stderr
    out = pd.read_csv(tmp_path / "out.csv", keep_default_na=False)
    assert len(out) == 344 and "NA" not in set(out["sex"])
    assert pd.read_csv(tmp_path / "out.quarantine.csv").empty


def test_dry_run_writes_nothing(tmp_path: Path, data: Path) -> None:
    before = _files(tmp_path)
    stdout, stderr = invoke(["clean", data, "-t", "label", "-i", "id", "-o", tmp_path / "out.csv", "--dry-run",
                             "--save-fitted", tmp_path / "prep.json"], 0)
    assert _files(tmp_path) == before
    assert "dry run, nothing written" in stderr
    assert "exact duplicate rows     30      0" in stdout


def test_exit_1_when_the_cleaned_data_still_fails_the_gate(tmp_path: Path) -> None:
    pack = tmp_path / "big.yaml"
    pack.write_text("checks:\n  size:\n    min_rows: {warn: 5000, fail: 1000}\n")
    stdout, _ = run(["clean", DATA / "iris.csv", "-t", "target", "-r", pack, "-o", tmp_path / "out.csv"], 1)
    assert "FAILED" in stdout
    assert (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["-o", "{data}"], "refusing to overwrite the input"),
    (["-o", "{tmp}/out.csv", "--quarantine", "{data}"], "refusing to overwrite the input"),
    (["-o", "{tmp}/existing.csv"], "already exists; pass --force"),
    (["-o", "{tmp}/out.xlsx"], "cannot tell the output format"),
    (["-o", "{tmp}/nowhere/out.csv"], "no such folder"),
    (["-o", "{tmp}/out.csv", "--quarantine", "{tmp}/out.csv"], "must all differ"),
    (["-o", "{tmp}/out.csv", "-t", "lable"], "did you mean 'label'?"),
])
def test_refusals_are_one_line_and_exit_2(tmp_path: Path, data: Path, args: list[str], message: str) -> None:
    (tmp_path / "existing.csv").write_text("keep me\n")
    digest = file_sha256(data)
    args = [a.format(data=data, tmp=tmp_path) for a in args]
    _, stderr = invoke(["clean", data, "-t", "label", *args] if "-t" not in args else ["clean", data, *args], 2)
    assert message in stderr and len(stderr.strip().splitlines()) == 1
    assert file_sha256(data) == digest
    assert (tmp_path / "existing.csv").read_text() == "keep me\n"
    assert not (tmp_path / "out.csv").exists()


def test_refusal_through_the_installed_command(tmp_path: Path, data: Path) -> None:
    _, stderr = run(["clean", data, "-t", "label", "-o", data], 2)
    assert stderr.startswith("dataaudit: error:") and "refusing to overwrite the input" in stderr


def test_force_overwrites(tmp_path: Path, data: Path) -> None:
    (tmp_path / "out.csv").write_text("old\n")
    invoke(["clean", data, "-t", "label", "-o", tmp_path / "out.csv", "--force"], 0)
    assert (tmp_path / "out.csv").read_text() != "old\n"


def test_an_interrupted_run_leaves_the_old_file_and_no_part_file(tmp_path: Path, data: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "out.csv").write_text("old\n")
    real_write = writers.BatchWriter.write
    calls = []

    def failing_write(self: writers.BatchWriter, batch: object, *typed: object) -> None:
        calls.append(batch)
        if len(calls) > 1:  # the output got its first chunk; the quarantine's fails
            raise InputError("the disk is full")
        real_write(self, batch, *typed)

    monkeypatch.setattr(writers.BatchWriter, "write", failing_write)
    before = _files(tmp_path)
    _, stderr = invoke(["clean", data, "-t", "label", "-o", tmp_path / "out.csv", "--force", "--manifest",
                        tmp_path / "m.json"], 2)
    assert "the disk is full" in stderr
    assert (tmp_path / "out.csv").read_text() == "old\n"
    assert _files(tmp_path) == before


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".parquet", ".jsonl"])
def test_every_output_format_holds_the_same_data_and_runs_are_byte_identical(tmp_path: Path, data: Path,
                                                                             suffix: str) -> None:
    output = tmp_path / f"out{suffix}"
    first_run = run if suffix == ".csv" else invoke  # the installed command once: the writers are the same
    first_run(["clean", data, "-t", "label", "-i", "id", "-o", output], 0)
    first = {p.name: p.read_bytes() for p in tmp_path.glob("out*")}
    invoke(["clean", data, "-t", "label", "-i", "id", "-o", output, "--force"], 0)
    assert {p.name: p.read_bytes() for p in tmp_path.glob("out*")} == first
    assert set(first) == {f"out{suffix}", f"out.quarantine{suffix}", "out.manifest.json"}
    manifest = json.loads((tmp_path / "out.manifest.json").read_text())
    for name, path in (("output", output), ("quarantine", tmp_path / f"out.quarantine{suffix}"), ("input", data)):
        # the written files' digests are taken of the bytes as written: they are the files'
        assert manifest["files"][name]["sha256"] == file_sha256(path)
        assert manifest["files"][name]["bytes"] == path.stat().st_size
    assert manifest["rows"]["in"] == 3_000 == manifest["rows"]["out"] + manifest["rows"]["quarantined"]
    cleaned = _read(output)
    assert len(cleaned) == manifest["rows"]["out"]
    assert list(cleaned.columns) == ["id", "num_a", "num_b", "num_c", "age", "count", "colour", "city", "note",
                                     "mixed", "label"]
    held = _read(tmp_path / f"out.quarantine{suffix}")
    assert list(held.columns)[-2:] == ["_row", "_reason"] and len(held) == manifest["rows"]["quarantined"]


def test_outputs_agree_across_formats(tmp_path: Path, data: Path) -> None:
    frames = {}
    for suffix in (".csv", ".parquet", ".jsonl"):
        output = tmp_path / f"out-{suffix[1:]}{suffix}"
        invoke(["clean", data, "-t", "label", "-o", output], 0)
        frames[suffix] = _read(output)
    assert frames[".csv"].equals(frames[".parquet"]) and frames[".csv"].equals(frames[".jsonl"])


@pytest.mark.parametrize("suffix", [".parquet", ".jsonl"])
def test_parquet_and_jsonl_inputs_clean_like_csv(tmp_path: Path, suffix: str) -> None:
    truth = write_dirty_classification(tmp_path / f"data{suffix}", rows=2_000, seed=4)
    shutil.copy(tmp_path / "data.truth.json", tmp_path / "keep.json")
    invoke(["clean", tmp_path / f"data{suffix}", "-t", "label", "-i", "id", "-o", tmp_path / "out.csv"], 0)
    manifest = json.loads((tmp_path / "out.manifest.json").read_text())
    assert manifest["quarantine_reasons"] == {"duplicate": truth["exact_duplicate_rows"]["count"],
                                              "label_conflict": truth["conflicting_labels"]["rows_involved"],
                                              "missing_label": truth["missing_label"]["count"]}


def _read(path: Path) -> pd.DataFrame:
    """Any output through dataaudit's own readers, every value as text (formats differ in types)."""
    table = pd.concat([b.to_pandas() for b in open_source(path).batches()], ignore_index=True)
    return table.map(lambda v: None if v is None or (isinstance(v, float) and pd.isna(v)) else _text(v))


def _text(value: object) -> str:
    text = str(value)
    return text[:-2] if text.endswith(".0") else text


def test_the_python_result_writes_the_same_files(tmp_path: Path) -> None:
    import dataaudit

    result = dataaudit.clean(DATA / "penguins.csv", target="species")
    manifest = result.write_to(tmp_path / "p.parquet")
    assert _files(tmp_path) == {"p.parquet", "p.quarantine.parquet", "p.manifest.json"}
    assert manifest["files"]["output"]["sha256"] == file_sha256(tmp_path / "p.parquet")
    written = pd.read_parquet(tmp_path / "p.parquet")  # the file's cells as read; the frame's typed
    assert written.equals(result.tables[0].to_pandas())
    assert written["body_mass_g"].astype("Int64").equals(result.data["body_mass_g"])
    with pytest.raises(OutputError, match="already exists"):
        result.write_to(tmp_path / "p.parquet")
    source = tmp_path / "in.csv"
    shutil.copy(DATA / "penguins.csv", source)
    with pytest.raises(OutputError, match="refusing to overwrite the input"):
        dataaudit.clean(source, target="species").write_to(tmp_path / "p2.csv", quarantine=source, force=True)
    assert file_sha256(source) == file_sha256(DATA / "penguins.csv")


def test_the_after_report_as_json_carries_the_clean_tables(tmp_path: Path, data: Path) -> None:
    invoke(["clean", data, "-t", "label", "-i", "id", "-o", tmp_path / "out.csv", "--report", tmp_path / "r.json"], 0)
    report = json.loads((tmp_path / "r.json").read_text())
    tables = {t["id"]: t for t in report["tables"]}
    assert tables["clean.steps"]["columns"] == ["step", "rows_changed", "rows_quarantined", "detail"]
    assert tables["clean.before_after"]["columns"] == ["measure", "before", "after"]
    assert [row[0] for row in tables["clean.before_after"]["rows"]] == [
        "rows", "exact duplicate rows", "conflicting-label rows", "missing labels", "label variant rows",
        "disguised missing cells", "fail findings", "warn findings"]
    assert tables["clean.before_after"]["rows"][0] == ["rows", 3_000, report["dataset"]["rows"]]
    assert [row[0] for row in tables["clean.steps"]["rows"]] == [
        "missing_to_null", "normalize_text", "merge_label_variants", "drop_columns",
        "missing_labels", "duplicates", "conflicts"]
    _, stderr = invoke(["clean", data, "-t", "label", "-o", tmp_path / "o2.csv", "--report", tmp_path / "r.json"], 2)
    assert "r.json: already exists" in stderr


def test_a_column_named_like_the_quarantine_columns_is_refused(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("_row,label\n1,a\n")
    _, stderr = invoke(["clean", tmp_path / "d.csv", "-t", "label", "-o", tmp_path / "out.csv"], 2)
    assert "'_row' is reserved" in stderr


def test_delimiter_and_encoding_reach_every_pass(tmp_path: Path) -> None:
    data = tmp_path / "latin.csv"
    data.write_bytes("ville;n;label\nZürich;1;a\n Zürich;2;a\nGenève;3;b\nGenève;3;b\n".encode("latin-1"))
    # four rows fail the size checks however clean they are: exit 1, files written
    run(["clean", data, "-t", "label", "-o", tmp_path / "out.csv", "--delimiter", ";", "--encoding", "latin-1"], 1)
    out = pd.read_csv(tmp_path / "out.csv", encoding="utf-8")
    assert out["ville"].tolist() == ["Zürich", "Zürich", "Genève"]
    held = pd.read_csv(tmp_path / "out.quarantine.csv", encoding="utf-8")
    assert held[["ville", "_row", "_reason"]].values.tolist() == [["Genève", 3, "duplicate"]]
