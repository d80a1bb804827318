"""Synthetic chat fine-tuning JSONL with planted problems and an exact ground truth.

Why this exists: the text audit can only be tested, and its near-duplicate detection measured,
against a file whose problems are known line by line. :func:`write_dirty_chat` writes a chat JSONL
(`{"messages": [...]}` per line) of random conversations over a made-up vocabulary and plants,
at the given rates:

* one line per planted format error, each showing exactly one error kind of the text audit
  (a line never shows two, so counts per kind are exact);
* exact duplicates: byte-identical copies of an earlier clean conversation;
* near copies: an earlier conversation of at least 60 words (user and assistant) with one word
  in every 100 of its user message replaced (word 3-gram Jaccard similarity of the user and
  assistant words to the original is measured and recorded, at least 0.85 by construction);
* conflicting answers: an earlier conversation's prompt with a new answer;
* over-long conversations (an answer of 6,000 words) and texts with HTML entities or tags.

Conversations are written in file order; every copy refers to an earlier line. Line numbers in
the truth are 1-based lines of the file. Generation streams: memory is bounded by the pool of
recent conversations that copies are drawn from.

Command line::

    python -m dataaudit.datasets.chat --lines 100000 --seed 0 --out chats.jsonl
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

GENERATOR_VERSION = 3
VOCABULARY = 5000
SYSTEM_PROMPTS = (
    "You are a helpful assistant.",
    "You are a concise assistant that answers in plain words.",
    "Answer the question as a patient teacher would.",
)
PLANTED_ERRORS = (
    "blank_line", "not_utf8", "not_json", "not_object", "messages_missing", "messages_not_list",
    "message_not_object", "message_missing_field", "content_not_text", "unknown_key", "unknown_role",
    "empty_content", "no_assistant", "ends_on_user", "consecutive_user", "system_not_first",
)
#: Share of lines of each planted kind; the rest are fresh clean conversations.
RATES: dict[str, float] = {
    "exact_duplicate": 0.01,
    "near_copy": 0.01,
    "conflict": 0.005,
    "over_limit": 0.0005,
    "markup": 0.002,
    **{kind: 0.0005 for kind in PLANTED_ERRORS},
}
POOL = 20_000
SHINGLE_WORDS = 3


@dataclass
class _Conversation:
    line: int
    system: str | None
    user: list[str]
    assistant: str
    prompt_id: int
    answer_id: int

    def messages(self) -> list[dict[str, str]]:
        system = [{"role": "system", "content": self.system}] if self.system else []
        return [*system, {"role": "user", "content": " ".join(self.user)},
                {"role": "assistant", "content": self.assistant}]

    def words(self) -> list[str]:
        """The words near-duplicate detection compares (system prompts are left out, as there)."""
        return [*self.user, *self.assistant.split()]


@dataclass
class _Truth:
    lines: int = 0
    errors: dict[str, list[int]] = field(default_factory=lambda: {kind: [] for kind in PLANTED_ERRORS})
    exact_duplicates: list[list[int]] = field(default_factory=list)
    near_copies: list[dict[str, Any]] = field(default_factory=list)
    over_limit: list[int] = field(default_factory=list)
    markup: list[int] = field(default_factory=list)
    answers: dict[int, dict[int, list[int]]] = field(default_factory=dict)


class _Generator:
    def __init__(self, seed: int, rates: dict[str, float]) -> None:
        self.rng = np.random.default_rng(seed)
        syllables = np.array(["ka", "lo", "mi", "ne", "ru", "ta", "shi", "po", "vel", "dar", "en", "io", "qua",
                              "ber", "sol", "tin", "ox", "um", "fe", "gra"])
        words: dict[str, None] = {}
        while len(words) < VOCABULARY:
            n = int(self.rng.integers(2, 4))
            words["".join(self.rng.choice(syllables, n))] = None
        self.vocab = np.array(list(words))
        weights = np.cumsum(1.0 / (np.arange(VOCABULARY) + 10.0))
        self.cumulative = weights / weights[-1]
        self.kinds = ["clean", *rates]
        self.probs = np.array([1.0 - sum(rates.values()), *rates.values()])
        self.pool: list[_Conversation] = []
        self.ids = 0
        self.truth = _Truth()

    def _words(self, low: int, high: int) -> list[str]:
        draws = self.rng.random(int(self.rng.integers(low, high + 1)))
        return self.vocab[np.minimum(np.searchsorted(self.cumulative, draws), VOCABULARY - 1)].tolist()

    def _id(self) -> int:
        self.ids += 1
        return self.ids

    def _fresh(self, line: int, answer_words: tuple[int, int] = (30, 120)) -> _Conversation:
        system = SYSTEM_PROMPTS[int(self.rng.integers(len(SYSTEM_PROMPTS)))] if self.rng.random() < 0.1 else None
        return _Conversation(line, system, self._words(10, 40), " ".join(self._words(*answer_words)),
                             self._id(), self._id())

    def lines(self, n: int) -> Iterator[bytes]:
        kinds = self.rng.choice(len(self.kinds), size=n, p=self.probs)
        for line, k in enumerate(kinds.tolist(), start=1):
            self.truth.lines = line
            yield self._line(line, self.kinds[k])

    def _line(self, line: int, kind: str) -> bytes:
        if kind in PLANTED_ERRORS:
            self.truth.errors[kind].append(line)
            return _error_line(kind, self._fresh(line)) + b"\n"
        earlier = self.pool[int(self.rng.integers(len(self.pool)))] if self.pool else None
        if kind == "exact_duplicate" and earlier is not None:
            self.truth.exact_duplicates.append([line, earlier.line])
            return self._emit(_Conversation(line, earlier.system, earlier.user, earlier.assistant,
                                            earlier.prompt_id, earlier.answer_id), keep=False)
        if kind == "near_copy" and earlier is not None and len(earlier.words()) >= 60:
            return self._near_copy(line, earlier)
        if kind == "conflict" and earlier is not None:
            return self._emit(_Conversation(line, earlier.system, earlier.user, " ".join(self._words(30, 120)),
                                            earlier.prompt_id, self._id()), keep=False)
        if kind == "over_limit":
            self.truth.over_limit.append(line)
            return self._emit(self._fresh(line, (6000, 6000)), keep=False)
        if kind == "markup":
            self.truth.markup.append(line)
            c = self._fresh(line)
            words = c.assistant.split()
            words.insert(int(self.rng.integers(len(words))), str(self.rng.choice(["&amp;", "<br>", "&#39;s", "<b>"])))
            c.assistant = " ".join(words)
            return self._emit(c, keep=False)
        return self._emit(self._fresh(line), keep=True)

    def _near_copy(self, line: int, earlier: _Conversation) -> bytes:
        user = list(earlier.user)
        edits = max(1, len(earlier.words()) // 100)
        for position in self.rng.choice(len(user), size=min(edits, len(user)), replace=False).tolist():
            while (word := str(self.vocab[int(self.rng.integers(VOCABULARY))])) == user[position]:
                pass
            user[position] = word
        copy = _Conversation(line, earlier.system, user, earlier.assistant, self._id(), earlier.answer_id)
        self.truth.near_copies.append({"line": line, "of": earlier.line,
                                       "jaccard": round(_jaccard(copy.words(), earlier.words()), 4)})
        return self._emit(copy, keep=False)

    def _emit(self, c: _Conversation, keep: bool) -> bytes:
        self.truth.answers.setdefault(c.prompt_id, {}).setdefault(c.answer_id, []).append(c.line)
        if keep:
            self.pool.append(c)
            if len(self.pool) > POOL:
                self.pool.pop(int(self.rng.integers(POOL)))
        return json.dumps({"messages": c.messages()}, ensure_ascii=False).encode() + b"\n"


def _error_line(kind: str, c: _Conversation) -> bytes:
    """A line showing exactly the one error kind `kind`."""
    user = {"role": "user", "content": " ".join(c.user)}
    answer = {"role": "assistant", "content": c.assistant}
    broken: dict[str, Any] = {
        "not_object": [user, answer],
        "messages_missing": {"id": c.line},
        "messages_not_list": {"messages": " ".join(c.user)},
        "message_not_object": {"messages": [" ".join(c.user), answer]},
        "message_missing_field": {"messages": [{"role": "user"}, answer]},
        "content_not_text": {"messages": [{"role": "user", "content": len(c.user)}, answer]},
        "unknown_key": {"messages": [user, {**answer, "mood": "calm"}]},  # a top-level key would be metadata
        "unknown_role": {"messages": [{"role": "human", "content": user["content"]}, answer]},
        "empty_content": {"messages": [{"role": "user", "content": "  "}, answer]},
        "no_assistant": {"messages": [user]},
        "ends_on_user": {"messages": [user, answer, {"role": "user", "content": "thanks"}]},
        "consecutive_user": {"messages": [user, {"role": "user", "content": "please answer"}, answer]},
        "system_not_first": {"messages": [user, {"role": "system", "content": SYSTEM_PROMPTS[0]}, answer]},
    }
    if kind == "blank_line":
        return b""
    if kind == "not_utf8":
        return b'{"messages": [{"role": "user", "content": "caf\xe9"}]}'
    if kind == "not_json":
        return json.dumps({"messages": [user, answer]}).encode()[:-3]
    return json.dumps(broken[kind]).encode()


def _jaccard(a: list[str], b: list[str]) -> float:
    sa = {tuple(a[i:i + SHINGLE_WORDS]) for i in range(len(a) - SHINGLE_WORDS + 1)}
    sb = {tuple(b[i:i + SHINGLE_WORDS]) for i in range(len(b) - SHINGLE_WORDS + 1)}
    return len(sa & sb) / len(sa | sb)


def write_dirty_chat(path: str | Path, lines: int, seed: int = 0,
                     rates: dict[str, float] | None = None) -> dict[str, Any]:
    """Write a chat fine-tuning JSONL with planted problems and return its ground truth.

    Parameters
    ----------
    path : str or Path
        The file to write (streamed: memory stays bounded whatever ``lines`` is).
    lines : int
        Number of lines, planted ones included.
    seed : int, default 0
        Seed of the random generator; same arguments, same bytes.
    rates : dict of str to float, optional
        Overrides of :data:`RATES`, each a share of ``lines``.

    Returns
    -------
    truth : dict
        1-based line numbers and counts of each planted problem: ``errors`` and
        ``error_lines`` per kind, ``exact_duplicate_pairs``, ``near_copies`` (with their
        measured similarity), ``conflict_groups``, ``over_limit`` and ``markup``.

    Notes
    -----
    Planted at the default :data:`RATES`: 1 % exact duplicates, 1 % near copies, 0.5 %
    conflicting answers, 0.05 % over-long conversations, 0.2 % texts with HTML markup, and
    0.05 % lines of each of the 16 :data:`PLANTED_ERRORS` format errors (one error per line).
    The rest are clean conversations over a made-up vocabulary.
    """
    generator = _Generator(seed, {**RATES, **(rates or {})})
    with open(path, "wb") as handle:
        buffer: list[bytes] = []
        for line in generator.lines(lines):
            buffer.append(line)
            if len(buffer) == 10_000:
                handle.write(b"".join(buffer))
                buffer = []
        handle.write(b"".join(buffer))
    return _summary(generator.truth, seed)


def _summary(t: _Truth, seed: int) -> dict[str, Any]:
    conflicts = [sorted(line for lines in answers.values() for line in lines)
                 for answers in t.answers.values() if len(answers) > 1]
    return {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "lines": t.lines,
        "errors": {kind: len(lines) for kind, lines in t.errors.items()},
        "error_lines": t.errors,
        "exact_duplicates": len(t.exact_duplicates),
        "exact_duplicate_pairs": t.exact_duplicates,
        "near_copies": t.near_copies,
        "conflict_groups": len(conflicts),
        "conflict_records": sum(len(group) for group in conflicts),
        "over_limit": t.over_limit,
        "markup": t.markup,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    truth = write_dirty_chat(args.out, args.lines, args.seed)
    args.out.with_name(args.out.name + ".truth.json").write_text(json.dumps(truth) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
