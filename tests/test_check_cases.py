"""Every case of tests/cases/*.yaml: a tiny real file on disk, audited, statuses compared.

A case file holds the cases of one check family. A case is a CSV (`csv:`) or a fine-tuning
JSONL file (`jsonl:`), optional other splits (`splits: {test: "csv text"}`), and the audit's
options: `target`, `rules`, `ignore`, `keep`, `text_columns`, `group_column`, `bad_rows`, `chunk_rows`,
`label_noise`, `time_column`, `period`, `format_profile`, `epochs`, `price_per_million`,
`max_length`, `eval_sets` (JSONL texts, each written to a file of its own), and `tokenizer`: a chat template style of
`dataaudit.datasets.tokenizer_folder.TEMPLATES`, whose folder is made with a BPE trained on the
case's file. `repeat: N` copies the body N times, each `{n}` becoming a running number,
and `append:` adds lines after the copies; a split given as a mapping takes the same keys.
"""

from __future__ import annotations

import re
from itertools import count
from pathlib import Path

import pytest
import yaml

import dataaudit
from dataaudit.checks import REGISTRY
from dataaudit.checks.registry import Exports, NoEquivalent
from dataaudit.io import DEFAULT_CHUNK_ROWS
from dataaudit.rules.model import RulePack

CASE_DIR = Path(__file__).parent / "cases"
CASES = [dict(case, family=path.stem) for path in sorted(CASE_DIR.glob("*.yaml"))
         for case in yaml.safe_load(path.read_text())]
FIRING = {"warn", "fail"}
CLEAN = {"passed", "info"}
# checks whose findings are reported, never judged: their contract is info at most
REPORTED_ONLY = {"text.metadata"}


def _expand(spec: str | dict) -> str:
    """The file's text: a CSV's header line (a JSONL file has none), `repeat` copies of the body
    with every `{n}` a running number, then `append`."""
    case = {"csv": spec} if isinstance(spec, str) else spec
    if "jsonl" in case:
        header, body = "", case["jsonl"]
    else:
        first, _, body = case["csv"].partition("\n")
        header = f"{first}\n"
    numbers = count()
    rows = re.sub(r"\{n\}", lambda _: str(next(numbers)), body * case.get("repeat", 1))
    return f"{header}{rows}{case.get('append', '')}"


def _write(case: dict, folder: Path) -> tuple[Path, dict[str, Path]]:
    suffix = "jsonl" if "jsonl" in case else "csv"
    data = folder / f"train.{suffix}"
    data.write_text(_expand(case), encoding="utf-8")
    splits = {}
    for name, spec in case.get("splits", {}).items():
        splits[name] = folder / f"{name}.csv"
        splits[name].write_text(_expand(spec), encoding="utf-8")
    return data, splits


def _statuses(case: dict, folder: Path) -> dict[str, str]:
    data, splits = _write(case, folder)
    tokenizer = None
    if "tokenizer" in case:
        from dataaudit.datasets.tokenizer_folder import write_tokenizer_folder

        tokenizer = write_tokenizer_folder(folder / "tokenizer", case["tokenizer"], data.read_text("utf-8").split())
    default_target = None if "jsonl" in case else "label"
    report = dataaudit.audit(
        data, target=case.get("target", default_target), rules=RulePack.model_validate(case.get("rules", {})),
        ignore_columns=case.get("ignore", ()), splits=splits or None, group_column=case.get("group_column"),
        keep_columns=case.get("keep", ()),
        text_columns=case.get("text_columns", ()), bad_rows=case.get("bad_rows", "error"),
        chunk_rows=case.get("chunk_rows", DEFAULT_CHUNK_ROWS),
        label_noise=case.get("label_noise", False), time_column=case.get("time_column"), period=case.get("period"),
        tokenizer=tokenizer, max_length=case.get("max_length"),
        format_profile=case.get("format_profile"), epochs=case.get("epochs"),
        price_per_million=case.get("price_per_million"), eval_sets=_eval_sets(case, folder),
    )
    return {c.check: c.status for c in report.checks}


def _eval_sets(case: dict, folder: Path) -> list[Path]:
    paths = []
    for i, text in enumerate(case.get("eval_sets", ())):
        paths.append(folder / f"eval{i}.jsonl")
        paths[-1].write_text(text, encoding="utf-8")
    return paths


@pytest.mark.parametrize("case", CASES, ids=[f"{c['family']}: {c['name']}" for c in CASES])
def test_check_case(case: dict, tmp_path: Path) -> None:
    statuses = _statuses(case, tmp_path)
    assert {check: statuses[check] for check in case["expect"]} == case["expect"]


def test_every_registered_check_has_a_firing_and_a_clean_case() -> None:
    reached: dict[str, set[str]] = {check: set() for check in REGISTRY}
    for case in CASES:
        for check, status in case["expect"].items():
            reached[check].add(status)
    never_fires = sorted(c for c, s in reached.items() if not s & FIRING and not (c in REPORTED_ONLY and "info" in s))
    never_clean = sorted(c for c, s in reached.items() if not s & CLEAN - ({"info"} if c in REPORTED_ONLY else set()))
    assert not never_fires, f"checks with no case that warns or fails: {', '.join(never_fires)}"
    assert not never_clean, f"checks with no case that passes: {', '.join(never_clean)}"


def test_every_case_names_registered_checks_and_known_statuses() -> None:
    """A misspelt check id or status would make a case assert nothing about the check it means."""
    for case in CASES:
        assert set(case["expect"]) <= set(REGISTRY), case["name"]
        assert set(case["expect"].values()) <= FIRING | CLEAN | {"skipped"}, case["name"]


def test_every_registered_check_has_a_gx_decision() -> None:
    """Declared by construction (`Check.gx` has no default and takes one of two types: see
    tests/test_registry.py); this holds the registry to it, reasons included."""
    undecided = [c.id for c in REGISTRY.values() if not isinstance(c.gx, (Exports, NoEquivalent))
                 or (isinstance(c.gx, NoEquivalent) and not c.gx.reason.strip())]
    assert not undecided, f"checks with no GX decision: {', '.join(undecided)}"
