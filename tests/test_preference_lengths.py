"""A preference pair is read by a trainer as two sequences, the prompt with the chosen answer and
the prompt with the rejected one, never as one: `text.too_long` judges the longer of the two
against the maximum length. And `clean` trims a pair's texts (prompt, chosen, rejected, as
strings or messages, TRL's and OpenAI's keys) as it trims a chat's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_helpers import invoke, run

WORD = "word "  # 5 characters: the estimate ceil(characters / 4) makes 20 words 25 tokens


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _too_long(report: dict) -> dict | None:
    found = [f for f in report["findings"] if f["check"] == "text.too_long"]
    return found[0] if found else None


@pytest.fixture
def pairs(tmp_path: Path) -> Path:
    prompt = WORD * 20  # 100 characters: 25 estimated tokens
    return _write(tmp_path / "pairs.jsonl", [
        # prompt + chosen is 25 + 39 = 64 tokens, exactly the maximum length: it fits
        {"prompt": prompt, "chosen": "x" * 156, "rejected": "no"},
        # prompt + rejected is 25 + 40 = 65 tokens: one over
        {"prompt": prompt, "chosen": "yes", "rejected": "x" * 160},
        # each side 25 + 25 = 50 tokens, all three texts 75: it fits
        {"prompt": prompt, "chosen": prompt, "rejected": prompt},
        # conversational sides with the prompt implicit in them: 50 tokens each, 75 in all
        {"chosen": [{"role": "user", "content": prompt}, {"role": "assistant", "content": prompt}],
         "rejected": [{"role": "user", "content": prompt}, {"role": "assistant", "content": "y" * 100}]},
        # explicit conversational prompt, 25 + 41 = 66 on the chosen side
        {"prompt": [{"role": "user", "content": prompt}], "chosen": [{"role": "assistant", "content": "z" * 161}],
         "rejected": [{"role": "assistant", "content": "n"}]},
    ])


@pytest.mark.parametrize("runner", [run, invoke], ids=["subprocess", "in-process"])
def test_a_pair_is_too_long_only_when_the_prompt_with_one_answer_is(pairs: Path, runner) -> None:
    out, _ = runner(["audit", pairs, "--max-length", "64", "-f", "json"], 1)
    found = _too_long(json.loads(out))
    assert found is not None
    assert found["examples"] == [2, 5]
    assert found["details"]["lines"] == 2
    assert found["message"].startswith("2 of 5 examples (40%) are longer than 64 estimated tokens")
    console, _ = runner(["audit", pairs, "--max-length", "64"], 1)
    assert "2 of 5 examples (40%) are longer than 64 estimated tokens" in console


def test_pairs_that_fit_on_each_side_pass_the_token_limit(tmp_path: Path) -> None:
    prompt = WORD * 20
    path = _write(tmp_path / "fits.jsonl", [{"prompt": prompt, "chosen": prompt, "rejected": prompt}]
                  + [{"prompt": f"q{i}", "chosen": "a", "rejected": "b"} for i in range(3)])
    out, _ = run(["audit", path, "--max-length", "50", "-f", "json"], 1)  # size.rows fails a tiny file
    report = json.loads(out)
    assert _too_long(report) is None
    assert {c["check"]: c["status"] for c in report["checks"]}["text.too_long"] == "passed"


@pytest.mark.parametrize("runner", [run, invoke], ids=["subprocess", "in-process"])
def test_clean_trims_the_texts_of_preference_pairs(tmp_path: Path, runner) -> None:
    source = _write(tmp_path / "pairs.jsonl", [
        {"prompt": " Q1? ", "chosen": "Yes. ", "rejected": "No.", "subset": " kept "},
        {"prompt": [{"role": "user", "content": "Q2 "}], "chosen": [{"role": "assistant", "content": "ok\n"}],
         "rejected": [{"role": "assistant", "content": "no"}]},
        {"input": {"messages": [{"role": "user", "content": " Q3"}]},
         "preferred_output": [{"role": "assistant", "content": "a "}],
         "non_preferred_output": [{"role": "assistant", "content": "b"}]},
        {"prompt": "Q4", "chosen": "fine", "rejected": "bad"},
    ])
    output = tmp_path / "pairs.clean.jsonl"
    runner(["clean", source, "-o", output], 1)  # the audit of four lines fails size.rows
    lines = output.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [
        {"prompt": "Q1?", "chosen": "Yes.", "rejected": "No.", "subset": " kept "},
        {"prompt": [{"role": "user", "content": "Q2"}], "chosen": [{"role": "assistant", "content": "ok"}],
         "rejected": [{"role": "assistant", "content": "no"}]},
        {"input": {"messages": [{"role": "user", "content": "Q3"}]},
         "preferred_output": [{"role": "assistant", "content": "a"}],
         "non_preferred_output": [{"role": "assistant", "content": "b"}]},
        {"prompt": "Q4", "chosen": "fine", "rejected": "bad"},
    ]
    assert lines[3] == source.read_text(encoding="utf-8").splitlines()[3]  # untouched: byte for byte
    manifest = json.loads((tmp_path / "pairs.clean.manifest.json").read_text(encoding="utf-8"))
    assert manifest["lines"]["trimmed"] == 3
    kept = tmp_path / "kept.jsonl"
    runner(["clean", source, "-o", kept, "--no-trim"], 1)
    assert kept.read_bytes() == source.read_bytes()
