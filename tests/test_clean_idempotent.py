"""Cleaning a clean's own output again changes nothing.

Small messy tables (disguised missing values, sentinels, padded text, duplicates, conflicting
labels and label spellings, leading-zero ids, numbers as text, mixed JSON types, unicode, empty
and constant columns) are written as CSV, TSV, JSON Lines or Parquet and cleaned through the
command; the output is cleaned again, into its own format and into another. The second clean
quarantines nothing, drops nothing and writes the bytes the first wrote (or, into another
format, the bytes a clean with every step off writes): but for the one exception
docs/cleaning.md names, a column the first clean left with one value beside missing cells, which
the second drops, quarantining only the rows that then repeat one another, after which a third
clean changes nothing. Both cleans count every row, and each value the first clean had no
reason to change is written as the input wrote it.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from dataaudit.cli import cli
from dataaudit.profile.spec import DEFAULT_MISSING_TOKENS

Cell = str | int | float | list[int] | None
FORMATS = ["csv", "tsv", "jsonl", "parquet"]
#: every step off: the output is the input in another format, the reference a second clean meets
STEPS_OFF = ("preprocess: {missing_to_null: false, normalize_text: false, merge_label_variants: false, "
             "missing_labels: keep, duplicates: keep, conflicts: keep, drop_constant_columns: false, "
             "drop_empty_columns: false}\n")
TOKENS = {token.lower() for token in DEFAULT_MISSING_TOKENS}
SENTINELS = (-999.0, -9999.0)
#: the label column last; the others' values, a few of each kind of mess
VALUES: dict[str, list[Cell]] = {
    "id": ["01234", "1234", "007", "7", "00123", "42", 42, "-999", " 7", "1e3"],
    "num": ["1", "2.5", "10", " 3 ", "1e3", "1.10", "-0", "-999", -999, "-9999", "-999.0", 2, 2.5, 1e3, "inf",
            "?", "NA", " NA ", "nan", "NaN", None],
    "text": ["red", " red", "red ", "RED", "Rouge", "é", "e\u0301", "ｒｅｄ", "red\u00a0", "漢字", "a,b", "x\ty",
             'say "hi"', "-999", "NA", "n/a", "?", "None", "null", "\\N", "  ", None],
    "mixed": ["1", "a", "2.0", "true", "false", "3", "0", "-0", 3, 1.5, 0, -0.0, True, False, [1], None],
    "empty": [None, "", " "],
    "const": ["k", " k"],
}
LABELS: list[list[Cell]] = [["cat", "Cat", "cat ", "CAT", "dog", "DOG", "Ünï", "?", None, " ", "nan", "ｃａｔ"],
                            ["1", "1.0", "2", 1, 2, "-1", "NA", None]]


@st.composite
def messy_tables(draw: st.DrawFn) -> tuple[list[str], list[list[Cell]]]:
    """A header (id, label and some of the other columns) and rows drawn from a few distinct
    ones, so exact duplicates and conflicting labels are frequent."""
    optional = draw(st.lists(st.sampled_from(["num", "text", "mixed", "empty", "const"]), unique=True, min_size=1))
    header = ["id", *[name for name in VALUES if name in optional], "label"]
    cells = [*[st.sampled_from(VALUES[name]) for name in header[:-1]], st.sampled_from(draw(st.sampled_from(LABELS)))]
    distinct = draw(st.lists(st.tuples(*cells).map(list), min_size=1, max_size=8))
    rows = draw(st.lists(st.sampled_from(distinct), min_size=2, max_size=14))
    return header, rows


def _as_text(cell: Cell) -> str | None:
    """A cell as a CSV file writes it; a JSON number as its JSON digits."""
    return cell if cell is None or isinstance(cell, str) else json.dumps(cell)


def write_table(path: Path, header: list[str], rows: list[list[Cell]]) -> None:
    """The table in the format its suffix names: a missing cell is an empty field, `null` or a
    Parquet null; a number is a JSON number only in JSON Lines, text elsewhere."""
    fmt = path.suffix[1:]
    if fmt in ("csv", "tsv"):
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
            writer.writerows([header, *[[_as_text(c) or "" for c in r] for r in rows]])
    elif fmt == "jsonl":
        path.write_text("".join(json.dumps(dict(zip(header, r, strict=True)), ensure_ascii=False) + "\n"
                                for r in rows), encoding="utf-8")
    else:
        columns = {name: pa.array([_as_text(r[i]) for r in rows], pa.string()) for i, name in enumerate(header)}
        pq.write_table(pa.table(columns), path)


def read_table(path: Path) -> tuple[list[str], list[list[str | None]]]:
    """Header and rows of a written table, each cell as text (None: missing), read without dataaudit."""
    fmt = path.suffix[1:]
    if fmt in ("csv", "tsv"):
        with path.open(newline="", encoding="utf-8") as handle:
            lines = list(csv.reader(handle, delimiter="," if fmt == "csv" else "\t"))
        # no cell of these tables is the empty text: an empty field is a missing cell
        return lines[0], [[cell or None for cell in line] for line in lines[1:]]
    if fmt == "jsonl":
        objects = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        header = list(objects[0]) if objects else []
        return header, [[_as_text(o.get(name)) for name in header] for o in objects]
    table = pq.read_table(path)
    return table.column_names, [[_as_text(v) for v in row.values()] for row in table.to_pylist()]


def clean(data: Path, out: Path, *options: str) -> dict:
    """`dataaudit clean` through click's runner, passed or failed gate alike; its manifest."""
    result = CliRunner().invoke(cli, ["clean", str(data), "-t", "label", "-o", str(out), "--force",
                                      "--allow-large-quarantine", *options])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(out.with_name(out.name.removesuffix(out.suffix) + ".manifest.json").read_text())


