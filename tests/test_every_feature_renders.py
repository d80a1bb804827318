"""Every kind of report a feature produces renders in every format, and the saved JSON renders
the same again: a fine-tuning file, splits, the model-based checks, a table with text columns
and the report of `dataaudit clean`."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

import dataaudit
from dataaudit.datasets import write_dirty_classification
from dataaudit.report.formats import Format, render
from dataaudit.report.model import Report
from tests.conftest import DATA


def _chat(tmp: Path) -> Report:
    return dataaudit.audit(DATA / "text" / "chat_errors.jsonl")


def _splits(tmp: Path) -> Report:
    write_dirty_classification(tmp / "train.csv", 2000, seed=1)
    write_dirty_classification(tmp / "test.csv", 500, seed=2)
    return dataaudit.audit(tmp / "train.csv", target="label", ignore_columns=["id"],
                           splits={"test": tmp / "test.csv"})


def _label_noise(tmp: Path) -> Report:
    return dataaudit.audit(DATA / "iris.csv", target="target", label_noise=True)


def _text_columns(tmp: Path) -> Report:
    return dataaudit.audit(DATA / "text" / "reviews.csv", target="sentiment", text_columns=["review"])


def _contaminated(tmp: Path) -> Report:
    return dataaudit.audit(DATA / "text" / "truthfulqa_head.jsonl", format_kind="prompt-completion",
                           prompt_key="question", completion_key="best_answer",
                           eval_sets=[DATA / "text" / "truthfulqa_bigbench.jsonl"], eval_fields=["question"])


def _cleaned(tmp: Path) -> Report:
    return dataaudit.clean(DATA / "penguins.csv", target="species").report


def _infinities(tmp: Path) -> Report:
    """A regression target and a feature holding infinities: JSON has no such number, yet the
    saved report shows the `inf` the audit showed (in the target's table, a finding's details,
    the column profiles)."""
    values = ["inf", "0.25", "1e999", "-inf", "-1.5", "2"]
    data = tmp / "infinite.csv"
    data.write_text("a,b,t\n" + "".join(f"{i % 5},{values[(i + 1) % 6]},{values[i % 6]}\n" for i in range(300)))
    return dataaudit.audit(data, target="t")


REPORTS: dict[str, Callable[[Path], Report]] = {
    "chat": _chat, "splits": _splits, "label_noise": _label_noise, "text_columns": _text_columns,
    "contamination": _contaminated, "cleaned": _cleaned, "infinities": _infinities,
}


@pytest.mark.parametrize("make", REPORTS.values(), ids=REPORTS.keys())
def test_every_format_renders_and_a_saved_report_renders_the_same(tmp_path: Path, make) -> None:
    report = make(tmp_path)
    saved = Report.from_dict(json.loads(render(report, Format.JSON)))
    for fmt in Format:
        text = render(report, fmt)
        assert text.strip(), fmt
        assert render(saved, fmt) == text, fmt
    html = render(report, Format.HTML)
    for table in report.tables:
        assert table.title.replace("'", "&#39;") in html or table.title in html
    ET.fromstring(render(report, Format.JUNIT))
