"""Benchmark of templated token counting: examples per second through a chat template.

For a short-chat file and a long-chat file (generated, cached in ``--workdir``) it times, over
the same conversations, with the same tokenizer folder (a BPE trained here, ChatML template with
generation marks):

1. ``dataaudit``: ``TemplateCounter.measure``, what the audit's pass calls per chunk: every
   conversation rendered in the sandbox, tokenized in one batch, assistant tokens masked and cut
   at ``--max-length``;
2. ``transformers``: a plain loop of ``PreTrainedTokenizerFast.apply_chat_template(messages,
   tokenize=True, return_dict=True, return_assistant_tokens_mask=True)`` (skipped when
   transformers is not installed);
3. ``dataaudit audit``: the whole command on the file (JSON parsing, every other text check),
   for scale; with ``--baseline DIR`` also the command of another checkout (its code read from
   DIR), so that a change is measured before and after on the same files and load;
4. the two steps of 1 apart: rendering alone, and the tokenizer alone on the rendered texts
   (one ``encode_batch`` with offsets), which is as fast as any exact count through the
   tokenizer can be.

Token counts of 1 and 2 are compared (they must be equal). The tokenizers library is held to one
thread (``TOKENIZERS_PARALLELISM=false``) so the figures are per core; ``--parallel`` lets it
use every core. Times are the median of ``--repeat`` runs in CPU seconds (of this process and of
the command it runs), so the rates are examples per second of one core's work even on a shared
machine, whose neighbours lengthen the wall-clock time of a run but not its processor time; the
load average is printed, since they still share the caches.

    .venv/bin/python benchmarks/bench_chat_template.py
    .venv/bin/python benchmarks/bench_chat_template.py --short 50000 --long 2000 --repeat 5
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
VOCABULARY = ("the a of to and in is it that for on with as was at by this be from or have an are not but what all "
         "were when we there can your which their said if do will each about how up out them then she many some "
         "so these would other into has more her two like him see time could no make than first been its who now "
         "people my made over did down only way find use may water long little very after words called just where "
         "most know paris france capital model train data token length answer question please explain why")
WORDS = tuple(VOCABULARY.split())


def conversation(rng: random.Random, turns: int, words: tuple[int, int]) -> dict[str, Any]:
    messages = [{"role": "system", "content": "You are a careful assistant."}]
    for turn in range(turns):
        for role in ("user", "assistant"):
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(*words)))
            messages.append({"role": role, "content": text.capitalize() + ("?" if role == "user" else ".")})
        if turn == 0 and rng.random() < 0.1:
            messages.append({"role": "user", "content": "Thanks."})
            messages.append({"role": "assistant", "content": "You are welcome."})
    return {"messages": messages}


def ensure_files(workdir: Path, short: int, long: int, seed: int) -> dict[str, Path]:
    """`short`: one or two turns of 5 to 30 words; `long`: 6 to 10 turns of 100 to 400 words."""
    files = {"short": (workdir / f"chats-short-{short}-s{seed}.jsonl", short, (1, 2), (5, 30)),
             "long": (workdir / f"chats-long-{long}-s{seed}.jsonl", long, (6, 10), (100, 400))}
    for path, lines, turns, words in files.values():
        if path.exists():
            continue
        rng = random.Random(seed)
        with path.open("w", encoding="utf-8") as out:
            for _ in range(lines):
                out.write(json.dumps(conversation(rng, rng.randint(*turns), words)) + "\n")
    return {name: spec[0] for name, spec in files.items()}


def ensure_tokenizer(workdir: Path, seed: int) -> Path:
    from dataaudit.datasets.tokenizer_folder import write_tokenizer_folder

    folder = workdir / f"tokenizer-chatml-s{seed}"
    if not (folder / "tokenizer.json").exists():
        rng = random.Random(seed)
        texts = [" ".join(rng.choice(WORDS) for _ in range(50)).capitalize() + "." for _ in range(5000)]
        write_tokenizer_folder(folder, "chatml", texts, vocab_size=2000)
    return folder


def cpu_seconds() -> float:
    """CPU seconds used so far by this process and the commands it ran: on a shared machine the
    neighbours lengthen the wall-clock time of a run, not the processor time it takes."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(work: Any, repeat: int) -> tuple[float, Any]:
    """Median CPU seconds of `repeat` runs of `work()`, and its last result."""
    seconds, result = [], None
    for _ in range(repeat):
        start = cpu_seconds()
        result = work()
        seconds.append(cpu_seconds() - start)
    return statistics.median(seconds), result


