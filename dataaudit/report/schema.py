"""The JSON Schema of the JSON report, generated from the typed model and committed beside it.

A pipeline validates a report against report.schema.json without running dataaudit; the suite
validates every report it writes against it, and fails when the committed file is not what
`report_schema()` generates (regenerate it with `dataaudit report --schema`, see
docs/report-schema.md). Pydantic writes the schema of the dataclasses as dataaudit writes them
(every field required); the fields `plain` leaves out while they are None are then made
optional and never null, since no report writes them as null. So are the derived fields a reader
computes again (a finding's fingerprint): a report from before them lacks nothing.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any, get_args, get_type_hints

from pydantic import TypeAdapter

from dataaudit.jsontext import dumps
from dataaudit.report.cards import omittable
from dataaudit.report.model import SCHEMA_VERSION, ReportDocument

SCHEMA_FILE = Path(__file__).with_name("report.schema.json")
REGENERATE = "dataaudit report --schema > dataaudit/report/report.schema.json"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) every JSON report of this version is valid against."""
    schema = TypeAdapter(ReportDocument).json_schema(mode="serialization")
    for cls in _dataclasses(ReportDocument):
        part = schema if cls is ReportDocument else schema["$defs"][cls.__name__]
        for f in fields(cls):
            if omittable(f) or not f.init:  # a derived field (a fingerprint) is computed again on reading
                part["required"].remove(f.name)
                _never_null(part["properties"][f.name])
    return {"$schema": DIALECT, **schema, "title": f"dataaudit JSON report, schema_version {SCHEMA_VERSION}"}


def schema_text() -> str:
    """The committed file's text: what `dataaudit report --schema` prints."""
    return dumps(report_schema(), indent=2) + "\n"


def _dataclasses(root: type) -> list[type]:
    """`root` and every dataclass its fields reach, each once."""
    found: list[type] = []

    def visit(hint: Any) -> None:
        for arg in get_args(hint):
            visit(arg)
        if is_dataclass(hint) and isinstance(hint, type) and hint not in found:
            found.append(hint)
            for field_hint in get_type_hints(hint).values():
                visit(field_hint)

    visit(root)
    return found


def _never_null(prop: dict[str, Any]) -> None:
    """`X | None = None` as `X`: the key is absent rather than null."""
    prop.pop("default", None)
    options = [o for o in prop.pop("anyOf", []) if o != {"type": "null"}]
    if len(options) == 1:
        prop.update(options[0])
    elif options:
        prop["anyOf"] = options
