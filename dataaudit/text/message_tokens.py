"""A message's tokens read off the encoding of the rendered example that holds it, instead of
tokenizing its text a second time.

A message's token count means the tokens of its text alone (`tokenizer.encode(text,
add_special_tokens=False)`), without the template's own tokens: what the per-role distributions,
the message and example lengths and a profile's per-example limit are read from. The audit
already tokenizes every rendered example, so the count is read from that encoding wherever
it is provably the same number, and only the other messages are tokenized on their own.

It is the same number when the tokenizer works piece by piece and the message's text sits in
the rendered text as pieces of its own:

- the tokenizer has no normalizer (one could join a character across the edge), its
  pre-tokenizer is byte-level without a prefix space, alone or after a regex split that looks
  neither behind nor at line or word edges (GPT-2, Llama 3, Qwen 2 and most byte-level BPEs),
  and nothing trims the offsets; then the model tokenizes each pre-token on its own;
- in the rendered text, a pre-token starts where the message's text starts, and the text is
  followed by an added token (`<|im_end|>`, `<|eot_id|>`) or the end: the tokenizer splits
  added tokens out first, so the regex sees the text's end just as it does alone, and from a
  pre-token edge on, a regex without look-behind cuts the same pieces as it does alone.

A message whose text is not in the rendered text as written (a template that trims it, or that
writes text after it before the next added token) is tokenized on its own, which is exact too.
"""

from __future__ import annotations

import bisect
import json
import operator
import re
from typing import Any

#: Regex parts that look behind the start or at an edge of the text: a split using one may cut
#: a message's text differently inside the rendered text than alone.
_LOOKS_AROUND = re.compile(r"\(\?<|\\[bBAzZG]|[$^]")


def reads_messages(tokenizer: Any) -> bool:
    """Whether messages' counts can be read off rendered encodings with this tokenizer (see the
    module's conditions); False for any tokenizer whose pieces it does not know."""
    if tokenizer.normalizer is not None or not _offsets_untrimmed(tokenizer.post_processor):
        return False
    if tokenizer.pre_tokenizer is None:
        return False
    piece = json.loads(tokenizer.pre_tokenizer.__getstate__())
    if piece.get("type") == "ByteLevel":
        return piece.get("add_prefix_space") is False and piece.get("use_regex") is True
    if piece.get("type") != "Sequence":
        return False
    steps = piece.get("pretokenizers", [])
    return (len(steps) == 2 and _plain_split(steps[0]) and steps[1].get("type") == "ByteLevel"
            and steps[1].get("add_prefix_space") is False and steps[1].get("use_regex") is False)


def _plain_split(step: dict[str, Any]) -> bool:
    """A regex split keeping every piece whose pattern looks only ahead (a `[^...]` class is no
    anchor)."""
    pattern = step.get("pattern", {}).get("Regex")
    return (step.get("type") == "Split" and step.get("behavior") == "Isolated" and step.get("invert") is False
            and isinstance(pattern, str) and not _LOOKS_AROUND.search(pattern.replace("\\\\", "").replace("[^", "[")))


def _offsets_untrimmed(post_processor: Any) -> bool:
    """Offsets as the pre-tokenizer made them: a byte-level or RoBERTa processor that trims
    them would move a token's start past its leading space."""
    if post_processor is None:
        return True
    state = json.loads(post_processor.__getstate__())
    steps = state.get("processors", []) if state.get("type") == "Sequence" else [state]
    return all(step.get("type") == "TemplateProcessing"
               or (step.get("type") == "ByteLevel" and step.get("trim_offsets") is False) for step in steps)


def read_counts(text: str, offsets: list[tuple[int, int]], encoding: Any, added: frozenset[int],
                messages: list[str]) -> list[int | None]:
    """Per message of `messages` (in the order the template writes them), its token count read
    off `encoding` of the rendered `text` (its `offsets` passed, already listed), or None where
    it cannot be read exactly. `added`: the ids of the tokenizer's added tokens."""
    words = encoding.word_ids
    ids = encoding.ids
    counts: list[int | None] = []
    at = 0
    for message in messages:
        if not message:
            counts.append(0)
            continue
        start = text.find(message, at)
        if start < 0:
            counts.append(None)
            continue
        end = start + len(message)
        at = end
        first = bisect.bisect_left(offsets, start, key=_START)
        stop = bisect.bisect_left(offsets, end, key=_START)
        starts_piece = (first < len(offsets) and offsets[first][0] == start
                        and (first == 0 or (words[first - 1] != words[first] and offsets[first - 1][1] <= start)))
        ends_split = stop > first and offsets[stop - 1][1] == end and (
            end == len(text) if stop == len(offsets) else offsets[stop][0] == end and ids[stop] in added)
        counts.append(stop - first if starts_piece and ends_split else None)
    return counts


_START = operator.itemgetter(0)
