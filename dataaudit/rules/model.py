"""The typed form of a rule pack. Defaults here are the `default` pack's levels."""

from __future__ import annotations

from pydantic import Field, create_model

from dataaudit.checks import FAMILIES
from dataaudit.levels import Section
from dataaudit.profile.spec import DEFAULT_MISSING_TOKENS
from dataaudit.rules.preprocess import Preprocess

Checks = create_model(
    "Checks",
    __base__=Section,
    **{name: (family.Rules, family.Rules()) for name, family in FAMILIES.items()},
)


class MissingValues(Section):
    """How missing values are recognised in the data, before any check runs."""

    tokens: list[str] = Field(default_factory=lambda: list(DEFAULT_MISSING_TOKENS))
    case_sensitive: bool = False
    sentinels: list[float] = Field(default_factory=lambda: [-999.0, -9999.0])


class Columns(Section):
    ignore: list[str] = Field(default_factory=list)


class RulePack(Section):
    description: str = ""
    target: str | None = None
    columns: Columns = Columns()
    missing_values: MissingValues = MissingValues()
    checks: Checks = Checks()  # type: ignore[valid-type]
    preprocess: Preprocess = Preprocess()
