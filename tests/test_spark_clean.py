"""`dataaudit clean --engine spark`: the same rows kept, quarantined for the same reasons and
counted alike as the local clean, written by the executors as Parquet parts, with no row
handed to the driver; what Spark cannot clean is refused in one line before anything is read."""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from dataaudit.planning import CLEAN_CAPABILITIES
from tests.cli_helpers import invoke, run
from tests.conftest import DATA
from tests.test_spark_engine import spark

pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")
__all__ = ["spark"]  # the session fixture, shared with the table tests
RUNNERS = {"in-process": invoke, "subprocess": run}
CHAT = Path(__file__).parent / "data" / "text" / "hhh_chat_60.jsonl"


def _planted(path: Path, rows: int = 3_000, seed: int = 1) -> Path:
    """A table with planted exact duplicates, conflicting labels (a row again with another label),
    missing labels, disguised missing values (`NA`, `?`), blank cells and text with surrounding
    blanks, in shuffled order."""
    rng = random.Random(seed)
    table = [[f"id{i}", str(rng.randint(0, 50)), rng.choice(["red", "blue", " green ", "NA", "", "?"]),
              f"{rng.random():.3f}", rng.choice(["cat", "dog", "bird"])] for i in range(rows)]
    table += [list(table[i]) for i in range(0, rows, 97)]
    table += [[*table[i][:4], "dog" if table[i][4] != "dog" else "cat"] for i in range(5, rows, 131)]
    table += [[*table[i][:4], ""] for i in range(7, rows, 211)]
    rng.shuffle(table)
    columns = list(zip(*table, strict=True))
    names = ["id", "n", "color", "x", "label"]
    pacsv.write_csv(pa.table({name: pa.array(values) for name, values in zip(names, columns, strict=True)}), path)
    return path


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- refused before anything is read: no JVM starts ---------------------------------------------

@pytest.mark.parametrize("runner", RUNNERS)
def test_an_option_spark_cannot_clean_with_is_one_line_and_writes_nothing(runner: str, tmp_path: Path) -> None:
    data = _planted(tmp_path / "planted.csv", rows=50)
    before = _listing(tmp_path)
    _, err = RUNNERS[runner](["clean", data, "-t", "label", "-o", tmp_path / "out.parquet", "--engine", "spark",
                              "--dry-run"], 2)
    capability = CLEAN_CAPABILITIES["dry_run"]
    assert err == (f"dataaudit: error: {data}: --dry-run (dry_run) cannot run on the spark engine: "
                   f"{capability.engine_note}\n")
    assert _listing(tmp_path) == before


@pytest.mark.parametrize(("args", "message"), [
    (["--spark-master", "local[2]"], "--spark-master (spark_master) cannot run on the local engine: it is the "
                                     "master of --engine spark"),
    (["--engine", "spark", "--jobs", "2"], "--jobs (jobs) cannot run on the spark engine: Spark spreads the work "
                                           "by itself"),
    (["--engine", "spark", "--redact", "pii"], "--redact (redact) cannot run on the spark engine: clean on Spark "
                                               "does not run it yet; use --engine local"),
])
def test_spark_only_and_local_only_options_are_refused_by_name(args: list[str], message: str,
                                                               tmp_path: Path) -> None:
    data = _planted(tmp_path / "planted.csv", rows=50)
    _, err = invoke(["clean", data, "-t", "label", "-o", tmp_path / "out.parquet", *args], 2)
    assert err == f"dataaudit: error: {data}: {message}\n"


def test_a_fine_tuning_file_is_not_cleaned_on_spark(tmp_path: Path) -> None:
    _, err = run(["clean", CHAT, "-o", tmp_path / "out.jsonl", "--engine", "spark"], 2)
    assert err == (f"dataaudit: error: {CHAT}: --engine spark cannot clean a chat JSONL file: a fine-tuning file "
                   "is cleaned line by line on this machine\n")
    assert _listing(tmp_path) == []


@pytest.mark.parametrize(("name", "message"), [
    ("out.csv", "out.csv: clean on Spark writes a folder of Parquet part files; name it .parquet"),
    ("existing.parquet", "existing.parquet: already exists; pass --force to overwrite it"),
])
def test_an_output_spark_cannot_write_is_refused_before_spark_starts(name: str, message: str,
                                                                      tmp_path: Path) -> None:
    data = _planted(tmp_path / "planted.csv", rows=50)
    (tmp_path / "existing.parquet").mkdir()
    before = _listing(tmp_path)
    _, err = invoke(["clean", data, "-t", "label", "-o", tmp_path / name, "--engine", "spark"], 2)
    assert err == f"dataaudit: error: {tmp_path / message}\n"
    assert _listing(tmp_path) == before