def dataaudit_counts(folder: Path, chats: list[tuple[list[Any], Any]], max_length: int) -> list[int]:
    from dataaudit.text.tokens import token_counter

    counter = token_counter(folder)
    measured = []
    for start in range(0, len(chats), 10_000):  # the audit's chunks are this size or so
        measured += counter.measure(chats[start:start + 10_000], max_length).tokens.tolist()
    return measured


def step_seconds(folder: Path, chats: list[tuple[list[Any], Any]], repeat: int) -> tuple[float, float]:
    """Seconds of rendering every conversation, and of tokenizing the rendered texts."""
    from dataaudit.text.tokens import token_counter

    counter = token_counter(folder)
    template = counter.template  # type: ignore[attr-defined]
    render_s, texts = timed(lambda: [template.render(messages, tools).text for messages, tools in chats], repeat)
    tokenize_s, _ = timed(lambda: counter.tokenizer.encode_batch(texts, add_special_tokens=False), repeat)
    return render_s, tokenize_s


def transformers_counts(folder: Path, chats: list[tuple[list[Any], Any]]) -> list[int]:
    from transformers import PreTrainedTokenizerFast

    tokenizer = PreTrainedTokenizerFast(tokenizer_file=str(folder / "tokenizer.json"), bos_token="<s>",
                                        eos_token="</s>", unk_token="<unk>")
    template = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))["chat_template"]
    return [len(tokenizer.apply_chat_template(messages, tools=tools, chat_template=template, tokenize=True,
                                              return_dict=True, return_assistant_tokens_mask=True)["input_ids"])
            for messages, tools in chats]


def audit_seconds(path: Path, folder: Path, max_length: int, repeat: int, code: Path = REPO) -> float:
    """Median CPU seconds of the whole `dataaudit audit` command, its code read from `code`."""
    command = [str(Path(sys.executable).parent / "dataaudit"), "audit", str(path), "--tokenizer", str(folder),
               "--max-length", str(max_length), "--format", "json", "-o", os.devnull, "-q"]
    env = {**os.environ, "PYTHONPATH": str(code)}
    seconds, _ = timed(lambda: subprocess.run(command, env=env, check=False, capture_output=True), repeat)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--short", type=int, default=20_000, help="short conversations (default 20,000)")
    parser.add_argument("--long", type=int, default=1_000, help="long conversations (default 1,000)")
    parser.add_argument("--max-length", type=int, default=2048)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--parallel", action="store_true", help="let tokenizers use every core")
    parser.add_argument("--baseline", type=Path, help="another checkout whose audit command is timed too")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "dataaudit-bench-chat")
    args = parser.parse_args(argv)
    if not args.parallel:
        os.environ["TOKENIZERS_PARALLELISM"] = "false"
    sys.path.insert(0, str(REPO))
    args.workdir.mkdir(parents=True, exist_ok=True)
    files = ensure_files(args.workdir, args.short, args.long, args.seed)
    folder = ensure_tokenizer(args.workdir, args.seed)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"tokenizers {'on every core' if args.parallel else 'on one thread'}; median of {args.repeat}")
    print(f"{'file':<6} {'examples':>9} {'tokens/ex':>9} {'dataaudit ex/s':>15} {'transformers ex/s':>18} "
          f"{'speed-up':>9} {'audit command ex/s':>19} {'baseline audit ex/s':>20} {'render ex/s':>12} "
          f"{'tokenize ex/s':>14}")
    for name, path in files.items():
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        chats = [(r["messages"], r.get("tools")) for r in records]
        ours_s, ours = timed(lambda chats=chats: dataaudit_counts(folder, chats, args.max_length), args.repeat)
        try:
            theirs_s, theirs = timed(lambda chats=chats: transformers_counts(folder, chats), args.repeat)
        except ImportError:
            theirs_s, theirs = float("nan"), ours
        if theirs != ours:
            print(f"{name}: token counts differ from transformers'", file=sys.stderr)
            return 1
        audit_s = audit_seconds(path, folder, args.max_length, args.repeat)
        baseline_s = (audit_seconds(path, folder, args.max_length, args.repeat, args.baseline) if args.baseline
                      else float("nan"))
        render_s, tokenize_s = step_seconds(folder, chats, args.repeat)
        n = len(chats)
        print(f"{name:<6} {n:>9,} {statistics.mean(ours):>9,.0f} {n / ours_s:>15,.0f} {n / theirs_s:>18,.0f} "
              f"{theirs_s / ours_s:>8.1f}x {n / audit_s:>19,.0f} {n / baseline_s:>20,.0f} {n / render_s:>12,.0f} "
              f"{n / tokenize_s:>14,.0f}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
