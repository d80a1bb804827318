"""The `dataaudit` command. Exit codes: 0 passed, 1 gate failed, 2 usage or input error.

Only click is imported at start-up; each command imports what it needs, so `--help` is fast.
The payload (a report) goes to stdout or to --output files; errors and notes go to stderr.
"""

from __future__ import annotations

import dataaudit.cli.clean_command  # noqa: F401  (registers `dataaudit clean`)
from dataaudit.cli import audit_command, rules_command  # noqa: F401  (commands register on the group)
from dataaudit.cli.common import EXIT_ERROR, EXIT_FAILED, EXIT_PASSED
from dataaudit.cli.group import cli

__all__ = ["EXIT_ERROR", "EXIT_FAILED", "EXIT_PASSED", "cli", "main"]


def main() -> None:
    cli(prog_name="dataaudit")
