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
from functools import cached_property
from typing import Any

from dataaudit.io.depth import too_deep
from dataaudit.io.json_keys import repeated_keys
from dataaudit.io.surrogates import lone_surrogate
from dataaudit.jsontext import loads
from dataaudit.profile.text import ERROR_KINDS
from dataaudit.text.formats import (
    CHAT,
    PREFERENCE,
    PREFERENCE_SIDES,
    PROMPT_COMPLETION,
    calls_malformed,
    calls_tool,
    unanswered_tool,
    value_at,
)
from dataaudit.text.hashing import canonical


@dataclass(frozen=True)
class Layout:
    """What a line must look like. `own` are the top-level keys the layout reads; `allowed`
    the keys a line may carry (None: any, and those outside `own` are metadata). `required` and
    `optional` are the text keys of a prompt/completion or instruction line, the answer last,
    each a key or a dotted path into nested objects (`data.prompt`, read by `value_at`)."""

    kind: str
    own: frozenset[str]
    allowed: frozenset[str] | None
    message_keys: frozenset[str]
    roles: frozenset[str]
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    #: where a chat line keeps its messages and their fields (ShareGPT: `conversations`, `from`,
    #: `value`), and the part a role written otherwise plays (`human`: user, `gpt`: assistant)
    messages_key: str = "messages"
    role_key: str = "role"
    content_key: str = "content"
    parts: tuple[tuple[str, str], ...] = ()

    @cached_property
    def nested(self) -> tuple[tuple[str, ...], ...]:
        """The text keys spelled as dotted paths, each as the keys walked to its value."""
        return tuple(tuple(key.split(".")) for key in (*self.required, *self.optional) if "." in key)

    @cached_property
    def holders(self) -> frozenset[str]:
        """The top-level keys the nested text keys start from (`data` of `data.prompt`): the
        layout reads them, so they are neither metadata nor unknown keys."""
        return frozenset(steps[0] for steps in self.nested)


@dataclass(frozen=True)
class Pair:
    """A preference line's two sides: the prompt as one canonical string, the chosen and rejected
    answers, and whether the two sides of an implicit-prompt conversation carry different prompts."""

    prompt: str
    chosen: str
    rejected: str
    prompt_differs: bool = False


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
    pair: Pair | None = None
    #: a conversational preference line's two conversations as a trainer renders them, the
    #: prompt's messages followed by the chosen answer's, then by the rejected answer's, each
    #: with its tools; None for a pair of plain strings
    sides: tuple[tuple[list[Any], list[Any] | None], tuple[list[Any], list[Any] | None]] | None = None
    #: what a chat line's messages carry besides their roles and texts (tool calls, images, a
    #: name, a weight) and its tools, as canonical JSON: "" when nothing (`hashing.canonical`)
    beyond: str = ""

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
    return check_parsed(parse_line(raw), layout)


def check_parsed(parsed: object, layout: Layout) -> Line:
    """A line `parse_line` read, checked against `layout`: for a caller that also reads the
    parsed value (a format profile's rules), which is then parsed once."""
    return parsed if isinstance(parsed, Line) else check_record(parsed, layout)


def parse_line(raw: bytes) -> object:
    """The JSON value of a line, or the `Line` saying why it has none."""
    if not raw.removeprefix(b"\xef\xbb\xbf").strip():  # an editor's byte-order mark alone shows a blank line
        return Line(["blank_line"])
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")  # a byte-order mark before the first line
    except UnicodeDecodeError:
        return Line(["not_utf8"])
    if too_deep(text) is not None:  # not JSON any reader reads, whatever the call path leaves the parser
        return Line(["not_json"])
    try:
        # an integer of more digits than Python reads is a number all the same, which is all a check
        # reads of it: a float (an infinity), no text as its digits kept as written would pass for
        value = loads(text, long=float)
    except (ValueError, RecursionError):  # nested deeper than the parser goes is not JSON it can check
        return Line(["not_json"])
    if lone_surrogate(text, value):  # an escape of half a UTF-16 pair
        return Line(["not_utf8"])
    repeated = repeated_keys(text, value)
    return Line(["duplicate_key"], keys={"duplicate_key": repeated}) if repeated else value


