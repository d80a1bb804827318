"""What the tests of fine-tuning files share: a rule pack for small real heads, and an audit's
JSON report through either runner of `tests.cli_helpers`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli_helpers import invoke, run

RUNNERS = {"invoke": invoke, "run": run}


def small_pack(folder: Path) -> Path:
    """The default pack wants 100 rows; the heads of real files in tests/data/text are smaller on
    purpose, so this pack accepts one row and changes nothing else."""
    pack = folder / "small.yaml"
    pack.write_text("checks:\n  size:\n    min_rows: {warn: 1, fail: 1}\n", encoding="utf-8")
    return pack


def audit_json(runner: str, args: list[Any], code: int, folder: Path) -> dict[str, Any]:
    """`dataaudit audit ARGS -f json` run by `runner`, its exit code asserted; the parsed report."""
    path = folder / "report.json"
    RUNNERS[runner](["audit", *args, "-f", "json", "-o", path], code)
    return json.loads(path.read_text("utf-8"))
