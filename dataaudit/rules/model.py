"""The typed form of a rule pack. Defaults here are the `default` pack's levels."""

from __future__ import annotations

import math

from pydantic import Field, create_model, field_validator

from dataaudit.checks import FAMILIES
from dataaudit.levels import Flag, Number, Section
from dataaudit.profile.spec import DEFAULT_MISSING_TOKENS
from dataaudit.rules.preprocess import Preprocess

#: the largest size below which a 64-bit float holds every integer, so compares numbers exactly
_EXACT_UP_TO = 2**53

Checks = create_model(
    "Checks",
    __base__=Section,
    **{name: (family.Rules, family.Rules()) for name, family in FAMILIES.items()},
)


class MissingValues(Section):
    """How missing values are recognised in the data, before any check runs."""

    tokens: list[str] = Field(default_factory=lambda: list(DEFAULT_MISSING_TOKENS))
    case_sensitive: Flag = False
    sentinels: list[Number] = Field(default_factory=lambda: [-999.0, -9999.0])

    @field_validator("sentinels", mode="before")
    @classmethod
    def _exact_as_numbers(cls, sentinels: object) -> object:
        """Below 2**53 in size: numbers are compared as 64-bit floats, which past it no longer
        tell neighbouring integers apart, so `9223372036854775807` would also be
        `9223372036854775806`, counted by the audit and nulled by a clean though nobody listed it."""
        for value in sentinels if isinstance(sentinels, list) else ():
            try:
                size = abs(float(value))
            except (TypeError, ValueError, OverflowError):
                continue  # not a number: the field's type says so
            if _EXACT_UP_TO <= size < math.inf:
                raise ValueError(f"{value} is past 2**53, where numbers read as 64-bit floats no longer tell "
                                 "neighbouring integers apart; in a text file, list its text among "
                                 "missing_values.tokens instead")
        return sentinels


class Columns(Section):
    ignore: list[str] = Field(default_factory=list)


class RulePack(Section):
    description: str = ""
    target: str | None = None
    columns: Columns = Columns()
    missing_values: MissingValues = MissingValues()
    checks: Checks = Checks()  # type: ignore[valid-type]
    preprocess: Preprocess = Preprocess()
