"""The report model's JSON round trip and the generic tables every renderer shows."""

from __future__ import annotations

import json

from dataaudit import audit
from dataaudit.report.formats import Format, render
from dataaudit.report.model import Report, ReportTable
from tests.conftest import DATA


def _report_with_table(rows: int) -> Report:
    report = audit(DATA / "penguins.csv", target="species")
    report.tables.append(ReportTable(
        id="example.shares", title="Class share per split", columns=["label", "train", "test"],
        rows=[[f"class {i}", 0.5, i] for i in range(rows)], note="Shares are of non-missing labels.",
    ))
    return report


def test_json_round_trip_keeps_tables_and_findings() -> None:
    report = _report_with_table(3)
    data = json.loads(render(report, Format.JSON))
    assert data["tables"][-1]["rows"][2] == ["class 2", 0.5, 2]  # after the time.periods of the penguins' years
    again = Report.from_dict(data)
    assert again.tables == report.tables
    assert again.findings == report.findings
    assert again.to_dict() == data


def test_console_shows_the_first_rows_and_says_how_many_more() -> None:
    text = render(_report_with_table(40), Format.CONSOLE)
    assert "Class share per split" in text
    assert "class 14" in text and "class 15" not in text
    assert "25 more rows in the JSON report" in text
    assert "Shares are of non-missing labels." in text


def test_markdown_renders_a_table() -> None:
    text = render(_report_with_table(2), Format.MARKDOWN)
    assert "| label | train | test |" in text
    assert "| class 1 | 0.5 | 1 |" in text


def test_a_report_saved_before_tables_existed_still_loads() -> None:
    data = audit(DATA / "penguins.csv", target="species").to_dict()
    del data["tables"]
    assert Report.from_dict(data).tables == []


def test_markdown_lists_the_most_severe_findings_and_counts_the_rest() -> None:
    from dataclasses import replace

    from dataaudit.report.markdown import MAX_FINDINGS
    from dataaudit.report.model import Finding, Severity

    report = audit(DATA / "penguins.csv", target="species")
    many = [Finding("missing.column_share", Severity.WARN, f"finding {i}", column=f"c{i}")
            for i in range(MAX_FINDINGS + 7)]
    text = render(replace(report, findings=many), Format.MARKDOWN)
    assert f"finding {MAX_FINDINGS - 1} |" in text and f"finding {MAX_FINDINGS} |" not in text
    assert "_7 more findings in the JSON report._" in text


def test_conflicting_labels_are_quoted_as_written(tmp_path) -> None:
    """Conflicts are found on folded labels; the message quotes the spellings in the file."""
    path = tmp_path / "conflict.csv"
    path.write_text("a,b,label\n1,2,<b>Cat</b>\n1,2,Dog!\n3,4,Dog!\n5,6,<b>Cat</b>\n", encoding="utf-8")
    finding = next(f for f in audit(path, target="label").findings if f.check == "labels.conflicts")
    assert "labelled '<b>Cat</b>' 1, 'Dog!' 1" in finding.message
    assert finding.details["examples"][0]["labels"] == {"<b>Cat</b>": 1, "Dog!": 1}


def test_anything_but_a_dict_is_no_report() -> None:
    import pytest

    from dataaudit.report.model import ReportFormatError

    text = json.dumps(audit(DATA / "penguins.csv", target="species").to_dict())
    for given, kind in ((text, "str"), (None, "NoneType"), ([], "list")):
        says = f"^a report is read from the dict its JSON holds, not from a {kind}$"
        with pytest.raises(ReportFormatError, match=says):
            Report.from_dict(given)  # type: ignore[arg-type]
