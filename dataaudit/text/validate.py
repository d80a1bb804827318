"""One line of a fine-tuning JSONL file: parsed, checked the way trainers check it, and cut
into the (role, text) segments the length, duplicate and near-duplicate statistics read.

A line may show several error kinds at once; each kind counts the line once.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass

from dataaudit.text.formats import CHAT, INSTRUCTION, PROMPT_COMPLETION

#: Error kind -> what it means, in the order reports list them.
ERROR_KINDS = {
    "blank_line": "blank line",
    "not_utf8": "not valid UTF-8 text",
    "not_json": "not valid JSON",
    "not_object": "not a JSON object",
    "messages_missing": "no 'messages' key",
    "messages_not_list": "'messages' is not a list",
    "field_missing": "a required key is missing (prompt/completion, instruction/output)",
    "field_not_text": "a prompt, completion, instruction, input or output that is not a string",
    "message_not_object": "a message that is not a JSON object",
    "message_missing_field": "a message without 'role' or 'content'",
    "content_not_text": "message content that is neither a string nor a list of text parts",
    "unknown_key": "a key outside the allowed keys",
    "unknown_role": "a role outside the allowed roles",
    "empty_content": "empty or whitespace-only content",
    "no_assistant": "a conversation without an assistant message",
    "ends_on_user": "a conversation ending on a user turn",
    "consecutive_user": "two user turns in a row",
    "system_not_first": "a system message that is not the first message",
}
REQUIRED = {PROMPT_COMPLETION: ("prompt", "completion"), INSTRUCTION: ("instruction", "output")}
OPTIONAL = {PROMPT_COMPLETION: (), INSTRUCTION: ("input", "system")}
ANSWER = {PROMPT_COMPLETION: "completion", INSTRUCTION: "output"}


@dataclass(frozen=True)
class Layout:
    """What a line must look like: its kind and the allowed keys and roles."""

    kind: str
    keys: frozenset[str]
    message_keys: frozenset[str]
    roles: frozenset[str]


@dataclass
class Line:
    """A checked line. `segments` are its (role, text) pieces in order, None when the line has
    no usable text; `answer` indexes the segment that answers the ones before it."""

    errors: list[str]
    segments: list[tuple[str, str]] | None = None
    answer: int | None = None


def check_line(raw: bytes, layout: Layout) -> Line:
    if not raw.strip():
        return Line(["blank_line"])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Line(["not_utf8"])
    try:
        record = json.loads(text)
    except (ValueError, RecursionError):  # nested deeper than the parser goes is not JSON it can check
        return Line(["not_json"])
    if not isinstance(record, dict):
        return Line(["not_object"])
    errors: list[str] = []
    if record.keys() - layout.keys:
        errors.append("unknown_key")
    if layout.kind == CHAT:
        return _chat(record, layout, errors)
    return _fields(record, layout.kind, errors)


def _chat(record: dict, layout: Layout, errors: list[str]) -> Line:
    messages = record.get("messages")
    if "messages" not in record:
        return Line([*errors, "messages_missing"])
    if not isinstance(messages, list):
        return Line([*errors, "messages_not_list"])
    found: set[str] = set()
    segments: list[tuple[str, str]] = []
    for message in messages:
        if not isinstance(message, dict):
            found.add("message_not_object")
            continue
        if message.keys() - layout.message_keys:
            found.add("unknown_key")
        role, content = message.get("role"), message.get("content")
        if not isinstance(role, str) or "content" not in message:
            found.add("message_missing_field")
            continue
        if role not in layout.roles:
            found.add("unknown_role")
        text = _text_of(content)
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
    answer = max((i for i, r in enumerate(roles) if r == "assistant"), default=None)
    errors.extend(kind for kind in ERROR_KINDS if kind in found and kind not in errors)
    return Line(errors, segments, answer)


def _text_of(content: object) -> str | None:
    """A string, or the text parts of a list of content parts (`[{"type": "text", "text": ...}]`)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list) and all(isinstance(p, dict) for p in content):
        parts = [p.get("text") for p in content if p.get("type", "text") == "text"]
        if all(isinstance(p, str) for p in parts):
            return "\n".join(parts)
    return None


def _fields(record: dict, kind: str, errors: list[str]) -> Line:
    if any(key not in record for key in REQUIRED[kind]):
        return Line([*errors, "field_missing"])
    segments = []
    empty = False
    for key in (*REQUIRED[kind][:1], *OPTIONAL[kind], *REQUIRED[kind][1:]):
        value = record.get(key)
        if value is None and key in OPTIONAL[kind]:
            continue
        if not isinstance(value, str):
            return Line([*errors, "field_not_text"])
        if key in REQUIRED[kind]:
            empty = empty or not value.strip()
            segments.append((key, value))
        elif value:
            segments.append((key, value))
    return Line([*errors, "empty_content"] if empty else errors, segments, len(segments) - 1)
