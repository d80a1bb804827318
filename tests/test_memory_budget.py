"""`--memory-budget`: past it the row hashes spill to a temporary directory, bucket by bucket,
and the report is the one the search in memory gives; the directory goes however the run ends."""

from __future__ import annotations

import csv
import itertools
import json
import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from functools import reduce
from pathlib import Path
from unittest.mock import MagicMock

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.levels import parse_size
from dataaudit.profile import extract as extract_module
from dataaudit.profile.extract import extract
from dataaudit.profile.partial import PartialProfile
from dataaudit.profile.spec import ProfileSpec
from dataaudit.profile.spill import spill_directory
from tests.cli_helpers import invoke, run
from tests.conftest import DATA

PENGUINS = DATA / "penguins.csv"
LABELS = ["cat", "dog", "bird"]
#: every example runs whole audits: shrinking a failure would take many minutes, the table is shown as drawn
NO_SHRINKING = (Phase.explicit, Phase.reuse, Phase.generate)


@st.composite
def planted_tables(draw: st.DrawFn) -> list[dict[str, str]]:
    """Rows over few feature values (so repeats happen by themselves), plus planted exact copies
    and copies of a row's features under another label, shuffled in."""
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    width = draw(st.integers(2, 30))
    rows = [{"id": str(i % 13), "a": str(rng.randrange(width)), "b": rng.choice("xyz"), "c": f"{rng.random():.1f}",
             "label": rng.choice([*LABELS, ""])} for i in range(draw(st.integers(5, 400)))]
    copies = [dict(rng.choice(rows)) for _ in range(draw(st.integers(1, 40)))]
    labelled = [row for row in rows if row["label"]] or [{**rows[0], "label": "cat"}]
    conflicts = [{**row, "label": rng.choice([x for x in LABELS if x != row["label"]])}
                 for row in (rng.choice(labelled) for _ in range(draw(st.integers(1, 40))))]
    rows += copies + conflicts
    rng.shuffle(rows)
    return rows


