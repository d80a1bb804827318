"""Texts: fine-tuning JSONL files (chat, prompt/completion, instruction) and text columns.

`clean_jsonl` writes a cleaned copy of a fine-tuning file with a quarantine of the lines it
left out; `profile_text_file` is the one pass behind `dataaudit audit chats.jsonl`. Names load
on first use, so importing the package stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dataaudit.text.audit import profile_text_file
    from dataaudit.text.clean import CleanSummary, clean_jsonl
    from dataaudit.text.formats import FORMAT_KINDS, detect_format

__all__ = ["FORMAT_KINDS", "CleanSummary", "clean_jsonl", "detect_format", "profile_text_file"]
_HOME = {
    "CleanSummary": "dataaudit.text.clean",
    "clean_jsonl": "dataaudit.text.clean",
    "FORMAT_KINDS": "dataaudit.text.formats",
    "detect_format": "dataaudit.text.formats",
    "profile_text_file": "dataaudit.text.audit",
}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        import importlib

        return getattr(importlib.import_module(_HOME[name]), name)
    raise AttributeError(f"module 'dataaudit.text' has no attribute {name!r}")