@pytest.mark.parametrize(("where", "extra", "message"), [
    ("out.parquet/planted.csv", [], "{out}: holds the input {data}; write elsewhere"),
    ("out.quarantine.parquet/planted.csv", [], "{quarantine}: holds the input {data}; write elsewhere"),
    ("planted.csv", ["-r", "{out}/pack.yaml"], "{out}: holds the input {out}/pack.yaml; write elsewhere"),
    ("planted.csv", ["--manifest", "{quarantine}/m.json"],
     "{quarantine}/m.json: inside the output folder {quarantine}; the paths of outputs must all differ"),
])
def test_force_never_replaces_a_folder_holding_an_input_or_another_output(where: str, extra: list[str],
                                                                          message: str, tmp_path: Path) -> None:
    out, quarantine = tmp_path / "out.parquet", tmp_path / "out.quarantine.parquet"
    out.mkdir()
    quarantine.mkdir()
    data = _planted(tmp_path / where, rows=50)
    (out / "pack.yaml").write_text("preprocess: {duplicates: exact}\n")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    names = {"out": out, "quarantine": quarantine, "data": data}
    args = [a.format(**names) for a in extra]
    _, err = run(["clean", data, "-t", "label", "-o", out, "--engine", "spark", "--force", *args], 2)
    assert err == f"dataaudit: error: {message.format(**names)}\n"
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_a_step_that_learns_from_the_kept_rows_is_refused_before_spark_starts(tmp_path: Path) -> None:
    data = _planted(tmp_path / "planted.csv", rows=50)
    pack = tmp_path / "pack.yaml"
    pack.write_text("preprocess: {impute: {numeric: median}, scale: standard}\n")
    out = tmp_path / "out.parquet"
    before = _listing(tmp_path)
    _, err = run(["clean", data, "-t", "label", "-r", pack, "-o", out, "--engine", "spark"], 2)
    assert err == (f"dataaudit: error: {out}: clean on Spark runs the steps fitted on the audit's profile; "
                   "impute, scale learn from the kept rows: use --engine local\n")
    assert _listing(tmp_path) == before


def test_parts_the_driver_cannot_see_are_refused_rather_than_vouched_for(tmp_path: Path) -> None:
    """Spark's count is checked against the parts on this machine: executors writing elsewhere
    (another file system) leave a folder the manifest must not describe."""
    from dataaudit.errors import OutputError
    from dataaudit.preprocess.spark_clean import folder_entry

    staged = tmp_path / "staged"
    staged.mkdir()
    pq.write_table(pa.table({"a": [1, 2, 3]}), staged / "part-00000.parquet")
    assert folder_entry(tmp_path / "out.parquet", staged, 3)["rows"] == 3
    with pytest.raises(OutputError, match="Spark wrote 5 rows but 3 are in the parts on this machine"):
        folder_entry(tmp_path / "out.parquet", staged, 5)


def _old_and_new(tmp_path: Path) -> tuple[list[tuple[Path, Path]], Path]:
    """An earlier run's output, quarantine and manifest, and a new run's two staged folders."""
    pairs = []
    for name in ("out.parquet", "out.quarantine.parquet"):
        (tmp_path / name).mkdir()
        pq.write_table(pa.table({"old": [1]}), tmp_path / name / "part-00000.parquet")
        staged = tmp_path / f".{name}.new.part"
        staged.mkdir()
        pq.write_table(pa.table({"new": [2]}), staged / "part-00000.parquet")
        pairs.append((staged, tmp_path / name))
    manifest = tmp_path / "out.manifest.json"
    manifest.write_text('{"old": true}')
    return pairs, manifest


def _published(tmp_path: Path) -> dict[str, object]:
    return {p.relative_to(tmp_path).as_posix(): pq.read_table(p).column_names if p.suffix == ".parquet"
            else p.read_text() for p in tmp_path.rglob("*") if p.is_file() and not p.parent.name.endswith(".new.part")}


