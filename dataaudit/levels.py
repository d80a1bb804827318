"""Severities, warn and fail levels, and the one place where an observed number becomes a severity.

A leaf: the rule sections, the checks, the report and the integrations all speak these, so it
imports nothing of the package."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, PlainValidator, Strict, field_validator, model_validator


class Severity(StrEnum):
    """How much a finding matters; `fail` blocks the gate, `warn` blocks it only when strict."""

    INFO = "info"
    WARN = "warn"
    FAIL = "fail"

    @property
    def rank(self) -> int:
        return ("info", "warn", "fail").index(self.value)


class Toggle(StrEnum):
    """Severity of a check that either finds something or not (e.g. label spelling variants)."""

    OFF = "off"
    INFO = "info"
    WARN = "warn"
    FAIL = "fail"

    @classmethod
    def _missing_(cls, value: object) -> Toggle | None:
        # YAML 1.1 reads an unquoted `off` as false
        return cls.OFF if value is False else None

    @property
    def severity(self) -> Severity | None:
        return None if self is Toggle.OFF else Severity(self.value)


def _a_number(value: float) -> float:
    if math.isnan(value):
        raise ValueError("NaN (.nan) is not a usable number here: it compares false with every number, "
                         "so a level or a sentinel of NaN would never take effect")
    return value


#: A number in a rule pack, strict because YAML types are easy to get wrong unnoticed: lax
#: validation reads `true` as 1.0 and the text `"5"` as 5.0. An integer is a number (`warn: 5`);
#: a boolean, text or NaN is refused.
Number = Annotated[float, Strict(), AfterValidator(_a_number)]
#: A whole number in a rule pack: an integer as YAML writes it; neither `true`, `"5"` nor `5.0`.
Whole = Annotated[int, Strict()]
#: A yes/no setting in a rule pack: a YAML boolean (`true`, `false`), never `1` or `"yes"`.
Flag = Annotated[bool, Strict()]


class Section(BaseModel):
    """Base of every rule section: unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class _Levels(Section):
    warn: Number | None = None
    fail: Number | None = None
    _word = ""

    @staticmethod
    def _beyond(observed: float, level: float) -> bool:
        raise NotImplementedError

    @model_validator(mode="after")
    def _ordered(self) -> _Levels:
        if self.warn is not None and self.fail is not None and self._beyond(self.warn, self.fail):
            raise ValueError(
                f"fail level {self.fail:g} is stricter than warn level {self.warn:g}: every warning would "
                f"already fail; for {self._word} limit the fail level must lie beyond the warn level"
            )
        return self

    def judge(self, observed: float) -> Severity | None:
        if self.fail is not None and self._beyond(observed, self.fail):
            return Severity.FAIL
        if self.warn is not None and self._beyond(observed, self.warn):
            return Severity.WARN
        return None

    def breached(self, observed: float) -> float | None:
        """The level that `observed` crossed, for the report's `threshold` field."""
        severity = self.judge(observed)
        return None if severity is None else (self.fail if severity is Severity.FAIL else self.warn)


class MaxLevels(_Levels):
    """An upper limit: `warn` when the observed value exceeds `warn`, `fail` past `fail`."""

    _word = "an upper"

    @staticmethod
    def _beyond(observed: float, level: float) -> bool:
        return observed > level

    @field_validator("warn", "fail")
    @classmethod
    def _not_negative(cls, level: float | None) -> float | None:
        """What an upper limit bounds (a share, a ratio, a divergence, PSI, a count) is never
        negative, so a level below 0 is crossed by every value: a typo, not a setting."""
        if level is not None and level < 0:
            raise ValueError(f"{level:g} is below 0: an upper limit bounds a measure that is never negative "
                             "(a share, a ratio, a divergence, PSI), so every value would cross it")
        return level


class MinLevels(_Levels):
    """A lower limit: `warn` when the observed value is below `warn`, `fail` below `fail`."""

    _word = "a lower"

    @staticmethod
    def _beyond(observed: float, level: float) -> bool:
        return observed < level


_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*", re.IGNORECASE)


def parse_size(value: int | str) -> int:
    """Bytes from a size as a person writes it: `512M`, `2G`, `1.5GiB`, `65536`; the units are
    binary (`1K` is 1,024 bytes), as memory is counted. ValueError for anything else."""
    match = _SIZE.fullmatch(value) if isinstance(value, str) else None
    if isinstance(value, int) and not isinstance(value, bool):
        size = value
    elif match is not None and "." in match[1] and not match[2]:
        # `5.0` or `1.5` with no unit is far likelier a size in some unit than a byte count
        raise ValueError(f"{_shown(value)}: a count of bytes is a whole number; give a fraction a unit (1.5G)")
    elif match is not None:
        # exact, however many digits: a float would overflow, or round a byte count
        size = int(Decimal(match[1]) * 1024 ** " KMGT".index(match[2].upper() or " "))
    else:
        raise ValueError(f"{_shown(value)} is no size: write bytes, or a number with K, M, G or T (512M, 2G)")
    if size < 1:
        raise ValueError(f"{_shown(value)}: a size is at least one byte")
    if size > MAX_SIZE:
        raise ValueError(f"{_shown(value)}: a size is at most 2**63 bytes")
    return size


#: the largest size: more bytes than any machine holds, and the most a signed 64-bit count holds
MAX_SIZE = 2**63


def _shown(value: int | str) -> str:
    """`value` as an error message quotes it, a long one cut to its ends."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:18]}...{text[-18:]}"


def _a_size(value: object) -> int | str:
    """`value` as written, once it reads as a size: a YAML float (`5.0`) or boolean is refused,
    not taken for a count of bytes."""
    if not isinstance(value, (int, str)) or isinstance(value, bool):
        raise ValueError(f"{value!r} is no size: write bytes as a whole number, or a number with K, M, G or T "
                         "(512M, 2G)")
    parse_size(value)
    return value


#: a rule pack's size, kept as written (`512M`), checked when the pack is read
Size = Annotated[int | str, PlainValidator(_a_size)]


def _a_fraction(level: float | None) -> float | None:
    """A share is a fraction of 1 (0.05 is 5%): a level above 1 is never crossed, so a percentage
    written as a share (`warn: 5`, meant as 5%) would switch its check off unnoticed."""
    if level is not None and level > 1:
        raise ValueError(f"{level:g} is above 1: a share is a fraction of 1 (0.05 is 5%), so no share would "
                         "ever cross it")
    return level


class MaxShareLevels(MaxLevels):
    """An upper limit on a share (of rows, lines, cells or items): levels from 0 to 1."""

    @field_validator("warn", "fail")
    @classmethod
    def _fraction(cls, level: float | None) -> float | None:
        return _a_fraction(level)


class MinShareLevels(MinLevels):
    """A lower limit on a share: levels from 0 to 1."""

    @field_validator("warn", "fail")
    @classmethod
    def _fraction(cls, level: float | None) -> float | None:
        return _a_fraction(level)
