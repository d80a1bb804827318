"""Very long texts cost the personal-data scan time in proportion to their length: a run that
could start many email addresses, and a text holding thousands of values, were quadratic."""

from __future__ import annotations

import json
import time
from itertools import pairwise
from pathlib import Path

from dataaudit.pii.detect import find_pii
from tests.cli_helpers import invoke


def _timed(text: str) -> tuple[float, list]:
    start = time.perf_counter()
    found = find_pii(text)
    return time.perf_counter() - start, found


def test_a_long_run_of_apostrophes_before_an_at_sign_is_scanned_in_linear_time() -> None:
    """Every letter after an apostrophe may start a local part (`o'brien@`): 200,000 characters
    of `a'a'a'...@` took over a minute."""
    seconds, found = _timed("a'" * 100_000 + "@")
    assert found == [] and seconds < 2, seconds


def test_thousands_of_values_in_one_text_are_kept_in_linear_time() -> None:
    """Each value found was compared with every one kept before it: 12,000 values took seconds."""
    seconds, found = _timed("write to jane.doe@mail.com, password=Ab3$kLm9x then " * 6_000)
    assert [f.kind for f in found[:2]] == ["email", "secret"] and len(found) == 12_000
    assert all(a.end <= b.start for a, b in pairwise(found))
    assert seconds < 2, seconds


def test_an_address_s_local_part_is_read_up_to_64_characters() -> None:
    local = "a" * 64
    assert [(f.kind, f.start, f.end) for f in find_pii(f"mail {local}@gmail.com")] == [("email", 5, 79)]
    found = find_pii("ask o'brien@gmail.com or 'x@gmail.com'")
    assert [(f.kind, f.start) for f in found] == [("email", 4), ("email", 26)]


def test_a_message_of_a_megabyte_is_audited_in_seconds(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    huge = "a'" * 500_000 + "@ and mail jane.doe@mail.com"
    rows = [[f"Question {i} about a thing?", f"Answer {i} about it."] for i in range(20)] + [["Read this:", huge]]
    path.write_text("".join(json.dumps({"messages": [{"role": "user", "content": u},
                                                     {"role": "assistant", "content": a}]}) + "\n"
                            for u, a in rows), "utf-8")
    out = tmp_path / "r.json"
    start = time.perf_counter()
    invoke(["audit", path, "-f", "json", "-o", out], 1)
    assert time.perf_counter() - start < 30
    report = json.loads(out.read_text("utf-8"))
    personal = next(f for f in report["findings"] if f["check"] == "pii.personal")
    assert "email" in json.dumps(personal)
