"""The JSON report's schema: generated from the typed model, committed, strict, and met by every
report (the autouse `report_schema_guard` of conftest checks the reports of every test)."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import get_args

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.datasets import NO_ISSUES, make_dirty_splits
from dataaudit.report.cards import SourceInfo, TextKind, plain
from dataaudit.report.model import Report, ReportFormatError
from dataaudit.report.repository import repository_path
from dataaudit.report.schema import REGENERATE, SCHEMA_FILE, schema_text
from dataaudit.text.formats import TEXT_KINDS
from tests.cli_helpers import invoke, run
from tests.conftest import DATA, SchemaGuard, report_files_problems, schema_problems
from tests.report_fixtures import PENGUINS, penguins_report

ROOT = Path(__file__).resolve().parents[1]
CHATS = ROOT / "examples" / "chats.jsonl"


def _split_report() -> Report:
    train, test, _ = make_dirty_splits(600, 200, seed=2, leaked_share=0.05, rates=NO_ISSUES)
    return dataaudit.audit(train, target="label", splits={"test": test})


def _chat_report() -> Report:
    return dataaudit.audit(CHATS)


def test_the_committed_schema_is_the_generated_one() -> None:
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert committed == schema_text(), f"{SCHEMA_FILE.relative_to(ROOT)} is stale: run `{REGENERATE}` and commit"


def test_the_command_prints_the_schema_and_the_package_ships_it() -> None:
    out, _ = run(["report", "--schema"], 0)
    assert out == SCHEMA_FILE.read_text(encoding="utf-8")
    assert SCHEMA_FILE.parent == Path(dataaudit.__file__).parent / "report"


def test_report_without_a_file_or_the_schema_is_a_usage_error() -> None:
    _, err = invoke(["report"], 2)
    assert "give SAVED" in err


@pytest.mark.parametrize("extra", [[str(DATA / "report-1.0.json")], ["-f", "html"], ["-o", "x.json"], ["--summary"]])
def test_the_schema_with_anything_to_render_is_a_usage_error(extra: list[str]) -> None:
    _, err = invoke(["report", "--schema", *extra], 2)
    assert "--schema prints the schema alone" in err


def test_the_schema_is_strict_where_it_matters() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    # every top-level key is always written, but the baseline of a gate that had one
    assert set(schema["required"]) == set(schema["properties"]) - {"baseline"}
    assert "baseline" in schema["properties"] and "anyOf" not in schema["properties"]["baseline"]
    defs = schema["$defs"]
    assert defs["Severity"]["enum"] == ["info", "warn", "fail"]
    assert defs["CheckStatus"]["properties"]["status"]["enum"] == ["passed", "info", "warn", "fail", "skipped"]
    assert all(part["additionalProperties"] is False for part in [schema, *defs.values()] if "properties" in part)
    assert defs["SourceInfo"]["required"] == []  # each key only where its reader records it
    sha256 = defs["SourceInfo"]["properties"]["sha256"]
    assert sha256["type"] == "string" and "anyOf" not in sha256 and "default" not in sha256  # absent, never null
    assert "SHA-256" in sha256["description"]  # a field's docstring describes it
    assert {"rows", "column_profiles", "duplicates"} <= set(defs["DatasetCard"]["required"])


@pytest.mark.parametrize("break_it", [
    lambda d: d["source"].update(delimeter=","),
    lambda d: d["dataset"].pop("rows"),
    lambda d: d["dataset"]["column_profiles"][0].update(missing_share="3%"),
    lambda d: d["findings"][0].update(severity="error"),
    lambda d: d["checks"][0].update(status="ok"),
    lambda d: d["source"].update(sha256=None),
    lambda d: d.update(schema_version="2.0"),
    lambda d: d["tool"].pop("version"),
], ids=["unknown key", "missing key", "wrong type", "unknown severity", "unknown status", "null for absent",
        "another major", "tool without version"])
def test_the_schema_refuses_a_broken_report(break_it) -> None:
    data = json.loads(json.dumps(penguins_report().to_dict()))
    assert data["findings"], "penguins has findings to break"
    assert schema_problems(data, "penguins") == []
    break_it(data)
    assert schema_problems(data, "penguins")


@pytest.mark.parametrize("make", [penguins_report, _split_report, _chat_report], ids=["table", "splits", "chat"])
def test_from_dict_reads_what_to_dict_writes(make) -> None:
    report = make()
    data = json.loads(json.dumps(report.to_dict()))
    again = Report.from_dict(data)
    assert again.source == report.source and again.dataset.rows == report.dataset.rows
    assert again.to_dict() == data


def test_a_split_report_carries_typed_split_cards() -> None:
    report = _split_report()
    assert report.dataset.splits is not None
    train, test = report.dataset.splits.values()
    assert train.reference and not test.reference and train.share + test.share == pytest.approx(1.0)
    assert test.source.engine == "local" and test.source.name is None
    data = report.to_dict()
    assert list(data["dataset"]["splits"]["test"])[:4] == ["reference", "source", "share", "rows"]


def test_from_dict_refuses_another_major_in_one_line() -> None:
    data = penguins_report().to_dict() | {"schema_version": "2.1"}
    with pytest.raises(ReportFormatError) as caught:
        Report.from_dict(data)
    assert str(caught.value) == "report schema_version '2.1' cannot be read by this dataaudit, which reads 1.x"


@pytest.mark.parametrize("runner", ["invoke", "run"])
def test_a_report_saved_under_schema_1_0_renders_again(runner: str, tmp_path: Path) -> None:
    """A 1.0 report has no `rules.sha256`: the minor that added it reads it as absent."""
    saved = DATA / "report-1.0.json"
    report = Report.from_dict(json.loads(saved.read_text()))
    assert (report.schema_version, report.rules.sha256, report.passed) == ("1.0", None, True)
    out = tmp_path / "again.md"
    (invoke if runner == "invoke" else run)(["report", str(saved), "-f", "markdown", "-o", str(out)], 0)
    assert "penguins.csv" in out.read_text()


def test_from_dict_names_the_first_unknown_key() -> None:
    data = penguins_report().to_dict()
    data["dataset"]["column_profiles"][1]["mising"] = 3
    with pytest.raises(ReportFormatError, match=r"^not a valid dataaudit JSON report \(dataset\.column_profiles\.1"
                                                r"\.mising: Unexpected keyword argument\)$"):
        Report.from_dict(data)


def test_a_source_key_no_reader_declared_is_refused() -> None:
    """A reader that records something new must declare it on SourceInfo, or the audit fails."""
    with pytest.raises(TypeError, match="encodng"):
        SourceInfo.from_info({"path": "a.csv", "encodng": "latin-1"}, name="a.csv")


def test_the_committed_and_bundled_reports_meet_the_schema() -> None:
    folders = [ROOT / "reports", DATA]
    reports = [p for folder in folders for p in folder.rglob("*.json")]
    assert any(p.parent.name == "reports" for p in reports)
    assert [problem for folder in folders for problem in report_files_problems(folder)] == []


def test_the_guard_sees_in_process_reports_and_catches_a_broken_one(report_schema_guard: SchemaGuard) -> None:
    report = penguins_report()
    report.to_dict()
    assert report_schema_guard.seen == 1 and report_schema_guard.problems == []
    broken = replace(report, source=replace(report.source, bytes=-0.5))  # a float where the schema says integer
    broken.to_dict()
    assert report_schema_guard.seen == 2
    assert len(report_schema_guard.problems) == 1
    assert report_schema_guard.problems[0].startswith(f"Report.to_dict() of {str(PENGUINS)!r}: source/bytes: -0.5 ")
    report_schema_guard.problems.clear()  # caught: this test must not fail for the report it broke on purpose


def test_the_guard_catches_a_broken_report_file(tmp_path: Path) -> None:
    out = tmp_path / "audit.json"
    run(["audit", PENGUINS, "-t", "species", "--format", "json", "-o", out], 0)
    assert report_files_problems(tmp_path) == []
    data = json.loads(out.read_text(encoding="utf-8"))
    data["dataset"]["labels"]["counts"] = ["Adelie", 152]
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "broken.json").write_text(json.dumps(data), encoding="utf-8")
    (tmp_path / "other.json").write_text('{"findings": []}', encoding="utf-8")  # not a report: no schema_version
    problems = report_files_problems(tmp_path)
    assert len(problems) == 1 and "nested/broken.json: dataset/labels: " in problems[0]
    (tmp_path / "nested" / "broken.json").unlink()  # else the guard fails this test after it passed


def test_an_in_memory_table_report_has_no_file_keys() -> None:
    table = pa.table({"a": [1, 2, 3, 4], "label": ["x", "y", "x", "y"]})
    data = dataaudit.audit(table, target="label").to_dict()
    assert set(data["source"]) == {"rows", "engine", "name"}


def test_the_report_knows_every_fine_tuning_layout() -> None:
    assert get_args(TextKind) == TEXT_KINDS


_SOURCE_VALUES = {
    "delimiter": st.sampled_from([",", "\t", ";", "|"]), "decimal": st.just(","), "rows": st.integers(0, 10**12),
    "path": st.text(max_size=30), "format": st.sampled_from(["csv", "tsv", "jsonl", "parquet"]),
    "kind": st.sampled_from(TEXT_KINDS), "bytes": st.integers(0, 10**15),
    "notes": st.lists(st.text(max_size=20), max_size=2), "engine": st.sampled_from(["local", "spark"]),
    "sha256": st.text("0123456789abcdef", min_size=64, max_size=64),
}


@settings(deadline=None)  # the first example audits the penguins once
@given(info=st.fixed_dictionaries({}, optional=_SOURCE_VALUES), name=st.none() | st.text(max_size=30))
def test_a_source_writes_exactly_the_keys_its_reader_recorded(info: dict, name: str | None) -> None:
    """Whatever subset of keys a reader records, the report writes those keys (and the name,
    and a path's place in its repository), in one fixed order, valid against the schema, and
    reads them back alike."""
    source = SourceInfo.from_info(info, name=name)
    written = plain(source)
    inside = repository_path(info.get("path"))
    assert written == info | ({"name": name} if name is not None else {}) | \
        ({"in_repository": inside.as_posix()} if inside is not None else {})
    keys = list(_SOURCE_VALUES)
    order = [*keys[:keys.index("path") + 1], "in_repository", *keys[keys.index("path") + 1:], "name"]
    assert list(written) == [k for k in order if k in written]
    data = json.loads(json.dumps(penguins_document() | {"source": written}))
    assert schema_problems(data, "source") == []
    assert Report.from_dict(data).source == source


@cache
def penguins_document() -> dict:
    return penguins_report().to_dict()
