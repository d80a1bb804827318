"""Benchmark of the personal-data and secrets detectors: precision and recall per kind on the
labelled corpus (`dataaudit.datasets.pii_corpus`: planted values of every kind and look-alike
decoys in real sentences), and the speed of the scan in texts per second, on the corpus and on
the carrier sentences alone (clean text, where only the prefilters run), with the load average
around each measure: on a shared machine the times say as much about the neighbours as about
the scan.

The carriers are the texts of a CSV column (default: the UK parliamentary speeches the tests
use). It reports numbers only: it never fails because something is slow or missed.

    .venv/bin/python benchmarks/bench_pii.py --texts 5000
    .venv/bin/python benchmarks/bench_pii.py --carriers ../shared/datasets/some.csv --column text --json /tmp/pii.json
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from dataaudit.datasets.pii_corpus import labelled_texts, precision_recall, scores  # noqa: E402
from dataaudit.pii.detect import DEFAULT_REGIONS, find_pii  # noqa: E402

CARRIERS = REPO / "tests" / "data" / "parlspeech_200.csv"


def _rate(texts: list[str], regions: tuple[str, ...]) -> dict[str, float]:
    load = os.getloadavg()[0]
    start = time.perf_counter()
    for text in texts:
        find_pii(text, regions)
    seconds = time.perf_counter() - start
    chars = sum(map(len, texts))
    return {"texts": len(texts), "seconds": round(seconds, 3), "texts_per_second": round(len(texts) / seconds),
            "mb_per_second": round(chars / seconds / 1e6, 3), "mean_chars": round(chars / len(texts)),
            "load_before": round(load, 2), "load_after": round(os.getloadavg()[0], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=5000, help="texts in the labelled corpus")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--carriers", type=Path, default=CARRIERS, help="a CSV file whose column holds the carriers")
    parser.add_argument("--column", default="text")
    parser.add_argument("--region", action="append", help="a region whose national phone numbers are read "
                                                          "(repeatable; default: US)")
    parser.add_argument("--json", type=Path, help="also save the results here")
    args = parser.parse_args()
    with args.carriers.open(encoding="utf-8") as handle:
        carriers = [row[args.column] for row in csv.DictReader(handle) if row.get(args.column)]
    corpus = labelled_texts(carriers, args.texts, seed=args.seed)
    regions = tuple(args.region or DEFAULT_REGIONS)
    counts = scores(corpus, regions)
    print(f"{len(corpus):,} texts over {len(carriers):,} carriers from {args.carriers.name}; "
          f"{sum(len(t.planted) for t in corpus):,} planted values")
    print(f"{'kind':<16}{'planted':>8}{'found':>8}{'true':>8}{'precision':>11}{'recall':>8}")
    results: dict[str, object] = {"kinds": {}}
    for kind, tally in counts.items():
        precision, recall = precision_recall(tally)
        planted, found = tally["true"] + tally["missed"], tally["true"] + tally["false"]
        print(f"{kind:<16}{planted:>8}{found:>8}{tally['true']:>8}{precision:>11.3f}{recall:>8.3f}")
        results["kinds"][kind] = {**tally, "precision": precision, "recall": recall}  # type: ignore[index]
    for name, texts in (("labelled corpus", [t.text for t in corpus]), ("carriers alone", carriers * 5)):
        rate = _rate(texts, regions)
        results[name] = rate
        print(f"{name}: {rate['texts_per_second']:,} texts/s ({rate['mb_per_second']} MB/s, "
              f"{rate['mean_chars']:,} characters per text) on one core; load {rate['load_before']} -> "
              f"{rate['load_after']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