def refused(data: Path, out: Path) -> str:
    """`dataaudit clean` refusing its input: the one line it says, exit 2."""
    result = CliRunner().invoke(cli, ["clean", str(data), "-t", "label", "-o", str(out), "--force"])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    return result.stderr


def _quarantined(out: Path) -> list[int]:
    """The input rows the clean quarantined, from the quarantine's `_row` column."""
    held = out.with_name(out.name.removesuffix(out.suffix) + ".quarantine" + out.suffix)
    header, rows = read_table(held)
    return [int(row[header.index("_row")] or -1) for row in rows] if rows else []


def _dropped(manifest: dict) -> dict[str, str]:
    """The columns the clean dropped, each with why (`constant`, `empty once cleaned`, ...)."""
    notes = [note for step in manifest["steps"] if step["step"] == "drop_columns" for note in step["notes"]]
    return dict(re.findall(r"(\w+) \(([^)]*)\)", " ".join(notes)))


def _counts_every_row(manifest: dict, data: Path, out: Path) -> None:
    """Rows in = rows out + rows quarantined, in the manifest and in the files."""
    rows = manifest["rows"]
    assert rows["in"] == rows["out"] + rows["quarantined"]
    assert len(read_table(out)[1]) == rows["out"]
    assert len(_quarantined(out)) == rows["quarantined"]
    assert len(read_table(data)[1]) == rows["in"]


def _number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def _fold(label: str | None) -> str | float | None:
    """A label as `labels.variants` folds it: case, blanks and Unicode compatibility forms aside,
    `1.0` is `1`."""
    if label is None:
        return None
    number = _number(label)
    return unicodedata.normalize("NFKC", label).strip().casefold() if number is None else number


def _kept_as_written(header: list[str], rows: list[list[Cell]], out: Path) -> None:
    """Each kept cell is the input's text, or a change a default step names: a disguised missing
    value (a token, the sentinel) made missing, text trimmed, a label respelled as a variant."""
    quarantined = set(_quarantined(out))
    kept = [row for i, row in enumerate(rows) if i not in quarantined]
    written_header, written = read_table(out)
    assert set(written_header) <= set(header)
    labels = {_as_text(row[-1]) for row in rows}
    for before, after in zip(kept, written, strict=True):
        for name, cell in zip(written_header, after, strict=True):
            original = _as_text(before[header.index(name)])
            if cell == original:
                continue
            assert original is not None, (name, original, cell)
            disguised = original.strip().lower() in TOKENS or _number(original) in SENTINELS
            if cell is None:
                assert disguised, (name, original)
            elif name == "label":
                assert cell in labels and _fold(cell) == _fold(original), (original, cell)
            else:
                assert cell == original.strip(), (name, original, cell)


def _one_value_beside_missing(path: Path) -> set[str]:
    """The feature columns of a written table holding one value and a missing cell: the one
    thing a clean leaves that a second clean drops."""
    header, rows = read_table(path)
    found = set()
    for i, name in enumerate(header[:-1]):
        cells = [row[i] for row in rows]
        if None in cells and len({c for c in cells if c is not None}) == 1:
            found.add(name)
    return found


