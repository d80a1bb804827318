"""A fine-tuning file's findings do not depend on how its lines and texts are batched: chunks
of lines are cut by bytes as well as by count, MinHash shingles texts a bounded number of
characters at a time and a long text piece by piece, and every count and example stays the same."""

from __future__ import annotations

import functools
import json
import random
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataaudit.engines import local
from dataaudit.io.lines import line_chunks, line_source
from dataaudit.text import minhash
from tests.text_helpers import audit_json, comparable

#: letters, digits, '_', the ASCII separators a long text is cut before ('<', '=', '>' compose
#: with U+0338 under NFKC), combining marks, invisible characters, full-width and Hangul forms
ALPHABET = "ab xy_09,.<=>-\n\t\u0338e\u0301\u00e9\u200b\u00ad\uff21\u1100\u1161\u11a8\u03a3\u03c2"
texts_of = st.lists(st.text(ALPHABET, max_size=80), max_size=40)


@settings(max_examples=60, deadline=None)
@given(texts=texts_of, cap=st.integers(1, 120))
def test_signatures_do_not_depend_on_how_the_texts_are_batched(texts: list[str], cap: int) -> None:
    assert (minhash.signatures(texts, 64, batch_chars=cap) == minhash.signatures(texts, 64)).all()


@pytest.mark.parametrize("words", [0, 1, 2, 3, 4, 5000])
def test_a_long_text_taken_piece_by_piece_has_its_whole_signature(words: int) -> None:
    draw = random.Random(words)
    text = " ".join(draw.choice(["alpha", "Beta", "gamma\u0301", "de=\u0338lta"]) for _ in range(words))
    whole = minhash.signatures([text], 64)
    for cap in (1, 7, 100):
        assert (minhash.signatures([text], 64, batch_chars=cap) == whole).all()


def _peak(text: str) -> int:
    """The peak of the memory numpy and Python take (traced) to sign `text` in 64 KB pieces."""
    tracemalloc.start()
    try:
        minhash.signatures([text], 64, batch_chars=64 << 10)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_long_text_is_shingled_in_memory_bounded_by_the_pieces() -> None:
    """Four times the text takes no more memory to sign: taken whole, a text's word and
    shingle arrays took about ten times its characters."""
    draw = random.Random(1)
    text = " ".join(f"w{draw.randrange(5000)}" for _ in range(100_000))
    _peak("warm up a b c d")
    assert _peak(text * 4) < 1.5 * _peak(text)


def test_chunks_of_lines_are_cut_by_bytes_too(tmp_path: Path) -> None:
    path = tmp_path / "lines.jsonl"
    path.write_bytes(b"".join(b"x" * size + b"\n" for size in (10, 50, 3, 200, 1, 1)))
    chunks = list(line_chunks(path, chunk_lines=4, chunk_bytes=60))
    assert [len(chunk) for chunk in chunks] == [2, 2, 2]
    assert b"".join(b"".join(chunk) for chunk in chunks) == path.read_bytes()


def _huge_lines_file(path: Path) -> None:
    """Normal chats with exact and near copies, and a few long lines among them (two of them
    copies, one a near copy)."""
    draw = random.Random(5)
    words = [f"w{i}" for i in range(300)] + ["caf\u00e9", "na\u0131ve", "x=\u0338y", "\u200bhidden"]

    def said(n: int, seed: int) -> str:
        pick = random.Random(seed)
        return " ".join(pick.choice(words) for _ in range(n))

    lines = []
    for i in range(400):
        if i in (40, 41, 300):
            long = said(30_000, 7)
            long = long if i != 300 else long.replace("w1 ", "w2 ", 50)
            lines.append({"messages": [{"role": "user", "content": "Summarise:"},
                                       {"role": "assistant", "content": long}]})
        else:
            seed = i % 150
            text = said(draw.randint(5, 60), seed) + ("" if i < 300 else " and one more")
            lines.append({"messages": [{"role": "user", "content": f"Question {seed}"},
                                       {"role": "assistant", "content": text}]})
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")


def test_findings_do_not_depend_on_the_byte_caps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The audit's JSON report, every count and example in it, is the same with chunks of lines
    and batches of texts cut at a few kilobytes as at the defaults."""
    path = tmp_path / "chats.jsonl"
    _huge_lines_file(path)
    default = comparable(audit_json("invoke", [path], 1, tmp_path))
    found = {f["check"]: f["details"] for f in default["findings"]}
    assert found["text.near_duplicates"]["lines"] > 0 and found["text.duplicates"]["repeats"][0] == [42, 41]
    monkeypatch.setattr(local, "line_source", functools.partial(line_source, chunk_bytes=4096))
    monkeypatch.setattr(minhash, "signatures", functools.partial(minhash.signatures, batch_chars=1000))
    assert comparable(audit_json("invoke", [path], 1, tmp_path)) == default


def test_signatures_of_texts_without_words_stay_empty() -> None:
    sigs = minhash.signatures(["", " , ." * 100, "one"], 16, batch_chars=5)
    assert minhash.wordless(sigs).tolist() == [True, True, False]
    assert np.array_equal(sigs, minhash.signatures(["", " , ." * 100, "one"], 16))
