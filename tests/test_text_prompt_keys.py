"""Prompt/solution files (HumanEval's `prompt` and `canonical_solution`, TruthfulQA's `question`
and `best_answer`) audited and cleaned as prompt/completion by naming their keys, on the command
line or in the rule pack; the other keys are metadata; without the keys, the error names the
missing and the extra keys. In-process and as the installed command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dataaudit.api import audit
from dataaudit.errors import InputError
from tests.cli_helpers import invoke
from tests.conftest import DATA
from tests.text_helpers import RUNNERS, audit_json, small_pack

TEXT = DATA / "text"
HUMANEVAL = TEXT / "humaneval_head.jsonl"
PROBLEMS = [json.loads(line) for line in HUMANEVAL.read_text("utf-8").splitlines()]
KEYS = ["--prompt-key", "prompt", "--completion-key", "canonical_solution"]


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return small_pack(tmp_path)


def _table(report: dict, table: str) -> dict:
    return next(t for t in report["tables"] if t["id"] == table)


@pytest.mark.parametrize("runner", RUNNERS)
def test_humaneval_audits_with_its_keys_named(runner: str, tmp_path: Path, small: Path) -> None:
    report = audit_json(runner, [HUMANEVAL, "-r", small, *KEYS], 0, tmp_path)
    assert report["source"]["kind"] == "prompt-completion"
    assert not [f for f in report["findings"] if f["check"] == "text.format_errors"]
    (metadata,) = [f for f in report["findings"] if f["check"] == "text.metadata"]
    assert metadata["details"]["keys"] == {"entry_point": 20, "task_id": 20, "test": 20}
    assert _table(report, "text.summary")["rows"][0][1:5] == [20, 20, 40, "canonical_solution 20, prompt 20"]
    lengths = {row[0]: row for row in _table(report, "text.lengths")["rows"]}
    chars = [len(p["prompt"]) + len(p["canonical_solution"]) for p in PROBLEMS]
    example = lengths["characters per example"]
    assert (example[1], example[2], example[6]) == (20, min(chars), max(chars))
    assert example[7] == pytest.approx(sum(chars) / len(chars), abs=0.05)
    statuses = {c["check"]: c["status"] for c in report["checks"]}
    assert statuses["text.duplicates"] == "passed"


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_repeated_problem_is_a_duplicate_whatever_its_metadata(runner: str, tmp_path: Path) -> None:
    again = {**PROBLEMS[2], "task_id": "HumanEval/2-copy"}
    path = tmp_path / "humaneval.jsonl"
    path.write_bytes(HUMANEVAL.read_bytes() + json.dumps(again).encode() + b"\n")
    report = audit_json(runner, [path, *KEYS], 0, tmp_path)
    (duplicates,) = [f for f in report["findings"] if f["check"] == "text.duplicates"]
    assert duplicates["details"]["repeats"] == [[21, 3]]
    assert duplicates["severity"] == "warn"  # 1 of 21 (4.8%): past the warn level, under the fail level


@pytest.mark.parametrize("runner", RUNNERS)
def test_without_the_keys_one_line_names_the_missing_and_the_extra_keys(runner: str, tmp_path: Path,
                                                                         small: Path) -> None:
    report = audit_json(runner, [HUMANEVAL, "--format-kind", "prompt-completion"], 1, tmp_path)
    (error,) = [f for f in report["findings"] if f["check"] == "text.format_errors"]
    assert (error["details"]["kind"], error["details"]["keys"]) == ("field_missing", {"completion": 20})
    message = error["message"]
    assert "\n" not in message
    assert "Missing keys (lines): 'completion' 20." in message
    for key in ("canonical_solution", "entry_point", "task_id", "test"):
        assert f"'{key}' 20" in message
    assert "--completion-key" in message
    out = tmp_path / "he.clean.jsonl"
    RUNNERS[runner](["clean", HUMANEVAL, "-r", small, "--format-kind", "prompt-completion", "-o", out], 1)
    held = [json.loads(line) for line in tmp_path.joinpath("he.clean.quarantine.jsonl").read_text("utf-8")
            .splitlines()]
    assert len(held) == 20
    assert held[0]["reason"] == "field_missing (completion; other keys: task_id, entry_point, canonical_solution, test)"


@pytest.mark.parametrize("runner", RUNNERS)
def test_humaneval_cleans_with_its_keys_named(runner: str, tmp_path: Path, small: Path) -> None:
    out = tmp_path / "he.clean.jsonl"
    _, stderr = RUNNERS[runner](["clean", HUMANEVAL, "-r", small, *KEYS, "--no-trim", "-o", out], 0)
    assert out.read_bytes() == HUMANEVAL.read_bytes()  # code keeps its indentation, metadata its place
    manifest = json.loads(tmp_path.joinpath("he.clean.manifest.json").read_text("utf-8"))
    parameters = manifest["parameters"]
    assert (parameters["prompt_key"], parameters["completion_key"], parameters["trim"]) == (
        "prompt", "canonical_solution", False)
    assert "20 lines written" in stderr and "0 quarantined" in stderr
    stripped = tmp_path / "he.stripped.jsonl"
    RUNNERS[runner](["clean", HUMANEVAL, "-r", small, *KEYS, "--no-trim", "--strip-metadata", "-o", stripped], 0)
    assert [json.loads(line) for line in stripped.read_text("utf-8").splitlines()] == [
        {"prompt": p["prompt"], "canonical_solution": p["canonical_solution"]} for p in PROBLEMS]


def test_the_rule_pack_names_the_keys(tmp_path: Path, small: Path) -> None:
    pack = tmp_path / "humaneval.yaml"
    keys = "  text:\n    prompt_key: prompt\n    completion_key: canonical_solution\n"
    pack.write_text(small.read_text("utf-8") + keys, encoding="utf-8")
    from_pack = audit(HUMANEVAL, rules=pack)
    assert from_pack.source.kind == "prompt-completion"  # detected with the pack's keys
    from_flags = audit(HUMANEVAL, rules=small, prompt_key="prompt", completion_key="canonical_solution")
    assert from_pack.findings == from_flags.findings
    assert from_pack.tables == from_flags.tables
    out = tmp_path / "he.clean.jsonl"
    invoke(["clean", HUMANEVAL, "-r", pack, "--no-trim", "-o", out], 0)
    assert out.read_bytes() == HUMANEVAL.read_bytes()
    assert audit(HUMANEVAL, rules=small).source.format == "jsonl"  # without keys: a table, as before


@pytest.mark.parametrize(("name", "prompt", "completion", "metadata"), [
    ("truthfulqa_head.jsonl", "question", "best_answer", {"category": 20, "false_answers": 20, "true_answers": 20}),
    ("hhh_alignment_pairs_head.jsonl", "prompt", "chosen", {"rejected": 30, "subset": 30}),
])
def test_eval_and_preference_files_audit_as_prompt_completion(name: str, prompt: str, completion: str,
                                                             metadata: dict[str, int], small: Path) -> None:
    report = audit(TEXT / name, rules=small, prompt_key=prompt, completion_key=completion)
    assert report.source.kind == "prompt-completion"
    assert not [f for f in report.findings if f.check == "text.format_errors"]
    (found,) = [f for f in report.findings if f.check == "text.metadata"]
    assert found.details["keys"] == metadata


@pytest.mark.parametrize("runner", RUNNERS)
def test_keys_for_another_layout_are_a_usage_error(runner: str) -> None:
    for args, message in (
        (["--format-kind", "chat", "--prompt-key", "prompt"], "name the keys of a prompt-completion file"),
        (["--prompt-key", "prompt", "--completion-key", "prompt"], "need two keys, not 'prompt' twice"),
    ):
        _, stderr = RUNNERS[runner](["audit", HUMANEVAL, *args], 2)
        assert stderr.startswith("dataaudit: error: ") and stderr.count("\n") == 1, stderr
        assert message in stderr


def test_keys_named_in_python_are_checked_too() -> None:
    with pytest.raises(InputError, match="instruction one"):
        audit(HUMANEVAL, format_kind="instruction", completion_key="canonical_solution")
