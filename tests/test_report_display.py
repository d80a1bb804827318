"""A report as a notebook, a log and `print` show it. Before, `repr(report)` (what a cell ending
in `report` showed) and `str(report)` were the dataclass's printout of every card, check and
table, 18,000 characters for a three-column frame, and the terminal report of a frame began
`<dataframe> (, 200 rows x 3 columns)`."""

from __future__ import annotations

import json

import click
import numpy as np
import pandas as pd

import dataaudit
from dataaudit.report.console import render_console
from dataaudit.report.markdown import render_markdown
from tests.cli_helpers import invoke

ROWS = 200
HOSTILE = "<img src=x onerror=alert(1)>"


def _report(strict: bool = False, **extra: object) -> dataaudit.Report:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=ROWS), HOSTILE: rng.integers(0, 3, ROWS), **extra,
                          "label": rng.choice(["x", "y"], ROWS)})
    frame.loc[3, "a"] = np.nan
    return dataaudit.audit(frame, target="label", strict=strict)


def test_the_repr_is_one_line_of_the_verdict_what_was_audited_and_the_counts() -> None:
    report = _report()
    assert repr(report) == "<Report passed: <dataframe>, 200 rows x 3 columns, target 'label'; 0 fail, 1 warn, 1 info>"
    failed = _report(strict=True, empty=[None] * ROWS)  # its warnings fail
    assert repr(failed) == "<Report failed: <dataframe>, 200 rows x 4 columns, target 'label'; 0 fail, 2 warn, 1 info>"
    assert "\n" not in repr(failed)


def test_str_is_the_terminal_report_without_its_colours() -> None:
    report = _report()
    text = str(report)
    assert text == click.unstyle(render_console(report)) and "\x1b[" not in text
    assert text.startswith(f"dataaudit {dataaudit.__version__}  <dataframe> (200 rows x 3 columns), target 'label'")
    assert "missing.rows" in text and "PASSED" in text


def test_a_report_read_back_displays_as_the_audit_did() -> None:
    report = _report()
    again = dataaudit.Report.from_dict(json.loads(json.dumps(report.to_dict())))
    assert (repr(again), str(again), again._repr_markdown_()) == (repr(report), str(report), report._repr_markdown_())


def test_a_notebook_shows_the_markdown_report_with_the_data_escaped() -> None:
    report = _report(strict=True, empty=[None] * ROWS)
    shown = report._repr_markdown_()
    assert shown == render_markdown(report)
    assert shown.startswith("### dataaudit ❌ failed: `<dataframe>`")
    assert "missing.empty_column" in shown
    assert "<img" not in shown  # a column name is text, never markup


def test_to_json_is_the_json_report_the_command_writes(tmp_path) -> None:
    """`report.to_json()` did not exist; `json.dumps(report.to_dict())` escapes `é` and writes NaN."""
    data = tmp_path / "café.csv"
    data.write_text("x,ville,label\n" + "".join(f"{i * 0.5},{'Orléans' if i % 2 else 'Sète'},{'ab'[i % 2]}\n"
                                                for i in range(40)), encoding="utf-8")
    out = tmp_path / "report.json"
    invoke(["audit", data, "-t", "label", "-f", "json", "-o", out], 0)
    written = out.read_text(encoding="utf-8")
    assert dataaudit.Report.from_dict(json.loads(written)).to_json() == written
    assert "Orléans" in written and "\\u00e9" not in written
