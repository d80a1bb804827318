"""`--prompt-key` and `--completion-key` name a key inside nested objects by its dotted path
(`data.prompt`): a prompt/completion file whose texts sit under an object is audited, and
cleaned, as the same file with them at the top would be, its findings naming the keys as given."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cli_helpers import invoke, run
from tests.test_contamination import EVAL, FIELDS
from tests.text_helpers import audit_json

ITEM = json.loads(EVAL.read_text("utf-8").splitlines()[1])
#: (prompt, completion) of each line; None: the line is not JSON; a 1-tuple: no completion
PAIRS: list[tuple[str, ...] | None] = [
    ("What is two plus two?", "Four."),
    ("What is the capital of France?", "Paris."),
    ("What is two plus two?", "Four."),  # a copy of line 1
    ("What is the capital of France?", "Lyon."),  # answers line 2's prompt otherwise
    ("Name a colour of the rainbow.",),
    None,
    (ITEM["question"], ITEM["best_answer"]),  # an evaluation item asked and answered verbatim
]
NESTED_KEYS = ["--prompt-key", "data.prompt", "--completion-key", "data.completion"]


def _write(path: Path, pairs: list[tuple[str, ...] | None], under: tuple[str, ...] = ()) -> Path:
    """A prompt/completion file, its texts under the objects `under` names (none: at the top)."""
    lines = []
    for number, pair in enumerate(pairs, 1):
        if pair is None:
            lines.append("{not json")
            continue
        texts: dict[str, Any] = dict(zip(("prompt", "completion"), pair, strict=False))
        for key in reversed(under):
            texts = {key: texts}
        lines.append(json.dumps({"id": number, **texts}))
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def _findings(report: dict[str, Any], under: tuple[str, ...] = ()) -> tuple[Any, ...]:
    """The report's checks and findings, the nested keys spelled as the flat file's and the
    fingerprints (hashes of those spellings) left out."""
    findings = [{k: v for k, v in f.items() if k != "fingerprint"} for f in report["findings"]]
    text = json.dumps([report["checks"], findings])
    if under:
        text = re.sub(r"(?<=['\"])" + re.escape(".".join(under)) + r"\.(\w+)", r"\1", text)
    return tuple(json.loads(text))


@pytest.mark.parametrize("runner", ["invoke", "run"])
def test_nested_keys_give_the_findings_of_the_flat_file(tmp_path: Path, runner: str) -> None:
    flat = _write(tmp_path / "flat.jsonl", PAIRS)
    nested = _write(tmp_path / "nested.jsonl", PAIRS, ("data",))
    (tmp_path / "flat").mkdir()
    expected = audit_json(runner, [flat, "--eval-set", EVAL, *FIELDS], 1, tmp_path / "flat")
    report = audit_json(runner, [nested, *NESTED_KEYS, "--eval-set", EVAL, *FIELDS], 1, tmp_path)
    assert _findings(report, ("data",)) == _findings(expected)
    by_check = {(f["check"], f["details"].get("kind")): f for f in report["findings"]}
    missing = by_check["text.format_errors", "field_missing"]
    assert (missing["examples"], missing["details"]["keys"]) == ([5], {"data.completion": 1})
    assert by_check["text.format_errors", "not_json"]["examples"] == [6]
    assert by_check["text.duplicates", None]["examples"] == [3]
    assert "'data.prompt: What is the capital of France?'" in by_check["text.conflicts", None]["message"]
    overlap = by_check["contamination.eval_overlap", "copied"]
    assert [m[:3] for m in overlap["details"]["matches"]] == [[7, 2, "exact"]]  # item 2, line 2 of the set
    metadata = by_check["text.metadata", None]
    assert metadata["details"]["keys"] == {"id": 6}, "data is the layout's, not metadata"


def test_a_path_leading_nowhere_is_reported_as_a_missing_top_level_key_is(tmp_path: Path) -> None:
    nested = _write(tmp_path / "nested.jsonl", PAIRS, ("data",))
    flat = _write(tmp_path / "flat.jsonl", PAIRS)
    (tmp_path / "flat").mkdir()
    report = audit_json("invoke", [nested, "--prompt-key", "data.question", "--completion-key", "data.completion"],
                        1, tmp_path)
    expected = audit_json("invoke", [flat, "--prompt-key", "question"], 1, tmp_path / "flat")
    missing, flat_missing = (next(f for f in r["findings"] if f["details"].get("kind") == "field_missing")
                             for r in (report, expected))
    assert (missing["examples"], missing["details"]) == (flat_missing["examples"], {
        **flat_missing["details"], "keys": {"data.question": 6, "data.completion": 1}})
    assert flat_missing["details"]["keys"] == {"question": 6, "completion": 1}


def test_a_key_spelled_with_a_dot_is_read_first(tmp_path: Path) -> None:
    path = tmp_path / "dotted.jsonl"
    path.write_text("".join(json.dumps({"data.prompt": f"Question {n}?", "data.completion": f"Answer {n}.",
                                        "data": {"prompt": "Same?", "completion": "Same."}}) + "\n"
                            for n in range(3)), "utf-8")
    report = audit_json("invoke", [path, *NESTED_KEYS], 1, tmp_path)
    assert not [f for f in report["findings"] if f["check"] in ("text.duplicates", "text.format_errors")]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(under=st.lists(st.sampled_from(["data", "record", "x", "sample"]), min_size=1, max_size=3, unique=True),
       pairs=st.lists(st.one_of(st.none(), st.tuples(st.sampled_from(["Hi there", "How are you", "Name a fruit"])),
                                st.tuples(st.sampled_from(["Hi there", "How are you", "Name a fruit"]),
                                          st.sampled_from(["Hello", "Fine thanks", "Apple", "  Pear "]))),
                      min_size=1, max_size=8))
def test_nesting_under_any_path_keeps_the_findings(tmp_path: Path, under: list[str],
                                                   pairs: list[tuple[str, ...] | None]) -> None:
    path = tuple(under)
    folder = tmp_path / "-".join(path)
    (folder / "flat").mkdir(parents=True, exist_ok=True)
    named = ".".join(path)
    nested = _write(folder / "nested.jsonl", pairs, path)
    flat = _write(folder / "flat.jsonl", pairs)
    report = audit_json("invoke", [nested, "--prompt-key", f"{named}.prompt", "--completion-key",
                                   f"{named}.completion"], 1, folder)
    expected = audit_json("invoke", [flat, "--format-kind", "prompt-completion"], 1, folder / "flat")
    assert _findings(report, path) == _findings(expected)


@pytest.mark.parametrize("runner", [invoke, run])
def test_clean_keeps_nested_lines_byte_for_byte(tmp_path: Path, runner: Any) -> None:
    lines = [b'{"id":1,  "data" : {"prompt":"Caf\\u00e9 hours?","completion":"Nine to five.","n":1.50e0}}',
             b'{"id": 2, "data": {"completion": "Mail alice.smith@gmail.com.", "prompt": "Who to mail?",'
             b' "note": "  bob.jones@gmail.com "}, "score": 1E2}',
             b'{"id":3,  "data" : {"prompt":"Caf\\u00e9 hours?","completion":"Nine to five.","n":1.50e0}}',
             b'{"id":4,"data":{"prompt":"Left without an answer"}}']
    data = tmp_path / "nested.jsonl"
    data.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "out.jsonl"
    runner(["clean", data, "-o", out, *NESTED_KEYS, "--redact", "email"], 1)
    redacted = lines[1].replace(b"alice.smith@gmail.com", b"[EMAIL]")
    assert out.read_bytes() == lines[0] + b"\n" + redacted + b"\n"
    quarantined = [json.loads(line) for line in (tmp_path / "out.quarantine.jsonl").read_text("utf-8").splitlines()]
    assert [(q["line"], q["reason"]) for q in quarantined] == [
        (3, "duplicate of line 1"), (4, "field_missing (data.completion; other keys: id)")]
    manifest = json.loads((tmp_path / "out.manifest.json").read_text("utf-8"))
    assert manifest["redactions"] == {"email": {"data.completion": 1}}
    assert (manifest["parameters"]["prompt_key"], manifest["parameters"]["completion_key"]) == (
        "data.prompt", "data.completion")


@pytest.mark.parametrize("runner", [invoke, run])
def test_redact_leaves_the_nested_object_a_key_spelled_with_the_dot_stands_for(tmp_path: Path, runner: Any) -> None:
    """A key spelled `"data.prompt"` is the prompt, read before the object `data` (`holder_of`): that
    object's `prompt` is then metadata, which the redaction keeps as written, as the trim does."""
    line = (b'{"data.prompt": "Mail alice.smith@gmail.com?", "data.completion": "Done.",'
            b' "data": {"prompt": "bob.jones@gmail.com", "completion": "carol.white@gmail.com"}}')
    data = tmp_path / "dotted.jsonl"
    data.write_bytes(line + b"\n")
    out = tmp_path / "out.jsonl"
    runner(["clean", data, "-o", out, *NESTED_KEYS, "--redact", "email"], 1)
    assert out.read_bytes() == line.replace(b"alice.smith@gmail.com", b"[EMAIL]") + b"\n"
    manifest = json.loads((tmp_path / "out.manifest.json").read_text("utf-8"))
    assert manifest["redactions"] == {"email": {"data.prompt": 1}}


