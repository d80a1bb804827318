"""The sample reports committed in reports/ are what `make reports` renders today.

The audit is re-run into a temporary folder with the same command; the comparison ignores the
tool's version (it changes with every release, not with the audit) and, in HTML, the bytes of
the SVG charts (they depend on the installed matplotlib; the numbers they draw are compared
through the JSON and the tables).
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "reports"


def _renderer():
    spec = importlib.util.spec_from_file_location("render_samples", REPORTS / "render.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RENDER = _renderer()


def _normalised(text: str, version: str, fmt: str) -> str:
    text = text.replace(version, "<version>")
    if fmt == "html":
        text = re.sub(r"<svg.*?</svg>", "<svg/>", text, flags=re.DOTALL)
    return text


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return RENDER.render(tmp_path_factory.mktemp("reports"))


@pytest.mark.parametrize("key", list(RENDER.OUTPUTS))
def test_committed_sample_is_current(fresh: dict[str, Path], key: str) -> None:
    from dataaudit import __version__

    sample, fmt = key.split(".")
    committed_path = REPORTS / RENDER.OUTPUTS[key]
    assert committed_path.is_file(), f"{committed_path} is missing: run `make reports`"
    saved = json.loads((REPORTS / RENDER.OUTPUTS[f"{sample}.json"]).read_text(encoding="utf-8"))
    committed = _normalised(committed_path.read_text(encoding="utf-8"), saved["tool"]["version"], fmt)
    current = _normalised(fresh[key].read_text(encoding="utf-8"), __version__, fmt)
    assert committed == current, f"{committed_path.relative_to(ROOT)} is stale: run `make reports` and commit"


@pytest.mark.parametrize("png", list(RENDER.SCREENSHOTS.values()))
def test_the_screenshot_is_committed(png: str) -> None:
    shot = REPORTS / png
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000, "the screenshot looks empty"
