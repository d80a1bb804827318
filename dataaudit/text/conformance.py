"""Judging one line against a format profile: which of the profile's rules it breaks.

The layout check (`dataaudit.text.validate`) asks whether a line is an example at all; this asks
whether the service or trainer the profile describes would take it. Each broken rule is named
(`role_order`, `unknown_key`, ...) with what broke it (the key, the role), so a report can say
which rule a line breaks, not only that it is wrong.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field

from dataaudit.profile.sketches import first_rows
from dataaudit.text.formats import CHAT, PREFERENCE, calls_malformed, calls_tool, unanswered_tool, value_at
from dataaudit.text.profiles import FormatProfile
from dataaudit.text.validate import Line, text_of

#: Every rule a line can break, in the order reports list them.
RULES = ("json", "required_key", "unknown_key", "value_type", "unknown_role", "system_placement", "first_role",
         "last_role", "role_order", "weight", "tool_calls", "empty_content", "example_tokens")
Broken = list[tuple[str, str]]


def broken_rules(parsed: object, profile: FormatProfile) -> Broken:
    """The (rule, what broke it) pairs of one parsed line (`parse_line`'s value or error)."""
    if isinstance(parsed, Line) and "duplicate_key" in parsed.errors:
        return [("json", "a key given twice")]
    if isinstance(parsed, Line) or not isinstance(parsed, dict):
        return [("json", "not one JSON object")]
    broken: Broken = [("required_key", key) for key in profile.required_keys if key not in parsed]
    if not profile.other_keys:
        broken += [("unknown_key", key) for key in parsed if key not in profile.allowed_keys]
    if profile.system_key in parsed and not isinstance(parsed[profile.system_key], str):
        broken.append(("value_type", profile.system_key))
    broken += _values(parsed, profile)
    conversation = _conversation(parsed, profile)
    if conversation is None:
        return broken
    if not isinstance(conversation, list) or not all(isinstance(m, dict) for m in conversation):
        return [*broken, ("value_type", profile.conversation or "messages")]
    return broken + _messages(conversation, profile)


def _values(record: dict, profile: FormatProfile) -> Broken:
    """Prompt, completion and the two sides: strings, or message lists where the profile allows."""
    keys = [k for k in profile.required_keys if k in record] if profile.kind != CHAT else []
    if profile.kind == PREFERENCE and "prompt" in record and "prompt" not in keys:
        keys.insert(0, "prompt")
    broken: Broken = []
    for key in keys:
        value = record[key]
        if profile.side_messages is not None and profile.sides and key in profile.sides:
            ok = (isinstance(value, list) and len(value) == profile.side_messages
                  and all(isinstance(m, dict) and profile.roles.get(m.get(profile.role_key)) == "assistant"
                          for m in value))
        elif profile.kind == PREFERENCE and profile.conversation and "." in profile.conversation:
            ok = isinstance(value, dict)  # OpenAI's `input`, read through its `messages`
        else:
            ok = isinstance(value, str) or (profile.text_or_messages and isinstance(value, list))
        if not ok:
            broken.append(("value_type", key))
    return broken


def _conversation(record: dict, profile: FormatProfile) -> object:
    """The message list the role rules read: a chat's messages; a prompt as messages followed by
    its completion or chosen side; None when the line holds plain strings."""
    path = profile.conversation or "messages"
    value = value_at(record, path)
    if profile.kind == CHAT:
        return value
    answer = record.get(profile.sides[0] if profile.sides else "completion")
    if not isinstance(answer, list) or (value is None and path.split(".")[0] in profile.required_keys):
        return None
    if value is None:  # an implicit prompt: the chosen side holds the whole conversation
        return answer
    return [*value, *answer] if isinstance(value, list) else None


def _messages(messages: list[dict], profile: FormatProfile) -> Broken:
    broken: Broken = []
    parts: list[str] = []
    where = profile.conversation or "messages"
    for message in messages:
        broken += [("unknown_key", f"{where}[].{k}") for k in message if k not in profile.message_keys]
        role = message.get(profile.role_key)
        part = profile.roles.get(role) if isinstance(role, str) else None
        if part is None:
            broken.append(("unknown_role", str(role)))
        parts.append(part or "")
        calls = calls_tool(message)
        if (calls or part == "tool") and not profile.tool_calls:
            broken.append(("tool_calls", str(role)))
        elif calls_malformed(message):
            broken.append(("tool_calls", f"{role} calls not a list of objects"))
        content = message.get(profile.content_key)
        text = content if isinstance(content, str) else text_of(content) if profile.content_parts else None
        if text is None and not (content is None and calls):
            broken.append(("value_type", f"{where}[].{profile.content_key}"))
        elif text is not None and not text.strip() and not calls:
            broken.append(("empty_content", str(role)))
        broken += _weight(message, part, profile)
    if profile.tool_calls and unanswered_tool(zip(parts, messages, strict=True)):
        broken.append(("tool_calls", "a tool message answering no call"))
    return broken + _order(parts, profile)


def _weight(message: dict, part: str | None, profile: FormatProfile) -> Broken:
    rule = profile.weight
    if rule is None or rule.key not in message:
        return []
    value = message[rule.key]
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value in rule.values
    return [] if ok and part in rule.roles else [("weight", f"{part or 'unknown'} {rule.key}={value!r}")]


def _order(parts: list[str], profile: FormatProfile) -> Broken:
    broken: Broken = []
    systems = [i for i, part in enumerate(parts) if part == "system"]
    if systems and (profile.system == "top_level" or (profile.system == "first" and systems != [0])):
        broken.append(("system_placement", f"message {systems[-1] + 1}"))
    said = [part for part in parts if part not in ("system", "")]
    if not said:
        return [*broken, ("last_role", "none")]
    if said[0] not in profile.first_roles:
        broken.append(("first_role", said[0]))
    if parts[-1] not in profile.last_roles:
        broken.append(("last_role", parts[-1] or "unknown"))
    turns = [part for part in said if part != "tool"]
    if profile.alternate and any(a == b for a, b in itertools.pairwise(turns)):
        broken.append(("role_order", next(f"{a} after {b}" for b, a in itertools.pairwise(turns) if a == b)))
    return broken


def meanings(profile: FormatProfile) -> dict[str, str]:
    """What each rule asks under `profile`, in words a report can print."""
    weight = profile.weight
    return {
        "json": "each line is one JSON object",
        "required_key": f"a line carries {', '.join(profile.required_keys)}",
        "unknown_key": (f"message keys are among {', '.join(profile.message_keys)}" if profile.other_keys else
                        f"top-level keys are among {', '.join(profile.allowed_keys)}; message keys among "
                        f"{', '.join(profile.message_keys)}"),
        "value_type": "each value has the type the format reads (text, message list, one-message sides)",
        "unknown_role": f"roles are among {', '.join(profile.roles)}",
        "system_placement": {"first": "a system message comes first, if at all",
                             "top_level": f"the system prompt goes in the top-level {profile.system_key!r} key",
                             "anywhere": "system messages may come anywhere"}[profile.system],
        "first_role": f"the first turn after a system prompt is {_written(profile, profile.first_roles)}",
        "last_role": f"the last message is {_written(profile, profile.last_roles)}",
        "role_order": "user and assistant turns alternate" if profile.alternate else "any role order",
        "weight": (f"{weight.key} is one of {', '.join(f'{v:g}' for v in weight.values)}, on "
                   f"{' or '.join(weight.roles)} messages") if weight else "no weight key",
        "tool_calls": ("tool calls are lists of call objects, each tool message answering one" if profile.tool_calls
                       else "no tool calls"),
        "empty_content": "no message is empty",
        "example_tokens": (f"an example has at most {profile.max_tokens_per_example:,} tokens"
                           if profile.max_tokens_per_example else "no token limit"),
    }


def _written(profile: FormatProfile, parts: list[str]) -> str:
    """The roles playing `parts`, as the format writes them (ShareGPT's `human` for a user)."""
    return " or ".join(role for role, part in profile.roles.items() if part in parts)


@dataclass
class RuleBreaks:
    """Per rule: the lines breaking it, the first of them, and what broke it; mergeable like the
    rest of the text partial (counts add, first lines keep file order)."""

    counts: Counter[str] = field(default_factory=Counter)
    first: dict[str, list[int]] = field(default_factory=dict)
    what: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, number: int, broken: Broken, k: int) -> None:
        for rule in dict.fromkeys(rule for rule, _ in broken):
            self.counts[rule] += 1
            examples = self.first.setdefault(rule, [])
            if len(examples) < k:
                examples.append(number)
        for rule, what in broken:
            self.what.setdefault(rule, Counter())[what] += 1

    def merged(self, other: RuleBreaks, k: int) -> RuleBreaks:
        rules = self.first.keys() | other.first.keys()
        return RuleBreaks(
            counts=self.counts + other.counts,
            first={rule: first_rows(self.first.get(rule, []), other.first.get(rule, []), k) for rule in rules},
            what={rule: self.what.get(rule, Counter()) + other.what.get(rule, Counter())
                  for rule in self.what.keys() | other.what.keys()},
        )