def test_clean_trims_the_nested_texts_and_strips_the_metadata_around_them(tmp_path: Path) -> None:
    data = tmp_path / "nested.jsonl"
    data.write_text(json.dumps({"id": 1, "data": {"prompt": "  Hello there ", "completion": "Hi. ",
                                                  "note": " kept "}}) + "\n", "utf-8")
    out = tmp_path / "out.jsonl"
    invoke(["clean", data, "-o", out, *NESTED_KEYS, "--strip-metadata"], 1)
    assert json.loads(out.read_text("utf-8")) == {"data": {"prompt": "Hello there", "completion": "Hi.",
                                                           "note": " kept "}}


@pytest.mark.parametrize("runner", [invoke, run])
def test_a_text_column_inside_a_struct_column_is_refused_in_one_line(tmp_path: Path, runner: Any) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = tmp_path / "nested.parquet"
    pq.write_table(pa.Table.from_pylist([{"id": n, "data": {"prompt": f"Question number {n}?"}} for n in range(3)]),
                   table)
    _, err = runner(["audit", table, "--text-column", "data.prompt"], 2)
    assert err.strip().splitlines() == [
        f"dataaudit: error: {table}: text column 'data.prompt' not found; 'data' is a column, and the fields of a "
        "column's nested objects are no columns: flatten it first (its field then a column named 'data.prompt')"]
    flattened = tmp_path / "flat.parquet"
    pq.write_table(pq.read_table(table).flatten(), flattened)
    report = audit_json("invoke", [flattened, "--text-column", "data.prompt"], 1, tmp_path)
    assert {"text.duplicates", "text.empty"} <= {c["check"] for c in report["checks"] if c["status"] == "passed"}


def test_a_dotted_csv_header_is_a_text_column_of_that_name(tmp_path: Path) -> None:
    table = tmp_path / "dotted.csv"
    table.write_text("id,data.prompt\n1,What is two plus two?\n2,What is two plus two?\n3,Name a colour.\n",
                     "utf-8")
    report = audit_json("invoke", [table, "--text-column", "data.prompt"], 1, tmp_path)
    duplicates = next(f for f in report["findings"] if f["check"] == "text.duplicates")
    assert duplicates["column"] == "data.prompt"
