"""The clean's steps table (in its console report and `--report`) and its manifest quote the
rewrites a step made (`'  a@b.io ' -> 'a@b.io'`): each is masked as every text of a report is,
with `--redact` or without, a text column's or another's."""

from __future__ import annotations

import csv
import functools
import json
from pathlib import Path

import pytest

from tests.cli_helpers import invoke, run
from tests.pii_helpers import carriers

RUNNERS = {"run": functools.partial(run, timeout=300), "invoke": invoke}
ADDRESS = "zed.quux@corpmail.io"


def _write(path: Path) -> None:
    """`review`, a text column, and `contact`, no text column, with blanks around some cells
    holding an address: `normalize_text` trims them and counts each rewrite."""
    speeches = carriers()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["contact", "review", "label"])
        for i in range(200):
            review = f"  {speeches[i][:150]} write to {ADDRESS}  " if i % 3 == 0 else speeches[i][:150]
            writer.writerow([f"  {ADDRESS}  " if i % 5 == 0 else f"c{i}", review, i % 2])


@pytest.mark.parametrize("redact", [[], ["--redact", "pii"]], ids=["plain", "redact"])
@pytest.mark.parametrize("runner", RUNNERS)
def test_the_steps_and_the_manifest_show_no_rewritten_value_in_clear(tmp_path: Path, runner: str,
                                                                     redact: list[str]) -> None:
    data, out, report = tmp_path / "reviews.csv", tmp_path / "clean.csv", tmp_path / "after.json"
    _write(data)
    stdout, _ = RUNNERS[runner](["clean", data, "-t", "label", "--text-column", "review", "-o", out,
                                 "--report", report, *redact], 0)
    manifest = (tmp_path / "clean.manifest.json").read_text(encoding="utf-8")
    after = report.read_text(encoding="utf-8")
    for name, text in {"console": stdout, "report": after, "manifest": manifest}.items():
        assert "corpmail" not in text, name
    steps = json.loads(manifest)["steps"]
    rewrites = next(step["rewrites"] for step in steps if step["step"] == "normalize_text")
    with out.open(encoding="utf-8", newline="") as handle:  # the data keeps what it keeps
        contacts = [row["contact"] for row in csv.DictReader(handle)]
    trimmed = contacts.count(ADDRESS)
    assert trimmed > 30 and rewrites["'  [EMAIL]  ' -> '[EMAIL]'"] == trimmed
    assert len(rewrites) == 20  # each trimmed review is its own rewrite, each masked
    table = next(t for t in json.loads(after)["tables"] if t["id"] == "clean.steps")
    detail = next(row[3] for row in table["rows"] if row[0] == "normalize_text")
    assert f"'  [EMAIL]  ' -> '[EMAIL]' {trimmed}" in detail
