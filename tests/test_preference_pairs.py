"""Preference pairs: recognised in TRL's and OpenAI's shapes, judged on the real HHH pairs as the
shared catalog measured them, and profiled in one pass whose chunks merge to the whole in any
order, on worker processes too."""

from __future__ import annotations

import json
import random
from functools import reduce
from pathlib import Path
from unittest.mock import MagicMock

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataaudit import audit
from dataaudit.checks.text import Rules
from dataaudit.engines.local import LocalEngine
from dataaudit.text.accumulator import FileLines
from dataaudit.text.audit import profile_text_file, text_spec
from dataaudit.text.formats import detect_format
from dataaudit.text.profiles import load_profile
from dataaudit.text.tokens import ESTIMATE
from tests.cli_helpers import invoke, run
from tests.test_merge_law import _tree
from tests.test_text_merge_law import _accumulators, _record

DATA = Path(__file__).parent / "data"
HHH = DATA / "text" / "hhh_alignment_pairs.jsonl"
SPEC = text_spec("pairs.jsonl", "preference", Rules(), ESTIMATE, unit="line", examples=3,
                 profile=load_profile("trl-preference"))


def _finding(report: dict, check: str) -> dict:
    (found,) = [f for f in report["findings"] if f["check"] == check]
    return found


def _statuses(report: dict) -> dict[str, str]:
    return {c["check"]: c["status"] for c in report["checks"] if c["check"].startswith("preference.")}


def test_the_hhh_pairs_show_the_length_bias_the_catalog_measured() -> None:
    out, _ = run(["audit", HHH, "-f", "json"], 0)  # the length bias warns
    report = json.loads(out)
    assert report["source"]["kind"] == "preference"
    # pairs cut from one ranking share a prompt and a side: near copies by design, not judged
    assert {c["check"]: c["status"] for c in report["checks"]}["text.near_duplicates"] == "skipped"
    assert _statuses(report) == {"preference.identical": "passed", "preference.empty_side": "passed",
                                 "preference.prompt_mismatch": "passed", "preference.duplicates": "passed",
                                 "preference.length_bias": "warn"}
    bias = _finding(report, "preference.length_bias")
    assert (bias["details"]["pairs"], bias["details"]["chosen_longer"], bias["details"]["chosen_shorter"]) == \
        (221, 139, 80)
    assert bias["observed"] == round(139 / 221, 6)
    assert bias["details"]["biased_towards"] == "longer"
    assert sum(bias["details"]["ratio_bins"].values()) == 221
    assert bias["details"]["ratio_bins"]["equal"] == 221 - 139 - 80
    rows = [json.loads(line) for line in HHH.read_text(encoding="utf-8").splitlines()]
    ratios = sorted((len(r["chosen"]) + 1) / (len(r["rejected"]) + 1) for r in rows)
    assert bias["details"]["ratio_percentiles"]["p50"] == round(ratios[110], 3)
    (table,) = [t for t in report["tables"] if t["id"] == "preference.length_ratio"]
    assert table["rows"] == [[label, n] for label, n in bias["details"]["ratio_bins"].items()]
    # a prompt in several pairs is how preference data is made, not a conflict
    assert {c["check"]: c["status"] for c in report["checks"]}["text.conflicts"] == "skipped"


def test_a_length_bias_is_not_judged_without_enough_pairs(tmp_path: Path) -> None:
    head = tmp_path / "pairs.jsonl"
    head.write_text("".join(HHH.read_text(encoding="utf-8").splitlines(keepends=True)[:10]), encoding="utf-8")
    out, _ = invoke(["audit", head, "-f", "json"], 1)
    (status,) = [c for c in json.loads(out)["checks"] if c["check"] == "preference.length_bias"]
    assert status["status"] == "skipped" and status["reason"] == "10 pairs are fewer than min_pairs (20)"


def test_each_shape_of_pair_is_recognised_and_its_problems_named(tmp_path: Path) -> None:
    user, assistant = ({"role": r, "content": c} for r, c in (("user", "Explain owls."), ("assistant", "Birds.")))
    rows = [
        {"prompt": "Explain tides.", "chosen": "The moon.", "rejected": "The moon."},  # identical
        {"prompt": "Explain rust.", "chosen": "Iron oxide.", "rejected": " "},  # an empty side
        {"chosen": [user, assistant],  # implicit prompts that differ
         "rejected": [{**user, "content": "Explain bats."}, {**assistant, "content": "Mammals."}]},
        {"prompt": "Explain tides.", "chosen": "The moon.", "rejected": "The moon."},  # a repeat of line 1
        {"input": {"messages": [user]}, "preferred_output": [assistant],
         "non_preferred_output": [{"role": "assistant", "content": "No idea."}]},  # OpenAI DPO, fine
    ]
    path = tmp_path / "pairs.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert detect_format(path) == "preference"
    out, _ = invoke(["audit", path, "-f", "json"], 1)
    report = json.loads(out)
    assert _finding(report, "preference.identical")["examples"] == [1, 4]
    assert _finding(report, "preference.empty_side")["examples"] == [2]
    assert _finding(report, "preference.prompt_mismatch")["examples"] == [3]
    assert _finding(report, "preference.duplicates")["details"]["repeats"] == [[4, 1]]
    assert "a chosen answer identical to the rejected one" in _finding(report, "preference.identical")["message"]


