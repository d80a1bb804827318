"""A file's name is the user's, as untrusted as the data: an error line and a GitHub annotation
show its control characters as escapes, so the line stays one line, a terminal obeys no escape
sequence or bidi override in it, and a CI runner reads no command from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_helpers import run

#: a bidi override (which makes `evil.csv` read otherwise), a terminal's colour escape, a line end
HOSTILE = "ev\u202eil\x1b[31m\nname.csv"
RAW = ("\u202e", "\x1b")
ESCAPED = ("ev\\u202eil\\x1b[31m\\nname.csv",)


def _one_line(stderr: str, *needles: str) -> str:
    assert stderr.count("\n") == 1 and stderr.endswith("\n"), repr(stderr)
    assert not any(raw in stderr for raw in RAW), repr(stderr)
    for needle in needles:
        assert needle in stderr, repr(stderr)
    return stderr


@pytest.mark.parametrize("args", [
    ["audit", HOSTILE, "-t", "nothing"],           # a file that is read, with a wrong target
    ["audit", "missing" + HOSTILE],                 # a file that is not there
    ["report", HOSTILE],                            # a file that is not a report
])
def test_an_error_line_escapes_the_file_name(args: list[str], tmp_path: Path) -> None:
    (tmp_path / HOSTILE).write_text("a,b\n1,2\n3,4\n", encoding="utf-8")
    _, err = run(args, 2, cwd=tmp_path)
    _one_line(err, *ESCAPED)


def test_a_name_that_would_be_a_runner_command_is_inert(tmp_path: Path) -> None:
    _, err = run(["audit", "##[error]fake.csv"], 2, cwd=tmp_path)
    _one_line(err, "##\\[error]fake.csv: no such file")


@pytest.mark.parametrize(("name", "written"), [
    ("a,b:c%d\ne\u202e.csv", "a%2Cb%3Ac%25d%0Ae\\u202e.csv"),
    ("a ::b.csv", "a %3A%3Ab.csv"),  # no backslash before the `::`, as a message's gets: %3A is enough
])
def test_an_annotation_names_the_file_with_the_toolkits_escapes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                name: str, written: str) -> None:
    """`%`, CR, LF, `:` and `,` as the Actions toolkit escapes a property: the runner reads the
    name back as it is; other control characters print as escapes."""
    (tmp_path / name).write_text("label,x\n" + "".join(f"{i % 2},1\n" for i in range(40)), encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    _, err = run(["audit", name, "-t", "label", "-o", "r.json"], 0, cwd=tmp_path)
    annotations = [line for line in err.splitlines() if line.startswith("::")]
    assert annotations and not any(raw in err for raw in RAW), repr(err)
    for line in annotations:
        assert line.startswith(f"::warning file={written},title=dataaudit "), line
