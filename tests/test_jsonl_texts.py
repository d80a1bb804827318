"""The text a JSON Lines value is read as, from real files.

A string or a null is itself, an integer its digits, a number with a fraction or an exponent its
text as the line writes it, a boolean `true`/`false`, an object or an array the JSON of its values
with their numbers as floats. A line with a byte-order mark inside the file, or with a lone
surrogate escape beside numbers, is a bad line named as before.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from dataaudit.io import open_source


def _read(path: Path, bad_rows: str = "error") -> tuple[pa.Table, list[tuple[int | None, str]]]:
    source = open_source(path, bad_rows=bad_rows)
    table = pa.Table.from_batches(list(source.batches()))
    return table, [(p.line, p.problem) for p in source.problems]


def test_each_kind_of_value_is_read_as_its_text(tmp_path: Path) -> None:
    data = tmp_path / "kinds.jsonl"
    data.write_text(
        '{"s": "x", "i": 12, "f": 2.50, "e": 1E+03, "b": true, "n": null, "o": {"a": 1.50, "b": [1e-7, 2]}}\n'
        '{"s": "", "i": -0, "f": -0.0, "e": 5e-324, "b": false, "n": null, "o": [NaN, Infinity, "t"]}\n',
        encoding="utf-8")
    table, problems = _read(data)
    assert problems == []
    assert table.to_pydict() == {
        "s": ["x", ""], "i": ["12", "-0"], "f": ["2.50", "-0.0"], "e": ["1E+03", "5e-324"],
        "b": ["true", "false"], "n": [None, None],
        "o": ['{"a": 1.5, "b": [1e-07, 2]}', '[null, 1e999, "t"]'],
    }


def test_a_column_of_numbers_is_known_as_one_and_a_column_with_a_string_is_not(tmp_path: Path) -> None:
    data = tmp_path / "numbers.jsonl"
    data.write_text('{"x": 1.5, "y": 1, "z": "2"}\n{"x": 2, "y": null, "z": 3}\n', encoding="utf-8")
    source = open_source(data)
    list(source.batches())
    assert source.json_numbers == {"x", "y"}


def test_a_byte_order_mark_inside_the_file_and_a_lone_surrogate_are_bad_lines(tmp_path: Path) -> None:
    data = tmp_path / "bad.jsonl"
    data.write_text('{"x": 1.5}\n\ufeff{"x": 2.5}\n{"x": 3.5, "y": "\\ud800"}\n{"x": 4.5, "y": "\\ud83d\\ude00"}\n',
                    encoding="utf-8")
    table, problems = _read(data, bad_rows="skip")
    assert problems == [(2, "not valid JSON (Unexpected UTF-8 BOM (decode using utf-8-sig) at column 1)"),
                        (3, "a lone surrogate (\\ud800) in a string: JSON text no UTF-8 holds")]
    assert table.column("x").to_pylist() == ["1.5", "4.5"]
    assert table.column("y").to_pylist() == [None, "\U0001f600"]


_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(),
                     st.floats(allow_nan=False, allow_infinity=False))
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3)
                       | st.dictionaries(st.text(max_size=3), inner, max_size=3), max_leaves=6)
#: how a line may spell a float: as Python prints it, with an exponent, with trailing zeros
_SPELLINGS = st.sampled_from([repr, lambda f: f"{f:.6e}", lambda f: f"{f:.12f}".rstrip("0") + "00"])


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.dictionaries(st.sampled_from("abc"), _VALUES, min_size=1), min_size=1, max_size=8),
       spell=_SPELLINGS)
def test_every_value_reads_as_its_json_with_top_level_numbers_as_written(tmp_path_factory, rows, spell) -> None:
    path = tmp_path_factory.mktemp("jsonl") / "data.jsonl"
    # top-level floats are written in the drawn spelling, which the reader must keep
    written = [{key: spell(value) for key, value in row.items() if type(value) is float} for row in rows]
    lines = ["{" + ", ".join(f"{json.dumps(key)}: {spelled.get(key) or json.dumps(value, ensure_ascii=False)}"
                             for key, value in row.items()) + "}" for row, spelled in zip(rows, written, strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table, problems = _read(path)
    assert problems == []
    for name in table.column_names:
        expected = []
        for row, spelled in zip(rows, written, strict=True):
            value = row.get(name)
            if name in spelled:
                expected.append(spelled[name])
            elif value is None or isinstance(value, str):
                expected.append(value)
            else:
                expected.append(json.dumps(value, ensure_ascii=False))
        assert table.column(name).to_pylist() == expected


def test_a_nested_value_is_strict_json_and_a_float_its_own_text() -> None:
    """A quoted row shows a float NaN as `NaN`, no text `null`; within an object or array, which
    is JSON to its readers, NaN is null and an infinity `1e999`."""
    from dataaudit.io.nested import json_text

    assert [json_text(v) for v in (float("nan"), float("inf"), 1.5, True)] == ["NaN", "Infinity", "1.5", "true"]
    assert json_text({"a": [float("nan"), float("-inf")], "b": "NaN"}) == '{"a": [null, -1e999], "b": "NaN"}'
