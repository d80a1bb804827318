"""The inputs users hold audit to the findings of the same data in one file: a folder of Parquet
files (hive partitions too), a Hugging Face `datasets.Dataset` (also a shuffled view) and
`DatasetDict`, a folder saved with `save_to_disk`, a Polars DataFrame and LazyFrame. The
reference is a Parquet file written from a real CSV of `tests/data/`, typed as the frames are;
the command line is run in-process and as the installed script. `import dataaudit` loads none
of the libraries these inputs need."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.report.model import Report
from tests.cli_helpers import invoke, run

DATA = Path(__file__).parent / "data"


def _table(name: str) -> pa.Table:
    """A real file of tests/data as typed Arrow columns, as a Parquet writer or a frame holds it."""
    return pacsv.read_csv(DATA / name)


def _findings(report: Report) -> list[dict[str, Any]]:
    return [finding.to_dict() for finding in report.findings]


def _parquet(table: pa.Table, path: Path) -> Path:
    pq.write_table(table, path)
    return path


def _parts(table: pa.Table, folder: Path, cuts: list[int]) -> Path:
    """`table` written as consecutive Parquet files, cut before each row of `cuts`."""
    folder.mkdir()
    bounds = [0, *sorted(set(cuts)), table.num_rows]
    for i, (start, stop) in enumerate(itertools.pairwise(bounds)):
        pq.write_table(table.slice(start, stop - start), folder / f"part-{i:03d}.parquet")
    return folder


@pytest.fixture(scope="module")
def penguins() -> pa.Table:
    return _table("penguins.csv")


@pytest.fixture(scope="module")
def penguins_findings(penguins: pa.Table, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    path = _parquet(penguins, tmp_path_factory.mktemp("one") / "penguins.parquet")
    findings = _findings(dataaudit.audit(path, target="species"))
    assert findings, "the penguins' missing values are findings: a parity of nothing would prove nothing"
    return findings


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.integers(1, 343), max_size=5))
def test_a_folder_of_parquet_parts_audits_as_the_one_file(penguins: pa.Table, penguins_findings: list[dict[str, Any]],
                                                          tmp_path_factory: pytest.TempPathFactory,
                                                          cuts: list[int]) -> None:
    folder = _parts(penguins, tmp_path_factory.mktemp("parts") / "penguins", cuts)
    report = dataaudit.audit(folder, target="species", chunk_rows=100)
    assert report.dataset.rows == 344 and report.source.format == "parquet"
    assert _findings(report) == penguins_findings


def test_hive_partitions_become_a_column_after_the_files_own(penguins: pa.Table, tmp_path: Path) -> None:
    pq.write_to_dataset(penguins, tmp_path / "hive", partition_cols=["island"])
    (tmp_path / "hive" / "_SUCCESS").write_text("")  # what Spark leaves beside the data: skipped
    (tmp_path / "hive" / "README.md").write_text("not data")
    # the rows as the folder holds them: island by island (sorted paths), the island column last
    expected = penguins.sort_by([("island", "ascending")]).select(
        [c for c in penguins.column_names if c != "island"] + ["island"])
    one = _findings(dataaudit.audit(_parquet(expected, tmp_path / "sorted.parquet"), target="species"))
    report = dataaudit.audit(tmp_path / "hive", target="species")
    assert report.profile is not None and report.profile.columns[-1].name == "island"
    assert report.dataset.rows == 344 and _findings(report) == one


@pytest.mark.parametrize("runner", [invoke, run])
def test_the_command_audits_a_folder_as_the_one_file(runner: Any, penguins: pa.Table, tmp_path: Path) -> None:
    folder = _parts(penguins, tmp_path / "penguins", [100, 200])
    one = _parquet(penguins, tmp_path / "penguins.parquet")
    reports = []
    for data in (f"{folder}/", one):
        output = tmp_path / f"{Path(data).name}.json"
        runner(["audit", data, "-t", "species", "-f", "json", "-o", output], 0)
        reports.append(json.loads(output.read_text()))
    assert reports[0]["findings"] == reports[1]["findings"] and reports[0]["source"]["rows"] == 344


def _titanic_as(kind: str, table: pa.Table, tmp_path: Path) -> Any:
    if kind == "folder":
        return _parts(table, tmp_path / "titanic", [700, 1500])
    if kind == "datasets":
        from datasets import Dataset

        return Dataset(table)
    import polars as pl

    frame = pl.from_arrow(table)
    return frame.lazy() if kind == "lazy" else frame


@pytest.mark.parametrize("kind", ["folder", "datasets", "polars", "lazy"])
def test_a_conflict_quotes_the_shared_row_as_the_file_does(kind: str, tmp_path: Path) -> None:
    """The quote is read after the pass, from the input again: each of these reads again alike."""
    titanic = _table("titanic.csv")  # 10 feature rows with both outcomes
    one = _findings(dataaudit.audit(_parquet(titanic, tmp_path / "titanic.parquet"), target="survived"))
    conflicts = next(f for f in one if f["check"] == "labels.conflicts")
    assert "Their features: " in conflicts["message"] and "feature_row" in conflicts["details"]
    report = dataaudit.audit(_titanic_as(kind, titanic, tmp_path), target="survived", chunk_rows=500)
    assert _findings(report) == one


def test_a_folder_without_parquet_files_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("no data here")
    for runner in (invoke, run):
        _, err = runner(["audit", tmp_path / "empty", "-t", "label"], 2)
        assert err == (f"dataaudit: error: {tmp_path / 'empty'}: a directory with no Parquet files (*.parquet, *.pq) "
                       "to read as one dataset\n")


def test_parts_of_different_columns_are_one_line(penguins: pa.Table, tmp_path: Path) -> None:
    folder = _parts(penguins, tmp_path / "mixed", [100])
    measured = penguins.slice(0, 10).set_column(2, "bill_length_mm", pa.array(["long"] * 10))  # text, not a number
    pq.write_table(measured, folder / "part-002.parquet")
    _, err = invoke(["audit", folder, "-t", "species"], 2)
    assert err.startswith(f"dataaudit: error: {folder}: a file of the folder cannot be read with the first one's "
                          "columns (") and err.count("\n") == 1


def test_clean_of_a_folder_writes_one_file_and_the_quarantine(tmp_path: Path) -> None:
    iris = _table("iris.csv")  # one exact duplicate row: the clean quarantines it
    folder = _parts(iris, tmp_path / "iris", [50, 120])
    one = _parquet(iris, tmp_path / "iris.parquet")
    for data, out in ((folder, tmp_path / "from_folder.parquet"), (one, tmp_path / "from_file.parquet")):
        invoke(["clean", data, "-t", "target", "-o", out], 0)
    kept, held = (pq.read_table(tmp_path / f"from_folder{part}.parquet") for part in ("", ".quarantine"))
    assert kept.num_rows + held.num_rows == 150 and held.num_rows == 1
    assert held.column("_reason").to_pylist() == ["duplicate"]
    assert kept.equals(pq.read_table(tmp_path / "from_file.parquet"))
    assert held.equals(pq.read_table(tmp_path / "from_file.quarantine.parquet"))
    manifest = json.loads((tmp_path / "from_folder.manifest.json").read_text())
    assert manifest["rows"] == {"in": 150, "out": 149, "quarantined": 1, "redacted": 0}
    assert manifest["files"]["input"]["path"] == str(folder) and manifest["files"]["input"]["format"] == "parquet"


def test_a_polars_frame_and_lazy_frame_audit_as_the_one_file(penguins: pa.Table,
                                                             penguins_findings: list[dict[str, Any]]) -> None:
    import polars as pl

    frame = pl.from_arrow(penguins)
    assert isinstance(frame, pl.DataFrame)
    for data in (frame, frame.lazy(), frame.lazy().with_columns(pl.col("year") + 0)):
        report = dataaudit.audit(data, target="species", chunk_rows=100)
        assert report.dataset.rows == 344 and _findings(report) == penguins_findings


def test_a_filtered_lazy_frame_audits_what_its_query_keeps(penguins: pa.Table, tmp_path: Path) -> None:
    import polars as pl

    query = pl.scan_parquet(_parquet(penguins, tmp_path / "all.parquet")).filter(pl.col("island") != "Dream")
    kept = penguins.filter(pa.compute.not_equal(penguins.column("island"), "Dream"))
    one = _findings(dataaudit.audit(_parquet(kept, tmp_path / "kept.parquet"), target="species"))
    report = dataaudit.audit(query, target="species", chunk_rows=64)
    assert report.dataset.rows == kept.num_rows == 220 and _findings(report) == one


def test_a_polars_frame_reaches_the_audit_without_pandas(penguins: pa.Table, monkeypatch: pytest.MonkeyPatch) -> None:
    import polars as pl

    def no_pandas(*_: object, **__: object) -> None:
        raise AssertionError("a Polars frame went through pandas")

    monkeypatch.setattr(pl.DataFrame, "to_pandas", no_pandas)
    monkeypatch.setattr(pl.DataFrame, "__array__", no_pandas, raising=False)
    assert dataaudit.audit(pl.from_arrow(penguins), target="species").dataset.rows == 344


def test_a_datasets_dataset_audits_as_the_one_file(penguins: pa.Table,
                                                   penguins_findings: list[dict[str, Any]]) -> None:
    from datasets import Dataset

    report = dataaudit.audit(Dataset(penguins), target="species", chunk_rows=100)
    assert report.dataset.rows == 344 and _findings(report) == penguins_findings


def test_a_shuffled_dataset_is_audited_in_its_own_order(penguins: pa.Table, tmp_path: Path) -> None:
    from datasets import Dataset

    shuffled = Dataset(penguins).shuffle(seed=3).select(range(300))  # a view through an indices mapping
    assert shuffled._indices is not None
    order = shuffled._indices.column(0).to_pylist()
    one = _findings(dataaudit.audit(_parquet(penguins.take(order), tmp_path / "view.parquet"), target="species"))
    report = dataaudit.audit(shuffled, target="species", chunk_rows=64)
    assert report.dataset.rows == 300 and _findings(report) == one


def test_a_dataset_dict_is_splits_with_train_the_reference(penguins: pa.Table, tmp_path: Path) -> None:
    from datasets import Dataset, DatasetDict

    by_island = {island: penguins.filter(pa.compute.equal(penguins.column("island"), island))
                 for island in ("Biscoe", "Dream", "Torgersen")}
    splits = DatasetDict({"test": Dataset(by_island["Torgersen"]), "train": Dataset(by_island["Biscoe"]),
                          "validation": Dataset(by_island["Dream"])})
    files = {name: _parquet(table, tmp_path / f"{name}.parquet") for name, table in by_island.items()}
    one = dataaudit.audit(files["Biscoe"], target="species",
                          splits={"test": files["Torgersen"], "validation": files["Dream"]})
    report = dataaudit.audit(splits, target="species")
    assert report.dataset.rows == by_island["Biscoe"].num_rows
    assert report.dataset.splits is not None and list(report.dataset.splits) == ["train", "test", "validation"]
    assert _findings(report) == _findings(one) and any(f["check"].startswith("splits.") for f in _findings(report))


def test_a_folder_saved_by_datasets_audits_on_the_command_line(penguins: pa.Table, tmp_path: Path,
                                                               penguins_findings: list[dict[str, Any]]) -> None:
    from datasets import Dataset, DatasetDict

    Dataset(penguins).save_to_disk(tmp_path / "saved")
    output = tmp_path / "saved.json"
    run(["audit", tmp_path / "saved", "-t", "species", "-f", "json", "-o", output], 0)
    assert json.loads(output.read_text())["findings"] == penguins_findings
    DatasetDict({"train": Dataset(penguins)}).save_to_disk(tmp_path / "dict")
    _, err = invoke(["audit", tmp_path / "dict", "-t", "species"], 2)
    assert err == (f"dataaudit: error: {tmp_path / 'dict'}: a DatasetDict folder; give one split's folder "
                   f"({tmp_path / 'dict'}/train) and the others with --split\n")


def test_import_dataaudit_loads_none_of_the_input_libraries(tmp_path: Path) -> None:
    """Auditing a CSV needs none of them: each is imported where its input is read."""
    script = ("import sys, dataaudit\n"
              f"dataaudit.audit({str(DATA / 'iris.csv')!r}, target='target')\n"
              "print(sorted(m for m in ('polars', 'datasets', 's3fs', 'fsspec', 'moto') if m in sys.modules))")
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert shown.stdout.strip() == "[]"


def _class_labelled(labels: list[int]) -> Any:
    """A dataset with a `ClassLabel` target, built here (no download)."""
    datasets = pytest.importorskip("datasets", reason="a ClassLabel column needs the datasets package")
    features = datasets.Features({"x": datasets.Value("float64"),
                                  "label": datasets.ClassLabel(names=["neg", "pos", "mixed"])})
    return datasets.Dataset.from_dict({"x": [float(i % 7) for i in range(len(labels))], "label": labels},
                                      features=features)


def test_a_class_label_target_is_audited_by_its_names(tmp_path: Path) -> None:
    """Read as its ids, `labels.allowed: [neg, pos]` found every label unexpected and the report
    counted `0` and `1`; by its names, the rule pack meets the labels a user sees, and the
    dataset audits as a file of those names does. A -1 is `datasets`' "no label": a missing one."""
    ids = [0, 1, 1, 0, 2, -1] * 10
    dataset = _class_labelled(ids)
    pack = tmp_path / "pack.yaml"
    pack.write_text("checks:\n  labels: {allowed: [neg, pos]}\n", encoding="utf-8")
    report = dataaudit.audit(dataset, target="label", rules=pack)
    labels = report.to_dict()["dataset"]["labels"]
    assert (labels["counts"], labels["missing"]) == ({"pos": 20, "neg": 20, "mixed": 10}, 10)
    unexpected = [f.to_dict() for f in report.findings if f.check == "labels.unexpected"]
    assert [(f["observed"], f["details"].get("labels")) for f in unexpected] == [(10, {"mixed": 10})]
    names = [None if i < 0 else ["neg", "pos", "mixed"][i] for i in ids]
    as_file = _parquet(pa.table({"x": dataset["x"], "label": names}), tmp_path / "named.parquet")
    assert _findings(report) == _findings(dataaudit.audit(as_file, target="label", rules=pack))
    shuffled = dataset.shuffle(seed=1)  # a view through an indices mapping reads its names too
    assert dataaudit.audit(shuffled, target="label", rules=pack).to_dict()["dataset"]["labels"]["counts"] == \
        labels["counts"]
    dataset.save_to_disk(tmp_path / "saved")  # the command line reads a saved dataset's names too
    output = tmp_path / "saved.json"
    run(["audit", tmp_path / "saved", "-t", "label", "-r", pack, "-f", "json", "-o", output], 1)
    assert json.loads(output.read_text())["findings"] == _findings(report)


def test_a_class_label_id_past_its_names_is_refused_naming_the_column() -> None:
    dataset = _class_labelled([0, 1, 2])
    past = type(dataset)(pa.table({"x": dataset["x"], "label": pa.array([0, 1, 7])}), info=dataset.info)
    with pytest.raises(dataaudit.InputError, match=r"^the dataset's ClassLabel column 'label' holds the id 7, "
                                                   r"past its 3 names$"):
        dataaudit.audit(past, target="label")
