"""A classification target's classes that look like IP addresses (`4.1.2.7`) are shown as written
in every report format; classes that are personal data (emails), or that the personal-data scan
found in the target column, are masked as every value is."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from dataaudit.report.masking import masked, masked_text
from tests.cli_helpers import invoke, run

FORMATS = ("console", "json", "markdown", "html", "junit", "sarif")


def _table(path: Path, common: str, rare: str) -> Path:
    """400 rows of `common` and `rare` classes, imbalanced, and one row whose features repeat row
    1's with the other class: the imbalance, rows-per-class and conflict findings quote both."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["size", "colour", "label"])
        for i in range(400):
            writer.writerow([i, ["red", "blue"][i % 2], common if i % 40 else rare])
        writer.writerow([1, "blue", rare])
    return path


def _reports(tmp_path: Path, data: Path, *options: str) -> dict[str, str]:
    """Every format of one audit, written by the installed command in one run."""
    outputs = [arg for fmt in FORMATS for arg in ("-f", fmt, "-o", str(tmp_path / f"report.{fmt}"))]
    run(["audit", data, "-t", "label", "-q", *options, *outputs], 0)
    return {fmt: (tmp_path / f"report.{fmt}").read_text(encoding="utf-8") for fmt in FORMATS}


def test_dotted_quad_classes_are_shown_in_every_report_format(tmp_path: Path) -> None:
    reports = _reports(tmp_path, _table(tmp_path / "codes.csv", "4.1.2.7", "8.8.4.4"))
    for fmt, text in reports.items():
        assert "[IP]" not in text, fmt
        assert "8.8.4.4" in text, fmt  # the rare class every finding names
    assert "4.1.2.7" in reports["json"] and "4.1.2.7" in reports["console"]


def test_email_classes_are_masked_in_every_report_format(tmp_path: Path) -> None:
    reports = _reports(tmp_path, _table(tmp_path / "owners.csv", "ann@corp.com", "bob@corp.com"))
    for fmt, text in reports.items():
        assert "corp.com" not in text, fmt
        assert "[EMAIL]" in text.replace("\\[", "[").replace("\\]", "]"), fmt  # Markdown escapes brackets


def test_dotted_quad_classes_the_scan_found_in_the_target_are_masked(tmp_path: Path) -> None:
    data = _table(tmp_path / "addresses.csv", "4.1.2.7", "8.8.4.4")
    out, _ = invoke(["audit", data, "-t", "label", "--text-column", "label"], 1)
    assert "[IP]" in out
    assert "4.1.2.7" not in out and "8.8.4.4" not in out


def test_a_class_value_in_another_column_is_masked(tmp_path: Path) -> None:
    data = tmp_path / "visits.csv"
    with data.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["size", "client_ip", "label"])
        for i in range(400):
            writer.writerow([i, ["4.1.2.7", "8.8.4.4"][i % 2], "4.1.2.7" if i % 40 else "5.6.7.8"])
    for options, code in (((), 0), (("--text-column", "client_ip"), 1)):
        outputs = [tmp_path / "report.json", tmp_path / "report.md"]
        run(["audit", data, "-t", "label", "-q", *options, "-f", "json", "-o", outputs[0],
             "-f", "markdown", "-o", outputs[1]], code)
        report = json.loads(outputs[0].read_text(encoding="utf-8"))
        columns = {c["name"]: c for c in report["dataset"]["column_profiles"]}
        assert [value for value, _ in columns["client_ip"]["top_values"]] == ["[IP]", "[IP]"], options
        assert "4.1.2.7" in [value for value, _ in columns["label"]["top_values"]], options
        assert set(report["dataset"]["labels"]["counts"]) == {"4.1.2.7", "5.6.7.8"}, options
        markdown = outputs[1].read_text(encoding="utf-8").replace("\\[", "[").replace("\\]", "]")
        assert "8.8.4.4" not in markdown and "client_ip='4.1.2.7'" not in markdown, options
        assert "'4.1.2.7' 390 vs '5.6.7.8' 10" in markdown, options  # the imbalance names the target's classes


@pytest.mark.parametrize(("text", "shown"), [
    ("'4.1.2.7' 390 vs '8.8.4.4' 11", "'4.1.2.7' 390 vs '[IP]' 11"),
    ("from 4.1.2.70 to 4.1.2.7", "from [IP] to 4.1.2.7"),  # an address holding a class's digits is no class
    ("4.1.2.7 wrote to ann@corp.com", "4.1.2.7 wrote to [EMAIL]"),
])
def test_only_the_shown_classes_are_left_unmasked(text: str, shown: str) -> None:
    assert masked_text(text, labels=frozenset({"4.1.2.7"})) == shown


