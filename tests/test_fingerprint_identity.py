"""A fingerprint names one problem: two findings that are different facts never share one, and
one fact keeps its own when only its counts move. A shared fingerprint would let `audit
--baseline` forgive a new finding for an old one and `dataaudit diff` pair the wrong findings;
the gate also forgives a fingerprint only as often as the baseline held it."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import dataaudit
from dataaudit.report.cards import BaselineInfo
from dataaudit.report.model import Finding, Report, Severity
from tests.cli_helpers import RUNNERS, Runner
from tests.conftest import DATA
from tests.csv_rows import read_rows, write_rows

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _repeated(report: Report) -> list[tuple[str, list[tuple[str, str | None, dict[str, Any]]]]]:
    """Every fingerprint two or more findings of `report` share, with those findings."""
    counts = Counter(f.fingerprint for f in report.findings)
    return [(fp, [(f.check, f.column, f.details) for f in report.findings if f.fingerprint == fp])
            for fp, n in counts.items() if n > 1]


# --- the identity of one finding ---------------------------------------------------------------

@pytest.mark.parametrize(("check", "column", "one", "other"), [
    ("splits.group_leakage", "nr", {"split": "test", "other": "train"}, {"split": "test", "other": "val"}),
    ("format.rules", None, {"profile": "openai-chat", "rule": "unknown_key"},
     {"profile": "openai-chat", "rule": "last_roles"}),
    ("contamination.eval_overlap", None, {"eval_set": "gsm8k.jsonl", "kind": "copied"},
     {"eval_set": "humaneval.jsonl", "kind": "copied"}),
    ("target.sentinels", "hours", {"value": -1.0, "rows": 3}, {"value": 99999.0, "rows": 3}),
    ("text.template_error", None, {"message": "Conversation roles must alternate"},
     {"message": "System role not supported"}),
], ids=["group-other", "format-rule", "eval-set", "sentinel",
        "template-error"])
def test_findings_of_one_check_that_are_different_facts_have_different_fingerprints(
        check: str, column: str | None, one: dict[str, Any], other: dict[str, Any]) -> None:
    first, second = (Finding(check, Severity.WARN, "", column=column, details=d) for d in (one, other))
    assert first.fingerprint != second.fingerprint


@pytest.mark.parametrize("spelled", ["not_spam", "Not-Spam", "'not spam'", "not spam.", "ｎｏｔ ｓｐａｍ"])
def test_a_label_spelled_several_ways_keeps_its_fingerprint_whichever_spelling_wins(spelled: str) -> None:
    """The labels are grouped by `fold_label`; the spelling with the most rows names the group,
    so which one it is moves with the counts."""
    def variants(canonical: str) -> Finding:
        return Finding("labels.variants", Severity.FAIL, "", column="label", details={"canonical": canonical})
    assert variants(spelled).fingerprint == variants("not spam").fingerprint
    assert variants("not spam").fingerprint != variants("spam").fingerprint


def test_a_baseline_forgives_a_fingerprint_as_often_as_it_held_it() -> None:
    """Two gating findings of one fingerprint against a baseline that held it once: one still
    blocks the gate."""
    report = dataaudit.audit(DATA / "penguins.csv", target="species", strict=True)
    gating = report.gating[0]
    twice = replace(report, findings=[*report.findings, replace(gating)])
    held_once = BaselineInfo(path="old.json", created_at="", delta=0.1, forgiven=[gating.fingerprint], new=[],
                             worsened=[])
    def blocked(forgiven: list[str]) -> int:
        blocking = replace(twice, baseline=replace(held_once, forgiven=forgiven)).blocking
        return [f.fingerprint for f in blocking].count(gating.fingerprint)

    assert (blocked([gating.fingerprint]), blocked([gating.fingerprint] * 2)) == (1, 0)


# --- the gate and the diff through the command ------------------------------------------------

def _spellings(path: Path, spaced: int, joined: int) -> Path:
    """100 'ham' rows, then 'not spam' and 'not_spam' rows: one label spelled two ways."""
    labels = ["ham"] * 100 + ["not spam"] * spaced + ["not_spam"] * joined
    return write_rows(path, ["x", "label"], [[str(i % 7), label] for i, label in enumerate(labels)])


@pytest.mark.parametrize("runner", RUNNERS)
def test_counts_of_two_spellings_swapping_change_nothing_for_diff_or_baseline(runner: Runner, tmp_path: Path) -> None:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    runner(["audit", _spellings(tmp_path / "old.csv", 30, 20), "-t", "label", "-f", "json", "-o", old, "-q"], 1)
    runner(["audit", _spellings(tmp_path / "new.csv", 20, 30), "-t", "label", "-f", "json", "-o", new, "-q"], 1)
    out, _ = runner(["diff", old, new, "-f", "json"], 0)
    changes = json.loads(out)["changes"]
    variants = [c for c in changes if c["check"] == "labels.variants"]
    assert [c["status"] for c in variants] == ["unchanged"], variants
    runner(["audit", tmp_path / "new.csv", "-t", "label", "--baseline", old, "-f", "json", "-o", tmp_path / "g.json",
            "-q"], 0)
    assert json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))["baseline"]["new"] == []


def _penguin_splits(folder: Path) -> tuple[Path, Path, Path]:
    """The penguins without Chinstraps as the training split; a validation split of Adelies
    (spelled 'adelie') and Chinstraps without `year`, and the same with an extra column `ring`."""
    header, body = read_rows(EXAMPLES / "penguins.csv")
    train = [row for row in body if row[0] != "Chinstrap"]
    val = [["adelie" if row[0] == "Adelie" else row[0], *row[1:-1]] for row in body if row[0] != "Gentoo"]
    return (write_rows(folder / "train.csv", header, train), write_rows(folder / "val_old.csv", header[:-1], val),
            write_rows(folder / "val_new.csv", [*header[:-1], "ring"], [[*row, str(i)] for i, row in enumerate(val)]))


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_split_gaining_an_extra_column_fails_the_baseline_gate_that_forgave_its_missing_one(
        runner: Runner, tmp_path: Path) -> None:
    """The baseline's split lacked `year` (fail); now it also has `ring`, which `--strict` fails:
    a new finding of the same check and split, which the gate must not forgive."""
    train, val_old, val_new = _penguin_splits(tmp_path)
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    runner(["audit", train, "-t", "species", "-s", f"val={val_old}", "--strict", "-f", "json", "-o", old, "-q"], 1)
    runner(["audit", train, "-t", "species", "-s", f"val={val_new}", "--strict", "--baseline", old, "-f", "json",
            "-o", new, "-q"], 1)
    report = json.loads(new.read_text(encoding="utf-8"))
    extra = [f for f in report["findings"] if f["details"].get("kind") == "extra_column"]
    assert len(extra) == 1 and report["baseline"]["new"] == [extra[0]["fingerprint"]]
    out, _ = runner(["diff", old, new, "-f", "json"], 1)
    statuses = {(c["check"], c["fingerprint"]): c["status"] for c in json.loads(out)["changes"]}
    by_kind = {f["details"]["kind"]: statuses[(f["check"], f["fingerprint"])] for f in report["findings"]
               if f["check"] in ("splits.schema", "splits.classes")}
    assert by_kind == {"missing_column": "unchanged", "extra_column": "new", "missing_class": "unchanged",
                       "respelled_class": "unchanged", "unseen_class": "unchanged"}


# --- no two findings of one report share a fingerprint -----------------------------------------

def _wage_splits(source: Path, folder: Path) -> tuple[Path, dict[str, Path]]:
    """A panel split by year in three, each man (`nr`) in all of them: his rows leak from every
    split into every later one."""
    header, body = read_rows(source)
    year = header.index("year")
    parts = {"train": [r for r in body if int(r[year]) <= 1984],
             "val": [r for r in body if r[year] in ("1985", "1986")],
             "test": [r for r in body if int(r[year]) >= 1987]}
    paths = {name: write_rows(folder / f"wage_{name}.csv", header, rows) for name, rows in parts.items()}
    return paths.pop("train"), paths


def _sentinels(folder: Path) -> Path:
    """The Mroz hours with -1 in three rows and 99999 in two: two placeholders, outside every real value."""
    header, body = read_rows(DATA / "mroz.csv")
    hours = header.index("hours")
    for i, row in enumerate(body[:5]):
        row[hours] = "-1" if i < 3 else "99999"
    return write_rows(folder / "mroz_sentinels.csv", header, body)


def _chats(folder: Path) -> tuple[Path, list[str]]:
    """The example chats with every fifth one cut before its last answer (so it ends on the user),
    and two evaluation sets taken from it."""
    lines = (EXAMPLES / "chats.jsonl").read_text(encoding="utf-8").splitlines()
    cut = []
    for i, line in enumerate(lines):
        record = json.loads(line)
        if i % 5 == 4:
            record["messages"] = record["messages"][:-1]
        cut.append(json.dumps(record))
    chats = folder / "chats_cut.jsonl"
    chats.write_text("\n".join(cut) + "\n", encoding="utf-8")
    sets = [folder / "eval_a.jsonl", folder / "eval_b.jsonl"]
    sets[0].write_text("\n".join(lines[:10]) + "\n", encoding="utf-8")
    sets[1].write_text("\n".join(lines[30:40]) + "\n", encoding="utf-8")
    return chats, [str(s) for s in sets]


#: each edit of the bundled or the repository's real data, and the findings it gives one check several of
SCENARIOS = {"penguin-splits": {"splits.schema": 3, "splits.classes": 6},
             "wage-splits": {"splits.group_leakage": 3},
             "sentinels": {"target.sentinels": 2},
             "chats-profile-eval-sets": {"format.rules": 2, "contamination.eval_overlap": 2}}


def _scenario(name: str, folder: Path) -> Report:
    if name == "penguin-splits":
        train, val_old, val_new = _penguin_splits(folder)
        return dataaudit.audit(train, target="species", splits={"val": val_new, "test": val_old})
    if name == "wage-splits":
        train, others = _wage_splits(DATA / "wage_panel_800.csv", folder)
        return dataaudit.audit(train, target="union", splits=others, group_column="nr")
    if name == "sentinels":
        return dataaudit.audit(_sentinels(folder), target="hours")
    chats, sets = _chats(folder)
    return dataaudit.audit(chats, format_profile="openai-chat", eval_sets=sets)


@pytest.mark.parametrize(("name", "several"), SCENARIOS.items(), ids=list(SCENARIOS))
def test_no_two_findings_of_one_report_share_a_fingerprint(name: str, several: dict[str, int],
                                                          tmp_path: Path) -> None:
    """Edits of the bundled examples and the repository's real data that give one check several
    findings: a split's schema and class differences, groups shared by three splits, two
    sentinels of a target, two format rules broken and two evaluation sets copied."""
    report = _scenario(name, tmp_path)
    counts = Counter(f.check for f in report.findings)
    assert {check: counts[check] for check in several} == several
    assert _repeated(report) == []


REAL = [("penguins.csv", "species"), ("iris.csv", "target"), ("breast_cancer.csv", "target"), ("cars.csv", "Origin"),
        ("mroz.csv", "hours"), ("wage_panel.csv", "union"), ("parlspeech_uk.csv", "party"),
        ("hhh_alignment_chat.jsonl", None), ("hhh_alignment_pairs.jsonl", None), ("truthfulqa_bigbench.jsonl", None)]


def test_no_two_findings_of_a_report_of_the_real_datasets_share_a_fingerprint(shared_dir: Path,
                                                                               tmp_path: Path) -> None:
    """Every real dataset as it is (but the 63,000 tweets, whose audit takes half a minute), and
    the wage panel in three splits by year."""
    datasets = shared_dir / "datasets"
    reports = {name: dataaudit.audit(datasets / name, target=target) for name, target in REAL}
    train, others = _wage_splits(datasets / "wage_panel.csv", tmp_path)
    reports["wage_panel.csv in splits"] = dataaudit.audit(train, target="union", splits=others, group_column="nr")
    assert {name: _repeated(report) for name, report in reports.items() if _repeated(report)} == {}


# --- one problem moving to another input or expectation of the same kind ------------------------

QUESTIONS = DATA / "text" / "truthfulqa_head.jsonl"


def _evaluation_sets(folder: Path) -> list[Path]:
    """Two evaluation sets named alike in two folders, as benchmarks are published
    (`gsm8k/test.jsonl`, `mmlu/test.jsonl`): the first ten TruthfulQA questions and the next ten."""
    items = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    sets = []
    for name, part in (("gsm8k", items[:10]), ("mmlu", items[10:20])):
        (folder / name).mkdir()
        sets.append(folder / name / "test.jsonl")
        sets[-1].write_text("".join(json.dumps({"question": q["question"], "answer": q["best_answer"]}) + "\n"
                                    for q in part), encoding="utf-8")
    return sets


def _training(folder: Path, copied: range) -> Path:
    """30 prompt-completion examples of their own, and the questions `copied` of `QUESTIONS`."""
    items = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    lines = [{"prompt": f"Tell me fact {i} about the sea.", "completion": f"Fact {i}: the sea is salty on day {i}."}
             for i in range(30)]
    lines += [{"prompt": items[i]["question"], "completion": items[i]["best_answer"]} for i in copied]
    path = folder / f"train_{copied.start}.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_copy_of_another_evaluation_set_of_the_same_file_name_fails_the_baseline_gate(
        runner: Runner, tmp_path: Path) -> None:
    """The baseline copied items of `gsm8k/test.jsonl`, the new file of `mmlu/test.jsonl` instead: one
    contamination fixed, another new, which the gate must not forgive for the first."""
    sets = _evaluation_sets(tmp_path)
    against = [arg for path in sets for arg in ("--eval-set", path)]
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    runner(["audit", _training(tmp_path, range(0, 3)), *against, "-f", "json", "-o", old, "-q"], 1)
    runner(["audit", _training(tmp_path, range(12, 15)), *against, "--baseline", old, "-f", "json", "-o", new,
            "-q"], 1)
    report = json.loads(new.read_text(encoding="utf-8"))
    copied = [f for f in report["findings"] if f["check"] == "contamination.eval_overlap"]
    assert [f["details"]["eval_set"] for f in copied] == [str(sets[1])]
    assert report["baseline"]["new"] == [copied[0]["fingerprint"]]
    out, _ = runner(["diff", old, new, "-f", "json"], 1)
    statuses = {c["status"] for c in json.loads(out)["changes"] if c["check"] == "contamination.eval_overlap"}
    assert statuses == {"new", "fixed"}


def test_two_evaluation_sets_of_the_same_file_name_copied_give_two_fingerprints(tmp_path: Path) -> None:
    report = dataaudit.audit(_training(tmp_path, range(8, 13)), eval_sets=_evaluation_sets(tmp_path))
    assert Counter(f.check for f in report.findings)["contamination.eval_overlap"] == 2
    assert _repeated(report) == []
