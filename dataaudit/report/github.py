"""GitHub Actions workflow commands: findings as annotations on the run.

`::error` for a finding that fails the gate, `::warning` for a warning that does not; info
findings stay in the report. Escaping follows the Actions toolkit: data escapes `%`, CR and LF;
properties also escape `:` and `,`, so a hostile column name can neither end the command early
nor add a property. Data shows its other control characters as escapes and carries no `::` or
`##[` a runner could read as a command of its own (`inert`). The `file` is named from the
repository's root (`annotated_file`).
"""

from __future__ import annotations

from dataaudit.report.cards import SourceInfo
from dataaudit.report.model import Report, Severity
from dataaudit.report.text import inert, printable

LINE_BREAKS = "\r\n"  # the toolkit's %0D and %0A: line breaks in a message, a file name's own in `file`


def annotations(report: Report) -> list[str]:
    blocking = {id(f) for f in report.blocking}
    path = annotated_file(report.source)
    lines = []
    for f in report.findings:
        if id(f) in blocking:
            command = "error"
        elif f.severity is Severity.WARN:
            command = "warning"
        else:
            continue
        title = f"dataaudit {f.check}" + (f" [{inert(f.column)}]" if f.column else "")
        # the file's line ends as the toolkit's %0D and %0A, which the runner reads back: its real name
        # (its `:` too, as %3A: no `::` is left for `inert` to break, which would misname the file)
        named = [f"file={escape_property(printable(path, keep=LINE_BREAKS))}"] if path else []
        properties = [*named, f"title={escape_property(title)}"]
        message = "\n".join(inert(text, keep=LINE_BREAKS) for text in (f.message, f.hint) if text)
        lines.append(f"::{command} {','.join(properties)}::{escape_data(message)}")
    return lines


def annotated_file(source: SourceInfo) -> str | None:
    """The `file` of an annotation, and of a JUnit suite: the runner and CI test reporters place
    it on the file from the repository's root, whatever folder the step ran in, so a file inside
    a repository is named from its root (`repository.py`); any other keeps the path as given."""
    return source.repository_file() or source.path


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
