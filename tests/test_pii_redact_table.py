"""`dataaudit clean --redact` on a table: each personal value and secret in a text column becomes
its placeholder, every other cell is written as the clean writes it without the option, rows in
are rows out, and the manifest counts the replacements per kind and column as a fine-tuning
file's clean counts them per kind and role."""

from __future__ import annotations

import csv
import functools
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dataaudit import audit
from dataaudit.datasets.pii_corpus import LabelledText
from dataaudit.pii.detect import find_pii
from dataaudit.preprocess.clean import clean_files
from dataaudit.profile.pii import PII_KINDS
from tests.cli_helpers import invoke, run
from tests.pii_helpers import carriers, write_planted_table

RUNNERS = {"run": functools.partial(run, timeout=300), "invoke": invoke}


def _redacted(text: str, texts: list[LabelledText]) -> str:
    """`text` (a cleaned file's, or a column's values joined) with each planted value replaced,
    in row order, by its placeholder: the first occurrence left is the row's own."""
    for item in texts:
        for kind, value in item.planted:
            assert value in text
            text = text.replace(value, PII_KINDS[kind][1], 1)
    return text


def _pii_statuses(path: Path) -> dict[str, str]:
    report = audit(str(path), "label", text_columns=["review"])
    return {c.check: c.status for c in report.checks if c.check.startswith("pii.")}


@pytest.mark.parametrize("runner", ["run", "invoke"])
def test_a_csv_round_trip_replaces_each_planted_value_and_nothing_else(tmp_path: Path, runner: str) -> None:
    source = tmp_path / "reviews.csv"
    texts, planted = write_planted_table(source, 120, seed=7)
    assert set(planted) == set(PII_KINDS)
    plain, redacted = tmp_path / "plain.csv", tmp_path / "redacted.csv"
    RUNNERS[runner](["clean", source, "-t", "label", "-o", plain, "-q"], 1)
    _, err = RUNNERS[runner](["clean", source, "-t", "label", "-o", redacted, "--redact", "pii", "-q"], 0)
    rows_redacted = sum(1 for item in texts if item.planted)
    assert f"120 rows written to {redacted} ({rows_redacted} redacted)" in err
    # the file as the clean writes it without --redact, each planted value replaced: to the byte
    assert redacted.read_text("utf-8") == _redacted(plain.read_text("utf-8"), texts)
    rows_in = list(csv.DictReader(io.StringIO(source.read_text("utf-8"))))
    rows_out = list(csv.DictReader(io.StringIO(redacted.read_text("utf-8"))))
    assert len(rows_out) == len(rows_in) == 120
    for row_in, row_out in zip(rows_in, rows_out, strict=True):
        assert {k: v for k, v in row_out.items() if k != "review"} == {k: v for k, v in row_in.items()
                                                                       if k != "review"}
    manifest = json.loads((tmp_path / "redacted.manifest.json").read_text("utf-8"))
    assert manifest["redactions"] == {kind: {"review": n} for kind, n in planted.items()}
    assert list(manifest["redactions"]) == [kind for kind in PII_KINDS if kind in planted]
    assert manifest["rows"] == {"in": 120, "out": 120, "quarantined": 0, "redacted": rows_redacted}
    assert manifest["parameters"]["redact"] == list(PII_KINDS)
    assert _pii_statuses(redacted) == {"pii.secrets": "passed", "pii.personal": "passed"}
    assert _pii_statuses(plain) == {"pii.secrets": "fail", "pii.personal": "warn"}


