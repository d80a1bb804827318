"""Render the sample reports in this folder from the bundled example data (`make reports`).

The audit runs as a user runs it (the `dataaudit` command) with SOURCE_DATE_EPOCH fixed, so
rendering again changes nothing unless the audit or a renderer changed; a test re-renders
into a temporary folder and fails when the committed files are stale.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "reports"
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z
AUDIT = ["audit", "examples/penguins.csv", "--target", "species", "--rules", "rules/default.yaml"]
OUTPUTS = {"console": "penguins.txt", "json": "penguins.json", "markdown": "penguins.md", "html": "penguins.html",
           "junit": "penguins.xml"}
SCREENSHOT = "penguins.png"


def render(out_dir: Path) -> dict[str, Path]:
    """Every format of the penguins audit into out_dir; returns format -> file."""
    paths = {fmt: out_dir / name for fmt, name in OUTPUTS.items()}
    command = [sys.executable, "-m", "dataaudit", *AUDIT]
    for fmt, path in paths.items():
        command += ["--format", fmt, "--output", str(path)]
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    env.pop("GITHUB_ACTIONS", None)
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
    return paths


def main() -> int:
    from dataaudit.testing.browser import find_chromium, screenshot

    paths = render(HERE)
    print("rendered", ", ".join(str(p.relative_to(ROOT)) for p in paths.values()))
    if find_chromium() is None:
        print(f"chromium is not installed: {SCREENSHOT} was not refreshed", file=sys.stderr)
        return 1
    screenshot(paths["html"], HERE / SCREENSHOT)
    print(f"screenshot reports/{SCREENSHOT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
