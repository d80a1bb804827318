"""Single cleaning steps and policies on small real files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler

import dataaudit
from dataaudit.errors import RulesError
from dataaudit.preprocess.numeric import Scale
from dataaudit.rules.load import dump, load_rules
from tests.cli_helpers import invoke


def _csv(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _pack(tmp_path: Path, text: str) -> Path:
    return _csv(tmp_path, text, "pack.yaml")


CONFLICTS = "id,f,label\nr0,1,a\nr1,1,a\nr2,1,b\nr3,2,a\nr4,2,b\nr5,3,c\nr5,3,c\n"


@pytest.mark.parametrize(("policy", "held"), [
    ("quarantine", {0: "label_conflict", 1: "label_conflict", 2: "label_conflict", 3: "label_conflict",
                    4: "label_conflict"}),
    ("majority", {2: "minority_label", 3: "label_conflict", 4: "label_conflict"}),
    ("keep", {}),
])
def test_conflict_policies(tmp_path: Path, policy: str, held: dict[int, str]) -> None:
    # row 6 repeats row 5 exactly: the duplicate step takes it before conflicts are judged
    pack = _pack(tmp_path, f"preprocess: {{conflicts: {policy}, allow_large_quarantine: true}}")
    result = dataaudit.clean(_csv(tmp_path, CONFLICTS), target="label", ignore_columns=["id"], rules=pack)
    assert dict(zip(result.quarantine["_row"], result.quarantine["_reason"], strict=True)) == {**held, 6: "duplicate"}
    assert len(result.data) == 7 - len(held) - 1


def test_feature_duplicates_ignore_the_ignored_columns(tmp_path: Path) -> None:
    data = _csv(tmp_path, "id,f,label\nr1,1,a\nr2,1,a\nr3,2,a\n")
    exact = dataaudit.clean(data, target="label", ignore_columns=["id"])
    features = dataaudit.clean(data, target="label", ignore_columns=["id"],
                               rules=_pack(tmp_path, "preprocess: {duplicates: features}"))
    assert exact.quarantine.empty
    assert features.quarantine[["_row", "_reason"]].values.tolist() == [[1, "duplicate"]]
    assert features.data["id"].tolist() == ["r1", "r3"]


def test_labels_take_the_allowed_spelling(tmp_path: Path) -> None:
    data = _csv(tmp_path, "f,label\n1,cat\n2,cat\n3,CAT\n4,Dog\n")
    result = dataaudit.clean(data, target="label", rules=_pack(tmp_path, "checks: {labels: {allowed: [Cat, dog]}}"))
    assert result.data["label"].tolist() == ["Cat", "Cat", "Cat", "dog"]
    plain = dataaudit.clean(data, target="label")
    assert plain.data["label"].tolist() == ["cat", "cat", "cat", "Dog"]


def test_sentinels_inside_the_range_of_real_values_are_data(tmp_path: Path) -> None:
    data = _csv(tmp_path, "low,high,label\n-999,5,a\n-2000,-999,b\n10,7,a\n")
    result = dataaudit.clean(data, target="label")
    assert result.data["low"].tolist() == [-999, -2000, 10]  # the values written: no step asked for numbers
    assert result.data["high"].isna().tolist() == [False, True, False]


def test_text_is_trimmed_and_nfkc_normalized_only_when_asked(tmp_path: Path) -> None:
    data = _csv(tmp_path, "colour,n,label\n\"ｒｅｄ \",1,a\n red,2,b\nblue,3,a\n")
    result = dataaudit.clean(data, target="label")
    assert result.data["colour"].tolist() == ["ｒｅｄ", "red", "blue"]
    steps = {row[0]: row for row in next(t for t in result.report.tables if t.id == "clean.steps").rows}
    assert steps["normalize_text"][1] == 2
    folded = dataaudit.clean(data, target="label", rules=_pack(tmp_path, "preprocess: {normalize_unicode: true}"))
    assert folded.data["colour"].tolist() == ["red", "red", "blue"]


def test_a_value_that_is_not_a_number_is_quarantined_with_training_state(tmp_path: Path) -> None:
    train = _csv(tmp_path, "n,label\n1,a\n2,b\n3,a\n", "train.csv")
    val = _csv(tmp_path, "n,label\n4,a\nfour,b\n5,a\n", "val.csv")
    fitted = dataaudit.clean(train, target="label", rules=_pack(tmp_path, "preprocess: {coerce_numeric: true}")).fitted
    # the only 'b' row goes, which without allowing it is refused
    result = dataaudit.clean(val, fitted=fitted, allow_large_quarantine=True)
    assert result.quarantine[["_row", "_reason", "n"]].values.tolist() == [[1, "not_a_number", "four"]]
    assert result.data["n"].tolist() == [4, 5]
    cleaner = dataaudit.Cleaner(target="label", impute=None, scale=None, encode=None)
    out = cleaner.fit(pd.read_csv(train)).transform(pd.read_csv(val, dtype=str))
    assert out["n"].isna().tolist() == [False, True, False]


def test_constant_and_empty_columns_are_dropped(tmp_path: Path) -> None:
    data = _csv(tmp_path, "c,e,f,label\nv,?,1,a\nv,,2,b\nv,NA,3,a\n")
    result = dataaudit.clean(data, target="label")
    assert list(result.data.columns) == ["f", "label"]
    kept = dataaudit.clean(data, target="label", rules=_pack(
        tmp_path, "preprocess: {drop_constant_columns: false, drop_empty_columns: false}"))
    assert list(kept.data.columns) == ["c", "e", "f", "label"]


# the first rows of cars.csv (vega-datasets==0.9.0, `vega_datasets/_data/cars.json`), as pandas
# writes floats: `18.0`, which a float prints `18`, so the column's numbers are kept as text
SPELLED_FLOATS = ("mpg,hp,zip,origin\n18.0,130.0,00123,USA\n15.0,,00501,USA\n,150.0,00123,Europe\n"
                  "16.0,150.0,,USA\n17.5,140.0,00123,Japan\n")


def test_scaling_makes_floats_kept_as_text_numbers(tmp_path: Path) -> None:
    """A float column spelled as pandas writes floats (`18.0`) stays text where no step rewrites
    its numbers; with `scale`, which rewrites every one, it is numbers, filled with the numeric
    fill and scaled as scikit-learn would, where it was filled with its most frequent text and
    passed over. A column of codes (`00123`) stays text."""
    pack = _pack(tmp_path, "preprocess:\n  impute: {numeric: median, categorical: most_frequent}\n"
                           "  scale: standard\n")
    result = dataaudit.clean(_csv(tmp_path, SPELLED_FLOATS), target="origin", rules=pack)
    mpg = np.array([18.0, 15.0, np.nan, 16.0, 17.5])
    mpg[2] = np.nanmedian(mpg)
    expected = StandardScaler().fit_transform(mpg.reshape(-1, 1)).ravel()
    np.testing.assert_allclose(result.data["mpg"].to_numpy(dtype=float), expected, rtol=1e-12)
    assert result.data["zip"].tolist() == ["00123", "00501", "00123", "00123", "00123"]
    steps = {s["step"]: s for s in result.manifest["steps"]}
    assert steps["scale"]["notes"] == ["standard scaling of 2 columns"]


def test_encoding_takes_floats_kept_as_text_for_numbers_not_categories(tmp_path: Path) -> None:
    """One-hot encoding makes a category of each text: a float column so kept would become a
    column per number. With `encode` on it is numbers, filled with its median."""
    pack = _pack(tmp_path, "preprocess:\n  impute: {numeric: median}\n  encode: {method: onehot}\n")
    result = dataaudit.clean(_csv(tmp_path, SPELLED_FLOATS), target="origin", rules=pack)
    assert result.data["mpg"].tolist() == [18.0, 15.0, 16.75, 16.0, 17.5]
    assert not [c for c in result.data.columns if c.startswith("mpg_")]


def test_imputing_floats_kept_as_text_fills_their_numeric_statistic_as_text(tmp_path: Path) -> None:
    """Without `scale` the column stays text, each number as written; its nulls take the
    median of its numbers (`16.75`, written as a float prints), not its most frequent text."""
    pack = _pack(tmp_path, "preprocess:\n  impute: {numeric: median, categorical: most_frequent}\n")
    result = dataaudit.clean(_csv(tmp_path, SPELLED_FLOATS), target="origin", rules=pack)
    written = result.tables[0]  # the cells as written (the frame types `16.75` as the float it is)
    assert written.column("mpg").to_pylist() == ["18.0", "15.0", "16.75", "16.0", "17.5"]
    assert written.column("hp").to_pylist() == ["130.0", "145.0", "150.0", "150.0", "140.0"]
    assert written.column("zip").to_pylist() == ["00123", "00501", "00123", "00123", "00123"]  # a code


@pytest.mark.parametrize(("method", "reference"), [("standard", StandardScaler), ("minmax", MinMaxScaler),
                                                     ("robust", RobustScaler)])
def test_scaling_fitted_chunk_by_chunk_equals_scikit_learn(method: str, reference: type) -> None:
    rng = np.random.default_rng(0)
    values = rng.normal(5, 3, size=(1_000, 2))
    values[rng.random((1_000, 2)) < 0.1] = np.nan
    batch = pa.RecordBatch.from_arrays([pa.array(values[:, 0], from_pandas=True),
                                        pa.array(values[:, 1], from_pandas=True)], names=["a", "b"])
    step = Scale(method=method).fit(batch.slice(i, 97) for i in range(0, 1_000, 97))
    out = step.transform(batch)
    expected = reference().fit(values).transform(values)
    got = np.column_stack([out.column(n).to_numpy(zero_copy_only=False) for n in ("a", "b")])
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)


def test_the_preprocess_section_is_validated_with_its_line(tmp_path: Path) -> None:
    pack = _pack(tmp_path, "description: x\npreprocess:\n  conflicts: vote\n")
    with pytest.raises(RulesError, match=r"pack.yaml:3: preprocess.conflicts: Input should be"):
        load_rules(pack)
    _, stderr = invoke(["clean", _csv(tmp_path, "f,label\n1,a\n"), "-t", "label", "-r", pack,
                        "-o", tmp_path / "out.csv"], 2)
    assert "pack.yaml:3: preprocess.conflicts" in stderr


def test_rules_show_spells_out_the_preprocess_defaults() -> None:
    text = dump(load_rules("default").rules)
    assert "preprocess:" in text and "conflicts: quarantine" in text and "scale: none" in text


def _missing_to_null_of(tmp_path: Path, tokens: tuple[str, ...] = ("?", "NA", "")) -> tuple:
    from dataaudit.preprocess.missing import MissingToNull

    rows = ["a,b,c,label", *(f"{i}.5,{'?' if i % 7 == 0 else 'x'},{-999 if i % 11 == 0 else i},y{i % 2}"
                             for i in range(60))]
    path = tmp_path / "tokens.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    profile = dataaudit.audit(str(path), target="label").profile
    step = MissingToNull(tokens=tokens).fit(profile=profile)
    batch = pa.csv.read_csv(path, convert_options=pa.csv.ConvertOptions(
        column_types={c: pa.string() for c in ("a", "b", "c", "label")})).to_batches()[0]
    return step, profile, batch


def test_missing_to_null_searches_only_where_the_audit_of_the_same_rows_found_disguised_values(tmp_path: Path) -> None:
    step, profile, batch = _missing_to_null_of(tmp_path)
    narrowed = step.where_found(profile)
    assert set(step.columns_) == {"a", "b", "c", "label"}
    assert narrowed.columns_ == [c for c in step.columns_ if c in ("b", "c")]  # `a` and `label` hold none
    mine, theirs = narrowed.transform_counted(batch), step.transform_counted(batch)
    assert mine[0].equals(theirs[0])
    assert mine[1].to_dict() == theirs[1].to_dict()
    assert mine[1].cells == {"b": 9, "c": 6}


def test_a_token_written_as_a_number_keeps_every_column_searched(tmp_path: Path) -> None:
    """The audit counts a column of numbers on its numeric path, which sees no such token."""
    step, profile, _ = _missing_to_null_of(tmp_path, tokens=("?", "0.5"))
    assert step.where_found(profile).columns_ == step.columns_


def test_a_narrowed_step_fitted_again_forgets_what_the_first_audit_found() -> None:
    """A narrowing holds for the rows it was found in: refitted on others, a step looks everywhere."""
    from dataaudit.preprocess.missing import MissingToNull
    from dataaudit.preprocess.text import NormalizeText

    first = pd.DataFrame({"t": ["?", "x", "y", "x"], "u": ["a", "b", "c", "d"], "label": ["p", "q", "p", "q"]})
    profile = dataaudit.audit(first, target="label").profile
    steps = [MissingToNull().fit(profile=profile), NormalizeText().fit(profile=profile)]
    narrowed = [step.where_found(profile) for step in steps]
    assert narrowed[0].found == {"t": ["?"]} and narrowed[1].found == frozenset()
    later = pd.DataFrame({"t": ["x", "y", "x", "y"], "u": ["NA", " b", "c ", "d"], "label": ["p", "q", "p", "q"]})
    cleaned = later
    for step in narrowed:
        cleaned = step.fit(later).transform(cleaned)
        assert step.found is None
    assert pd.isna(cleaned["u"][0]) and cleaned["u"].tolist()[1:] == ["b", "c", "d"]


SPELLINGS = ["?", " ? ", "NA", "na", " N/A", "null", "NULL ", "", "x", "y z", "-", "nan"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(SPELLINGS), min_size=1, max_size=40), st.lists(st.sampled_from(SPELLINGS), max_size=40))
def test_missing_to_null_by_the_spellings_the_audit_found_nulls_what_the_full_search_nulls(
        tmp_path: Path, cells: list[str], others: list[str]) -> None:
    """Tokens trimmed, folded or exact, in a column the audit read: looked up as spelled there."""
    from dataaudit.preprocess.missing import MissingToNull

    other = (others * len(cells))[:len(cells)] if others else ["x"] * len(cells)
    frame = pd.DataFrame({"t": cells, "u": other, "label": ["a", "b"] * (len(cells) // 2) + ["a"] * (len(cells) % 2)})
    batch = pa.RecordBatch.from_pandas(frame, preserve_index=False)
    profile = dataaudit.audit(frame, target="label").profile
    step = MissingToNull().fit(profile=profile)
    narrowed = step.where_found(profile)
    mine, theirs = narrowed.transform_counted(batch), step.transform_counted(batch)
    assert mine[0].equals(theirs[0])
    assert mine[1].to_dict() == theirs[1].to_dict()


def test_the_audit_counts_the_text_cells_trimming_would_rewrite_tokens_aside(tmp_path: Path) -> None:
    path = _csv(tmp_path, 'id,t,u,w,label\n1, x,a,1,p\n2,y ,b,  ,q\n3,x,c,2,p\n4,"\tz",d,3,q\n5,  ,e, ,p\n')
    columns = {c.name: c for c in dataaudit.audit(path, target="label").profile.columns}
    assert {name: c.padded for name, c in columns.items()} == {"id": 0, "t": 3, "u": 0, "w": 0, "label": 0}
    assert columns["t"].tokens == {"  ": 1} and columns["w"].tokens == {"  ": 1, " ": 1}


def test_normalize_text_trims_only_where_the_audit_of_the_same_rows_found_blanks(tmp_path: Path) -> None:
    from dataaudit.preprocess.missing import MissingToNull
    from dataaudit.preprocess.text import NormalizeText

    frame = pd.DataFrame({"t": [" x", "y", "  ", "x"], "u": ["a", "b", "c", "d"], "w": ["a", "  ", "b", "a"],
                          "label": ["p", "q", "p", "q"]})
    profile = dataaudit.audit(frame, target="label").profile
    step = NormalizeText().fit(profile=profile)
    assert step.columns_ == ["t", "u", "w"]
    nulling = [MissingToNull()]
    assert step.where_found(profile, nulling).found == {"t"}
    assert step.where_found(profile).found == {"t", "w"}  # `w`'s `"  "` is trimmed to ""
    assert NormalizeText(unicode=True).fit(profile=profile).where_found(profile, nulling).found is None
    batch = pa.RecordBatch.from_pandas(frame, preserve_index=False)
    nulled = MissingToNull().fit(profile=profile).transform(batch)
    for tokens_nulled, rows in ((True, nulled), (False, batch)):
        mine = step.where_found(profile, nulling if tokens_nulled else []).transform_counted(rows)
        theirs = step.transform_counted(rows)
        assert mine[0].equals(theirs[0]) and mine[1].to_dict() == theirs[1].to_dict()


PADDED = ["x", " x", "x ", "\tx", "\u00a0x", "x\u3000", "two words", "  ", "", "?", " NA ", "1", " 1", None]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PADDED), min_size=1, max_size=40), st.lists(st.sampled_from(PADDED), max_size=40),
       st.booleans())
@example(["x", "  "], ["y"], False)  # the only blanks are a token's, which no step before this one nulled
@example(["x", " NA "], ["\u00a0x"], True)
def test_normalize_text_where_the_audit_found_blanks_trims_what_it_trims_everywhere(
        tmp_path: Path, cells: list[str | None], others: list[str | None], after_missing: bool) -> None:
    """Blanks of every kind, around words, numbers and tokens; after `missing_to_null` or alone."""
    from dataaudit.preprocess.missing import MissingToNull
    from dataaudit.preprocess.text import NormalizeText

    other = (others * len(cells))[:len(cells)] if others else ["x"] * len(cells)
    frame = pd.DataFrame({"t": cells, "u": other, "label": ["a", "b"] * (len(cells) // 2) + ["a"] * (len(cells) % 2)})
    batch = pa.RecordBatch.from_pandas(frame, preserve_index=False)
    profile = dataaudit.audit(frame, target="label").profile
    if after_missing:
        batch = MissingToNull().fit(profile=profile).transform(batch)
    step = NormalizeText().fit(profile=profile)
    mine = step.where_found(profile, [MissingToNull()] if after_missing else []).transform_counted(batch)
    theirs = step.transform_counted(batch)
    assert mine[0].equals(theirs[0])
    assert mine[1].to_dict() == theirs[1].to_dict()


def _dictionary_parquet(tmp_path: Path) -> Path:
    """A Parquet file whose text columns are stored dictionary-encoded, read back as such."""
    path = tmp_path / "encoded.parquet"
    columns = {"c": ["NA", "a", "b", "n/a", "a", "b", "?", "c"], "t": [" x", "y ", "x", "y", "x", "y", "x", "y"],
               "n": ["1", "2", "3", "4", "5", "6", "7", "8"]}
    pq.write_table(pa.table({**{name: pa.array(cells).dictionary_encode() for name, cells in columns.items()},
                             "label": list("abababab")}), path)
    return path


def test_a_dictionary_encoded_text_column_is_cleaned_as_plain_text(tmp_path: Path) -> None:
    data = _dictionary_parquet(tmp_path)
    out = tmp_path / "out.parquet"
    invoke(["clean", data, "-t", "label", "-o", out, "--force"], 1)
    steps = {step["step"]: step for step in json.loads((tmp_path / "out.manifest.json").read_text())["steps"]}
    assert (steps["missing_to_null"]["rows_changed"], steps["normalize_text"]["rows_changed"]) == (3, 2)
    table = pq.read_table(out)
    assert table.column("c").to_pylist() == [None, "a", "b", None, "a", "b", None, "c"]
    assert table.column("t").to_pylist() == ["x", "y", "x", "y", "x", "y", "x", "y"]
    assert table.schema.field("c").type == pq.read_schema(data).field("c").type  # still dictionary-encoded
    assert table.schema.field("t").type == pq.read_schema(data).field("t").type


def test_a_dictionary_encoded_column_is_coerced_imputed_and_encoded(tmp_path: Path) -> None:
    data = _dictionary_parquet(tmp_path)
    result = dataaudit.clean(data, target="label", rules=_pack(tmp_path, "preprocess: {coerce_numeric: true}"))
    assert result.data["n"].tolist() == [1, 2, 3, 4, 5, 6, 7, 8]
    imputed = dataaudit.clean(data, target="label", rules=_pack(
        tmp_path, "preprocess: {impute: {categorical: most_frequent}}"))
    assert imputed.data["c"].tolist() == ["a", "a", "b", "a", "a", "b", "a", "c"]  # the three tokens, nulled, filled
    encoded = dataaudit.clean(data, target="label", rules=_pack(tmp_path, "preprocess: {encode: {method: ordinal}}"))
    assert encoded.data["t"].tolist() == [0, 1, 0, 1, 0, 1, 0, 1]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from([*SPELLINGS, " x", "y "]), min_size=1, max_size=30))
def test_a_dictionary_encoded_column_cleans_to_the_values_of_the_plain_column(cells: list[str]) -> None:
    """Whatever the column's values, the steps that rewrite them read its encoding as its values."""
    from dataaudit.preprocess.missing import MissingToNull
    from dataaudit.preprocess.text import NormalizeText

    frame = pd.DataFrame({"t": cells, "label": ["a", "b"] * (len(cells) // 2) + ["a"] * (len(cells) % 2)})
    profile = dataaudit.audit(frame, target="label").profile
    plain = pa.RecordBatch.from_pandas(frame, preserve_index=False)
    encoded = plain.set_column(0, "t", plain.column(0).dictionary_encode())
    for step in (MissingToNull().fit(profile=profile), NormalizeText().fit(profile=profile)):
        (of_plain, plain_tally), (of_encoded, encoded_tally) = (step.transform_counted(b) for b in (plain, encoded))
        assert of_encoded.column(0).type == encoded.column(0).type
        assert of_encoded.column(0).to_pylist() == of_plain.column(0).to_pylist()
        assert encoded_tally.to_dict() == plain_tally.to_dict()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet=st.sampled_from("ab \t\n\u00a0\u3000\u2003é\x01~!")),
                          st.text()), max_size=20))