def test_a_parquet_round_trip_keeps_every_other_column(tmp_path: Path) -> None:
    csv_source = tmp_path / "reviews.csv"
    texts, planted = write_planted_table(csv_source, 80, seed=11)
    table = pacsv.read_csv(csv_source)
    source = tmp_path / "reviews.parquet"
    pq.write_table(table, source)
    plain, redacted = tmp_path / "plain.parquet", tmp_path / "redacted.parquet"
    invoke(["clean", source, "-t", "label", "-o", plain, "-q"], 1)
    invoke(["clean", source, "-t", "label", "-o", redacted, "--redact", "pii", "-q"], 0)
    before, after = pq.read_table(plain), pq.read_table(redacted)
    assert after.num_rows == table.num_rows == 80
    assert after.schema == before.schema
    assert after.drop(["review"]).equals(before.drop(["review"]))
    separator = "\x00"
    assert separator.join(after["review"].to_pylist()) == _redacted(separator.join(before["review"].to_pylist()),
                                                                    texts)
    manifest = json.loads((tmp_path / "redacted.manifest.json").read_text("utf-8"))
    assert {kind: places["review"] for kind, places in manifest["redactions"].items()} == planted
    assert _pii_statuses(redacted) == {"pii.secrets": "passed", "pii.personal": "passed"}


ROWS = [("1", "please call me at (212) 555-0147 about the parcel", "a", "1.10"),
        ("2", "my mail is jane.doe12@gmail.com, answer soon", "b", "2.50"),
        ("3", "nothing to hide in this sentence at all", "a", "3.00")]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl", "parquet"])
def test_every_table_format_is_redacted_in_its_named_text_column(tmp_path: Path, fmt: str) -> None:
    """Three rows are no free text to find: `--text-column` names the column, as for the audit."""
    frame = pa.table({name: [row[i] for row in ROWS] for i, name in enumerate(["id", "note", "label", "score"])})
    source = tmp_path / f"t.{fmt}"
    if fmt == "jsonl":
        source.write_text("".join(f'{{"id": {r[0]}, "note": {json.dumps(r[1])}, "label": "{r[2]}", '
                                  f'"score": {r[3]}}}\n' for r in ROWS), encoding="utf-8")
    elif fmt == "parquet":
        pq.write_table(frame, source)
    else:
        with source.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, delimiter="\t" if fmt == "tsv" else ",").writerows([("id", "note", "label", "score"),
                                                                                  *ROWS])
    out = tmp_path / f"o.{fmt}"
    invoke(["clean", source, "-t", "label", "--text-column", "note", "-o", out, "--redact", "personal", "-q"], 1)
    manifest = json.loads((tmp_path / "o.manifest.json").read_text("utf-8"))
    assert manifest["redactions"] == {"email": {"note": 1}, "phone": {"note": 1}}
    notes = ["please call me at [PHONE] about the parcel", "my mail is [EMAIL], answer soon", ROWS[2][1]]
    if fmt == "parquet":
        assert pq.read_table(out)["note"].to_pylist() == notes
    elif fmt == "jsonl":  # the numbers as the input wrote them
        assert out.read_text("utf-8").splitlines() == [
            f'{{"id": {r[0]}, "note": {json.dumps(note)}, "label": "{r[2]}", "score": {r[3]}}}'
            for r, note in zip(ROWS, notes, strict=True)]
    else:
        reader = csv.reader(io.StringIO(out.read_text("utf-8")), delimiter="\t" if fmt == "tsv" else ",")
        assert [row[1] for row in list(reader)[1:]] == notes


def test_jobs_2_writes_the_bytes_of_one_process(tmp_path: Path) -> None:
    source = tmp_path / "reviews.csv"
    write_planted_table(source, 60, seed=4)
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"jobs{jobs}.csv"
        run(["clean", source, "-t", "label", "-o", out, "--redact", "pii", "--jobs", jobs, "-q"], 0, timeout=300)
        outputs.append((out.read_bytes(), json.loads((tmp_path / f"jobs{jobs}.manifest.json").read_text("utf-8"))))
    assert outputs[0][0] == outputs[1][0]
    assert outputs[0][1]["redactions"] == outputs[1][1]["redactions"] != {}


