"""Fitted state: what cleaning learned on the training split, saved as readable JSON.

Label map, sentinels, dropped columns, numeric columns, fill values, scaling parameters and
categories go into one JSON file (never a pickle: it is reviewed, diffed and loaded without
running code), so validation and test splits are cleaned with training statistics only.
`format_version` changes with any change a reader of an older file could not follow.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dataaudit.compression import read_bytes
from dataaudit.errors import InputError
from dataaudit.preprocess.base import Step
from dataaudit.preprocess.columns import CoerceNumeric, DropColumns
from dataaudit.preprocess.encode import Encode
from dataaudit.preprocess.fitted_shapes import check_state
from dataaudit.preprocess.labels import MergeLabelVariants
from dataaudit.preprocess.missing import MissingToNull
from dataaudit.preprocess.numeric import Impute, Scale
from dataaudit.preprocess.text import NormalizeText
from dataaudit.rules.model import RulePack
from dataaudit.rules.preprocess import Preprocess

FORMAT = "dataaudit.fitted"
FORMAT_VERSION = 1
STEPS: dict[str, type[Step]] = {cls.name: cls for cls in (
    MissingToNull, NormalizeText, MergeLabelVariants, CoerceNumeric, DropColumns, Impute, Scale, Encode)}
#: steps fitted on the audit profile (before the row decisions); the others on the kept rows
PROFILE_STEPS = ("missing_to_null", "normalize_text", "merge_label_variants", "coerce_numeric", "drop_columns")


def configured_steps(config: Preprocess, target: str | None, ignored: tuple[str, ...], tokens: list[str],
                     case_sensitive: bool, allowed: list[str] | None, classes: bool = True) -> list[Step]:
    """The unfitted steps the `preprocess:` section asks for, in the order they run. A target
    that is no class label (`classes` False: numbers to regress on, which the label checks
    skip) has values, not spellings: its labels are never merged."""
    exclude = tuple(c for c in (target, *ignored) if c is not None)
    steps: list[Step] = []
    if config.missing_to_null:
        steps.append(MissingToNull(tokens=tuple(tokens), case_sensitive=case_sensitive))
    if config.normalize_text:
        steps.append(NormalizeText(unicode=config.normalize_unicode))
    if config.merge_label_variants and target is not None and classes:
        steps.append(MergeLabelVariants(target=target, allowed=allowed))
    impute = config.impute
    model_ready = impute.numeric != "none" or config.scale != "none" or config.encode.method != "none"
    if config.coerce_numeric or model_ready:  # imputing, scaling and encoding need the numbers as numbers
        steps.append(CoerceNumeric(model_input=config.scale != "none" or config.encode.method != "none"))
    if config.drop_constant_columns or config.drop_empty_columns:
        steps.append(DropColumns(constant=config.drop_constant_columns, empty=config.drop_empty_columns))
    if impute.numeric != "none" or impute.categorical != "none":
        steps.append(Impute(numeric=impute.numeric, categorical=impute.categorical, fill_number=impute.fill_number,
                            fill_text=impute.fill_text, exclude=exclude))
    if config.scale != "none":
        steps.append(Scale(method=config.scale, exclude=exclude))
    if config.encode.method != "none":
        steps.append(Encode(method=config.encode.method, max_categories=config.encode.max_categories,
                            exclude=exclude))
    return steps


@dataclass
class Fitted:
    """The fitted steps with what they were fitted for: target, ignored and input columns."""

    target: str | None
    ignored: list[str]
    columns: list[str]
    steps: list[Step]

    def check_columns(self, columns: list[str], name: str) -> None:
        missing = [c for c in self.columns if c not in columns]
        if missing:
            raise InputError(f"{name}: the fitted state was learned on columns this data lacks: "
                             f"{', '.join(map(repr, missing[:10]))}")

    def target_for(self, name: str, target: str | None, ignore_columns: Sequence[str], pack: RulePack) -> str | None:
        """The target another split is cleaned with: the state's. Its steps were fitted with the
        target and the ignored columns (the label map reads the target's column, text, imputing
        and scaling leave the target and ignored columns out), so a split that named another
        target, or ignored a column the state cleans as a feature, would have that column
        rewritten all the same, which an ignored column never is: refused."""
        named = target if target is not None else pack.target
        if named is not None and named != self.target:
            fitted = f"target {self.target!r}" if self.target is not None else "no target"
            raise InputError(f"{name}: the fitted state was learned with {fitted}, not {named!r}; clean every "
                             f"split with the target its state was fitted with, or fit a state with this one")
        features = [c for c in self.columns if c != self.target and c not in self.ignored]
        cleaned = [c for c in (*pack.columns.ignore, *ignore_columns) if c in features]
        if cleaned:
            raise InputError(f"{name}: the fitted state cleans column {cleaned[0]!r} as a feature, which "
                             f"--ignore-column (ignore_columns, columns.ignore) would leave as it is; "
                             f"fit the state with it ignored")
        return self.target

    def ordered(self, names: Sequence[str]) -> list[str]:
        """`names` with the columns the state was fitted on first, in their order there, then
        the others in theirs: another split cleaned with the state writes its columns as the
        fitting clean wrote them, for a model that reads them by position. The fitting clean's
        own columns are its input's, in their order."""
        given, fitted = set(names), set(self.columns)
        return [c for c in self.columns if c in given] + [c for c in names if c not in fitted]

    def to_dict(self) -> dict[str, Any]:
        from dataaudit.version import __version__

        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "dataaudit_version": __version__,
            "target": self.target,
            "ignored": self.ignored,
            "columns": self.columns,
            "steps": [{"step": s.name, "params": _plain(s.get_params()), "state": s.state_dict()} for s in self.steps],
        }

    def save(self, path: Path) -> None:
        from dataaudit.output import write_json

        write_json(path, self.to_dict())

    @classmethod
    def from_dict(cls, data: dict[str, Any], name: str = "fitted state") -> Fitted:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise InputError(f"{name}: not a dataaudit fitted-state file (saved with `dataaudit clean --save-fitted`)")
        if data.get("format_version") != FORMAT_VERSION:
            raise InputError(f"{name}: fitted-state format version {data.get('format_version')!r}; this dataaudit "
                             f"reads version {FORMAT_VERSION}")
        check_state(data, name)  # so that each step is rebuilt from what it saved
        steps = [STEPS[s["step"]].from_state(_saved_params(s), s["state"]) for s in data["steps"]]
        return cls(data["target"], list(data["ignored"]), list(data["columns"]), steps)

    @classmethod
    def load(cls, path: Path) -> Fitted:
        try:
            data = json.loads(read_bytes(path).decode("utf-8"))
        except FileNotFoundError:
            raise InputError(f"{path}: no such fitted-state file") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"{path}: cannot read the fitted state: {exc}") from None
        except RecursionError:  # the parser recurses into each array or object
            raise InputError(f"{path}: not a dataaudit fitted-state file: nested deeper than one ever is") from None
        return cls.from_dict(data, str(path))


def _saved_params(step: dict[str, Any]) -> dict[str, Any]:
    """A step's parameters as saved; a normalize_text saved before Unicode folding became a
    parameter of its own folded always, and keeps doing so (`unicode: true`)."""
    if step["step"] == "normalize_text":
        return {"unicode": True, **step["params"]}
    return step["params"]


def _plain(params: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}
