"""What the tests of fine-tuning files share: a rule pack for small real heads, and an audit's
JSON report through either runner of `tests.cli_helpers`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli_helpers import invoke, run

RUNNERS = {"invoke": invoke, "run": run}


def small_pack(folder: Path) -> Path:
    """The default pack wants 100 rows; the heads of real files in tests/data/text are smaller on
    purpose, so this pack accepts one row and changes nothing else."""
    pack = folder / "small.yaml"
    pack.write_text("checks:\n  size:\n    min_rows: {warn: 1, fail: 1}\n", encoding="utf-8")
    return pack


def audit_json(runner: str, args: list[Any], code: int, folder: Path) -> dict[str, Any]:
    """`dataaudit audit ARGS -f json` run by `runner`, its exit code asserted; the parsed report."""
    path = folder / "report.json"
    RUNNERS[runner](["audit", *args, "-f", "json", "-o", path], code)
    return json.loads(path.read_text("utf-8"))


def engine_files(folder: Path, lines: int = 20_000) -> dict[str, Path]:
    """A generated chat file with every planted problem (format errors, exact and near copies,
    conflicting answers, over-long and markup lines) and the same conversations as a
    prompt/completion file (a line without one user and one assistant turn is kept as written,
    so it is a format error there too): several chunks and partitions' worth of lines."""
    from dataaudit.datasets.chat import RATES, write_dirty_chat

    chat = folder / "chats.jsonl"
    write_dirty_chat(chat, lines, seed=3, rates={kind: rate * 4 for kind, rate in RATES.items()})
    pairs = folder / "pairs.jsonl"
    with chat.open("rb") as source, pairs.open("wb") as out:
        for raw in source:
            out.write(_as_pair(raw))
    return {"chat": chat, "prompt-completion": pairs}


def _as_pair(raw: bytes) -> bytes:
    try:
        turns = json.loads(raw)["messages"]
        said = {turn["role"]: turn["content"] for turn in turns if turn["role"] in ("user", "assistant")}
        return json.dumps({"prompt": said["user"], "completion": said["assistant"]}).encode() + b"\n"
    except (ValueError, KeyError, TypeError):
        return raw


def comparable(report: dict[str, Any]) -> dict[str, Any]:
    """A JSON report without what may differ between two runs of one audit: the time it was
    made and the engine that ran it."""
    report = dict(report, source={k: v for k, v in report["source"].items() if k != "engine"})
    report.pop("created_at")
    return report