def _classes_table(path: Path, rows: int, note: str = "") -> Path:
    """`rows` rows of classes `4.1.2.7` and `8.8.4.4` (one in four), with a free-text `note`;
    rows of `8.8.4.4` end their note with `note`."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["size", "note", "label"])
        for i in range(rows):
            label = "8.8.4.4" if i % 4 == 0 else "4.1.2.7"
            text = f"parcel {i} left the depot on time"
            writer.writerow([i % 37, f"{text} {note}" if note and label == "8.8.4.4" else text, label])
    return path


def test_each_split_card_and_the_class_shares_show_the_classes(tmp_path: Path) -> None:
    train = _classes_table(tmp_path / "train.csv", 400)
    test = _classes_table(tmp_path / "test.csv", 120)
    out = tmp_path / "report.json"
    run(["audit", train, "-t", "label", "--split", f"test={test}", "-q", "-f", "json", "-o", out], 1)  # leaked rows
    report = json.loads(out.read_text(encoding="utf-8"))
    for name, card in report["dataset"]["splits"].items():
        assert set(card["labels"]["counts"]) == {"4.1.2.7", "8.8.4.4"}, name
    shares = next(t for t in report["tables"] if t["id"] == "splits.class_shares")
    assert {row[shares["columns"].index("class")] for row in shares["rows"]} == {"4.1.2.7", "8.8.4.4"}


def test_the_classes_the_scan_found_in_the_target_are_masked_in_every_split_card(tmp_path: Path) -> None:
    train = _classes_table(tmp_path / "train.csv", 400)
    test = _classes_table(tmp_path / "test.csv", 120)
    out = tmp_path / "report.json"
    invoke(["audit", train, "-t", "label", "--text-column", "label", "--split", f"test={test}", "-q",
            "-f", "json", "-o", out], 1)
    report = json.loads(out.read_text(encoding="utf-8"))
    for name, card in report["dataset"]["splits"].items():
        assert set(card["labels"]["counts"]) == {"[IP]", "[IP] #2"}, name
    assert "4.1.2.7" not in out.read_text(encoding="utf-8") and "8.8.4.4" not in out.read_text(encoding="utf-8")


def test_a_shortcut_tokens_class_is_shown_in_its_finding_and_table(tmp_path: Path) -> None:
    data = _classes_table(tmp_path / "parcels.csv", 400, note="via relay station")
    out = tmp_path / "report.json"
    invoke(["audit", data, "-t", "label", "--text-column", "note", "-q", "-f", "json", "-o", out], 0)
    report = json.loads(out.read_text(encoding="utf-8"))
    finding = next(f for f in report["findings"] if f["check"] == "shortcuts.text_token")
    assert finding["column"] == "note"
    assert {token["class"] for token in finding["details"]["tokens"]} == {"8.8.4.4"}
    table = next(t for t in report["tables"] if t["id"] == "shortcuts.text_tokens")
    assert {row[table["columns"].index("class")] for row in table["rows"]} == {"8.8.4.4"}


@pytest.mark.parametrize(("details", "shown"), [
    ({"class": "4.1.2.7", "token": "4.1.2.7"}, {"class": "4.1.2.7", "token": "[IP]"}),
    ({"class": "8.8.4.4"}, {"class": "[IP]"}),  # not one of the shown classes
    ({"class": "4.1.2.7 and 8.8.4.4"}, {"class": "[IP] and [IP]"}),  # only a class exactly
    ({"tokens": [{"class": "4.1.2.7"}]}, {"tokens": [{"class": "4.1.2.7"}]}),
])
def test_only_a_class_field_holding_exactly_a_shown_class_is_kept(details: dict, shown: dict) -> None:
    assert masked(details, classes=frozenset({"4.1.2.7"})) == shown


def _spellings_table(path: Path) -> Path:
    """A target whose classes are addresses, one of them also spelled with capitals and a blank:
    `labels.variants` names the spelling to merge into in its hint."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["size", "colour", "label"])
        for i in range(400):
            label = "Zed.Quux@corpmail.io " if i % 20 == 0 else ["zed.quux@corpmail.io", "ann.bee@corpmail.io"][i % 2]
            writer.writerow([i, ["red", "blue", "green"][i % 3], label])
    return path


@pytest.mark.parametrize("runner", ["run", "invoke"])
def test_a_hint_quoting_a_class_is_masked_in_every_report_format(tmp_path: Path, runner: str) -> None:
    data = _spellings_table(tmp_path / "owners.csv")
    outputs = [arg for fmt in FORMATS for arg in ("-f", fmt, "-o", str(tmp_path / f"report.{fmt}"))]
    {"run": run, "invoke": invoke}[runner](["audit", data, "-t", "label", "-q", *outputs], 1)
    reports = {fmt: (tmp_path / f"report.{fmt}").read_text(encoding="utf-8") for fmt in FORMATS}
    for fmt, text in reports.items():
        assert "corpmail" not in text.lower(), fmt
    variants = [f for f in json.loads(reports["json"])["findings"] if f["check"] == "labels.variants"]
    assert [f["hint"] for f in variants] == ["Merge the spellings into '[EMAIL]' (`dataaudit clean` does)."]
