"""SARIF 2.1.0 for code scanning (GitHub's Security tab and pull-request annotations, and any
other SARIF viewer).

One run per report. Each warn or fail finding is a result (`fail` -> `error`, `warn` ->
`warning`); info findings and passed checks are not: code scanning opens an alert for every
result, and an info finding is a description of the data, nothing to fix. Every check the audit
considered is a rule, with the description the check registry gave the report, so a saved report
renders the same SARIF on any later dataaudit. A result points at the data file (its path
from the repository's root, `artifact_location`) and at a line where the
report knows one: a fine-tuning file's line or a malformed row's; other findings of a text file
point at line 1, where a table's header names the column. `partialFingerprints` carry the
finding's fingerprint, so code scanning keeps one alert per problem across runs, however the
rows moved. Text from the data shows control and bidi characters as escapes (`printable`).
"""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

from dataaudit.jsontext import dumps
from dataaudit.report.cards import SourceInfo
from dataaudit.report.model import CheckStatus, Finding, Report, Severity
from dataaudit.report.text import printable

VERSION = "2.1.0"
SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVEL = {Severity.FAIL: "error", Severity.WARN: "warning"}
#: the partialFingerprints key; its version follows the fingerprint's (`fingerprint.VERSION`)
FINGERPRINT = "dataauditFinding/v1"
#: files a viewer can show line by line (a Parquet file is binary: its results name the file only)
TEXT_FORMATS = ("csv", "tsv", "jsonl")
#: checks whose examples are lines of the file, whatever their details say
LINE_CHECKS = ("source.bad_rows", "source.late_keys")
MAX_EXAMPLES = 20
#: the base of a path inside a repository: its root, as CodeQL names it and code scanning reads it
SRCROOT = "%SRCROOT%"


def render_sarif(report: Report) -> str:
    results = [f for f in report.findings if f.severity in LEVEL]
    blocking = {id(f) for f in report.blocking}
    statuses = {c.check: c for c in report.checks}
    checks = list(dict.fromkeys([*statuses, *(f.check for f in report.findings)]))
    index = {check: i for i, check in enumerate(checks)}
    artifact = _artifact(report)
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": report.tool.name, "version": report.tool.version,
            "rules": [_rule(check, statuses.get(check), report.findings) for check in checks],
        }},
        "invocations": [{"executionSuccessful": True,
                         "properties": {"passed": report.passed, "strict": report.strict}}],
        "results": [_result(f, index[f.check], report, blocking, artifact is not None) for f in results],
        "properties": {"rules": report.rules.name, "target": report.target, "counts": report.counts},
    }
    if artifact is not None:
        run["artifacts"] = [artifact]
    document = {"$schema": SCHEMA, "version": VERSION, "runs": [run]}
    return dumps(document, indent=2) + "\n"


def _rule(check: str, status: CheckStatus | None, findings: list[Finding]) -> dict[str, Any]:
    description = printable(status.description if status is not None else check)
    hint = next((f.hint for f in findings if f.check == check and f.hint), None)
    help_text = description + (f" To fix: {printable(hint)}" if hint else "")
    return {
        "id": check,
        "shortDescription": {"text": description},
        "help": {"text": help_text + " Its levels are set in the rule pack (`dataaudit rules show default`)."},
        "properties": {"tags": ["data-quality", check.split(".")[0]],
                       **({"status": status.status} if status is not None else {})},
    }


def _artifact(report: Report) -> dict[str, Any] | None:
    """The data file, where the report names one on disk (not standard input nor a frame)."""
    path = report.source.path
    if not path or path == "<stdin>":
        return None
    artifact: dict[str, Any] = {"location": artifact_location(report.source)}
    if report.source.bytes is not None:
        artifact["length"] = report.source.bytes
    if report.source.sha256:
        artifact["hashes"] = {"sha-256": report.source.sha256}
    return artifact


def artifact_location(source: SourceInfo) -> dict[str, Any]:
    """Where the data file is. Inside a repository (`repository.py`): its path from the root,
    relative to `%SRCROOT%`, which code scanning takes for the repository's root, so a job that
    ran in a subfolder still places its results on the file. The root itself is left to the
    viewer (no `originalUriBaseIds`): the same data gives the same SARIF on any checkout, and a
    saved report renders it again. Outside every root: the path as given when relative, else a
    `file:` URI (a viewer then shows the file, code scanning cannot place it)."""
    inside = source.repository_file()
    if inside is not None:
        return {"uri": quote(inside), "uriBaseId": SRCROOT}
    path = source.path or ""
    named = PurePath(path)
    return {"uri": Path(path).as_uri() if named.is_absolute() else quote(named.as_posix())}


def _result(f: Finding, rule: int, report: Report, blocking: set[int], located: bool) -> dict[str, Any]:
    message = printable(f.message) + (f" {printable(f.hint)}" if f.hint else "")
    result: dict[str, Any] = {
        "ruleId": f.check, "ruleIndex": rule, "level": LEVEL[f.severity], "message": {"text": message},
    }
    if located:
        where = artifact_location(report.source)
        location: dict[str, Any] = {"artifactLocation": {**where, "index": 0}}
        line = _line(f, report.source.format)
        if line is not None:
            location["region"] = {"startLine": line}
        result["locations"] = [{"physicalLocation": location}]
    result["partialFingerprints"] = {FINGERPRINT: f.fingerprint}
    result["properties"] = {
        "column": f.column, "observed": f.observed, "threshold": f.threshold,
        "examples": f.examples[:MAX_EXAMPLES], "examplesAre": _examples_are(f),
        "blocking": id(f) in blocking,
    }
    return result


def _examples_are(f: Finding) -> str:
    return "lines" if f.check in LINE_CHECKS else str(f.details.get("examples_are") or "rows")


def _line(f: Finding, fmt: str | None) -> int | None:
    """The finding's first line in the file where the report knows it, else 1 in a text file."""
    if fmt not in TEXT_FORMATS:
        return None
    lines = [e for e in f.examples if isinstance(e, int) and not isinstance(e, bool) and e >= 1]
    if _examples_are(f) == "lines" and lines:
        return min(lines)
    return 1
