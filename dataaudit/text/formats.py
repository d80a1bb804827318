"""The layouts of fine-tuning JSONL files, and recognising one from a file's first lines.

Trainers name three layouts: chat (`{"messages": [{"role": ..., "content": ...}, ...]}`),
prompt/completion, and instruction/input/output (the Alpaca layout); preference files pair a
chosen and a rejected answer (TRL's `prompt`/`chosen`/`rejected`, OpenAI's DPO
`input`/`preferred_output`/`non_preferred_output`). A file is judged by the
objects on its first lines, so one bad line at the top does not decide the format.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from dataaudit.errors import InputError
from dataaudit.jsontext import loads_keeping_numbers

CHAT = "chat"
PROMPT_COMPLETION = "prompt-completion"
INSTRUCTION = "instruction"
PREFERENCE = "preference"
TABLE = "table"
FORMAT_KINDS = (CHAT, PROMPT_COMPLETION, INSTRUCTION, PREFERENCE, TABLE)
TEXT_KINDS = (CHAT, PROMPT_COMPLETION, INSTRUCTION, PREFERENCE)

#: The top-level keys a trainer reads in each layout; any other key of a line is metadata.
CHAT_KEYS = ("messages", "tools", "parallel_tool_calls", "functions")
#: An instruction line's required keys (the answer last) and its optional ones.
INSTRUCTION_FIELDS = (("instruction", "output"), ("input", "system"))
#: A prompt/completion line's keys unless the rule pack names others (`checks.text.prompt_key`, ...).
PROMPT_COMPLETION_KEYS = ("prompt", "completion")
#: The chosen and rejected keys of each preference shape: TRL's, then OpenAI's DPO.
PREFERENCE_SIDES = (("chosen", "rejected"), ("preferred_output", "non_preferred_output"))
#: The top-level keys a trainer reads in a preference line, of either shape.
PREFERENCE_KEYS = ("prompt", "chosen", "rejected", "input", "preferred_output", "non_preferred_output")
#: ShareGPT conversations, detected by their keys: a chat read through the format profile of that name
SHAREGPT = "sharegpt"
#: where a chat message keeps its calls (`tool_calls`, a list; the older `function_call`, one call)
CALL_KEYS = ("tool_calls", "function_call")
#: the roles of a call's result: `tool`, and the legacy `function` that answers a `function_call`
RESULT_ROLES = ("tool", "function")
SAMPLE_LINES = 100
#: the bytes looked at for line ends, and a record after a bare carriage return
CR_SAMPLE = 1 << 16
_CR_RECORD = re.compile(rb"\r[ \t]*[{\[]")


def kind_of_record(record: object, pair: tuple[str, str] = PROMPT_COMPLETION_KEYS) -> str:
    """The layout one parsed line follows (`table` for any other object); `pair` names the
    prompt and completion keys, each a dotted path into nested objects (`data.prompt`) or a key."""
    if not isinstance(record, dict):
        return TABLE
    if any(chosen in record and rejected in record for chosen, rejected in PREFERENCE_SIDES):
        return PREFERENCE
    if "messages" in record:
        return CHAT
    if all(holder_of(record, key) is not None for key in pair):
        return PROMPT_COMPLETION
    if "instruction" in record and "output" in record:
        return INSTRUCTION
    return TABLE


def is_sharegpt(record: object) -> bool:
    """Whether a line is a ShareGPT conversation (`{"conversations": [{"from": "human", "value":
    ...}, ...]}`, as FastChat and LLaMA-Factory read it): a chat under other keys and role names,
    which the `sharegpt` format profile reads. Its first turn decides; an empty list is none."""
    if not isinstance(record, dict) or "messages" in record:
        return False
    turns = record.get("conversations")
    return isinstance(turns, list) and bool(turns) and isinstance(turns[0], dict) and "from" in turns[0]


def calls_tool(message: dict) -> bool:
    """Whether a message calls a tool: a non-empty list of `tool_calls`, or a `function_call`
    object. Its calls then stand for its text, which OpenAI's tool-calling examples leave out
    (an assistant message of `tool_calls` and no `content`, or a null one)."""
    calls, call = message.get(CALL_KEYS[0]), message.get(CALL_KEYS[1])
    return (isinstance(calls, list) and bool(calls)) or (isinstance(call, dict) and bool(call))


def calls_malformed(message: dict) -> bool:
    """Whether a message's calls are written so that no chat template can print them: a
    `tool_calls` that is not a list of call objects (a string, one object), or a `function_call`
    that is not an object. Null, or an empty list, is no call: exports put them on every message."""
    calls, call = message.get(CALL_KEYS[0]), message.get(CALL_KEYS[1])
    return ((calls is not None and not (isinstance(calls, list) and all(isinstance(c, dict) for c in calls)))
            or (call is not None and not isinstance(call, dict)))


def unanswered_tool(turns: Iterable[tuple[str | None, dict]]) -> bool:
    """Whether a tool message, among `turns` (the part each message plays, and the message),
    answers no call: the messages before it, past other tool results, end on no assistant
    message calling a tool. A template prints a tool result after the call it answers (OpenAI's
    API refuses it otherwise); one with no call before it is a result of nothing."""
    called = False
    for part, message in turns:
        if part in RESULT_ROLES:
            if not called:
                return True
        else:
            called = part == "assistant" and calls_tool(message)
    return False


def holder_of(record: dict, path: str) -> tuple[dict, str] | None:
    """The object holding the value at a dotted `path` into nested objects (`input.messages`,
    `data.question`) and its key there, or None where the path leads nowhere: what a reader of
    the value and a writer changing it in place both walk. A key spelled with the dot itself
    (`"data.question"`) is read first: a file may name its fields that way, and then means that key."""
    if path in record:
        return record, path
    *outer, last = path.split(".")
    holder: object = record
    for key in outer:
        holder = holder.get(key) if isinstance(holder, dict) else None
    return (holder, last) if isinstance(holder, dict) and last in holder else None


def value_at(record: dict, path: str, default: object = None) -> object:
    """The value at a dotted `path` (`holder_of`), or `default` where the path leads nowhere."""
    found = holder_of(record, path)
    return default if found is None else found[0][found[1]]


def detect_format(path: str | Path, lines: int = SAMPLE_LINES, pair: tuple[str, str] = PROMPT_COMPLETION_KEYS,
                  profiles: bool = False) -> str:
    """The layout most of the first `lines` JSON objects follow (the first items of a JSON file
    holding one array); `table` when none is a fine-tuning layout (an ordinary JSONL table).
    Lines that are not JSON get no vote. `profiles`: a ShareGPT line votes `SHAREGPT`, the
    format profile that reads it, rather than `table`."""
    from dataaudit.io.json_array import array_items, is_json_array
    from dataaudit.io.lines import open_binary

    path = Path(path)
    if is_json_array(path):
        return _most_voted(array_items(path)[:lines], pair, profiles)
    with open_binary(path) as handle:  # a compressed stream may not seek: read once for the line ends
        first = handle.read(CR_SAMPLE)
    if _lines_end_in_cr(first):
        kind = _most_voted(first.split(b"\r")[:lines], pair, profiles)
        if kind != TABLE:
            raise InputError(f"{path}: a {kind} file whose lines end in a carriage return alone (CR, as old Mac files "
                             "did), which the line-by-line audit does not split at: convert the line ends to LF "
                             "first (e.g. `tr '\\r' '\\n'`)")
    with open_binary(path) as handle:
        kind = _most_voted([line for _, line in zip(range(lines), handle, strict=False)], pair, profiles)
    if kind != TABLE:
        _refuse_wide_text(path, first, kind)
    return kind


def _refuse_wide_text(path: Path, first: bytes, kind: str) -> None:
    """A fine-tuning file in UTF-16 or UTF-32 (a Windows editor's "Unicode"), named by its
    byte-order mark, in one line: trainers read such files as UTF-8, and its lines, split at the
    byte of a line end, are no lines of text (each was "not valid JSON")."""
    from dataaudit.io import wide_codec

    codec = wide_codec(first)
    if codec is not None:
        raise InputError(f"{path}: a {kind} file in {codec.upper()} (it starts with its byte-order mark); fine-tuning "
                         f"files are read as UTF-8, as trainers read them: convert it first (e.g. `iconv -f "
                         f"{codec.upper()} -t UTF-8`)")


def _keys_of(line: bytes) -> object:
    """A line parsed for its keys: one holding text in another encoding than UTF-8 (a Latin-1
    `é`) votes by its keys all the same, so that a chat file of such lines is audited as one, each
    line a `not_utf8` error, rather than read as a table of JSON columns."""
    try:
        return loads_keeping_numbers(line)
    except UnicodeDecodeError:
        return loads_keeping_numbers(line.decode("latin-1"))


def _lines_end_in_cr(sample: bytes) -> bool:
    """Records after a bare CR and no LF at all: one "line" a reader of lines takes for one
    record. A table's reader ends lines at CR too, and reads such a table; a fine-tuning file,
    read line by line, would be taken for a table and none of its lines checked."""
    return b"\n" not in sample and _CR_RECORD.search(sample) is not None


def _most_voted(lines: list[bytes], pair: tuple[str, str], profiles: bool = False) -> str:
    votes: Counter[str] = Counter()
    for line in lines:
        try:
            record = _keys_of(line)  # its keys decide, not its numbers
        except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes
            continue
        kind = kind_of_record(record, pair)
        votes[SHAREGPT if kind == TABLE and profiles and is_sharegpt(record) else kind] += 1
    text_votes = {kind: n for kind, n in votes.items() if kind != TABLE}
    if not text_votes or votes[TABLE] > sum(text_votes.values()):
        return TABLE
    order = (*TEXT_KINDS, SHAREGPT)
    return max(text_votes, key=lambda kind: (text_votes[kind], -order.index(kind)))
