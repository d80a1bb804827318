"""Render the sample reports in this folder from the bundled example data (`make reports`).

Two samples: the penguins table and a chat fine-tuning file. The audit runs as a user runs it
(the `dataaudit` command) with SOURCE_DATE_EPOCH fixed, so rendering again changes nothing
unless the audit or a renderer changed; a test re-renders into a temporary folder and fails
when the committed files are stale.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "reports"
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z
SAMPLES = {
    "penguins": ["audit", "examples/penguins.csv", "--target", "species", "--rules", "rules/default.yaml"],
    "chats": ["audit", "examples/chats.jsonl", "--rules", "rules/default.yaml"],
}
SUFFIXES = {"console": "txt", "json": "json", "markdown": "md", "html": "html", "junit": "xml", "sarif": "sarif"}
#: "sample.format" -> file name in this folder
OUTPUTS = {f"{sample}.{fmt}": f"{sample}.{suffix}" for sample in SAMPLES for fmt, suffix in SUFFIXES.items()}
SCREENSHOTS = {sample: f"{sample}.png" for sample in SAMPLES}
GATE_EXIT_CODES = (0, 1)  # a sample may fail its gate: the chat file does


def render(out_dir: Path) -> dict[str, Path]:
    """Every format of every sample into out_dir; returns "sample.format" -> file."""
    paths = {key: out_dir / name for key, name in OUTPUTS.items()}
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    env.pop("GITHUB_ACTIONS", None)
    for sample, audit in SAMPLES.items():
        command = [sys.executable, "-m", "dataaudit", *audit]
        for fmt in SUFFIXES:
            command += ["--format", fmt, "--output", str(paths[f"{sample}.{fmt}"])]
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        if done.returncode not in GATE_EXIT_CODES:
            raise RuntimeError(f"{' '.join(audit)}: exit {done.returncode}: {done.stderr.strip()}")
    return paths


def main() -> int:
    sys.path.insert(0, str(ROOT))  # the screenshot is taken the way the browser test looks at a page
    from tests.browser import find_chromium, screenshot

    paths = render(HERE)
    print("rendered", ", ".join(str(p.relative_to(ROOT)) for p in paths.values()))
    if find_chromium() is None:
        print(f"chromium is not installed: {', '.join(SCREENSHOTS.values())} not refreshed", file=sys.stderr)
        return 1
    for sample, png in SCREENSHOTS.items():
        screenshot(paths[f"{sample}.html"], HERE / png)
        print(f"screenshot reports/{png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
