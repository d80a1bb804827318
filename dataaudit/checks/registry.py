"""What a check is, declared once: its id, what it reads of the rules and of the profile, the
inputs it applies to, and what it becomes in a Great Expectations suite.

The runner, the GX export, the rule-pack listing and the tests all read these declarations, so
a check's facts live in one place instead of in prefix tuples and side tables that drift apart.
The family modules import it; it imports only the levels, a leaf below it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dataaudit.levels import MaxLevels, MinLevels, Toggle

#: The input kinds: one table, a dataset in splits, a fine-tuning JSONL file.
TABLE, SPLITS, TEXT_FILE = "table", "splits", "text_file"
#: Each input kind as a skip reason names it.
KINDS: dict[str, str] = {
    TABLE: "one table",
    SPLITS: "a dataset in splits (compare splits with --split NAME=PATH)",
    TEXT_FILE: "a fine-tuning JSONL file",
}
#: Each input kind as a list of kinds names it.
SHORT: dict[str, str] = {TABLE: "one table", SPLITS: "a dataset in splits", TEXT_FILE: "a fine-tuning JSONL file"}
#: The profile statistics beyond the base pass a check may need.
STATISTICS = frozenset({"quantiles", "splits", "text", "label_quality", "sample", "periods"})
#: A table's checks also judge the reference split of a dataset in splits.
TABLES: frozenset[str] = frozenset({TABLE, SPLITS})
EVERY_KIND: frozenset[str] = frozenset(KINDS)
#: What a check may require of the target: class labels to count, or numbers (a regression target).
CLASSES, NUMBERS = "classes", "numbers"


@dataclass(frozen=True)
class Exports:
    """The GX expectation types a check becomes; `partly` says where the two differ, so the
    suite's `meta` names the check among those GX does not fully state."""

    types: tuple[str, ...]
    partly: str | None = None

    def __post_init__(self) -> None:
        if not self.types or not all(t.startswith("expect_") for t in self.types):
            raise ValueError(f"GX expectation types start with 'expect_': {self.types!r}")


@dataclass(frozen=True)
class NoEquivalent:
    """Why no GX expectation states the check; the suite's `meta` lists it."""

    reason: str

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise ValueError("a check without a GX equivalent says why")


@dataclass(frozen=True)
class Check:
    """One check. `gx` has no default and takes one of two types, so every check states either
    the expectations it exports to or why there are none, never neither nor both."""

    id: str
    description: str
    section: str  # the rule pack's `checks.<section>`
    fields: tuple[str, ...]  # the section's fields it reads: its levels and settings
    gx: Exports | NoEquivalent
    needs: frozenset[str] = field(default_factory=frozenset)  # profile statistics beyond the base pass
    applies_to: frozenset[str] = TABLES
    #: CLASSES or NUMBERS when the check judges only that kind of target; None when any target will do
    target: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.gx, (Exports, NoEquivalent)):
            raise TypeError(f"{self.id}: gx is Exports(...) or NoEquivalent(reason), not {self.gx!r}")
        object.__setattr__(self, "needs", frozenset(self.needs))
        object.__setattr__(self, "applies_to", frozenset(self.applies_to))
        if not self.needs <= STATISTICS:
            raise ValueError(f"{self.id}: unknown statistics {sorted(self.needs - STATISTICS)}")
        if not self.applies_to or not self.applies_to <= EVERY_KIND:
            raise ValueError(f"{self.id}: applies to some of {sorted(EVERY_KIND)}, not {sorted(self.applies_to)}")
        if self.target not in (None, CLASSES, NUMBERS):
            raise ValueError(f"{self.id}: target is {CLASSES!r}, {NUMBERS!r} or None, not {self.target!r}")

    def levels(self, checks: Any) -> dict[str, Any]:
        """The values of this check's fields in a rule pack's `checks` (a `RulePack().checks`
        gives the defaults)."""
        section = getattr(checks, self.section)
        return {name: getattr(section, name) for name in self.fields}

    def enabled(self, checks: Any) -> bool:
        """False only when every level or toggle it reads is switched off: then nothing it
        could find is reported, and the statistics it needs need not be computed."""
        switches = [v for v in self.levels(checks).values() if isinstance(v, (MaxLevels, MinLevels, Toggle))]
        return not switches or any(_switched_on(v) for v in switches)

    def not_applicable(self, kind: str) -> str:
        """The skip reason on an input kind the check does not apply to."""
        if self.applies_to == {SPLITS}:
            return f"for {KINDS[SPLITS]}, not {KINDS[kind]}"
        kinds = [SHORT[k] for k in (TABLE, SPLITS, TEXT_FILE) if k in self.applies_to]
        return f"for {' or '.join(kinds)}, not {KINDS[kind]}"

    def other_target(self, reason: str) -> str:
        """The skip reason on a target of the other kind, `reason` describing the target; the
        label model says what it estimates, since asking for it was explicit."""
        if "label_quality" in self.needs and self.target == CLASSES:
            return f"{reason}: label noise is estimated for classes"
        return reason

    def switched_off(self) -> str:
        """The skip reason of a check whose levels are all off in the rules."""
        return f"switched off in the rules (checks.{self.section}: {', '.join(self.fields)})"


def _switched_on(value: MaxLevels | MinLevels | Toggle) -> bool:
    if isinstance(value, Toggle):
        return value is not Toggle.OFF
    return value.warn is not None or value.fail is not None


def registry(checks: list[Check]) -> dict[str, Check]:
    """The checks by id, in declaration order; an id declared twice is a programming error."""
    out: dict[str, Check] = {}
    for check in checks:
        if check.id in out:
            raise ValueError(f"check id {check.id!r} is declared twice")
        out[check.id] = check
    return out
