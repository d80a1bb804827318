"""JUnit XML: valid against the Jenkins JUnit schema, one suite per dataset, one case per check."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
import xmlschema

from dataaudit.report.formats import Format, render
from dataaudit.report.model import Report
from tests.cli_helpers import invoke
from tests.hostile import write_hostile_csv
from tests.report_fixtures import PENGUINS, cleaned_report, failing_report, penguins_report

SCHEMA = xmlschema.XMLSchema(Path(__file__).parent / "schemas" / "junit-10.xsd")


@pytest.fixture(scope="module")
def failing(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return failing_report(tmp_path_factory.mktemp("junit"))


def _cases(xml: str) -> dict[str, ET.Element]:
    return {case.get("name"): case for case in ET.fromstring(xml).iter("testcase")}


def test_one_suite_one_case_per_check_and_schema_valid() -> None:
    report = penguins_report()
    xml = render(report, Format.JUNIT)
    SCHEMA.validate(xml)
    root = ET.fromstring(xml)
    suites = root.findall("testsuite")
    assert len(suites) == 1 and suites[0].get("name") == str(PENGUINS)
    cases = _cases(xml)
    assert list(cases) == [c.check for c in report.checks]
    assert {name: case.get("classname") for name, case in cases.items()}["missing.rows"] == "missing"
    assert suites[0].get("tests") == str(len(report.checks)) and suites[0].get("failures") == "0"
    properties = {p.get("name"): p.get("value") for p in suites[0].iter("property")}
    assert properties["sha256"] == report.source.sha256 and properties["passed"] == "true"


def test_warnings_are_visible_but_do_not_fail() -> None:
    cases = _cases(render(penguins_report(), Format.JUNIT))
    out = cases["missing.rows"].find("system-out")
    assert out is not None and "2 rows (0.6%) miss 5 of their 7 feature values." in out.text
    assert not list(ET.fromstring(render(penguins_report(), Format.JUNIT)).iter("failure"))


def test_strict_turns_warnings_into_failures() -> None:
    report = replace(penguins_report(), strict=True)
    xml = render(report, Format.JUNIT)
    SCHEMA.validate(xml)
    cases = _cases(xml)
    failure = cases["missing.rows"].find("failure")
    assert failure is not None and failure.get("type") == "dataaudit.warn"
    assert ET.fromstring(xml).find("testsuite").get("failures") == "2"  # missing.column_share, missing.rows


def test_fail_findings_are_failures_with_message_and_details(failing: Report) -> None:
    xml = render(failing, Format.JUNIT)
    SCHEMA.validate(xml)
    cases = _cases(xml)
    failed = {f.check for f in failing.findings if f.severity.value == "fail"}
    assert {name for name, case in cases.items() if case.find("failure") is not None} == failed
    for check in failed:
        first = next(f for f in failing.findings if f.check == check)
        failure = cases[check].find("failure")
        assert first.message in failure.get("message")
        assert failure.get("type") == "dataaudit.fail"
        assert f"observed: {first.observed}" in failure.text
    assert ET.fromstring(xml).find("testsuite").get("failures") == str(len(failed))


def test_skipped_checks_say_why() -> None:
    report = penguins_report()
    cases = _cases(render(report, Format.JUNIT))
    for status in report.checks:
        skipped = cases[status.check].find("skipped")
        assert (skipped is not None) == (status.status == "skipped")
        if skipped is not None:
            assert skipped.get("message") == status.reason


def test_tables_are_in_the_suite_output() -> None:
    xml = render(cleaned_report(), Format.JUNIT)
    SCHEMA.validate(xml)
    out = ET.fromstring(xml).find("testsuite").find("system-out")
    assert out is not None
    assert ("Cleaning steps\nstep\trows_changed\trows_quarantined\tdetail\n"
            "tokens_to_null\t11\t0\t'NA' -> null\n") in out.text
    assert "Before and after cleaning\nmeasure\tbefore\tafter\nrows\t344\t342\n" in out.text


def test_hostile_values_keep_the_file_valid(tmp_path: Path) -> None:
    data = write_hostile_csv(tmp_path / "hostile.csv")
    out, _ = invoke(["audit", data, "-t", "label", "--format", "junit"], 1)
    SCHEMA.validate(out)


def test_the_schema_rejects_what_it_should() -> None:
    """The validator is live: a test case without a name is refused."""
    broken = render(penguins_report(), Format.JUNIT).replace('name="size.rows" ', "", 1)
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        SCHEMA.validate(broken)


def test_a_dataframe_suite_names_no_file() -> None:
    import pandas as pd

    from dataaudit import audit

    xml = render(audit(pd.read_csv(PENGUINS), target="species"), Format.JUNIT)
    SCHEMA.validate(xml)
    suite = ET.fromstring(xml).find("testsuite")
    assert suite.get("name") == "<dataframe>" and suite.get("file") is None
