"""Near duplicates: signatures equal datasketch's MinHash, and planted near copies are found
(on texts written here, and on the synthetic chat file against its ground truth)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from dataaudit.checks.text import Rules
from dataaudit.datasets.chat import PLANTED_ERRORS, write_dirty_chat
from dataaudit.text import minhash
from dataaudit.text.audit import profile_text_file

TEXTS = st.lists(st.text(alphabet="abc xyz.,\n", max_size=60), min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(TEXTS)
def test_signatures_equal_datasketch_minhash(texts: list[str]) -> None:
    hashes, counts = minhash.shingle_hashes(texts)
    ours = minhash.minima(hashes, counts, 32)
    ends = np.cumsum(counts)
    for i in range(len(texts)):
        reference = MinHash(num_perm=32, seed=minhash.SEED, scheme="affine32", hashfunc=int)
        reference.update_batch(hashes[ends[i] - counts[i]:ends[i]].tolist())
        assert np.array_equal(reference.hashvalues, ours[i])


@settings(max_examples=60, deadline=None)
@given(TEXTS, st.integers(1, 9))
def test_a_text_longer_than_a_batch_has_the_minima_of_all_its_shingles(texts: list[str], batch: int) -> None:
    """One text of more shingles than a batch was taken whole: a 20 MB chat line held its
    shingles times the permutations in memory (2.5 GB). It is now taken slice by slice."""
    hashes, counts = minhash.shingle_hashes(texts)
    whole = minhash.minima(hashes, counts, 32)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(minhash, "_BATCH_SHINGLES", batch)
        assert np.array_equal(minhash.minima(hashes, counts, 32), whole)


@pytest.mark.parametrize("num_perm", [16, 64, 100, 128, 256])
def test_bands_and_permutations_are_datasketchs(num_perm: int) -> None:
    for threshold in (0.5, 0.7, 0.8, 0.85, 0.9, 0.95):
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=(0.1, 0.9))
        assert minhash.bands(threshold, num_perm) == (lsh.b, lsh.r), threshold
    a, b = MinHash(num_perm=num_perm, seed=minhash.SEED, scheme="affine32").permutations
    ours = minhash.permutations(num_perm)
    assert [x.dtype for x in ours] == [np.dtype(np.uint32)] * 2
    assert np.array_equal(ours[0], a) and np.array_equal(ours[1], b)


def test_the_text_pass_imports_neither_datasketch_nor_scipy(tmp_path: Path) -> None:
    """datasketch imports SciPy for its LSH, some 44 MB of memory a chat file's audit never uses."""
    import subprocess
    import sys

    path = tmp_path / "chats.jsonl"
    write_dirty_chat(path, 200, seed=1)
    probe = ("import sys, dataaudit; dataaudit.audit(sys.argv[1]); "
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'datasketch', 'scipy'}))")
    out = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_planted_near_copies_are_found_and_nothing_else() -> None:
    rng = np.random.default_rng(3)
    vocabulary = [f"w{i}" for i in range(2000)]
    originals = [" ".join(rng.choice(vocabulary, 80)) for _ in range(300)]
    texts = list(originals)
    planted = {}
    for k in range(0, 300, 10):  # every tenth text gets a near copy: one word replaced
        words = originals[k].split()
        words[40] = "changed"
        planted[len(texts)] = k
        texts.append(" ".join(words))
    texts.append(texts[0].upper() + "!")  # differs only in case and punctuation: a near copy
    planted[len(texts) - 1] = 0
    found = minhash.near_duplicates(minhash.signatures(texts, 64), 0.8)
    assert dict(zip(found.copies.tolist(), found.first.tolist(), strict=True)) == planted
    assert found.clusters == 30


def test_exact_repeats_and_wordless_texts_take_no_part() -> None:
    text = "one two three four five six seven eight nine ten eleven twelve"
    sigs = minhash.signatures([text, text, "", "...", text.replace("twelve", "zwölf")], 64)
    found = minhash.near_duplicates(sigs, 0.5, skip=np.array([False, True, False, False, False]))
    assert found.copies.tolist() == [4]
    assert found.first.tolist() == [0]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    path = tmp_path_factory.mktemp("chat") / "chats.jsonl"
    truth = write_dirty_chat(path, 6000, seed=7, rates={"near_copy": 0.03, "exact_duplicate": 0.02})
    return path, truth


def test_synthetic_chat_ground_truth_is_met_exactly(synthetic: tuple[Path, dict]) -> None:
    path, truth = synthetic
    text = profile_text_file(path, "chat", Rules())
    assert text.records == truth["lines"] == 6000
    assert text.errors == {k: n for k, n in truth["errors"].items() if n}
    assert set(text.errors) <= set(PLANTED_ERRORS)
    assert all(text.error_lines[k] == lines[:20] for k, lines in truth["error_lines"].items() if lines)
    assert text.duplicates == truth["exact_duplicates"]
    assert (text.conflict_groups, text.conflict_records) == (truth["conflict_groups"], truth["conflict_records"])
    assert text.over_limit == len(truth["over_limit"])
    assert text.over_limit_lines == truth["over_limit"][:20]
    assert text.markup == len(truth["markup"])


