"""JUnit XML for CI test tabs (Jenkins, GitLab, GitHub test reporters).

One test suite per dataset, one test case per check (classname: the check's family). A finding
that blocks the gate is a <failure> (a warning only under --strict); other findings stay
visible in <system-out>; a skipped check is <skipped>. Tables other features add to the report
go, as tab-separated text, into the suite's <system-out>. The suite's timestamp is UTC without an
offset, as Surefire writes it; the `created_at` property keeps the full form. Valid against the widely used Jenkins
JUnit schema (junit-10.xsd). ElementTree escapes markup; values from the data show control
characters as Python escapes and carry no `::` or `##[` a CI log would obey (`inert`), and any
other character XML 1.0 cannot carry is escaped too, so a hostile value never breaks the file.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from dataaudit.report.github import annotated_file
from dataaudit.report.model import Finding, Report, ReportTable
from dataaudit.report.text import inert

MAX_TABLE_ROWS = 500
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render_junit(report: Report) -> str:
    blocking = {id(f) for f in report.blocking}
    statuses = {c.check: c for c in report.checks}
    checks = list(statuses) + [f.check for f in report.findings if f.check not in statuses]
    checks = list(dict.fromkeys(checks))
    failures = sum(1 for check in checks if any(id(f) in blocking for f in _of(report, check)))
    skipped = sum(1 for c in report.checks if c.status == "skipped")
    counts = {"tests": str(len(checks)), "failures": str(failures), "errors": "0"}

    root = ET.Element("testsuites", name="dataaudit", time="0", **counts)
    # named from the repository's root, as an annotation's file: where CI test reporters place it
    where = {"file": inert(annotated_file(report.source) or "")} if report.source.path else {}
    suite = ET.SubElement(root, "testsuite", _attrs(
        name=inert(report.source.name or ""), **counts, skipped=str(skipped), time="0",
        timestamp=report.created_at.removesuffix("+00:00"), package="dataaudit", **where))
    properties = ET.SubElement(suite, "properties")
    for name, value in _properties(report).items():
        ET.SubElement(properties, "property", _attrs(name=name, value=value))
    for check in checks:
        case = ET.SubElement(suite, "testcase", _attrs(classname=check.split(".")[0], name=check, time="0"))
        findings = _of(report, check)
        status = statuses.get(check)
        if status is not None and status.status == "skipped":
            ET.SubElement(case, "skipped", _attrs(message=inert(status.reason or "skipped")))
        failing = [f for f in findings if id(f) in blocking]
        if failing:
            failure = ET.SubElement(case, "failure", _attrs(message=_summary(failing),
                                                            type=f"dataaudit.{failing[0].severity.value}"))
            failure.text = _clean("\n\n".join(_describe(f) for f in failing))
        visible = [f for f in findings if id(f) not in blocking]
        if visible:
            ET.SubElement(case, "system-out").text = _clean("\n\n".join(_describe(f) for f in visible))
    if report.tables:
        ET.SubElement(suite, "system-out").text = _clean("\n\n".join(_table(t) for t in report.tables))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _of(report: Report, check: str) -> list[Finding]:
    return [f for f in report.findings if f.check == check]


def _properties(report: Report) -> dict[str, str]:
    d = report.dataset
    return {
        "passed": str(report.passed).lower(), "strict": str(report.strict).lower(),
        "rows": str(d.rows), "columns": str(d.columns),
        "target": inert(report.target or ""), "rules": inert(report.rules.name),
        "sha256": report.source.sha256 or "", "tool.version": report.tool.version,
        "created_at": report.created_at,
    }


def _summary(findings: list[Finding]) -> str:
    first = findings[0]
    where = f"[{inert(first.column)}] " if first.column else ""
    more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
    return f"{where}{inert(first.message)}{more}"


def _describe(f: Finding) -> str:
    lines = [f"{f.severity.value.upper()} {f.check}" + (f" [{inert(f.column)}]" if f.column else ""), inert(f.message)]
    if f.observed is not None or f.threshold is not None:
        lines.append(f"observed: {inert(f.observed)}  threshold: {inert(f.threshold)}")
    if f.examples:
        lines.append("examples: " + ", ".join(inert(e) for e in f.examples[:20]))
    if f.hint:
        lines.append(f"hint: {inert(f.hint)}")
    return "\n".join(lines)


def _table(table: ReportTable) -> str:
    lines = [inert(table.title), "\t".join(inert(c) for c in table.columns)]
    lines += ["\t".join("" if v is None else inert(v) for v in row) for row in table.rows[:MAX_TABLE_ROWS]]
    if len(table.rows) > MAX_TABLE_ROWS:
        lines.append(f"... {len(table.rows) - MAX_TABLE_ROWS:,} more rows in the JSON report")
    if table.note:
        lines.append(inert(table.note))
    return "\n".join(lines)


def _clean(text: str) -> str:
    return _NOT_XML.sub(lambda m: repr(m.group())[1:-1], text)


def _attrs(**values: str) -> dict[str, str]:
    return {k: _clean(v) for k, v in values.items()}
