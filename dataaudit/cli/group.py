"""The `dataaudit` command group; each command lives in its own module and registers on it."""

from __future__ import annotations

import sys
from typing import Any

import click

from dataaudit.version import __version__


class NoEmptyPaths(click.Command):
    """A command whose paths are never empty: an empty one (an unset variable in a script,
    `-o "$REPORT"`) would be read as the folder `.` and refused as `.: is a directory`, without
    naming the option that was empty."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """The paths as given, before `click.Path(path_type=Path)` has made `''` the folder `.`."""
        if not set(args) & set(ctx.help_option_names):
            given, _, _ = self.make_parser(ctx).parse_args(args=list(args))
            for param in self.params:
                value = given.get(param.name or "")
                values = value if isinstance(value, list | tuple) else (value,)
                if _takes_paths(param) and any(isinstance(v, str) and not v.strip() for v in values):
                    raise click.BadParameter("an empty path names no file", ctx=ctx, param=param)
        return super().parse_args(ctx, args)


def _takes_paths(param: click.Parameter) -> bool:
    """Paths: a `click.Path`, or an option whose metavar says PATH (`-o PATH`, `NAME|PATH`)."""
    return isinstance(param.type, click.Path) or "PATH" in (getattr(param, "metavar", None) or "")


class OneLineErrors(click.Group):
    """Usage errors as one line on stderr (`dataaudit audit: error: ...`), exit code 2.

    click prints a usage block before the message; in CI logs and scripts, one line naming
    the problem and where to read more is easier to find and to grep. An error that is no user's
    (a bug) keeps its traceback, for a report, and exits 3: Python's own exit code for it, 1,
    would read as a failed gate.
    """

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.format_message())
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "dataaudit"
            click.echo(f"{command}: error: {exc.format_message()} (see '{command} --help')", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"dataaudit: error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:  # Ctrl-C before a command started; exit 1 would read as a failed gate
            from dataaudit.cli.common import EXIT_INTERRUPTED

            click.echo("dataaudit: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except Exception as exc:  # a bug: its traceback to report, and an exit code of its own
            import traceback

            from dataaudit.cli.common import EXIT_INTERNAL

            traceback.print_exc()
            message = " ".join(str(exc).split())[:200]  # one line, whatever the exception's text holds
            click.echo(f"dataaudit: internal error: {type(exc).__name__}: {message} (the traceback above says where)",
                       err=True)
            sys.exit(EXIT_INTERNAL)

    command_class = NoEmptyPaths
    group_class = type  # a subgroup (`rules`, `export`) is one too, and so are its commands


@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dataaudit")  # not from the installed metadata: a slow import
def cli() -> None:
    """Audit a machine-learning dataset before training on it.

    Checks size, class balance, missing values (true nulls and disguised ones such as "?",
    "NA", -999), duplicates and label consistency, and gates CI with the exit code:
    0 passed, 1 gate failed, 2 usage or input error, 3 internal error.
    """
