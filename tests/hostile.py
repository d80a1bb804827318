"""A dataset whose column names, labels and values carry HTML, Markdown, XML and terminal markup."""

from __future__ import annotations

import csv
from pathlib import Path

COLUMNS = ["<script>alert('col')</script>", "a|b `tick` [x](javascript:alert(1))", "</testcase>]]><![CDATA[", "label"]
LABELS = ["<script>alert('l')</script>", "<SCRIPT>alert('l')</SCRIPT>", "</testcase>]]>", "[x](javascript:alert(1))",
          "| `x` |", "bell\x07\x1b[31mred", "Bell\x07\x1b[31mred", "https://evil.example/x"]
CONSTANT = "<img src=x onerror=alert(1)>"


def write_hostile_csv(path: Path, rows: int = 240) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i in range(rows):
            writer.writerow([i % 7, CONSTANT if i % 5 else "?", f"v{i % 3}", LABELS[i % len(LABELS)]])
    return path