def test_other_string_columns_and_the_quarantine_keep_their_values(tmp_path: Path) -> None:
    """`contact` is a customer table's email field, no text; a duplicate row goes to the
    quarantine as it was read, and redaction itself never quarantines."""
    source = tmp_path / "reviews.csv"
    texts, _ = write_planted_table(source, 30, seed=2)
    lines = source.read_text("utf-8").splitlines(keepends=True)
    source.write_text("".join(lines) + lines[1], encoding="utf-8")  # row 0 once more, a duplicate
    out = tmp_path / "o.csv"
    invoke(["clean", source, "-t", "label", "-i", "id", "-o", out, "--redact", "pii", "-q"], 0)
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert [row["contact"] for row in rows] == [f"owner-{i}@corp-mail.com" for i in range(30)]
    held = list(csv.DictReader(io.StringIO((tmp_path / "o.quarantine.csv").read_text("utf-8"))))
    assert [(row["_reason"], row["review"]) for row in held] == [("duplicate", texts[0].text)]


def test_an_unknown_kind_on_a_table_is_one_line_and_exit_2(tmp_path: Path) -> None:
    source = tmp_path / "reviews.csv"
    write_planted_table(source, 5)
    _, err = run(["clean", source, "-t", "label", "-o", tmp_path / "o.csv", "--redact", "emails"], 2)
    assert err.strip().splitlines() == [err.strip()] and "choose among pii, personal, secrets, email" in err
    assert not (tmp_path / "o.csv").exists()


def _clean_texts(draw: st.DrawFn) -> list[str]:
    pool = carriers()
    # a NUL byte makes the file binary, which the reader refuses before any redaction
    characters = st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="\x00")
    return draw(st.lists(st.one_of(st.sampled_from(pool), st.text(characters, max_size=40)), min_size=3, max_size=12))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.composite(_clean_texts)())
def test_a_table_without_findings_is_written_byte_for_byte_as_without_redact(tmp_path: Path,
                                                                             texts: list[str]) -> None:
    texts = [text for text in texts if not find_pii(text)]
    assume(texts)
    source = tmp_path / "t.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "review", "label"])
        writer.writerows([i, text, "ab"[i % 2]] for i, text in enumerate(texts))
    written = {}
    for redact in ((), ("pii",)):
        out = tmp_path / f"o{len(redact)}.csv"
        run_ = clean_files(source, out, target="label", text_columns=("review",), redact=redact, force=True,
                           allow_large_quarantine=True)
        written[redact] = (out.read_bytes(), run_.manifest["redactions"], run_.manifest["rows"]["redacted"])
    assert written[()] == written[("pii",)]
    assert written[()][1:] == ({}, 0)


def test_a_dictionary_encoded_text_column_is_redacted_and_keeps_its_type(tmp_path: Path) -> None:
    source, out = tmp_path / "dict.parquet", tmp_path / "out.parquet"
    notes = [f"write {i % 5} to ann@corp.com today" if i % 4 else None for i in range(40)]
    kinds = {"note": pa.dictionary(pa.int8(), pa.string()), "big": pa.large_string()}
    pq.write_table(pa.table({"note": pa.array(notes).cast(kinds["note"]),
                             "big": pa.array([f"row {i}: ann@corp.com" for i in range(40)], kinds["big"]),
                             "label": [i % 2 for i in range(40)]}), source)
    run(["clean", source, "-t", "label", "--text-column", "note", "--text-column", "big", "--redact", "pii",
         "-o", out, "-q"], 1, timeout=300)
    written = pq.read_table(out)
    assert written.schema.field("note").type == kinds["note"]
    assert written.schema.field("big").type == kinds["big"]
    expected = [None if n is None else n.replace("ann@corp.com", "[EMAIL]") for n in notes]
    assert written.column("note").to_pylist() == expected
    assert written.column("big").to_pylist() == [f"row {i}: [EMAIL]" for i in range(40)]
    manifest = json.loads((tmp_path / "out.manifest.json").read_text("utf-8"))
    # per cell, as for plain strings: the dictionary's 5 values stand in 30 rows
    assert manifest["redactions"] == {"email": {"big": 40, "note": 30}}
