"""The numpy SipHash gives every cell the hash pandas gives it, bit for bit.

Reports, the Spark engine's executors and the clean's reuse of an audit's hashes all depend
on the cells' 64-bit identities, so they are checked here against pandas itself (the tests
may import it; the hashing does not), against SipHash-2-4's published test vectors, and end to
end against reports written when pandas still did the hashing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from dataaudit.profile import values
from dataaudit.profile.siphash import hash_floats, hash_objects, hash_texts, siphash
from tests.cli_helpers import invoke, run

DATA = Path(__file__).parent / "data"

# SipHash-2-4 of the messages 00, 00 01, 00 01 02, ... (0 to 63 bytes) under the key 00 01 .. 0f:
# the reference implementation's `vectors_sip64` (github.com/veorq/SipHash, vectors.h), each
# 64-bit output written as its 8 bytes, least significant first
SIP64_VECTORS = """
310e0edd47db6f72 fd67dc93c539f874 5a4fa9d909806c0d 2d7efbd796666785 b7877127e09427cf 8da699cd64557618
cee3fe586e46c9cb 37d1018bf50002ab 6224939a79f5f593 b0e4a90bdf82009e f3b9dd94c5bb5d7a a7ad6b22462fb3f4
fbe50e86bc8f1e75 903d84c02756ea14 eef27a8e90ca23f7 e545be4961ca29a1 db9bc2577fcc2a3f 9447be2cf5e99a69
9cd38d96f0b3c14b bd6179a71dc96dbb 98eea21af25cd6be c7673b2eb0cbf2d0 883ea3e395675393 c8ce5ccd8c030ca8
94af49f6c650adb8 eab8858ade92e1bc f315bb5bb835d817 adcf6b0763612e2f a5c91da7acaa4dde 716595876650a2a6
28ef495c53a387ad 42c341d8fa92d832 ce7cf2722f512771 e37859f94623f3a7 381205bb1ab0e012 ae97a10fd434e015
b4a31508beff4d31 81396229f0907902 4d0cf49ee5d4dcca 5c73336a76d8bf9a d0a704536ba93e0e 925958fcd6420cad
a915c29bc8067318 952b79f3bc0aa6d4 f21df2e41d4535f9 87577519048f53a9 10a56cf5dfcd9adb eb75095ccd986cd0
51a9cb9ecba312e6 96afadfc2ce666c7 72fe52975a4364ee 5a1645b276d592a1 b274cb8ebf87870a 6f9bb4203de7b381
eaecb2a30b22a87f 9924a43cc1315724 bd838d3aafbf8db7 0b1a2a3265d51aea 135079a3231ce660 932b2846e4d70666
e1915f5cb1eca46c f325965ca16d629f 575ff28e60381be5 724506eb4c328a95
"""
VECTOR_KEY = bytes(range(16))


def pandas_hashes(texts: list[str]) -> np.ndarray:
    return pd.util.hash_array(np.array(texts, dtype=object), categorize=False)


def test_siphash_gives_the_published_vectors_for_messages_of_0_to_63_bytes():
    expected = [int.from_bytes(bytes.fromhex(vector), "little") for vector in SIP64_VECTORS.split()]
    messages = [bytes(range(length)) for length in range(64)]
    offsets = np.concatenate([[0], np.cumsum([len(m) for m in messages])])
    together = siphash(np.frombuffer(b"".join(messages), dtype=np.uint8), offsets, VECTOR_KEY)
    assert together.tolist() == expected
    # alone, each message is also the end of its buffer: its last word is read past nothing
    for message, hashed in zip(messages, expected, strict=True):
        alone = siphash(np.frombuffer(message, dtype=np.uint8), np.array([0, len(message)]), VECTOR_KEY)
        assert alone.tolist() == [hashed]


texts = st.text(max_size=40) | st.text(alphabet=st.characters(max_codepoint=0x7F), min_size=6, max_size=26)
long_texts = st.text(min_size=300, max_size=3000)


@given(st.lists(texts | long_texts, max_size=40), st.sampled_from([pa.string(), pa.large_string()]), st.data())
@example(["", "a", "12345678", "1234567", "123456789", "é" * 4, "日本" * 3, "\x00" * 9], pa.string(), None)
def test_text_hashes_are_pandas_hashes(strings, arrow_type, data):
    array = pa.array(strings, arrow_type)
    assert hash_texts(array).tolist() == pandas_hashes(strings).tolist()
    assert hash_objects(np.array(strings, dtype=object)).tolist() == pandas_hashes(strings).tolist()
    if data is not None and strings:
        start = data.draw(st.integers(0, len(strings)))
        stop = data.draw(st.integers(start, len(strings)))
        assert hash_texts(array.slice(start, stop - start)).tolist() == pandas_hashes(strings[start:stop]).tolist()


def test_text_hashes_over_many_blocks_of_very_different_lengths():
    """More texts than one block holds, a few thousand bytes long among short ones, and the
    last text's last bytes at the very end of the data buffer."""
    rng = np.random.default_rng(7)
    lengths = np.where(rng.random(30_000) < 0.01, rng.integers(1000, 5000, 30_000), rng.integers(0, 30, 30_000))
    alphabet = np.array(list("abcdéü日本 語0123456789"))
    strings = ["".join(alphabet[rng.integers(0, len(alphabet), n)]) for n in lengths]
    strings[-1] = "ends on a tail"
    expected = pandas_hashes(strings).tolist()
    assert hash_texts(pa.array(strings, pa.large_string())).tolist() == expected
    assert hash_texts(pa.array(strings).slice(12_345)).tolist() == expected[12_345:]
    chunked = pa.chunked_array([strings[:100], strings[100:]])
    assert values.hash_strings(chunked).tolist() == expected
    assert hash_texts(pa.chunked_array([], pa.string())).tolist() == []


