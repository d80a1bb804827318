"""CPU seconds of the numpy SipHash (`dataaudit.profile.siphash`) against pandas' `hash_array`.

pandas needs Python strings, so on Arrow arrays its column includes the
`to_numpy(zero_copy_only=False)` that makes them; the numpy hashing reads the Arrow buffers
directly. One row starts from Python strings already made, as the value table holds them.
Both must give the same hashes, bit for bit: the script stops if they do not.

    .venv/bin/python benchmarks/bench_hashing.py [--repeat 3] [--seed 0]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa

from dataaudit.profile.siphash import hash_floats, hash_objects, hash_texts


def cases(seed: int) -> list[tuple[str, Callable[[], np.ndarray], Callable[[], np.ndarray]]]:
    """The inputs measured (short ids, few labels, free text, floats), each with pandas' way
    and the numpy way of hashing it."""
    rng = np.random.default_rng(seed)
    ids = [f"id-{i:08d}{'x' * (i % 5)}" for i in rng.permutation(1_000_000)]  # 11 to 15 bytes
    labels = np.array(["cat", "dog", "bird", "horse", "unlabelled"], dtype=object)[rng.integers(0, 5, 1_000_000)]
    words = np.array(["the", "a", "quick", "brown", "fox", "jumps", "over", "lazy", "dog",
                      "été", "naïve", "日本語", "données"], dtype=object)
    texts = []
    for size in rng.integers(200, 2001, 100_000):
        text = " ".join(words[rng.integers(0, len(words), size // 4)])
        texts.append(text.encode()[:size].decode(errors="ignore"))
    floats = rng.normal(size=1_000_000)
    measured = []
    for name, array in (("1M short ids (11-15 B)", pa.array(ids, pa.string())),
                        ("1M labels of 5 values", pa.array(labels.tolist(), pa.string())),
                        ("100k texts (200-2,000 B)", pa.array(texts, pa.large_string()))):
        measured.append((f"{name}, Arrow", lambda a=array: pd.util.hash_array(a.to_numpy(zero_copy_only=False),
                                                                            categorize=False),
                         lambda a=array: hash_texts(a)))
    objects = np.array(ids, dtype=object)
    measured.append(("1M short ids (11-15 B), already Python strings",
                     lambda: pd.util.hash_array(objects, categorize=False), lambda: hash_objects(objects)))
    measured.append(("1M floats", lambda: pd.util.hash_array(floats, categorize=False), lambda: hash_floats(floats)))
    return measured


def cpu_seconds(work: Callable[[], np.ndarray], repeat: int) -> tuple[float, np.ndarray]:
    """The least process CPU time of `repeat` runs (the others' load only ever adds to it)."""
    best, result = float("inf"), np.empty(0)
    for _ in range(repeat):
        start = time.process_time()
        result = work()
        best = min(best, time.process_time() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print("| input | pandas CPU s | numpy CPU s | numpy / pandas |")
    print("| --- | ---: | ---: | ---: |")
    for name, theirs, ours in cases(args.seed):
        pandas_cpu, expected = cpu_seconds(theirs, args.repeat)
        numpy_cpu, got = cpu_seconds(ours, args.repeat)
        if not np.array_equal(expected, got):
            raise SystemExit(f"{name}: the hashes differ from pandas'")
        print(f"| {name} | {pandas_cpu:.3f} | {numpy_cpu:.3f} | {numpy_cpu / pandas_cpu:.2f} |")


if __name__ == "__main__":
    main()
