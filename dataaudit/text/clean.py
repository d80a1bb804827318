"""Cleaning a fine-tuning JSONL file: broken lines and exact duplicate conversations go to a
quarantine file with their line number and reason; every other line is copied byte for byte,
except that leading and trailing whitespace of its texts is trimmed, and its metadata keys
dropped, when asked.

A JSON file holding one array of examples is cleaned item by item the same way: an item is
quarantined with its index, and the output is a JSON array again, the input's own form (its
brackets, and each kept item after the blanks it had), every item nothing changed byte for byte.

Both files are files of one run (`dataaudit.output`), renamed into place together when
complete, so a failed run never leaves a half-written output. The kept lines are profiled by
the text audit as they are written, so the report judges exactly the bytes of the output,
without reading it again.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO

from dataaudit.compression import compression_of
from dataaudit.errors import InputError
from dataaudit.io.json_array import BOM, ArrayText, array_text, is_json_array
from dataaudit.io.lines import CHUNK_LINES
from dataaudit.io.spool import named, readable_path
from dataaudit.jsontext import dumps, loads_keeping_numbers, strict_constants, written_dumps
from dataaudit.output import Outputs, all_or_nothing, check_destinations
from dataaudit.pii.redact import redact_kinds
from dataaudit.profile.pii import PII_KINDS
from dataaudit.profile.siphash import hash_objects
from dataaudit.report.model import Report
from dataaudit.rules.load import load_rules
from dataaudit.rules.model import RulePack
from dataaudit.text.audit import format_profile, text_layout, text_spec
from dataaudit.text.conformance import broken_rules, meanings
from dataaudit.text.formats import CHAT, PREFERENCE, PREFERENCE_KEYS, PROMPT_COMPLETION, holder_of
from dataaudit.text.hashing import canonical
from dataaudit.text.languages.settings import language_settings
from dataaudit.text.lines import numbered_chunks
from dataaudit.text.partial import TextPartial
from dataaudit.text.profiles import FormatProfile
from dataaudit.text.redact_lines import redact_line
from dataaudit.text.tokens import token_counter
from dataaudit.text.validate import Layout, Line, check_line, check_parsed, parse_line


@dataclass
class CleanSummary:
    """What `clean_jsonl` did; `quarantined` counts lines per reason (an error kind or
    `duplicate`); `report` is the text audit of the kept lines (of the output as written);
    `unit` says what was counted: a JSONL file's lines, or a JSON array's items."""

    lines: int = 0
    kept: int = 0
    trimmed: int = 0
    stripped: int = 0
    quarantined: dict[str, int] = field(default_factory=dict)
    output: str = ""
    quarantine: str | None = None
    kind: str = ""
    unit: str = "line"
    #: a prompt/completion file's keys: prompt_key, completion_key
    keys: dict[str, str] = field(default_factory=dict)
    trim: bool = True
    strip_metadata: bool = False
    drop_duplicates: bool = True
    #: the kinds of personal data and secrets replaced (`--redact`), how many per kind and role or
    #: key, and the lines that had one
    redact: list[str] = field(default_factory=list)
    redacted: dict[str, dict[str, int]] = field(default_factory=dict)
    redacted_lines: int = 0
    bytes_out: int = 0
    report: Report | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "report"}


def clean_jsonl(path: str | Path, output: str | Path, quarantine: str | Path | None = None, *,
                rules: str | Path | RulePack | None = "default", format_kind: str | None = None,
                drop_duplicates: bool = True, trim: bool | None = None, strip_metadata: bool | None = None,
                prompt_key: str | None = None, completion_key: str | None = None,
                tokenizer: str | Path | None = None, dry_run: bool = False, redact: Iterable[str] = (),
                outputs: Outputs | None = None) -> CleanSummary:
    """Write the good lines of `path` to `output` and the others, with line and reason, to
    `quarantine`; a line is broken when it shows any format error the text audit reports.
    Texts are trimmed when `trim` (default: the rule pack's `preprocess.normalize_text`; code,
    whose indentation is its meaning, wants False). Metadata keys are kept unless
    `strip_metadata` (default: the pack's `preprocess.strip_metadata`). `prompt_key` and
    `completion_key` name a prompt/completion file's keys as for the audit. `redact` names the
    personal data and secrets to replace in the texts (`dataaudit.pii.redact`). `dry_run` decides
    and audits every line but writes nothing. With `outputs` both files join that run's files
    (renamed when it commits), else they are renamed when this returns. A JSON array's items are
    cleaned as lines are, numbered by their index, and `output` is an array again."""
    from dataaudit.text.extract import extract
    from dataaudit.text.report import text_report

    output = Path(output)
    kinds = redact_kinds(redact)
    check_destinations((output, quarantine), (Path(path),))
    path = readable_path(path)  # standard input or a pipe is read from its copy
    kind, loaded = text_layout(path, format_kind, load_rules(rules), prompt_key, completion_key)
    if kind is None:
        raise InputError(f"{named(path)}: not a chat, prompt/completion or instruction JSONL file; give --format-kind")
    array = array_text(path) if is_json_array(path) else None
    unit = "line" if array is None else "item"
    steps = loaded.rules.preprocess
    trim = steps.normalize_text if trim is None else trim
    strip = steps.strip_metadata if strip_metadata is None else strip_metadata
    spec = text_spec(str(path), kind, loaded.rules.checks.text, token_counter(tokenizer), unit=unit,
                     profile=format_profile(loaded.rules.checks.format),  # its keys and roles, as the audit reads
                     languages=language_settings(loaded.rules),  # the after report tells languages as the audit does
                     phone_regions=loaded.rules.checks.pii.phone_regions)
    layout = spec.layout
    assert layout is not None
    after = TextPartial(replace(spec, name=str(output)))
    summary = CleanSummary(output=str(output), quarantine=None if quarantine is None else str(quarantine), kind=kind,
                           keys=dict(zip(("prompt_key", "completion_key"), layout.required, strict=True))
                           if kind == PROMPT_COMPLETION else {}, trim=trim, strip_metadata=strip,
                           drop_duplicates=drop_duplicates, redact=[k for k in PII_KINDS if k in kinds], unit=unit)
    seen: dict[int, int] = {}
    with _files_of(outputs) as files:
        good_file = None if dry_run else files.open(output, compression_of(output))
        bad_file = None if dry_run or quarantine is None else files.open(Path(quarantine), compression_of(quarantine))
        good = KeptExamples(None if good_file is None else good_file.handle, array)
        bad = None if bad_file is None else bad_file.handle
        for numbers, raw in numbered_chunks(path) if array is None else _item_chunks(array):
            parsed = [parse_line(line) for line in raw]
            checked = [check_parsed(value, layout) for value in parsed]
            broken = [() if result.errors or spec.profile is None else _breaks(value, spec.profile)
                      for value, result in zip(parsed, checked, strict=True)]
            # each good line as written (trimmed, metadata stripped, strict JSON), which its identity is read
            # from; redaction comes after, as a duplicate of an example is one whatever personal data it holds
            written = [(line, False) if result.errors or breaks
                       else _strict_rewritten(line, layout, trim, strip, result)
                       for line, result, breaks in zip(raw, checked, broken, strict=True)]
            as_written = [result if cleaned is line else check_line(cleaned, layout)
                          for line, result, (cleaned, _) in zip(raw, checked, written, strict=True)]
            hashes = _canonical_hashes(as_written)
            kept: list[Line] = []
            for number, line, result, breaks, (cleaned, trimmed), now, digest in zip(
                    numbers, raw, checked, broken, written, as_written, hashes, strict=True):
                summary.lines += 1
                reason = None
                if result.errors:
                    reason, why = result.errors[0], result.reason()
                elif breaks:
                    reason = breaks[0]
                    why = f"breaks the {spec.profile.name} rule {meanings(spec.profile)[reason]!r}"
                elif drop_duplicates and digest is not None:
                    first = seen.setdefault(digest, number)
                    if first != number:
                        reason, why = "duplicate", f"duplicate of {unit} {first}"
                if reason is not None:
                    summary.quarantined[reason] = summary.quarantined.get(reason, 0) + 1
                    if bad is not None:
                        bad.write(dumps(_quarantined(line, {unit: number, "reason": why,
                                                            "kinds": result.errors or list(breaks) or [reason]}))
                                  .encode() + b"\n")
                    continue
                redacted = _redacted(cleaned, layout, kinds, summary, spec.phone_regions) if kinds else cleaned
                summary.trimmed += trimmed
                summary.stripped += bool(result.metadata) and strip
                kept.append(now if redacted is cleaned else check_line(redacted, layout))
                good.write(number, redacted)
            first_number = summary.kept + (array is None)  # a line's number counts from 1, an item's from 0
            after.add(list(range(first_number, first_number + len(kept))), kept)
            summary.kept += len(kept)
        good.close()
        summary.bytes_out = good.bytes
        for file in (good_file, bad_file):
            if file is not None:
                file.finish()
    source = {"path": str(output), "format": "jsonl" if array is None else "json", "kind": kind,
              "bytes": summary.bytes_out,
              "engine": "local"}  # the clean audits its output as it writes it, in this process
    if good_file is not None:  # the file as written, compressed if it is, as an audit of it would say
        source.update(bytes=good_file.content.stat().st_size, sha256=good_file.sha256)
    summary.report = text_report(extract(after), source, loaded)
    return summary


#: the rules of a format profile a line is quarantined for breaking: its conversation's shape, which
#: the trainer refuses or learns wrong; not its extra keys (`strip_metadata` removes them) nor its
#: length (a tokenizer's count, which a clean does not cut)
QUARANTINED_RULES = ("required_key", "value_type", "unknown_role", "system_placement", "first_role", "last_role",
                     "role_order", "weight", "tool_calls", "empty_content")


def _breaks(parsed: object, profile: FormatProfile) -> tuple[str, ...]:
    """The `QUARANTINED_RULES` a line of a valid layout (`parsed` by `parse_line`) breaks under
    the format `profile`, in the reports' order: the audit under that profile fails them."""
    broken = {rule for rule, _ in broken_rules(parsed, profile)}
    return tuple(rule for rule in QUARANTINED_RULES if rule in broken)


class KeptExamples:
    """Where the kept examples go, in the input's form: a JSONL file's lines one after the other;
    a JSON array's items between its own brackets, each after the blanks it had in the input (so
    an array nothing is taken from is written back as it was). `bytes` counts what was written,
    also in a dry run, which writes nothing (`handle` None)."""

    def __init__(self, handle: BinaryIO | None, array: ArrayText | None) -> None:
        self.handle, self.array = handle, array
        self.bytes = 0
        self.first = True

    def write(self, number: int, example: bytes) -> None:
        """`example` is the line, or the item at index `number` of the array."""
        if self.array is not None:
            example = (self.array.head if self.first else b",") + self.array.leads[number] + example
        self.first = False
        self._put(example)

    def close(self) -> None:
        if self.array is not None:
            self._put((self.array.head if self.first else b"") + self.array.tail)

    def _put(self, data: bytes) -> None:
        self.bytes += len(data)
        if self.handle is not None:
            self.handle.write(data)


def _item_chunks(array: ArrayText) -> Iterator[tuple[list[int], list[bytes]]]:
    """(0-based indices, items as the file spells them) in chunks, as a JSONL file's lines come."""
    for start in range(0, len(array.items), CHUNK_LINES):
        chunk = array.items[start:start + CHUNK_LINES]
        yield list(range(start, start + len(chunk))), chunk


@contextmanager
def _files_of(outputs: Outputs | None) -> Iterator[Outputs]:
    """The caller's run, or one of this clean's own."""
    if outputs is not None:
        yield outputs
        return
    with all_or_nothing() as own:
        yield own


def _redacted(line: bytes, layout: Layout, kinds: frozenset[str], summary: CleanSummary,
              regions: tuple[str, ...]) -> bytes:
    cleaned, counts = redact_line(line, layout, kinds, regions)
    for (kind, place), n in counts.items():
        places = summary.redacted.setdefault(kind, {})
        places[place] = places.get(place, 0) + n
    summary.redacted_lines += bool(counts)
    return cleaned


def _quarantined(line: bytes, entry: dict[str, object]) -> dict[str, object]:
    """A quarantine entry: `entry` and the line's `text`; a line that is no UTF-8 also as its
    `base64` bytes, which restore it exactly (its `text` shows each bad byte as U+FFFD)."""
    body = line.rstrip(b"\r\n")
    entry["text"] = body.decode("utf-8", "replace")
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        entry["base64"] = base64.b64encode(body).decode("ascii")
    return entry


def _canonical_hashes(written: list[Line]) -> list[int | None]:
    """Each line's identity, read off the line as the clean writes it: its roles and texts (as
    trimmed: two lines then written alike are one example, however their blanks were spread over
    a message's text parts) and what else its messages carry."""
    forms = [canonical(c.segments, c.beyond) if c.segments else None for c in written]
    present = [f for f in forms if f is not None]
    hashed = iter(hash_objects(present).tolist())
    return [None if f is None else next(hashed) for f in forms]


def _strict(line: bytes) -> bytes:
    """The line with the `Infinity`, `-Infinity` and `NaN` Python's `json` reads spelled as strict
    JSON (`1e999`, `-1e999`, null; `strict_constants`), which a trainer's parser takes: the very
    bytes when it holds none, so that a line nothing changed is known so."""
    if b"Infinity" not in line and b"NaN" not in line:
        return line
    strict = strict_constants(line.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape")
    return line if strict == line else strict


def _strict_rewritten(line: bytes, layout: Layout, trim: bool, strip: bool, checked: Line) -> tuple[bytes, bool]:
    """A good line as the clean writes it before any redaction (`_rewritten`, then `_strict`), and
    whether a text of it was trimmed."""
    cleaned, trimmed = _rewritten(line, layout, trim, checked.metadata if strip else ())
    return _strict(cleaned), trimmed


def _contents(messages: object, key: str) -> list[tuple[dict, str]]:
    """Where the texts of a list of messages are: each message's `key`, and the `text` of each text
    part when its content is a list of parts (`[{"type": "text", "text": ...}]`, read as
    `validate.text_of` reads it), so a part's text is trimmed as a string content is."""
    if not isinstance(messages, list):
        return []
    found: list[tuple[dict, str]] = []
    for message in messages:
        if not isinstance(message, dict):
            continue
        found.append((message, key))
        parts = message.get(key)
        if isinstance(parts, list):
            found += [(part, "text") for part in parts if isinstance(part, dict) and part.get("type", "text") == "text"]
    return found


def _rewritten(raw: bytes, layout: Layout, trim: bool, dropped: tuple[str, ...]) -> tuple[bytes, bool]:
    """The line with the texts the layout reads trimmed (when `trim`) and the metadata keys
    `dropped` left out, re-encoded only when something changed; and whether a text was trimmed.
    Metadata values are never trimmed: nobody asked for them to change."""
    if not trim and not dropped:
        return raw, False
    record = loads_keeping_numbers(raw)
    for key in dropped:
        del record[key]
    fields = (*layout.required, *layout.optional)
    if layout.kind == PREFERENCE:  # TRL's prompt, chosen and rejected; OpenAI's input.messages and outputs
        fields = tuple(key for key in PREFERENCE_KEYS if key != "input")
    held = [found for found in (holder_of(record, key) for key in fields) if found is not None]
    holders = list(held)  # a nested field (data.prompt) in the object holding it
    if layout.kind == CHAT:
        holders += _contents(record.get(layout.messages_key), layout.content_key)
    elif layout.kind == PREFERENCE and isinstance(record.get("input"), dict):
        holders += _contents(record["input"].get("messages"), "content")
    for holder, key in held:  # TRL's conversational prompt and completion: lists of messages
        holders += _contents(holder[key], "content")
    trimmed = False
    for holder, key in holders if trim else ():
        value = holder.get(key)
        if isinstance(value, str) and value != value.strip():
            holder[key] = value.strip()
            trimmed = True
    if not trimmed and not dropped:
        return raw, False
    end = raw[len(raw.rstrip(b"\r\n")):]
    mark = BOM if raw.startswith(BOM) else b""  # the file's byte-order mark stays, as on a line kept as it was
    return mark + written_dumps(record).encode("utf-8") + end, trimmed