def test_a_text_of_more_words_than_a_short_count_holds_hashes_as_pandas_hashes_it():
    """Texts are put longest first by their count of 8-byte words; past 65,535 words that count
    no longer fits the short keys of the fast sort."""
    strings = ["short", "x" * (8 * 65_536 + 3), "", "a bit longer than a word"]
    assert hash_texts(pa.array(strings)).tolist() == pandas_hashes(strings).tolist()


def test_objects_hash_as_pandas_hashes_them():
    """bytes as they are, None and NaN as printed; any other object turns every value into its text."""
    for objects in (["x", b"\xff\x00y", None, float("nan"), np.nan], ["x", 3, 2.5, None], [(1, 2), "a"], []):
        array = np.empty(len(objects), dtype=object)
        array[:] = objects
        assert hash_objects(objects).tolist() == pd.util.hash_array(array, categorize=False).tolist()


def test_text_hashes_refuse_nulls_and_other_types():
    with pytest.raises(ValueError, match="without nulls"):
        hash_texts(pa.array(["a", None]))
    with pytest.raises(TypeError, match="string or binary"):
        hash_texts(pa.array([1, 2]))


nan_payloads = st.integers(1, 2**52 - 1).flatmap(
    lambda payload: st.sampled_from([0x7FF0000000000000, 0xFFF0000000000000]).map(lambda top: top | payload))
float_bits = st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True).map(
    lambda x: int(np.array(x).view(np.uint64))) | nan_payloads


@given(st.lists(float_bits, max_size=30))
@example([0, 1 << 63, 0x7FF8000000000000, 0xFFF8000000000000, 0x7FF0000000000000, 1])
def test_float_hashes_are_pandas_hashes(bits):
    floats = np.array(bits, dtype=np.uint64).view(np.float64)
    assert hash_floats(floats).tolist() == pd.util.hash_array(floats, categorize=False).tolist()


@given(st.lists(st.floats(allow_nan=False), max_size=20))
def test_numbers_hash_as_pandas_hashed_them_with_minus_zero_as_zero(numbers):
    floats = np.array(numbers, dtype=np.float64)
    assert values.hash_numbers(floats).tolist() == pd.util.hash_array(floats + 0.0, categorize=False).tolist()


@given(st.lists(st.text(max_size=30), max_size=20, unique=True))
def test_hash_strings_takes_arrow_and_object_arrays_alike(strings):
    expected = pandas_hashes(strings).tolist()
    assert values.hash_strings(pa.array(strings, pa.string())).tolist() == expected
    assert values.hash_strings(np.array(strings, dtype=object)).tolist() == expected


def test_hashing_imports_no_pandas():
    """pyarrow's `pa.array` imports pandas to inspect its argument: the texts come from a CSV."""
    code = ("import io, sys, numpy as np, pyarrow.csv\n"
            "from dataaudit.profile.siphash import hash_floats, hash_objects, hash_texts\n"
            "from dataaudit.text.hashing import hashed\n"
            "texts = pyarrow.csv.read_csv(io.BytesIO(b'text\\na\\nb\\n')).column(0).chunk(0)\n"
            "hash_texts(texts); hash_objects(['a', None]); hash_floats(np.zeros(2)); hashed(['a', None])\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pandas'))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"exit {done.returncode}:\n{done.stderr}"  # what the process said, if it died
    assert done.stdout.strip() == "[]"


def _report_facts(path: Path) -> dict:
    """A report without what depends on when and where it ran, and on the rule pack's bytes
    (its comments and defaults move without changing any hash)."""
    report = json.loads(path.read_text(encoding="utf-8"))
    report.pop("created_at")
    report["rules"].pop("path")
    report["rules"].pop("sha256")
    report["source"].pop("path", None)
    report["source"].pop("name", None)
    report["source"].pop("in_repository", None)  # where the clone lies in a repository, if it does
    return report


@pytest.mark.parametrize(("data", "args", "code"), [
    ("titanic.csv", ["--target", "survived"], 0),
    pytest.param("parlspeech_200.csv", ["--target", "party"], 1, marks=pytest.mark.slow),
    pytest.param("text/hhh_chat_60.jsonl", [], 1, marks=pytest.mark.slow),
])
def test_reports_are_those_written_when_pandas_hashed_the_cells(tmp_path, data, args, code):
    expected = _report_facts(DATA / "expected_reports" / f"{Path(data).stem}.json")
    out = tmp_path / "report.json"
    run(["audit", DATA / data, *args, "--format", "json", "-o", out], code)
    assert _report_facts(out) == expected
    invoke(["audit", DATA / data, *args, "--format", "json", "-o", out], code)
    assert _report_facts(out) == expected
