"""The `dataaudit` command. Exit codes: 0 passed, 1 gate failed, 2 usage or input error, 3 internal error.

Only click is imported at start-up; each command imports what it needs, so `--help` is fast.
The garbage collector is paused while the command's modules load (`collector`).
The payload (a report) goes to stdout or to --output files; errors and notes go to stderr.
"""

from __future__ import annotations

from dataaudit.cli.collector import end_program, pause_collection, unscanned

with unscanned():
    # each command module registers its command on the group
    from dataaudit.cli import (  # noqa: F401
        audit_command,
        clean_command,
        diff_command,
        export_command,
        report_command,
        rules_command,
        schema_command,
    )
    from dataaudit.cli.common import EXIT_ERROR, EXIT_FAILED, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_PASSED
    from dataaudit.cli.group import cli

__all__ = ["EXIT_ERROR", "EXIT_FAILED", "EXIT_INTERNAL", "EXIT_INTERRUPTED", "EXIT_PASSED", "cli", "main"]


def main() -> None:
    pause_collection()  # the options' checks import pyarrow and the rule models; the command resumes it
    try:
        cli(prog_name="dataaudit")
    except SystemExit as exc:
        if exc.code in (EXIT_ERROR, EXIT_INTERRUPTED, EXIT_INTERNAL):
            # After a parse error, an interruption or an internal error inside pyarrow's streaming
            # CSV reader (read in a background thread), interpreter teardown sometimes aborts in
            # pyarrow's C++ destructors (exit 134 instead of 2, 3 or 130). The command has written its line and
            # removed its temporary files (`reports_errors`): flush and leave without the teardown,
            # after the exit functions (multiprocessing's removes the `--jobs` fork server's folder).
            import atexit
            import os
            import sys

            sys.stdout.flush()
            sys.stderr.flush()
            atexit._run_exitfuncs()
            os._exit(int(exc.code))
        raise
    finally:
        end_program()