def test_openai_dpo_pairs_alone_are_a_preference_file(tmp_path: Path) -> None:
    path = tmp_path / "dpo.jsonl"
    path.write_text((DATA / "formats" / "openai-dpo.pass.jsonl").read_text(encoding="utf-8"), encoding="utf-8")
    report = audit(path)
    assert report.source.kind == "preference"
    assert {c.check: c.status for c in report.checks}["preference.identical"] == "passed"


@st.composite
def pair_files(draw: st.DrawFn) -> tuple[list[bytes], list[int]]:
    texts = ["", " ", "yes", "no", "a longer answer", "a much longer answer than the others"]
    user = [{"role": "user", "content": draw(st.sampled_from(["hi", "hello"]))} for _ in range(2)]
    pool = [b"not json", b'{"chosen": "x"}']
    for _ in range(draw(st.integers(2, 8))):
        chosen, rejected = draw(st.sampled_from(texts)), draw(st.sampled_from(texts))
        if draw(st.booleans()):
            pool.append(json.dumps({"prompt": draw(st.sampled_from(["q1", "q2"])), "chosen": chosen,
                                    "rejected": rejected}).encode())
        else:
            pool.append(json.dumps({"chosen": [user[0], {"role": "assistant", "content": chosen}],
                                    "rejected": [user[1], {"role": "assistant", "content": rejected}]}).encode())
    lines = [draw(st.sampled_from(pool)) for _ in range(draw(st.integers(1, 40)))]
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(lines) - 1)), max_size=5))) if len(lines) > 1 else []
    return lines, [c for c in cuts if 0 < c < len(lines)]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair_files(), st.randoms(use_true_random=False))
def test_pair_and_profile_rule_partials_merge_to_the_whole_in_any_order(case: tuple[list[bytes], list[int]],
                                                                        rng: random.Random) -> None:
    lines, cuts = case
    whole = FileLines.create(SPEC)
    whole.add(pa.RecordBatch.from_arrays([pa.array(lines, pa.binary())], names=["line"]), 0)
    expected = whole.extract()
    pairs = [r for r in map(_record, lines) if "chosen" in r and "rejected" in r]
    assert (expected.pairs.pairs if expected.pairs else 0) == len(pairs)
    if expected.pairs:
        assert expected.pairs.chosen_longer == sum(_side(r["chosen"]) > _side(r["rejected"]) for r in pairs)
    assert expected.format_rules is not None
    assert expected.format_rules.broken.get("json", 0) == lines.count(b"not json")
    assert reduce(lambda a, b: a.merged(b), _accumulators(lines, cuts, SPEC)).extract() == expected
    assert _tree(_accumulators(lines, cuts, SPEC)).extract() == expected
    shuffled = _accumulators(lines, cuts, SPEC)
    rng.shuffle(shuffled)  # workers finish in any order: examples still come out in file order
    assert reduce(lambda a, b: a.merged(b), shuffled).extract() == expected


def _side(value: str | list[dict]) -> int:
    """A side's answer length: the string, or its last message's content."""
    return len(value) if isinstance(value, str) else len(value[-1]["content"])


def test_worker_processes_profile_the_hhh_pairs_as_one_process_does() -> None:
    profile = load_profile("trl-preference")
    alone = profile_text_file(HHH, "preference", Rules(), chunk_lines=7, profile=profile)
    assert profile_text_file(HHH, "preference", Rules(), chunk_lines=7, engine=LocalEngine(jobs=2),
                             profile=profile) == alone
    assert alone.pairs is not None and alone.pairs.pairs == 221


@pytest.mark.parametrize("runner", [run, invoke])
def test_jobs_2_gives_the_pair_findings_of_jobs_1(runner, workers: MagicMock) -> None:
    args = ["audit", HHH, "--format-profile", "trl-preference", "-f", "json"]
    one, _ = runner([*args, "--jobs", "1"], 0)
    two, _ = runner([*args, "--jobs", "2"], 0)
    assert workers.called is (runner is invoke)  # the script's own process is out of the patch's reach
    strip = ("created_at", "source")
    assert {k: v for k, v in json.loads(two).items() if k not in strip} == \
        {k: v for k, v in json.loads(one).items() if k not in strip}


@pytest.mark.parametrize("runner", [run, invoke])
def test_sides_that_differ_only_in_blanks_around_them_are_identical(tmp_path: Path, runner) -> None:
    """A chat template trims them (Llama 3, Gemma) and so does a clean: the pair teaches nothing."""
    rows = [{"prompt": "Q1?", "chosen": "Yes.", "rejected": "Yes. "},
            {"prompt": "Q2?", "chosen": "\nNo.", "rejected": "No."},
            {"prompt": "Q3?", "chosen": "Yes.", "rejected": "Yes!"}]
    path = tmp_path / "pairs.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out, _ = runner(["audit", path, "-f", "json"], 1)
    assert _finding(json.loads(out), "preference.identical")["examples"] == [1, 2]
