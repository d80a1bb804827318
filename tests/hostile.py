"""A dataset whose column names, labels and values carry HTML, Markdown, XML and terminal markup,
and CI workflow commands: `::error` words a wrapped line could start with, `##[group]`, terminal
escape sequences, a bidi override and C1 controls."""

from __future__ import annotations

import csv
from pathlib import Path

# every word a workflow command: however a message mentioning this column wraps, the new line
# starts with one of them unless the renderer makes them inert
WRAPPED = " ".join(["::error file=x::pwned"] * 12)
CONTROLS = "##[group]\u202eevil\x1b[2J\x9b31m"
COLUMNS = ["<script>alert('col')</script>", "a|b `tick` [x](javascript:alert(1))", "</testcase>]]><![CDATA[", "label",
           WRAPPED, CONTROLS]
LABELS = ["<script>alert('l')</script>", "<SCRIPT>alert('l')</SCRIPT>", "</testcase>]]>", "[x](javascript:alert(1))",
          "| `x` |", "bell\x07\x1b[31mred", "Bell\x07\x1b[31mred", "https://evil.example/x"]
CONSTANT = "<img src=x onerror=alert(1)>"


def write_hostile_csv(path: Path, rows: int = 240) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i in range(rows):
            writer.writerow([i % 7, CONSTANT if i % 5 else "?", f"v{i % 3}", LABELS[i % len(LABELS)],
                             "NA" if i % 4 == 0 else i % 11, "?" if i % 3 == 0 else f"w{i % 5}"])
    return path
