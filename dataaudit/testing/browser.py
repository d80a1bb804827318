"""Headless Chromium for looking at an HTML report as a person would, fully offline.

Used by the browser test (does the page show the verdict and findings, does it request
anything?) and by `make reports` (the screenshot in reports/). Every host name resolves to
nothing (`--host-resolver-rules`), so neither the page nor the browser's own background
services can reach the network; the net log still records any request the page *tried*.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps",
    "--disable-extensions", "--no-pings", "--disable-domain-reliability", "--disable-breakpad",
    "--host-resolver-rules=MAP * ~NOTFOUND", "--hide-scrollbars",
)
BROWSER_ORIGIN = "not an origin"  # the net log's initiator for the browser's own background requests


def find_chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _run(page: Path, extra: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    binary = find_chromium()
    if binary is None:
        raise FileNotFoundError("chromium is not installed")
    with tempfile.TemporaryDirectory(prefix="dataaudit-chromium-") as profile:
        return subprocess.run([binary, *FLAGS, f"--user-data-dir={profile}", *extra, page.resolve().as_uri()],
                              capture_output=True, encoding="utf-8", errors="replace", timeout=timeout, check=True)


def dump_dom(page: Path, net_log: Path, timeout: float = 120) -> tuple[str, list[str]]:
    """The DOM after the page loaded, and every URL the page itself asked the network for."""
    dom = _run(page, ["--dump-dom", f"--log-net-log={net_log}"], timeout).stdout
    return dom, page_requests(net_log)


def page_requests(net_log: Path) -> list[str]:
    """URLs of requests a page started (file: and data: URLs need no network and are left out)."""
    log = json.loads(net_log.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    started = [e.get("params") or {} for e in log["events"] if e["type"] == start]
    return [p["url"] for p in started if p.get("initiator") != BROWSER_ORIGIN and "url" in p
            and not p["url"].startswith(("file:", "data:"))]


def screenshot(page: Path, png: Path, width: int = 1280, height: int = 2400, timeout: float = 120) -> None:
    _run(page, [f"--screenshot={png.resolve()}", f"--window-size={width},{height}"], timeout)
