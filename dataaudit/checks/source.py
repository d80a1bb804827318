"""Rows the reader had to set aside: the audit saw less than the whole file."""

from __future__ import annotations

from dataaudit.checks.base import Results
from dataaudit.checks.registry import Check, NoEquivalent
from dataaudit.levels import Section, Toggle
from dataaudit.profile.model import Profile
from dataaudit.wording import plural, verb

CHECKS = (
    Check("source.bad_rows", "Every row of the file could be read.", "source", ("bad_rows",),
          NoEquivalent("GX sees only the rows a reader could parse")),
)


class Rules(Section):
    bad_rows: Toggle = Toggle.FAIL


def run(profile: Profile, rules: Rules, results: Results) -> None:
    problems = profile.problems
    if not problems:
        return
    lines = [p["line"] for p in problems if p.get("line") is not None]
    first = problems[0]
    where = f"line {first['line']}" if first.get("line") else "a row"
    results.add(
        "source.bad_rows", rules.bad_rows.severity,
        f"{plural(len(problems), 'row')} could not be read and {verb(len(problems), 'was', 'were')} left out; "
        f"first at {where}: {first['problem']}.",
        observed=len(problems), examples=lines[:20], details={"problems": problems[:20]},
        hint="Fix or remove these lines in the file; the rest of the audit does not include them.",
    )
