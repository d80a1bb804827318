"""Missing cells per row count every missing value `missing.column_share` counts: nulls,
disguised tokens, and sentinels outside their column's values. A row with `?` in one feature and
`-999` in another was counted as missing one cell: the sentinels are judged only once the pass has
read every row, after the rows were counted."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataaudit.runner import audit
from tests.cli_helpers import RUNNERS, Runner, audit_report, invoke

TOKENS = {"", "?", "na", "n/a", "null", "none", "nan", "-"}


def _row(rng: random.Random, i: int) -> list[str]:
    """`a` text with tokens, `b` numbers 0-99 with -999 outside them, `c` numbers -2000-2000
    with -999 among them (a value, not missing), `d` numbers with -9999 outside them."""
    return [rng.choice(["x", "y", "z", "?", ""]), rng.choice([str(rng.randrange(100)), "-999"]),
            rng.choice([str(rng.randrange(-2000, 2000)), "-999"]), rng.choice([str(i % 50), "-9999", "NA"])]


SENTINELS = ("-999", "-9999")


def _expected(rows: list[list[str]], within: list[list[str]] | None = None) -> Counter[int]:
    """Missing feature cells per row of `rows`, counted from the text alone: a token, or a
    sentinel outside the range of its column's other numbers in `within` (all the rows)."""
    columns = list(zip(*(within or rows), strict=True))
    numbers = [[float(t) for t in column if t.strip().lower() not in TOKENS and t not in SENTINELS]
               if c > 0 else [] for c, column in enumerate(columns)]

    def missing(column: int, text: str) -> bool:
        if text.strip().lower() in TOKENS:
            return True
        real = numbers[column]
        return text in SENTINELS and column > 0 and not (real and min(real) <= float(text) <= max(real))

    return Counter(sum(missing(c, text) for c, text in enumerate(row)) for row in rows)


def _write(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("a,b,c,d,label\n" + "".join(",".join([*row, "ab"[i % 2]]) + "\n" for i, row in enumerate(rows)))
    return path


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 120), st.sampled_from([1, 7, 64, 65_536]))
def test_missing_cells_per_row_count_the_sentinels_outside_their_columns(tmp_path_factory: pytest.TempPathFactory,
                                                                        seed: int, n: int, chunk_rows: int) -> None:
    rng = random.Random(seed)
    rows = [_row(rng, i) for i in range(n)]
    rows.append(["x", "5", "7", "3"])  # every column holds a real number, so a sentinel can be judged
    data = _write(tmp_path_factory.mktemp("rows") / "data.csv", rows)
    profile = audit(data, "label", chunk_rows=chunk_rows).profile
    assert profile is not None
    histogram = Counter({k: n for k, n in enumerate(profile.missing_per_row) if n})
    assert histogram == _expected(rows)
    for k, examples in profile.missing_per_row_examples.items():
        assert examples == sorted(examples) and all(_expected([rows[row]], rows) == Counter({k: 1}) for row in examples)


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_row_of_a_token_and_a_sentinel_misses_two_cells(tmp_path: Path, runner: Runner) -> None:
    rows = [["?", "-999", "3", "4"], *([str(i % 7), str(i * 2), str(i % 5), str(i % 3)] for i in range(1, 30))]
    data = _write(tmp_path / "data.csv", rows)
    report = audit_report(runner, [data, "-t", "label"], tmp_path, code=0)
    found = next(f for f in report["findings"] if f["check"] == "missing.rows")
    assert found["details"]["missing_cells_per_row"] == {"0": 29, "2": 1} and found["examples"] == [0]


def test_the_rows_counted_are_said_to_miss_the_values_they_miss(tmp_path: Path) -> None:
    """Penguins' two rows missing 5 of 7 feature values read "miss at least 4"; rows missing 4 and
    6 of 7 now read "4 to 6", and one count alone is said as it is."""
    full = [[str(i % 9), str(i % 11), str(i % 5), str(i % 3), str(i % 7), str(i + 1), str(i % 4)] for i in range(40)]
    spread = [["", "", "", "", "1", "2", "3"], ["", "", "", "", "", "", "3"]]
    for rows, said in (([*full, *spread], "2 rows (4.8%) miss 4 to 6 of their 7 feature values."),
                       ([*full, spread[0]], "1 row (2.4%) misses 4 of its 7 feature values.")):
        data = tmp_path / "data.csv"
        data.write_text("a,b,c,d,e,f,g,label\n" + "".join(",".join([*row, "ab"[i % 2]]) + "\n"
                                                          for i, row in enumerate(rows)))
        report = audit_report(invoke, [data, "-t", "label"], tmp_path, code=0)
        [found] = [f for f in report["findings"] if f["check"] == "missing.rows"]
        assert found["message"] == said


@pytest.mark.parametrize("runner", RUNNERS)
def test_the_empty_columns_a_spreadsheet_exports_do_not_make_every_row_mostly_missing(tmp_path: Path,
                                                                                      runner: Runner) -> None:
    """`a,b,label,,,` made every row miss 3 of its 5 feature values, and missing.rows failed the
    file beside the three missing.empty_column findings; the rows are now counted without them."""
    data = tmp_path / "export.csv"
    data.write_text("a,b,label,,,\n" + "".join(f"{i * 0.37:.2f},{i % 5 if i % 9 else ''},{'xy'[i % 2]},,,\n"
                                                for i in range(200)))
    report = audit_report(runner, [data, "-t", "label"], tmp_path, code=1)  # 12% of rows miss a value
    assert [f["column"] for f in report["findings"] if f["check"] == "missing.empty_column"] == [
        "(column 4)", "(column 5)", "(column 6)"]
    [found] = [f for f in report["findings"] if f["check"] == "missing.rows"]
    assert found["message"] == ("23 rows (12%) miss 1 of their 2 feature values (and 3 empty columns, each its own "
                                "finding).")
    assert found["details"]["missing_cells_per_row"] == {"0": 177, "1": 23}
    assert found["examples"][:3] == [0, 9, 18]
    data.write_text("a,b,label,,,\n" + "".join(f"{i * 0.37:.2f},{i % 5},{'xy'[i % 2]},,,\n" for i in range(200)))
    report = audit_report(runner, [data, "-t", "label"], tmp_path, code=0)
    assert not [f for f in report["findings"] if f["check"] == "missing.rows"]
