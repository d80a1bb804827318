"""The Python API takes columns as a DataFrame names them and refuses arguments it cannot use
with one clear error. Before:

- a frame with columns `0` and `"0"` was audited and cleaned with one of them lost and the
  other's values under its name, and duplicate names ended in pandas' `KeyError`;
- a target named as the frame names it (`3`, after `read_csv(header=None)`) ended in a
  `TypeError`, and `Cleaner(target=2)` passed the label to the model as a feature;
- `Cleaner.transform` compared only the number of columns (a renamed column went through
  unscaled; columns in another order reached the model in that order) and dropped X's index;
- malformed `quarantine_rows`, `chunk_rows=0` and `write_to` of an existing file ended in
  internal errors or named the command line's `--force`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import dataaudit
from dataaudit.errors import InputError, OutputError

ROWS = 40


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    return pd.DataFrame({"num": rng.random(ROWS).round(4), "txt": rng.choice(["red", "blue", "green"], ROWS),
                         "label": rng.choice(["p", "q"], ROWS)})


@pytest.mark.parametrize(("columns", "call"), [
    ([0, "0", "label"], "audit"), ([0, "0", "label"], "clean"), ([0, "0", "label"], "Cleaner"),
    (["a", "a", "label"], "audit"), (["a", "a", "label"], "clean"),  # scikit-learn refuses these before a Cleaner
])
def test_two_columns_of_one_name_are_refused(columns: list, call: str) -> None:
    frame = pd.DataFrame([[i, i * 10, "pq"[i % 2]] for i in range(ROWS)], columns=columns)
    with pytest.raises(InputError, match=r"the DataFrame has two columns named '(0|a)'"):
        if call == "Cleaner":
            dataaudit.Cleaner(target="label").fit(frame)
        else:
            getattr(dataaudit, call)(frame, target="label")


def test_a_target_named_as_the_frame_names_it() -> None:
    raw = _frame()
    raw.columns = range(3)
    assert dataaudit.audit(raw, target=2).target == "2"
    cleaned = dataaudit.clean(raw, target=2, ignore_columns=(1,))
    assert list(cleaned.data.columns) == [0, 1, 2] and len(cleaned.data) + len(cleaned.quarantine) == ROWS
    gate = dataaudit.AuditGate().fit(raw[[0, 1]], raw[2])
    assert gate.report_.target == "2"
    assert dataaudit.AuditGate().fit(raw[[0, 1]], raw[2].rename(("t", "label"))).report_.target == "('t', 'label')"


def test_a_cleaner_never_gives_the_model_its_label_whatever_its_name() -> None:
    raw = _frame()
    raw.columns = range(3)
    out = dataaudit.Cleaner(target=2).fit_transform(raw)
    assert not any(str(column).startswith("2") for column in out.columns)
    assert list(out.columns) == list(dataaudit.Cleaner(target=2).fit(raw).get_feature_names_out())


def test_a_cleaner_reads_columns_by_name_and_keeps_the_index() -> None:
    frame = _frame().set_index(pd.RangeIndex(100, 100 + ROWS))
    features = frame.drop(columns="label")
    cleaner = dataaudit.Cleaner(target="label").fit(frame)
    expected = cleaner.transform(features)
    assert list(expected.index) == list(frame.index)
    pd.testing.assert_frame_equal(cleaner.transform(features[["txt", "num"]]), expected)
    pd.testing.assert_frame_equal(cleaner.transform(frame), expected)  # the label read and left out
    # an array's columns are those of `fit`, by position
    assert cleaner.transform(frame.to_numpy()).to_numpy().tolist() == expected.to_numpy().tolist()
    with pytest.raises(ValueError, match=r"missing \['num'\], unknown \['zzz'\]"):
        cleaner.transform(features.rename(columns={"num": "zzz"}))


@pytest.mark.parametrize(("rows", "says"), [
    ({"r3": "x"}, r"'r3' is no row position"),
    ({1.0: "x"}, r"1\.0 is no row position"),
    ({True: "x"}, r"True is no row position"),
    ({3: ("bad",)}, r"row 3: \('bad',\) is no reason"),
    ({3: 5}, r"row 3: 5 is no reason"),
])
def test_rows_to_quarantine_given_otherwise_are_refused(rows: dict, says: str) -> None:
    with pytest.raises(InputError, match=says):
        dataaudit.clean(_frame(), target="label", quarantine_rows=rows)


@pytest.mark.parametrize("rows", [[3, 5], {3, 5}, np.array([3, 5])])
def test_rows_to_quarantine_without_reasons_are_refused(rows: object) -> None:
    with pytest.raises(InputError, match=r"quarantine_rows must map each row's 0-based position to a reason"):
        dataaudit.clean(_frame(), target="label", quarantine_rows=rows)  # type: ignore[arg-type]


def test_rows_to_quarantine_by_position_with_a_score() -> None:
    cleaned = dataaudit.clean(_frame(), target="label", quarantine_rows={np.int64(3): ("why", 0.9), 5: "because"},
                              allow_large_quarantine=True)
    assert cleaned.quarantine.loc[cleaned.quarantine["_row"] == 5, "_reason"].tolist() == ["because"]
    assert 3 in set(cleaned.quarantine["_row"])


@pytest.mark.parametrize("chunk_rows", [0, -1, 2.5, True])
def test_a_chunk_of_no_rows_is_refused(chunk_rows: object) -> None:
    with pytest.raises(InputError, match="chunk_rows must be a whole number of rows, at least 1"):
        dataaudit.audit(_frame(), target="label", chunk_rows=chunk_rows)


def test_writing_over_a_file_names_the_keyword(tmp_path: Path) -> None:
    cleaned = dataaudit.clean(_frame(), target="label")
    cleaned.write_to(tmp_path / "out.csv")
    with pytest.raises(OutputError, match=r"out\.csv: already exists; pass force=True to overwrite it"):
        cleaned.write_to(tmp_path / "out.csv")
    cleaned.write_to(tmp_path / "out.csv", force=True)


@pytest.mark.parametrize("splits", [[_frame()], _frame()])
def test_splits_that_name_no_split_are_refused(splits: object) -> None:
    """Every split is compared under its name: a list or a lone frame names none."""
    with pytest.raises(InputError, match=r"splits must map each split's name to its data"):
        dataaudit.audit(_frame(), target="label", splits=splits)  # type: ignore[arg-type]


def test_one_evaluation_set_field_or_language_given_alone_is_one(tmp_path: Path) -> None:
    """A path or a text alone is not taken for its letters (`/` read as an evaluation set)."""
    evals = tmp_path / "evals.jsonl"
    evals.write_text('{"question": "what is the capital of france and why is it there at all"}\n', encoding="utf-8")
    frame = pd.DataFrame({"text": [f"an example text number {i} with a few words in it" for i in range(ROWS)]
                          + ["so what is the capital of france and why is it there at all then"],
                          "label": ["p", "q"] * (ROWS // 2) + ["p"]})

    def checks(**options: object) -> list[tuple[str, str | None]]:
        report = dataaudit.audit(frame, target="label", text_columns=["text"], **options)  # type: ignore[arg-type]
        return sorted((f.check, f.message) for f in report.findings)

    alone = checks(eval_sets=str(evals), eval_fields="question", language="en")
    assert alone == checks(eval_sets=[evals], eval_fields=["question"], language=["en"])
    assert any(check.startswith("contamination") for check, _ in alone)


class _TokenizerInMemory:
    def save_pretrained(self, folder: str) -> None:
        raise AssertionError("never saved by the audit")


@pytest.mark.parametrize(("tokenizer", "says"), [
    (_TokenizerInMemory(), r"_TokenizerInMemory \(save it with \.save_pretrained\(folder\) and give the folder\)$"),
    (123, r"int$"),
])
def test_a_tokenizer_of_another_kind_is_refused_naming_the_argument(tokenizer: object, says: str) -> None:
    frame = pd.DataFrame({"text": ["a few words of text"] * 4, "label": ["p", "q"] * 2})
    with pytest.raises(InputError, match=r"^tokenizer must be a model's tokenizer folder or its tokenizer\.json "
                                         rf"on disk, not a {says}"):
        dataaudit.audit(frame, target="label", text_columns=["text"], tokenizer=tokenizer)  # type: ignore[arg-type]


@pytest.mark.parametrize("call", ["audit", "clean", "AuditGate", "Cleaner"])
def test_a_target_given_as_the_labels_themselves_is_refused(call: str) -> None:
    """`target=y`, as `fit(X, y)` takes labels: refused by name, not quoted whole as a column."""
    frame = _frame()
    labels = frame.pop("label")
    says = r"^target names a column \(such as 'label', .*\), not its values: got a Series$"
    with pytest.raises(InputError, match=says):
        if call in ("audit", "clean"):
            getattr(dataaudit, call)(frame, target=labels)
        else:
            getattr(dataaudit, call)(target=labels).fit(frame, labels)
