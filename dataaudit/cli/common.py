"""What every command shares: exit codes, one-line errors, where reports go."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Collection
from functools import wraps
from typing import Any

import click

EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C
EXIT_INTERNAL = 3  # a bug: as pytest reports its own; never 1, which would read as a failed gate
ERROR_CHARS = 1000


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a user error into one line on stderr and exit code 2, without a traceback; an
    interruption (Ctrl-C, SIGTERM) into `dataaudit: interrupted` and exit code 130. Either way
    no temporary file of the command outlives it, nor a copy of stdin or a FIFO it read (each
    command reads its own)."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from dataaudit.cli.collector import resume_collection
        from dataaudit.cli.interrupts import terminate_as_interrupt
        from dataaudit.errors import DataAuditError
        from dataaudit.output import remove_temporaries

        resume_collection()  # the options are read: the command's data is collected as usual
        try:
            with terminate_as_interrupt():
                return command(*args, **kwargs)
        except DataAuditError as exc:
            click.echo(error_line(exc), err=True)
            sys.exit(EXIT_ERROR)
        except KeyboardInterrupt:
            click.echo("dataaudit: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        finally:
            remove_temporaries()
            if spool := sys.modules.get("dataaudit.io.spool"):  # loaded only by a command that reads data
                spool.remove_copies()

    return wrapper


def error_line(exc: Exception) -> str:
    """A user error as the one stderr line scripts and CI logs grep for, capped at `ERROR_CHARS`
    however much of a file or a value the message carries. A file name is the user's, as raw as
    any value of the data: its line ends, escape sequences and bidi overrides (U+202E) print as
    `\\n`, `\\x1b` and `\\u202e`, as reports show data (`inert`), so the line stays one line, a
    terminal obeys nothing in it and a CI runner reads no `##[command` from it."""
    from dataaudit.report.text import inert

    text = inert(str(exc).strip())
    if len(text) > ERROR_CHARS:
        text = text[:ERROR_CHARS] + " ..."
    return f"dataaudit: error: {text}"


def check_jobs(_ctx: click.Context, _param: click.Parameter, value: int | None) -> int | None:
    """The --jobs of every command: a positive number of processes, or -1 for one per core."""
    if value is not None and (value == 0 or value < -1):
        raise click.BadParameter(f"{value}: give a positive number of processes, or -1 for one per core")
    return value


def check_size(_ctx: click.Context, _param: click.Parameter, value: str | None) -> int | None:
    """A size option in bytes, from `512M`, `2G` or a number of bytes."""
    from dataaudit.levels import parse_size

    try:
        return None if value is None else parse_size(value)
    except ValueError as bad:
        raise click.BadParameter(str(bad)) from None


#: the format a report's file name asks for when no --format is given (`-o audit.json`)
FORMAT_OF_SUFFIX = {".json": "json", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html",
                    ".xml": "junit", ".sarif": "sarif"}


def formats_named(outputs: tuple[str, ...], choices: Collection[str]) -> tuple[str, ...]:
    """With no --format, each --output's format as its name says among the command's `choices`
    (`audit.json`: json, `audit.sarif.gz`: sarif), console for any other name and for `-`: a
    report named `.json` holding the console's text is no JSON any reader of it takes."""
    if not outputs:
        return ("console",)
    from dataaudit.compression import uncompressed_name

    named = (FORMAT_OF_SUFFIX.get(uncompressed_name(out).suffix.lower()) if out != "-" else None for out in outputs)
    return tuple(fmt if fmt in choices else "console" for fmt in named)


def pair_outputs(formats: tuple[str, ...], outputs: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """Match each --format with its --output (None: stdout)."""
    if not outputs:
        if len(formats) > 1:
            raise click.UsageError("several --format need one --output each")
        return [(formats[0], None)]
    if len(outputs) == 1 and len(formats) == 1:
        return [(formats[0], outputs[0])]
    if len(outputs) != len(formats):
        raise click.UsageError(f"{len(formats)} --format but {len(outputs)} --output: give one --output per --format")
    if outputs.count("-") > 1:  # two reports one after the other in one stream, which no reader splits
        raise click.UsageError(f"--output - given {outputs.count('-')} times: standard output takes one report; write "
                               "the others to files")
    return list(zip(formats, outputs, strict=True))


def parse_input_ahead(data: str, *, wanted: bool, delimiter: str | None, encoding: str | None,
                      bad_rows: str, decimal: str = ".") -> contextlib.AbstractContextManager[None]:
    """Inside the block, a local file's first chunks are parsed while the command loads its code
    (`io/read_ahead.py`), where `wanted` (the local engine reads it), in the Arrow pool its pass
    allocates from: chosen first, so that these chunks' memory is given back as the pass's is
    (`engines/arrow_memory.py`)."""
    if not wanted:
        return contextlib.nullcontext()
    from dataaudit.engines.arrow_memory import return_freed_memory
    from dataaudit.io import parse_ahead

    return parse_ahead(data, delimiter=delimiter, encoding=encoding, bad_rows=bad_rows,
                       before_parsing=return_freed_memory, decimal=decimal)