def test_synthetic_near_copies_precision_and_recall(synthetic: tuple[Path, dict]) -> None:
    path, truth = synthetic
    text = profile_text_file(path, "chat", Rules(), examples=10**6)
    family = {}
    for copy in truth["near_copies"]:
        family.setdefault(copy["of"], copy["of"])
        family[copy["line"]] = family[copy["of"]]
    assert min(c["jaccard"] for c in truth["near_copies"]) >= 0.85
    correct = sum(1 for line, first in text.near_duplicate_examples if family.get(line, -1) == family.get(first))
    precision = correct / len(text.near_duplicate_examples)
    recall = correct / len(truth["near_copies"])
    assert precision == 1.0
    assert recall >= 0.95


def test_generator_command_line_writes_file_and_truth(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    out = tmp_path / "chats.jsonl"
    subprocess.run([sys.executable, "-m", "dataaudit.datasets.chat", "--lines", "500", "--seed", "3",
                    "--out", str(out)], check=True)
    truth = json.loads(out.with_name("chats.jsonl.truth.json").read_text(encoding="utf-8"))
    assert truth == write_dirty_chat(tmp_path / "again.jsonl", 500, seed=3)
    assert out.read_bytes() == (tmp_path / "again.jsonl").read_bytes()
    assert len(out.read_bytes().splitlines()) == truth["lines"] == 500


def test_a_shared_system_prompt_does_not_make_examples_alike(tmp_path: Path) -> None:
    import json

    system = " ".join(f"rule{i} applies to every answer" for i in range(60))
    lines = [
        [("system", system), ("user", "What is the capital of France?"), ("assistant", "Paris, on the Seine.")],
        [("system", system), ("user", "How many legs has a spider?"), ("assistant", "Eight legs, always.")],
        [("system", "Be brief."), ("user", "What is the capital of France?"), ("assistant", "Paris, on the Seine.")],
    ]
    path = tmp_path / "chats.jsonl"
    path.write_text("".join(json.dumps({"messages": [{"role": r, "content": c} for r, c in line]}) + "\n"
                            for line in lines), encoding="utf-8")
    text = profile_text_file(path, "chat", Rules())
    assert text.duplicates == 0
    assert text.near_duplicate_examples == [(3, 1)]  # the same exchange under another system prompt


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(st.integers(0, 2), min_size=16, max_size=16), min_size=1, max_size=30),
       st.sampled_from([0.5, 0.8]), st.lists(st.tuples(st.integers(0, 29), st.integers(0, 40)), max_size=8))
def test_bucket_pairs_by_row_number_cluster_as_the_local_finder(
        rows: list[list[int]], threshold: float, repeats: list[tuple[int, int]]) -> None:
    """What Spark's group-by does, told in numpy: every text with words that is no exact repeat
    of an earlier row (those Spark drops by their text hash), each band's key, each later row of
    a (band, key) bucket paired with its first row, the pairs checked and clustered by row number
    (here 3 x index + 5), give the local finder's clusters with the same repeats skipped."""
    rows = [list(row) for row in rows]
    for source, at in repeats:  # exact repeats of earlier rows, anywhere after them
        row = rows[source % len(rows)]
        first = next(k for k, other in enumerate(rows) if other == row)
        rows.insert(first + 1 + at % len(rows[first:]), list(row))
    skip = np.array([row in rows[:k] for k, row in enumerate(rows)])
    sigs = np.array(rows, dtype=np.uint16)
    sigs[sigs == 2] = 0xFFFF  # some texts without words
    settings_ = minhash.NearSettings(threshold, sigs.shape[1])
    kept = np.flatnonzero(~skip)
    usable, keys = settings_.bands_of(sigs[kept])
    usable = kept[usable]
    pairs = [(int(usable[i]), int(usable[np.flatnonzero(keys[:, band] == keys[i, band]).min()]))
             for band in range(keys.shape[1]) for i in range(len(usable))]
    candidates = np.array(sorted({pair for pair in pairs if pair[0] != pair[1]}), dtype=np.int64).reshape(-1, 2)
    confirmed = candidates[settings_.similar(sigs[candidates[:, 0]], sigs[candidates[:, 1]])]
    by_number = minhash.clusters(confirmed * 3 + 5)
    local = minhash.near_duplicates(sigs, threshold, skip=skip)
    assert repeats == [] or skip.any()
    assert by_number.copies.tolist() == (local.copies * 3 + 5).tolist()
    assert by_number.first.tolist() == (local.first * 3 + 5).tolist()
    assert by_number.clusters == local.clusters


def test_near_duplicates_memory_stays_near_the_signatures_size() -> None:
    """10,000 near copies of one text: each band's candidate pairs are checked and only the
    confirmed ones kept, so the finder's peak stays under twice the signatures' own size."""
    import tracemalloc

    rng = np.random.default_rng(0)
    base = [f"w{i}" for i in rng.integers(0, 2000, 80)]
    texts = []
    for k in range(10_000):
        words = list(base)
        words[int(rng.integers(0, 80))] = f"x{k}"
        texts.append(" ".join(words))
    sigs = minhash.signatures(texts, 64)
    tracemalloc.start()
    try:
        found = minhash.near_duplicates(sigs, 0.8)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found.clusters == 1 and len(found.copies) > 9_900
    assert peak < 2 * sigs.nbytes