def check_record(record: object, layout: Layout) -> Line:
    """A parsed line checked against `layout`."""
    if not isinstance(record, dict):
        return Line(["not_object"])
    outside = [key for key in record if key not in layout.own and key not in layout.holders]
    unknown = [key for key in outside if layout.allowed is not None and key not in layout.allowed]
    line = (_chat(record, layout) if layout.kind == CHAT else _preference(record) if layout.kind == PREFERENCE
            else _fields(record, layout))
    line.metadata = tuple(key for key in outside if key not in unknown)
    if unknown:
        line.keys["unknown_key"] = unknown + line.keys.get("unknown_key", [])
        if "unknown_key" not in line.errors:
            line.errors.insert(0, "unknown_key")
    return line


def _chat(record: dict, layout: Layout) -> Line:
    key = layout.messages_key
    messages = record.get(key)
    if key not in record:
        return Line(["messages_missing"])
    if not isinstance(messages, list):
        return Line(["messages_not_list"])
    found: set[str] = set()
    unknown: list[str] = []
    segments: list[tuple[str, str]] = []
    parts = dict(layout.parts)
    played: list[str] = []
    turns: list[tuple[str, dict]] = []  # the part each message plays, and the message
    for index, message in enumerate(messages):
        if not isinstance(message, dict):
            found.add("message_not_object")
            continue
        unknown.extend(f"{key}[{index}].{name}" for name in message if name not in layout.message_keys)
        role, content = message.get(layout.role_key), message.get(layout.content_key)
        calling = calls_tool(message)  # its calls stand for its text, the content null or left out
        if calls_malformed(message):
            found.add("tool_calls_not_list")
        if not isinstance(role, str) or (layout.content_key not in message and not calling):
            found.add("message_missing_field")
            continue
        if role not in layout.roles:
            found.add("unknown_role")
        text = text_of(content)
        if text is None:
            if content is not None or not calling:
                found.add("content_not_text" if content is not None else "message_missing_field")
            text = ""
        elif not text.strip() and not calling:
            found.add("empty_content")
        segments.append((role, text))
        played.append(parts.get(role, role))
        turns.append((played[-1], message))
    roles = played
    if unanswered_tool(turns):
        found.add("tool_without_call")
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
                chat=(messages, tools if isinstance(tools, list) else None),
                beyond=_beyond_texts(messages, tools, layout))


def _beyond_texts(messages: list[Any], tools: object, layout: Layout) -> str:
    """Canonical JSON of what the messages carry besides their roles and texts, and the tools:
    two conversations of the same texts calling a tool with other arguments, or showing other
    images, are other examples."""
    rest = []
    for message in messages:
        if not isinstance(message, dict):
            continue
        kept = {key: value for key, value in message.items() if key != layout.role_key and not (
            key == layout.content_key and (isinstance(value, str) or value is None))}
        content = kept.get(layout.content_key)
        if isinstance(content, list):  # the parts but their texts, which the segments hold
            kept[layout.content_key] = [{**part, "text": None} if isinstance(part, dict) and part.get("type") == "text"
                                        else part for part in content]
        rest.append(kept)
    if not any(rest) and tools is None:
        return ""
    return json.dumps({"messages": rest, "tools": tools}, sort_keys=True, ensure_ascii=False, default=str)


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
    absent = object()
    missing = [key for key in required if value_at(record, key, absent) is absent]
    if missing:
        return Line(["field_missing"], keys={"field_missing": missing})
    segments = []
    empty = False
    conversation = _conversation(record, required) if layout.kind == PROMPT_COMPLETION else None
    for key in (*required[:1], *optional, *required[1:]):
        value = value_at(record, key)
        if value is None and key in optional:
            continue
        messages = _side(value, key) if isinstance(value, list) and layout.kind == PROMPT_COMPLETION else None
        if messages is not None:  # TRL's conversational prompt-completion: message lists under both keys
            empty = empty or not any(text.strip() for _, text in messages)
            segments.extend(messages)
            continue
        if not isinstance(value, str):
            return Line(["field_not_text"], keys={"field_not_text": [key]})
        if key in required:
            empty = empty or not value.strip()
            segments.append((key, value))
        elif value:
            segments.append((key, value))
    return Line(["empty_content"] if empty else [], segments, len(segments) - 1, chat=conversation)


def _conversation(record: dict, keys: tuple[str, ...]) -> tuple[list[Any], None] | None:
    """The prompt's messages followed by the completion's, when both are message lists: the one
    conversation a trainer renders through the chat template (TRL's conversational
    prompt-completion); None for plain strings, which trainers join without a template."""
    values = [value_at(record, key) for key in keys]
    if len(values) != 2 or not all(_messages(value) for value in values):
        return None
    return values[0] + values[1], None


