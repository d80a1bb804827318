"""Benchmark of the contamination matching: index build, memory, and training lines per second.

Generated data, seeded: an evaluation set of ``--eval-items`` items of 20 to 60 words (each a
question of its first third of words and an answer of the rest, two parts matched alone too) and
``--lines`` short training lines of 8 to 24 words (a tweet's length), both drawn from one
Zipf-distributed vocabulary of 20,000 words, with ``--planted`` items copied into the lines so
that matches are found and reported as they would be. Printed:

- the index: items, n-grams, build time and bytes, both per million eval n-grams;
- the matching alone (`ContaminationPartial.add`, chunk after chunk of 8,192 lines, in this one
  process, near copies included; the lines' MinHash signatures, which the text audit computes
  anyway, are computed before the clock starts): lines per second, against the goal of 50,000
  short lines per second per core;
- the whole text pass over the same lines as a JSONL prompt/completion file, with and without
  the evaluation set: what the matching adds to an audit;
- the load average before and after, since the machine may be shared: each time is given as
  wall seconds and as this process's CPU seconds, which a busy machine inflates far less.

    .venv/bin/python benchmarks/bench_contamination.py --lines 200000 --eval-items 20000
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dataaudit.checks.text import Rules
from dataaudit.text.audit import profile_text_file
from dataaudit.text.contamination.eval_sets import EvalItems
from dataaudit.text.contamination.index import build_index
from dataaudit.text.contamination.partial import ContaminationPartial
from dataaudit.text.minhash import signatures
from dataaudit.text.validate import Line

CHUNK = 8192


def vocabulary(rng: np.random.Generator, size: int = 20_000) -> np.ndarray:
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    return np.array(["".join(rng.choice(letters, rng.integers(2, 10))) for _ in range(size)])


def sentences(rng: np.random.Generator, words: np.ndarray, n: int, low: int, high: int) -> list[str]:
    ranks = np.minimum(rng.zipf(1.3, size=n * high), len(words)) - 1
    lengths = rng.integers(low, high + 1, size=n)
    out, at = [], 0
    for length in lengths.tolist():
        out.append(" ".join(words[ranks[at:at + length]]) + ".")
        at += length
    return out


def question_and_answer(text: str) -> tuple[str, str]:
    """An item's text cut into two fields, a third of its words and the rest, as a question and
    its answer are."""
    words = text.split()
    cut = len(words) // 3
    return " ".join(words[:cut]), " ".join(words[cut:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--eval-items", type=int, default=20_000)
    parser.add_argument("--planted", type=int, default=100)
    parser.add_argument("--ngram", type=int, default=13)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    load_before = os.getloadavg()
    rng = np.random.default_rng(args.seed)
    words = vocabulary(rng)
    items = sentences(rng, words, args.eval_items, 20, 60)
    lines = sentences(rng, words, args.lines, 8, 24)
    for i, at in enumerate(rng.choice(args.lines, args.planted, replace=False).tolist()):
        lines[at] = items[i]

    start, cpu = time.perf_counter(), time.process_time()
    parts = [question_and_answer(text) for text in items]
    numbers = list(range(1, len(items) + 1))
    index = build_index([EvalItems("eval.jsonl", "table", ("question", "answer"), "line", numbers,
                                   ["\n".join(p) for p in parts], parts)], args.ngram, 0.5, 64, 0.8)
    build, build_cpu = time.perf_counter() - start, time.process_time() - cpu
    per_million = 1e6 / max(index.gram_count, 1)
    print(f"index: {args.eval_items:,} items, {index.gram_count:,} n-grams of {args.ngram} words; built in "
          f"{build:.2f} s wall, {build_cpu:.2f} s CPU ({build_cpu * per_million:.2f} CPU s per million n-grams); "
          f"{index.nbytes / 2**20:.1f} MiB "
          f"({index.nbytes * per_million / 2**20:.1f} MiB per million n-grams, MinHash signatures included)")

    partial = ContaminationPartial(index)
    cells = [Line([], [("text", text)]) for text in lines]
    sigs = signatures(lines, 64)  # the text audit's, computed for its near duplicates anyway: not timed
    start, cpu = time.perf_counter(), time.process_time()
    for at in range(0, len(cells), CHUNK):
        partial.add(np.arange(at, min(at + CHUNK, len(cells))), cells[at:at + CHUNK], None, sigs[at:at + CHUNK])
    match, match_cpu = time.perf_counter() - start, time.process_time() - cpu
    found = len({m.example for m in partial.matches})
    print(f"matching alone: {args.lines:,} lines of 8-24 words in {match:.2f} s wall, {match_cpu:.2f} s CPU: "
          f"{args.lines / match:,.0f} lines per wall second, {args.lines / match_cpu:,.0f} per CPU second of one "
          f"core (goal 50,000); {found} of {args.planted} planted lines found")

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "train.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for text in lines:
                out.write(json.dumps({"prompt": text, "completion": "ok"}) + "\n")
        timings = {}
        for name, given in (("without", None), ("with", index)):
            start, cpu = time.perf_counter(), time.process_time()
            profile_text_file(path, "prompt-completion", Rules(), eval_index=given)
            timings[name] = (time.perf_counter() - start, time.process_time() - cpu)
    (wall, cpu_without), (wall_with, cpu_with) = timings["without"], timings["with"]
    print(f"text pass over the same lines as JSONL, one process: {wall:.2f} s wall, {cpu_without:.2f} s CPU without "
          f"the evaluation set; {wall_with:.2f} s wall, {cpu_with:.2f} s CPU with it")
    print(f"load average (1, 5, 15 min): before {', '.join(f'{v:.2f}' for v in load_before)}; after "
          f"{', '.join(f'{v:.2f}' for v in os.getloadavg())}; {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
