"""The refusal of a clean that would empty a dataset: more than half of its rows, or every
row of a class, going to the quarantine (a regression target has no classes: only the share counts).

Row steps judge each row on its own, so nothing in them notices when their sum wipes the data:
on a table of a few categorical columns (Titanic's class, age and sex: 14 distinct feature
rows in 2,201) every repeat is a "duplicate" and every repeated feature row with two outcomes
a "label conflict", and the default steps keep 4 rows. The decisions are all known once the
plan is made, so the refusal comes before any file is written, with the numbers.
"""

from __future__ import annotations

from typing import Any

from dataaudit.errors import LargeQuarantine
from dataaudit.preprocess import malformed
from dataaudit.preprocess.pipeline import Plan
from dataaudit.preprocess.rows import KEPT
from dataaudit.wording import pct

MAX_QUARANTINE_SHARE = 0.5
#: how a caller allows it: the command line's option, or the Python API's keyword
ALLOW = "--allow-large-quarantine (rule pack: preprocess.allow_large_quarantine: true)"
API_ALLOW = "allow_large_quarantine=True (rule pack: preprocess.allow_large_quarantine: true)"
#: the row steps a rule pack can switch to `keep`
KEEPABLE = ("missing_labels", "duplicates", "conflicts")
SHOWN_CLASSES = 3


def refusal(plan: Plan, allowed: bool = False, allow: str = ALLOW) -> LargeQuarantine | None:
    """The error to raise before writing, or None when the plan keeps enough (or it is allowed,
    by the caller or by the rule pack); its message names `allow`, the caller's way to allow it."""
    if allowed or plan.pack.preprocess.allow_large_quarantine:
        return None
    decisions = plan.decisions
    rows, held = plan.rows_in, plan.quarantined
    vanished = {} if _regression(plan) else \
        {label: _taken(fate) for label, fate in decisions.classes.items() if fate[KEPT] == 0}
    if held <= rows * MAX_QUARANTINE_SHARE and not vanished:
        return None
    steps = {step: tally.rows_quarantined for step, tally in decisions.tallies.items() if tally.rows_quarantined}
    if plan.malformed:
        steps = {malformed.STEP: len(plan.malformed), **steps}
    summary: dict[str, Any] = {"rows": rows, "quarantined": held, "steps": steps, "vanished_classes": vanished}
    return LargeQuarantine(_message(plan.source.name, summary, allow), summary)


def _regression(plan: Plan) -> bool:
    """Whether the target holds numbers to predict, not classes: a value held by one row is no
    class that vanishes when the row is quarantined (a suspected target value, say)."""
    from dataaudit.checks.target import NUMBERS, target_kind

    profile = plan.before.profile
    return profile is not None and target_kind(profile, plan.pack.checks.target).kind == NUMBERS


def _taken(fate: dict[str, int]) -> dict[str, int]:
    return {step: n for step, n in fate.items() if step != KEPT}


def _message(name: str, summary: dict[str, Any], allow: str) -> str:
    rows, held, vanished = summary["rows"], summary["quarantined"], summary["vanished_classes"]
    text = f"{name}: clean would quarantine {held:,} of {rows:,} rows ({pct(held, rows)}; {_by_step(summary['steps'])})"
    if vanished:
        shown = [f"{label!r} ({sum(taken.values()):,}: {_by_step(taken)})"
                 for label, taken in list(vanished.items())[:SHOWN_CLASSES]]
        more = f" and {len(vanished) - SHOWN_CLASSES} more" if len(vanished) > SHOWN_CLASSES else ""
        noun = "class" if len(vanished) == 1 else "classes"  # the count is said by the list that follows
        text += f" and every row of {noun} {', '.join(shown)}{more}"
    text += f"; refused, nothing written. Pass {allow} to allow it"
    keepable = [step for step in KEEPABLE if step in summary["steps"]]
    if keepable:
        text += f", or keep such rows: preprocess {', '.join(f'{step}: keep' for step in keepable)}"
    return text


def _by_step(steps: dict[str, int]) -> str:
    return ", ".join(f"{step} {n:,}" for step, n in steps.items())