def _again_changes_nothing(out: Path, again: Path, reference: Path) -> None:
    """A clean of `out` into `again` writes `reference` (the bytes the first clean wrote, or
    those a clean with every step off writes), quarantining and dropping nothing. But for what
    docs/cleaning.md names: a column `out` holds with one value beside missing cells, which the
    audit finds constant and the clean drops; and JSON Lines cleaned into a format without JSON
    types, where `42` and `"42"` are one cell. Then the clean quarantines only rows that repeat
    another's features as it writes them (duplicates, conflicts), drops only those columns and
    what the quarantines leave constant, and a third clean changes nothing."""
    manifest = clean(out, again)
    _counts_every_row(manifest, out, again)
    dropped = _dropped(manifest)
    found = {name for name, why in dropped.items() if "once cleaned" not in why}
    typeless = out.suffix == ".jsonl" and again.suffix != ".jsonl"
    event(f"the second clean drops a column: {bool(found)}, into a format without JSON types: {typeless}")
    if not found and not (typeless and (dropped or manifest["rows"]["quarantined"])):
        assert manifest["rows"]["quarantined"] == 0 and not dropped
        assert again.read_bytes() == reference.read_bytes()
        return
    assert found <= _one_value_beside_missing(out)
    assert set(manifest.get("quarantine_reasons", {})) <= {"duplicate", "label_conflict", "minority_label"}
    header, rows = read_table(out)
    held = set(_quarantined(again))
    keep = [i for i, name in enumerate(header) if name not in dropped]
    features = [tuple(row[i] for i in keep[:-1]) for row in rows]
    for n in held:
        assert features.count(features[n]) > 1, rows[n]
    left = [row for n, row in enumerate(rows) if n not in held]
    for name in set(dropped) - found:
        assert len({row[header.index(name)] for row in left}) <= 1, name
    written_header, written = read_table(again)
    assert written == [[row[i] for i in keep] for row in left]
    third = again.with_name("third" + again.suffix)
    if not written and again.suffix == ".jsonl":
        assert "the file is empty" in refused(again, third)
        return
    assert written_header == [header[i] for i in keep]
    manifest = clean(again, third)
    assert manifest["rows"]["quarantined"] == 0 and not _dropped(manifest)
    assert third.read_bytes() == again.read_bytes()


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# what the search found, each allowed as docs/cleaning.md says: every row quarantined leaves an
# empty JSON Lines output; `cat` and `Cat` tied; `num` left one value beside `?`, whose drop makes
# a conflict that leaves `id` constant; `"42"` and `42`, two rows of JSON Lines, one in Parquet
@example(table=(["id", "num", "text", "label"], [["01234", "1", "red", "cat"], ["01234", "1", "red", "dog"]]),
         source="csv", target="jsonl", other="csv")
@example(table=(["id", "num", "text", "label"], [["01234", "1", "red", "cat"], ["01234", "1", "red", "Cat"]]),
         source="csv", target="csv", other="csv")
@example(table=(["id", "num", "text", "label"], [["01234", "1", "red", "?"], ["01234", "2.5", "red", "Ünï"],
                                                 ["01234", "?", "red", "cat"], ["42", "2.5", "red", "cat"]]),
         source="csv", target="csv", other="tsv")
@example(table=(["id", "num", "label"], [["42", 2, "cat "], [42, None, "cat"]]),
         source="jsonl", target="jsonl", other="parquet")
@given(table=messy_tables(), source=st.sampled_from(FORMATS), target=st.sampled_from(FORMATS),
       other=st.sampled_from(FORMATS))
def test_cleaning_a_cleaned_table_again_changes_nothing(tmp_path: Path, table: tuple[list[str], list[list[Cell]]],
                                                        source: str, target: str, other: str) -> None:
    header, rows = table
    data, out = tmp_path / f"in.{source}", tmp_path / f"out.{target}"
    write_table(data, header, rows)
    manifest = clean(data, out)
    _counts_every_row(manifest, data, out)
    _kept_as_written(header, rows, out)
    event(f"the first clean quarantines {min(manifest['rows']['quarantined'], 2)}+ rows, drops "
          f"{min(len(_dropped(manifest)), 2)}+ columns")
    if target == "jsonl" and manifest["rows"]["out"] == 0:
        # no line names a key: the empty file is refused as docs/cleaning.md says
        assert "the file is empty" in refused(out, tmp_path / "again.jsonl")
        return
    _again_changes_nothing(out, tmp_path / f"again.{target}", out)
    rules = tmp_path / "off.yaml"
    rules.write_text(STEPS_OFF)
    converted = tmp_path / f"converted.{other}"
    clean(out, converted, "-r", str(rules))
    _again_changes_nothing(out, tmp_path / f"across.{other}", converted)