def _write(rows: list[dict[str, str]], path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _report(data: Path, **options: object) -> dict:
    report = dataaudit.audit(data, target="label", ignore_columns=["id"], **options).to_dict()
    report.pop("created_at")
    return report


@pytest.fixture
def spilled_files(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many bucket files each duplicate search of the test found on disk."""
    seen: list[int] = []
    search = extract_module.find_duplicates_by_part

    def counting(parts: object, *args: object) -> object:
        seen.append(sum(1 for _ in Path(tempfile.gettempdir()).glob("dataaudit-spill-*/rows-*/*.rows")))
        return search(parts, *args)

    monkeypatch.setattr(extract_module, "find_duplicates_by_part", counting)
    return seen


@pytest.fixture
def temporary(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The temporary directory of this process and of the commands it starts: a short path
    beside pytest's own folders, as the worker processes' server puts its socket there, and a
    socket's path is at most 107 bytes."""
    folder = Path(tempfile.mkdtemp(prefix="budget-"))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.setenv("TMPDIR", str(folder))
    yield folder
    shutil.rmtree(folder)


@settings(max_examples=8, deadline=None, phases=NO_SHRINKING,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=planted_tables(), chunk_rows=st.integers(7, 500), budget=st.sampled_from([1, 32, 150]))
def test_a_tiny_budget_gives_the_report_in_memory(rows: list[dict[str, str]], chunk_rows: int, budget: int,
                                                  temporary: Path, spilled_files: list[int]) -> None:
    data = _write(rows, temporary / "train.csv")
    in_memory = _report(data, chunk_rows=chunk_rows)
    spilled = _report(data, chunk_rows=chunk_rows, memory_budget=budget)
    assert spilled == in_memory
    assert spilled_files[-2] == 0 and spilled_files[-1] > 0  # the second run searched bucket files
    duplicates = {f["check"] for f in in_memory["findings"]} & {"duplicates.rows", "labels.conflicts"}
    assert duplicates == {"duplicates.rows", "labels.conflicts"}  # the planted rows were found
    assert list(temporary.glob("dataaudit-spill-*")) == []


@settings(max_examples=20, deadline=None, phases=NO_SHRINKING)  # each example spills and merges its pieces twice
@given(rows=planted_tables(), cuts=st.sets(st.integers(1, 500), max_size=6))
def test_spilled_partials_merge_in_any_order_to_the_whole(rows: list[dict[str, str]], cuts: set[int]) -> None:
    """Workers' partials come back in memory and spill in the parent; a spilled partial merged
    into another moves its files across."""
    batch = pa.RecordBatch.from_pylist(rows)
    spec = ProfileSpec(target="label", ignored=("id",), memory_budget=1)  # every piece spills
    whole = PartialProfile.create(ProfileSpec(target="label", ignored=("id",)), batch.schema.names)
    whole.add(batch, 0)
    bounds = [0, *sorted(c for c in cuts if c < batch.num_rows), batch.num_rows]
    expected = extract(whole).duplicates
    with spill_directory() as spill:

        def pieces() -> list[PartialProfile]:  # afresh for each merge: a spilled partial is merged into
            made = [PartialProfile.create(spec, batch.schema.names, spill) for _ in bounds[1:]]
            for piece, (start, stop) in zip(made, itertools.pairwise(bounds), strict=True):
                piece.add(batch.slice(start, stop - start), start)
            return made

        assert extract(reduce(PartialProfile.merged, pieces())).duplicates == expected
        made = pieces()
        middle = len(made) // 2
        if middle:  # the right half first, each half spilled before they merge
            halves = reduce(PartialProfile.merged, made[middle:]), reduce(PartialProfile.merged, made[:middle])
            assert all(half.rows.hashes.files is not None for half in halves)
            assert extract(halves[0].merged(halves[1])).duplicates == expected


def test_jobs_spill_in_the_parent_and_agree(tmp_path: Path, temporary: Path, spilled_files: list[int],
                                           workers: MagicMock) -> None:
    rng = random.Random(5)
    table = [{"id": str(i), "a": str(rng.randrange(40)), "b": rng.choice("xyz"), "label": rng.choice(LABELS)}
             for i in range(3_000)]
    data = _write(table + table[:50] + [{**r, "label": "fish"} for r in table[100:130]], tmp_path / "t.csv")
    one = _report(data, chunk_rows=300)
    assert _report(data, chunk_rows=300, jobs=2, memory_budget="4K") == one
    assert workers.called
    assert spilled_files[-1] > 1


def test_the_command_line_takes_a_size_and_cleans_up(tmp_path: Path, temporary: Path) -> None:
    out = {budget: tmp_path / f"{budget}.json" for budget in ("1K", "2G")}
    for budget, path in out.items():
        run(["audit", PENGUINS, "-t", "species", "--memory-budget", budget, "-f", "json", "-o", path], 0)
    reports = [json.loads(path.read_text(encoding="utf-8")) for path in out.values()]
    for report in reports:
        report.pop("created_at")
    assert reports[0] == reports[1]
    assert list(temporary.iterdir()) == []


@pytest.mark.parametrize("budget", ["lots", "0", "-1G", "2X"])
def test_a_bad_size_is_one_line_and_exit_2(budget: str) -> None:
    _, err = invoke(["audit", PENGUINS, "-t", "species", "--memory-budget", budget], 2)
    assert "Invalid value for '--memory-budget'" in err and budget in err and "Traceback" not in err
    with pytest.raises(dataaudit.InputError, match=r"--memory-budget \(memory_budget\): .*(no size|at least)"):
        dataaudit.audit(PENGUINS, target="species", memory_budget=budget)


def test_the_rule_pack_sets_the_budget(tmp_path: Path, temporary: Path, spilled_files: list[int]) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text("checks:\n  duplicates:\n    memory_budget: 1K\n", encoding="utf-8")
    dataaudit.audit(PENGUINS, target="species", rules=pack)
    assert spilled_files[-1] > 1
    pack.write_text("checks:\n  duplicates:\n    memory_budget: lots\n", encoding="utf-8")
    _, err = invoke(["audit", PENGUINS, "-t", "species", "--rules", pack], 2)
    assert "memory_budget" in err and "no size" in err


def test_splits_and_spark_refuse_the_budget() -> None:
    with pytest.raises(dataaudit.InputError, match=r"--memory-budget \(memory_budget\) does not apply to a "
                                                   "dataset in splits"):
        dataaudit.audit(PENGUINS, target="species", splits={"test": PENGUINS}, memory_budget="1G")
    with pytest.raises(dataaudit.InputError, match=r"--memory-budget \(memory_budget\) cannot run on the spark"):
        dataaudit.audit(PENGUINS, target="species", engine="spark", memory_budget="1G")


def test_an_input_error_mid_file_leaves_no_spill(tmp_path: Path, temporary: Path) -> None:
    rows = 70_000  # past the first chunk the command line reads, which spills
    lines = ["a,b,label", *(f"{i % 50},{i % 3},x" for i in range(rows)), "1,2,3,4,5", "1,2,x"]
    data = tmp_path / "broken.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    malformed = f"broken.csv:{rows + 2}: malformed row, expected 3 fields, found 5"
    _, err = run(["audit", data, "-t", "label", "--memory-budget", "1K"], 2)
    assert malformed in err and err.count("\n") == 1
    with pytest.raises(dataaudit.InputError, match=malformed):
        dataaudit.audit(data, target="label", chunk_rows=1_000, memory_budget=1)
    assert list(temporary.iterdir()) == []


INTERRUPT_AFTER_SPILL = """
import os, signal, sys
from dataaudit.profile.spill import BucketedHashes
from dataaudit.cli import main

real_spill = BucketedHashes.spill
def spill(self):
    real_spill(self)
    if self.files and os.listdir(self.files):
        os.kill(os.getpid(), signal.SIGINT)  # as Ctrl-C, once bucket files hold rows
BucketedHashes.spill = spill
sys.argv[0] = "dataaudit"
main()
"""


def test_an_interrupt_leaves_no_spill(tmp_path: Path, temporary: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", INTERRUPT_AFTER_SPILL, "audit", str(PENGUINS), "-t", "species",
                           "--memory-budget", "1K"], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr == "dataaudit: interrupted\n"
    assert list(temporary.iterdir()) == []


@pytest.mark.parametrize("budget", ["9" * 400, "9" * 400 + "T", str(2**63 + 1), "9999999T"])
def test_a_size_past_any_machine_is_one_line_and_exit_2(tmp_path: Path, budget: str) -> None:
    _, err = invoke(["audit", PENGUINS, "-t", "species", "--memory-budget", budget], 2)
    assert "Invalid value for '--memory-budget'" in err and "at most 2**63 bytes" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    with pytest.raises(dataaudit.InputError, match=r"--memory-budget \(memory_budget\): .*at most 2\*\*63 bytes"):
        dataaudit.audit(PENGUINS, target="species", memory_budget=budget)
    pack = tmp_path / "pack.yaml"
    pack.write_text(f"checks:\n  duplicates:\n    memory_budget: {budget}\n", encoding="utf-8")
    _, err = invoke(["audit", PENGUINS, "-t", "species", "--rules", pack], 2)
    assert "memory_budget" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(("written", "said"), [("5.0", "5.0 is no size"), ("true", "True is no size"),
                                               ("1.5", "1.5 is no size")])
def test_a_pack_size_that_is_no_count_of_bytes_is_refused(tmp_path: Path, written: str, said: str) -> None:
    """YAML reads `5.0` as a float, which pydantic would have taken for 5 bytes: every hash spilled."""
    pack = tmp_path / "pack.yaml"
    pack.write_text(f"checks:\n  duplicates:\n    memory_budget: {written}\n", encoding="utf-8")
    _, err = invoke(["audit", PENGUINS, "-t", "species", "--rules", pack], 2)
    assert f"pack.yaml:3: checks.duplicates.memory_budget: {said}" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("budget", ["5.0", "1.5", " 2.25 "])
def test_a_fraction_of_a_byte_count_needs_a_unit(budget: str) -> None:
    _, err = invoke(["audit", PENGUINS, "-t", "species", "--memory-budget", budget], 2)
    assert "a count of bytes is a whole number; give a fraction a unit (1.5G)" in err
    with pytest.raises(dataaudit.InputError, match="whole number"):
        dataaudit.audit(PENGUINS, target="species", memory_budget=budget)
    assert parse_size(budget.strip() + "M") == int(float(budget) * 2**20)


def test_the_largest_size_is_exact() -> None:
    assert parse_size(str(2**63)) == 2**63 and parse_size("1.5G") == 3 * 2**29
    with pytest.raises(ValueError, match="at most"):
        parse_size(2**63 + 1)


def test_the_budget_is_an_audit_option_and_the_docs_say_clean_has_none(tmp_path: Path) -> None:
    _, err = invoke(["clean", PENGUINS, "-t", "species", "-o", tmp_path / "out.csv", "--memory-budget", "1G"], 2)
    assert "No such option '--memory-budget'" in err
    docs = Path(__file__).parent.parent / "docs"
    speed = (docs / "speed.md").read_text("utf-8")
    assert "The budget covers `audit` only. `clean` takes no `--memory-budget`" in speed
    bigger = " ".join((docs / "bigger-data.md").read_text("utf-8").split())
    assert "`clean` has no `--memory-budget`" in bigger and "streams a file of any size" not in bigger
