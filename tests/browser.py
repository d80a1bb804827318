"""Test support: headless Chromium for looking at an HTML report as a person would, fully offline.

Used by the browser test (does the page show the verdict and findings, does it request
anything?) and by `make reports` (the screenshot in reports/). Every host name resolves to
nothing (`--host-resolver-rules`), so neither the page nor the browser's own background
services can reach the network; the net log still records any request the page *tried*.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

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


# runs in the frame's parent once the page loaded: the page's width, and every word of a table
# cell the browser split across lines (a range over the word then covers more than one line);
# a hyphen is a break a reader expects, so each side of one counts as a word
_MEASURE = """
const doc = event.target.contentDocument;
const broken = [];
for (const cell of doc.querySelectorAll("td, th")) {
  const walker = doc.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const word of node.data.matchAll(/[^\\s-]+/g)) {
      const range = doc.createRange();
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      if (new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1) broken.push(word[0]);
    }
  }
}
document.body.dataset.layout = JSON.stringify({scroll_width: doc.documentElement.scrollWidth, broken_words: broken});
"""


def layout(page: Path, width: int, timeout: float = 120) -> dict[str, Any]:
    """How the page lays out in a viewport `width` CSS pixels wide: `scroll_width` (more than
    `width` means the reader scrolls sideways) and `broken_words`, the words of table cells split
    across lines. Headless windows are at least 500 pixels wide, so the page is laid out,
    unchanged (its own policy and all), in a frame of that width and measured from its parent."""
    frame = html.escape(page.read_text(encoding="utf-8"), quote=True)
    probe = (f'<!doctype html><html><body style="margin:0"><iframe id="page" width="{width}" height="900" '
             f'style="border:0" srcdoc="{frame}"></iframe><script>document.getElementById("page").onload = '
             f"(event) => {{{_MEASURE}}};</script></body></html>")
    with tempfile.TemporaryDirectory(prefix="dataaudit-layout-") as folder:
        wrapper = Path(folder) / "probe.html"
        wrapper.write_text(probe, encoding="utf-8")
        dom = _run(wrapper, ["--dump-dom", "--window-size=1024,900"], timeout).stdout
    found = re.search(r'data-layout="([^"]*)"', dom)
    if found is None:
        raise RuntimeError(f"{page}: the layout probe did not run")
    return json.loads(html.unescape(found.group(1)))


def screenshot(page: Path, png: Path, width: int = 1280, height: int = 2400, timeout: float = 120) -> None:
    _run(page, [f"--screenshot={png.resolve()}", f"--window-size={width},{height}"], timeout)