@pytest.mark.parametrize("failing", ["quarantine rename", "manifest"])
def test_a_failed_publish_leaves_the_earlier_output_quarantine_and_manifest(failing: str, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from dataaudit.errors import OutputError
    from dataaudit.output import AtomicFile
    from dataaudit.preprocess import spark_clean

    pairs, manifest = _old_and_new(tmp_path)
    before = _published(tmp_path)
    if failing == "manifest":
        monkeypatch.setattr(AtomicFile, "rename", lambda self: (_ for _ in ()).throw(OutputError("disk full")))
    else:
        replace = os.replace

        def refuse_quarantine(source: object, target: object) -> None:
            if Path(str(source)) == pairs[1][0]:  # the new quarantine cannot be renamed into place
                raise OSError("disk full")
            replace(source, target)  # type: ignore[arg-type]
        monkeypatch.setattr(spark_clean.os, "replace", refuse_quarantine)
    with pytest.raises((OSError, OutputError), match="disk full"):
        spark_clean._publish(pairs, lambda outputs: outputs.json(manifest, {"new": True}))
    monkeypatch.undo()
    assert _published(tmp_path) == before
    left = {p.name for p in tmp_path.iterdir() if p.name.startswith(".")}
    assert left <= {s.name for s, _ in pairs}, "only the staged folders the caller removes are left"


def test_a_publish_replaces_both_folders_and_the_manifest(tmp_path: Path) -> None:
    from dataaudit.preprocess import spark_clean

    pairs, manifest = _old_and_new(tmp_path)
    spark_clean._publish(pairs, lambda outputs: outputs.json(manifest, {"new": True}))
    published = _published(tmp_path)
    assert published["out.parquet/part-00000.parquet"] == published["out.quarantine.parquet/part-00000.parquet"] == [
        "new"]
    assert json.loads(manifest.read_text()) == {"new": True}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


# --- on Spark: parity with the local clean ------------------------------------------------------

@pytest.fixture(scope="module")
def small_partitions(spark: object) -> Iterator[object]:
    """The session, reading the planted file in several partitions (about 16 KB each)."""
    conf = spark.conf  # type: ignore[attr-defined]
    old = conf.get("spark.sql.files.maxPartitionBytes")
    conf.set("spark.sql.files.maxPartitionBytes", "16k")
    yield spark
    conf.set("spark.sql.files.maxPartitionBytes", old)


#: (the module that asked, rows handed to the driver) of every Spark result the clean on Spark fetched
Fetched = list[tuple[str, int]]


@contextmanager
def _fetches_counted(fetched: Fetched, frame_class: type) -> Iterator[None]:
    """Every way a DataFrame (of `frame_class`, the session's own) hands rows to the driver,
    counted with the module that called it."""

    def counted(method: Callable[..., Any], size: Callable[[Any], int]) -> Callable[..., Any]:
        def fetch(self: Any, *args: Any, **kwargs: Any) -> Any:
            caller = sys._getframe(1).f_globals.get("__name__", "")
            result = method(self, *args, **kwargs)
            if method.__name__ == "toLocalIterator":
                return _counted_rows(result, caller, fetched)
            fetched.append((caller, size(result)))
            return result
        return fetch

    sizes: dict[str, Callable[[Any], int]] = {
        "collect": len, "take": len, "tail": len, "toPandas": len, "toLocalIterator": len,
        "toArrow": lambda table: table.num_rows, "first": lambda row: int(row is not None)}
    with pytest.MonkeyPatch.context() as patch:
        for name, size in sizes.items():
            patch.setattr(frame_class, name, counted(getattr(frame_class, name), size))
        yield


def _counted_rows(rows: Iterator[Any], caller: str, fetched: Fetched) -> Iterator[Any]:
    for row in rows:
        fetched.append((caller, 1))
        yield row


#: rule packs the parity is held for: the default, and the other duplicate and conflict rules
PACKS = {"default": None, "majority": "preprocess: {conflicts: majority, duplicates: features}\n"}


@pytest.fixture(scope="module", params=list(PACKS))
def cleaned(request: pytest.FixtureRequest, small_partitions: object,
            tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Fetched]:
    """The planted file cleaned locally (`local.*`) and on Spark (`spark.*`), through the command,
    with each rule pack of `PACKS`, with what Spark's jobs handed the driver during the Spark clean."""
    folder = tmp_path_factory.mktemp(f"spark_clean_{request.param}")
    data = _planted(folder / "planted.csv")
    rules: list[object] = []
    if PACKS[request.param] is not None:
        (folder / "pack.yaml").write_text(PACKS[request.param])
        rules = ["-r", folder / "pack.yaml"]
    invoke(["clean", data, "-t", "label", *rules, "-o", folder / "local.parquet", "--quiet"], 1)
    fetched: Fetched = []
    with _fetches_counted(fetched, type(small_partitions.range(1))):  # type: ignore[attr-defined]
        invoke(["clean", data, "-t", "label", *rules, "-o", folder / "spark.parquet", "--engine", "spark"], 1)
    return folder, fetched


def _default_pack_only(folder: Path) -> None:
    if (folder / "pack.yaml").exists():
        pytest.skip("held for the default rule pack")


def _parts(folder: Path) -> pa.Table:
    """A folder of parts read back in name order, as the manifest's digest orders them."""
    parts = sorted(folder.glob("*.parquet"))
    assert parts, f"no parts in {folder}"
    return pa.concat_tables([pq.read_table(part) for part in parts])


@pytest.mark.slow
def test_spark_keeps_the_rows_the_local_clean_keeps_with_the_same_values(cleaned: tuple[Path, Fetched]) -> None:
    folder = cleaned[0]
    local, spark = pq.read_table(folder / "local.parquet"), _parts(folder / "spark.parquet")
    assert spark.column_names == local.column_names
    assert spark.to_pylist() == local.to_pylist()
    assert len(list((folder / "spark.parquet").glob("*.parquet"))) > 1, "the executors wrote one part each"


@pytest.mark.slow
def test_spark_quarantines_the_rows_the_local_clean_does_for_the_same_reasons(cleaned: tuple[Path, Fetched]) -> None:
    folder = cleaned[0]
    local = pq.read_table(folder / "local.quarantine.parquet").sort_by("_row")
    spark = _parts(folder / "spark.quarantine.parquet")
    assert spark.to_pylist() == local.to_pylist()
    assert {"duplicate", "label_conflict", "missing_label"} <= set(spark.column("_reason").to_pylist())


@pytest.mark.slow
def test_the_manifests_agree_and_rows_in_are_rows_out_plus_quarantined(cleaned: tuple[Path, Fetched]) -> None:
    folder = cleaned[0]
    local = json.loads((folder / "local.manifest.json").read_text())
    spark = json.loads((folder / "spark.manifest.json").read_text())
    for key in ("rows", "quarantine_reasons", "steps"):
        assert spark[key] == local[key], key
    rows = spark["rows"]
    assert rows["in"] == rows["out"] + rows["quarantined"] == 3_000 + 31 + 23 + 15
    files = spark["files"]
    assert files["output"]["rows"] == rows["out"] == len(_parts(folder / "spark.parquet"))
    assert files["quarantine"]["rows"] == rows["quarantined"]
    assert files["output"]["parts"] == len(list((folder / "spark.parquet").glob("*.parquet")))
    assert not [p for p in folder.iterdir() if p.name.startswith(".")], "a temporary folder was left"


@pytest.mark.slow
def test_the_clean_hands_the_driver_counts_never_rows(cleaned: tuple[Path, Fetched]) -> None:
    """Its own jobs return counts per reason and class, the classes' names and one tally per
    partition: a few dozen rows for a file of 3,069 rows, whatever it quarantines."""
    folder, fetched = cleaned
    mine = [rows for caller, rows in fetched if caller == "dataaudit.preprocess.spark_clean"]
    assert mine, "the clean's own jobs were not seen"
    partitions = json.loads((folder / "spark.manifest.json").read_text())["files"]["output"]["parts"]
    codes, classes = 7, 3
    features = 4  # one row each at most, merged on the cluster: whether the clean leaves it constant
    assert sum(mine) <= codes + classes + classes * codes + partitions + 1 + features


@pytest.mark.slow
def test_two_runs_of_the_same_file_give_the_same_folder_digests(cleaned: tuple[Path, Fetched]) -> None:
    folder = cleaned[0]
    _default_pack_only(folder)
    invoke(["clean", folder / "planted.csv", "-t", "label", "-o", folder / "again.parquet", "--engine", "spark",
            "--quiet"], 1)
    first = json.loads((folder / "spark.manifest.json").read_text())["files"]
    again = json.loads((folder / "again.manifest.json").read_text())["files"]
    for key in ("output", "quarantine"):
        assert {k: v for k, v in again[key].items() if k != "path"} == {
            k: v for k, v in first[key].items() if k != "path"}, key
    for name in ("spark.parquet", "spark.quarantine.parquet"):
        parts = _listing(folder / name)
        assert parts == [f"part-{n:05d}.parquet" for n in range(len(parts))], "only the parts, numbered in order"


@pytest.mark.slow
def test_a_staging_folder_that_cannot_be_made_leaves_no_other(cleaned: tuple[Path, Fetched],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from dataaudit.errors import OutputError
    from dataaudit.preprocess import spark_clean

    folder = cleaned[0]
    _default_pack_only(folder)
    staging = spark_clean._staging

    def second_fails(target: Path) -> Path:
        if target.name == "leak.quarantine.parquet":
            raise OutputError(f"{target}: no space left")
        return staging(target)
    monkeypatch.setattr(spark_clean, "_staging", second_fails)
    before = _listing(folder)
    invoke(["clean", folder / "planted.csv", "-t", "label", "-o", folder / "leak.parquet", "--engine", "spark",
            "--quiet"], 2)
    assert _listing(folder) == before


@pytest.mark.slow
def test_a_table_without_feature_columns_keeps_its_rows_on_spark_as_locally(spark: object, tmp_path: Path) -> None:
    """An id beside the label: every row's features are the same empty set, no conflict of them."""
    from tests.test_featureless_table import _ids_and_labels

    data = _ids_and_labels(tmp_path / "ids.csv")
    with data.open("a") as handle:
        handle.write(data.read_text().splitlines()[8] + "\n")  # one whole row again
    for engine, out in (("local", "local.parquet"), ("spark", "spark.parquet")):
        invoke(["clean", data, "-t", "label", "-i", "id", "-o", tmp_path / out, "--engine", engine], 0)
    local, remote = (json.loads((tmp_path / f"{name}.manifest.json").read_text()) for name in ("local", "spark"))
    assert remote["rows"] == local["rows"] and local["rows"]["quarantined"] == 1
    assert remote["quarantine_reasons"] == local["quarantine_reasons"] == {"duplicate": 1}


@pytest.mark.slow
def test_parlspeech_cleans_on_spark_as_locally(spark: object, tmp_path: Path) -> None:
    """Its column `party.facts.id` stopped Spark's jobs (a dot read as a field of `party`), and
    its `chair` is left constant by the rows quarantined (the Speaker's, with no party): both
    engines drop it, the Spark one from two values a column from each partition."""
    data = DATA / "parlspeech_speakers.csv"
    for engine in ("local", "spark"):
        invoke(["clean", data, "-t", "party", "-o", tmp_path / f"{engine}.parquet", "--engine", engine], 1)
    local, remote = (json.loads((tmp_path / f"{name}.manifest.json").read_text()) for name in ("local", "spark"))
    assert remote["steps"] == local["steps"] and remote["rows"] == local["rows"]
    notes = [step["notes"] for step in local["steps"] if step["step"] == "drop_columns"]
    assert notes == [["dropped parliament (constant), iso3country (constant), chair (constant once cleaned)"]]
    kept = pq.read_table(tmp_path / "local.parquet")
    assert "party.facts.id" in kept.column_names and kept.num_rows == 945
    assert _parts(tmp_path / "spark.parquet").to_pylist() == kept.to_pylist()


@pytest.mark.slow
def test_another_split_is_written_in_the_columns_order_of_the_fitting_clean_on_spark(spark: object,
                                                                                   tmp_path: Path) -> None:
    """A split whose columns come in another order is written as the fitting clean wrote train,
    its extra column last, as the local clean writes it."""
    rows = [(f"{i * 1.5}", ["Rome", "Oslo", "Lima"][i % 3], "ab"[i % 2], "pq"[i % 3 == 0]) for i in range(60)]
    train, val = tmp_path / "train.csv", tmp_path / "val.csv"
    train.write_text("n,city,code,label\n" + "".join(",".join(row) + "\n" for row in rows))
    val.write_text("label,extra,code,city,n\n" + "".join(f"{lab},x{i},{code},{city},{n}\n"
                                                         for i, (n, city, code, lab) in enumerate(rows[:40])))
    invoke(["clean", train, "-t", "label", "-o", tmp_path / "train.parquet", "--save-fitted", tmp_path / "f.json"], 0)
    for engine in ("local", "spark"):
        invoke(["clean", val, "-t", "label", "-o", tmp_path / f"{engine}.parquet", "--fitted", tmp_path / "f.json",
                "--engine", engine], 0)
    expected = [*pq.read_schema(tmp_path / "train.parquet").names, "extra"]
    assert expected == ["n", "city", "code", "label", "extra"]
    assert pq.read_table(tmp_path / "local.parquet").column_names == expected
    assert pq.read_table(tmp_path / "spark.parquet").column_names == expected
