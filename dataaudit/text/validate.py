"""One line of a fine-tuning JSONL file: parsed, checked the way trainers check it, and cut
into the (role, text) segments the length, duplicate and near-duplicate statistics read.

A line may show several error kinds at once; each kind counts the line once. Top-level keys
the layout does not read (`id`, `source_file`, `categories`) are metadata, not errors: published
datasets carry them, and trainers that read only the layout's keys ignore them.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from dataaudit.profile.text import ERROR_KINDS
from dataaudit.text.formats import CHAT


@dataclass(frozen=True)
class Layout:
    """What a line must look like. `own` are the top-level keys the layout reads; `allowed`
    the keys a line may carry (None: any, and those outside `own` are metadata). `required` and
    `optional` are the text keys of a prompt/completion or instruction line, the answer last."""

    kind: str
    own: frozenset[str]
    allowed: frozenset[str] | None
    message_keys: frozenset[str]
    roles: frozenset[str]
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()


@dataclass
class Line:
    """A checked line. `segments` are its (role, text) pieces in order, None when the line has
    no usable text; `answer` indexes the segment that answers the ones before it. `keys` names,
    per error kind, the keys behind it (`unknown_key`: `source`, `messages[1].mood`;
    `field_missing`: `completion`); `metadata` the top-level keys outside the layout; `chat` a
    chat line's messages and tools as written, what a chat template renders."""

    errors: list[str]
    segments: list[tuple[str, str]] | None = None
    answer: int | None = None
    keys: dict[str, list[str]] = field(default_factory=dict)
    metadata: tuple[str, ...] = ()
    chat: tuple[list[Any], list[Any] | None] | None = None

    def reason(self) -> str:
        """The line's error kinds, each with the keys it concerns: what a quarantine entry says."""
        parts = []
        for kind in self.errors:
            named = ", ".join(self.keys.get(kind, []))
            if kind == "field_missing" and self.metadata:
                named += f"; other keys: {', '.join(self.metadata)}"
            parts.append(f"{kind} ({named})" if named else kind)
        return "; ".join(parts)


def check_line(raw: bytes, layout: Layout) -> Line:
    if not raw.strip():
        return Line(["blank_line"])
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")  # a byte-order mark before the first line
    except UnicodeDecodeError:
        return Line(["not_utf8"])
    try:
        record = json.loads(text)
    except (ValueError, RecursionError):  # nested deeper than the parser goes is not JSON it can check
        return Line(["not_json"])
    if not isinstance(record, dict):
        return Line(["not_object"])
    outside = [key for key in record if key not in layout.own]
    unknown = [key for key in outside if layout.allowed is not None and key not in layout.allowed]
    line = _chat(record, layout) if layout.kind == CHAT else _fields(record, layout)
    line.metadata = tuple(key for key in outside if key not in unknown)
    if unknown:
        line.keys["unknown_key"] = unknown + line.keys.get("unknown_key", [])
        if "unknown_key" not in line.errors:
            line.errors.insert(0, "unknown_key")
    return line


def _chat(record: dict, layout: Layout) -> Line:
    messages = record.get("messages")
    if "messages" not in record:
        return Line(["messages_missing"])
    if not isinstance(messages, list):
        return Line(["messages_not_list"])
    found: set[str] = set()
    unknown: list[str] = []
    segments: list[tuple[str, str]] = []
    for index, message in enumerate(messages):
        if not isinstance(message, dict):
            found.add("message_not_object")
            continue
        unknown.extend(f"messages[{index}].{key}" for key in message if key not in layout.message_keys)
        role, content = message.get("role"), message.get("content")
        if not isinstance(role, str) or "content" not in message:
            found.add("message_missing_field")
            continue
        if role not in layout.roles:
            found.add("unknown_role")
        text = text_of(content)
        if text is None:
            if content is not None or not message.get("tool_calls"):
                found.add("content_not_text" if content is not None else "message_missing_field")
            text = ""
        elif not text.strip() and not message.get("tool_calls"):
            found.add("empty_content")
        segments.append((role, text))
    roles = [role for role, _ in segments]
    if "assistant" not in roles:
        found.add("no_assistant")
    elif roles[-1] == "user":
        found.add("ends_on_user")
    if any(a == b == "user" for a, b in itertools.pairwise(roles)):
        found.add("consecutive_user")
    if "system" in roles[1:]:
        found.add("system_not_first")
    if unknown:
        found.add("unknown_key")
    answer = max((i for i, r in enumerate(roles) if r == "assistant"), default=None)
    tools = record.get("tools")
    return Line([kind for kind in ERROR_KINDS if kind in found], segments, answer,
                keys={"unknown_key": unknown} if unknown else {},
                chat=(messages, tools if isinstance(tools, list) else None))


def text_of(content: object) -> str | None:
    """A string, or the text parts of a list of content parts (`[{"type": "text", "text": ...}]`)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list) and all(isinstance(p, dict) for p in content):
        parts = [p.get("text") for p in content if p.get("type", "text") == "text"]
        if all(isinstance(p, str) for p in parts):
            return "\n".join(parts)
    return None


def _fields(record: dict, layout: Layout) -> Line:
    required, optional = layout.required, layout.optional
    missing = [key for key in required if key not in record]
    if missing:
        return Line(["field_missing"], keys={"field_missing": missing})
    segments = []
    empty = False
    for key in (*required[:1], *optional, *required[1:]):
        value = record.get(key)
        if value is None and key in optional:
            continue
        if not isinstance(value, str):
            return Line(["field_not_text"], keys={"field_not_text": [key]})
        if key in required:
            empty = empty or not value.strip()
            segments.append((key, value))
        elif value:
            segments.append((key, value))
    return Line(["empty_content"] if empty else [], segments, len(segments) - 1)