def _messages(value: object) -> bool:
    """A non-empty list of message objects: what a chat template can be given."""
    return isinstance(value, list) and bool(value) and all(isinstance(m, dict) for m in value)


def _preference(record: dict) -> Line:
    """A TRL preference line (`prompt` given, or implicit in conversational sides that share it)
    or an OpenAI DPO line (`input.messages`, one-message `preferred_output` and
    `non_preferred_output`). Its segments are the prompt's, then both answers, so lengths and
    duplicates count what a trainer reads; it has no single answer to compare across lines."""
    chosen_key, rejected_key = next((pair for pair in PREFERENCE_SIDES if pair[0] in record), PREFERENCE_SIDES[0])
    missing = [key for key in (chosen_key, rejected_key) if key not in record]
    if missing:
        return Line(["field_missing"], keys={"field_missing": missing})
    sides = [_side(record[chosen_key], "chosen"), _side(record[rejected_key], "rejected")]
    bad = [key for key, side in zip((chosen_key, rejected_key), sides, strict=True) if side is None]
    prompt_value = record["input"].get("messages") if isinstance(record.get("input"), dict) else record.get("prompt")
    prompt = [] if prompt_value is None else _side(prompt_value, "prompt")
    if prompt is None:
        bad.insert(0, "input" if chosen_key != "chosen" else "prompt")
    if bad:
        return Line(["field_not_text"], keys={"field_not_text": bad})
    assert prompt is not None and sides[0] is not None and sides[1] is not None
    chosen, rejected = sides
    differs = False
    if prompt_value is None and all(isinstance(record[k], list) for k in (chosen_key, rejected_key)):
        # implicit prompt: each side is the whole conversation, its last message the answer
        prompt, differs = chosen[:-1], chosen[:-1] != rejected[:-1]
        chosen, rejected = chosen[-1:], rejected[-1:]
    chosen_text, rejected_text = ("\n".join(text for _, text in side) for side in (chosen, rejected))
    segments = [*prompt, ("chosen", chosen_text), ("rejected", rejected_text)]
    # a prompt given and empty, as in a prompt/completion line (an empty answer is preference.empty_side's)
    empty = prompt_value is not None and not any(text.strip() for _, text in prompt)
    unanswered = [key for key in (chosen_key, rejected_key) if not _answers(record[key])]
    errors = [kind for kind, found in (("empty_content", empty), ("side_not_assistant", unanswered)) if found]
    return Line(errors, segments, None, keys={"side_not_assistant": unanswered} if unanswered else {},
                pair=Pair(canonical(prompt), chosen_text, rejected_text, differs),
                sides=_sides(record, prompt_value, (record[chosen_key], record[rejected_key])))


def _answers(side: object) -> bool:
    """Whether a preference side answers: a string, or messages whose last is the assistant's. A
    side ending on a user turn trains the model to prefer, or shun, a user's words."""
    return not isinstance(side, list) or not side or side[-1].get("role") == "assistant"


def _sides(record: dict, prompt: object, answers: tuple[object, object]) -> tuple[Any, Any] | None:
    """The two conversations a trainer renders of a conversational pair: the prompt's messages
    (none when the prompt is implicit in each side) followed by each answer's, with OpenAI's
    `input.tools`. Plain strings, or a string beside messages, are not rendered: trainers render
    only examples whose texts are all message lists."""
    given = [] if prompt is None else prompt
    if not (prompt is None or _messages(given)) or not all(_messages(answer) for answer in answers):
        return None
    held = record.get("input")
    tools = held.get("tools") if isinstance(held, dict) else None
    tools = tools if isinstance(tools, list) else None
    return tuple((given + answer, tools) for answer in answers)  # type: ignore[operator]


def _side(value: object, name: str) -> list[tuple[str, str]] | None:
    """A prompt or an answer as (role, text) segments: a string (its role is `name`), or a list
    of messages."""
    if isinstance(value, str):
        return [(name, value)]
    if not isinstance(value, list) or not all(isinstance(m, dict) for m in value):
        return None
    texts = [(m.get("role"), text_of(m.get("content"))) for m in value]
    if not all(isinstance(role, str) and text is not None for role, text in texts):
        return None
    return texts  # type: ignore[return-value]

