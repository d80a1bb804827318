"""Benchmark of language detection: the detector's load and examples per second, short and long.

Each configuration runs in a fresh process (a detector is built once per process, and its
models stay loaded), on real sentences of five languages (`tests/data/language_sentences.json`):
short examples are one sentence (about 60 characters), long ones thirty sentences of one
language (about 2,000 characters). Printed per configuration: the time to the first verdict
(the detector's build and the models the first text needs), examples per second through
`judge` (the audit's chunking, confidence and mixing rules) and through lingua's bare
`detect_language_of`, and the process's peak memory. The load average is printed around the
runs: on a shared machine the numbers say as much about the neighbours.

    .venv/bin/python benchmarks/bench_languages.py
    .venv/bin/python benchmarks/bench_languages.py --examples 5000 --compare
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SENTENCES = REPO / "tests" / "data" / "language_sentences.json"

MEASURE = """
import json, resource, sys, time
from lingua import IsoCode639_1, LanguageDetectorBuilder
from dataaudit.text.languages import detector as chosen

mode, n = sys.argv[1], int(sys.argv[2])
sentences = json.load(open(sys.argv[3], encoding="utf-8"))
short = [s for ss in sentences.values() for s in ss]
long_ = [" ".join(ss * 3) for ss in sentences.values()]
if mode != "chosen":  # the alternatives, given to judge in place of the chosen detector
    codes = [getattr(IsoCode639_1, c.upper()) for c in chosen.COMMON]
    builder = (LanguageDetectorBuilder.from_all_languages() if mode.startswith("all")
               else LanguageDetectorBuilder.from_iso_codes_639_1(*codes))
    if mode.endswith("low"):
        builder = builder.with_low_accuracy_mode()
    built = builder.with_preloaded_language_models() if mode.endswith("high") else builder
    chosen.detector = lambda codes, _d=[]: _d[0] if _d else (_d.append(built.build()) or _d[0])
start = time.perf_counter()
chosen.judge(["The weather is lovely today and we are going for a walk."], (), 20, 0.7, 0.25, 2000)
load = time.perf_counter() - start
out = {"load_s": load}
for name, texts in (("short", short), ("long", long_)):
    batch = [texts[i % len(texts)] for i in range(n)]
    start = time.perf_counter()
    for text in batch:
        chosen.judge([text], (), 20, 0.7, 0.25, 2000)
    out[name] = n / (time.perf_counter() - start)
    found = chosen.detector(())
    start = time.perf_counter()
    for text in batch:
        found.detect_language_of(text)
    out[name + "_bare"] = n / (time.perf_counter() - start)
out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""

MODES = {
    "chosen": "31 common languages, low accuracy (the audit's)",
    "all-low": "all 75 languages, low accuracy",
    "common-high": "31 common languages, high accuracy, preloaded",
}


def measure(mode: str, examples: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", MEASURE, mode, str(examples), str(SENTENCES)], env=env,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="examples per measure (default 2,000)")
    parser.add_argument("--compare", action="store_true",
                        help="also measure all languages at low accuracy and the common ones at high accuracy")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'configuration':<48} {'load s':>7} {'short/s':>9} {'bare':>9} {'long/s':>8} {'bare':>8} {'peak MiB':>9}")
    for mode in MODES if args.compare else ["chosen"]:
        r = measure(mode, args.examples)
        print(f"{MODES[mode]:<48} {r['load_s']:>7.2f} {r['short']:>9,.0f} {r['short_bare']:>9,.0f} "
              f"{r['long']:>8,.0f} {r['long_bare']:>8,.0f} {r['rss_mb']:>9,.0f}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
