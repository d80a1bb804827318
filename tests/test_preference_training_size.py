"""A preference pair trains as two sequences, its prompt with the chosen answer and its prompt
with the rejected one, as a DPO trainer feeds them: `format.training_size` counts the prompt
twice whether the pair is rendered through a chat template or its texts are counted alone, so
a file of pairs reads as many tokens as the two chat files of its sides."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dataaudit.datasets.tokenizer_folder import write_tokenizer_folder
from tests.cli_helpers import run

pytest.importorskip("tokenizers", reason="a tokenizer folder is read with the 'tokenizers' package")

PAIRS = Path(__file__).parent / "data" / "text" / "hhh_pairs_40.jsonl"


def _records() -> list[dict[str, Any]]:
    return [json.loads(line) for line in PAIRS.read_text("utf-8").splitlines()]


@pytest.fixture(scope="module")
def tokenizers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | None]:
    """The ways tokens are counted: the estimate, a bare tokenizer.json (texts counted alone) and
    a folder with a ChatML template (conversations rendered)."""
    texts = [r[key] for r in _records() for key in ("prompt", "chosen", "rejected")]
    folder = write_tokenizer_folder(tmp_path_factory.mktemp("tokenizer") / "chatml", "chatml", texts)
    return {"estimate": None, "tokenizer.json": folder / "tokenizer.json", "chat template": folder}


def _lines(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    return path


def _tokens(path: Path, tokenizer: Path | None) -> int:
    """The tokens one epoch reads, as `format.training_size` says."""
    import dataaudit

    report = dataaudit.audit(path, tokenizer=tokenizer)
    (size,) = [f for f in report.findings if f.check == "format.training_size"]
    return size.details["tokens_per_epoch"]


@pytest.mark.parametrize("counting", ["estimate", "tokenizer.json", "chat template"])
def test_a_conversational_pair_reads_as_its_two_sides_as_conversations(tmp_path: Path, counting: str,
                                                                       tokenizers: dict[str, Path | None]) -> None:
    def said(role: str, text: str) -> list[dict[str, str]]:
        return [{"role": role, "content": text}]

    records = _records()
    pairs = _lines(tmp_path / "pairs.jsonl", [{"prompt": said("user", r["prompt"]),
                                               "chosen": said("assistant", r["chosen"]),
                                               "rejected": said("assistant", r["rejected"])} for r in records])
    sides = [_lines(tmp_path / f"{side}.jsonl", [{"messages": said("user", r["prompt"]) + said("assistant", r[side])}
                                                  for r in records]) for side in ("chosen", "rejected")]
    tokenizer = tokenizers[counting]
    assert _tokens(pairs, tokenizer) == sum(_tokens(side, tokenizer) for side in sides)


@pytest.mark.parametrize("counting", ["estimate", "tokenizer.json"])
def test_a_pair_of_strings_reads_as_its_prompt_with_each_answer(tmp_path: Path, counting: str,
                                                                tokenizers: dict[str, Path | None]) -> None:
    records = _records()
    pairs = _lines(tmp_path / "pairs.jsonl", [{k: r[k] for k in ("prompt", "chosen", "rejected")} for r in records])
    sides = [_lines(tmp_path / f"{side}.jsonl", [{"prompt": r["prompt"], "completion": r[side]} for r in records])
             for side in ("chosen", "rejected")]
    tokenizer = tokenizers[counting]
    assert _tokens(pairs, tokenizer) == sum(_tokens(side, tokenizer) for side in sides)


def test_the_hhh_pairs_read_their_prompts_twice_by_the_installed_command(tmp_path: Path) -> None:
    """The 221 HHH pairs: 73,788 estimated tokens an epoch, each prompt with each answer (49,988
    counted each prompt once)."""
    out, _ = run(["audit", PAIRS.with_name("hhh_alignment_pairs.jsonl"), "--epochs", "3", "--price-per-million", "8"],
                 0)
    assert ("Training reads 73,788 estimated tokens per epoch (estimate: ceil(characters / 4)) x 3 epochs = 221,364 "
            "estimated tokens; at 8 per million tokens: 1.77.") in " ".join(out.split())