def test_normalize_text_trims_every_cell_that_trimming_changes(cells: list[str | None]) -> None:
    """Whatever the texts (blanks ASCII or not, controls, none at all), the step writes each
    cell trimmed and counts exactly the cells trimming changes: a column it skips is one
    trimming would leave as it is."""
    from dataaudit.preprocess.text import NormalizeText

    step = NormalizeText()
    step.columns_ = ["t"]
    batch = pa.RecordBatch.from_pydict({"t": pa.array(cells, pa.string())})
    out, tally = step.transform_counted(batch)
    trimmed = pc.utf8_trim_whitespace(batch.column(0)).to_pylist()
    assert out.column(0).to_pylist() == trimmed
    assert tally.cells.get("t", 0) == sum(a != b for a, b in zip(cells, trimmed, strict=True))


def test_a_row_step_that_took_one_row_says_row(tmp_path: Path) -> None:
    """The steps table names one quarantined row in the singular, two in the plural."""
    data = tmp_path / "one.csv"
    data.write_text("a,b,label\n1,2,x\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n9,9,\n9,9,\n", encoding="utf-8")
    out, _ = invoke(["clean", data, "-t", "label", "-o", tmp_path / "out.csv"], 1)  # 4 rows left fail the gate
    assert "1 row repeating an earlier row (the first is kept)" in out
    assert "2 rows without a label" in out
