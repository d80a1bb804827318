"""Reading a JSON report saved earlier, with one clear error for anything it cannot be."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from dataaudit.compression import read_bytes
from dataaudit.errors import InputError
from dataaudit.io.spool import STDIN, STDIN_NAME
from dataaudit.report.model import Report, ReportFormatError


def load_report(path: Path) -> Report:
    """A saved report of this schema_version's major (a breaking change bumps the major); one
    named `.gz`, `.bz2`, `.zst` or `.lz4` is decompressed, as dataaudit writes it so named; `-`
    is standard input (`curl .../main.json | dataaudit diff - new.json`), named `<stdin>`."""
    stdin = str(path) == STDIN
    if stdin:
        path = Path(STDIN_NAME)
    try:
        raw = sys.stdin.buffer.read() if stdin else read_bytes(path)
        data = json.loads(raw.decode("utf-8-sig"))  # a BOM: saved by Notepad or PowerShell
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}:{exc.colno}: not a JSON report: {exc.msg}{_cut_short(exc)}") from None
    except RecursionError:
        raise InputError(f"{path}: not a JSON report: nested deeper than a report ever is") from None
    if not isinstance(data, dict) or "schema_version" not in data:
        raise InputError(f"{path}: not a dataaudit JSON report (no schema_version)")
    try:
        return Report.from_dict(data)
    except ReportFormatError as exc:
        raise InputError(f"{path}: {exc}") from None


def _cut_short(exc: json.JSONDecodeError) -> str:
    """Why JSON that stops at its end is no report: an empty file, or one cut short (a copy or an
    upload that did not finish), not a report with a typo in it."""
    text = exc.doc.strip()
    if not text:
        return " (the file is empty)"
    ends = exc.pos >= len(exc.doc.rstrip()) or exc.msg == "Unterminated string starting at"  # no closing quote
    return " (the file ends before the report does: cut short?)" if ends else ""
