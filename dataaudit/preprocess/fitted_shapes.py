"""The shape of a saved fitted state, checked before any step is rebuilt from it.

Why: a fitted-state file is JSON a person may review and edit. The steps trust what they were
fitted with, so a state edited into a shape no clean writes would reach them as it is: a scale
of 0 or a centre of null would make every scaled value infinite or null without a word, a
scale list shorter than its columns or a numeric kind no step knows would stop the clean with a
traceback. Each step's parameters and state are checked here against what `--save-fitted`
writes, and a file that differs is refused in one line naming the step and the key.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, FiniteFloat, ValidationError, create_model

from dataaudit.errors import InputError
from dataaudit.rules.preprocess import Encode, Impute, Preprocess


def _not_zero(value: float) -> float:
    if value == 0:
        raise ValueError("a scale of 0 divides by zero")
    return value


def _positive(value: int) -> int:
    if value < 1:
        raise ValueError("must be at least 1")
    return value


Scale = Annotated[FiniteFloat, AfterValidator(_not_zero)]


def _shape(name: str, fields: dict[str, Any], extra: Literal["forbid", "ignore"] = "forbid") -> type[BaseModel]:
    """An object of these keys and no other (a step's constructor takes no other), each
    required unless given as `(type, default)`."""
    return create_model(name, __config__=ConfigDict(extra=extra, strict=True),
                        **{key: shape if isinstance(shape, tuple) else (shape, ...) for key, shape in fields.items()})


#: the keys beside the steps (and the format's, checked before): what the state was fitted for
FITTED_FOR = _shape("FittedFor", {"target": str | None, "ignored": list[str], "columns": list[str],
                                  "steps": list[Any]}, extra="ignore")


#: step name -> (its parameters, its state) as `--save-fitted` writes them
STEPS: dict[str, tuple[Any, Any]] = {
    "missing_to_null": (
        _shape("MissingToNullParams", {"case_sensitive": bool, "tokens": list[str]}),
        _shape("MissingToNullState", {"columns": list[str], "sentinels": dict[str, list[FiniteFloat]]})),
    "normalize_text": (
        _shape("NormalizeTextParams", {"unicode": (bool, True)}),
        _shape("NormalizeTextState", {"columns": list[str]})),
    "merge_label_variants": (
        _shape("MergeLabelVariantsParams", {"allowed": list[str] | None, "target": str | None}),
        _shape("MergeLabelVariantsState", {"label_map": dict[str, str]})),
    "coerce_numeric": (
        _shape("CoerceNumericParams", {"model_input": bool}),
        _shape("CoerceNumericState", {"columns": dict[str, Literal["integer", "float"]]})),
    "drop_columns": (
        _shape("DropColumnsParams", {"constant": bool, "empty": bool}),
        _shape("DropColumnsState", {"columns": dict[str, str]})),
    "impute": (
        _shape("ImputeParams", {"categorical": Impute.model_fields["categorical"].annotation,
                                "exclude": list[str], "fill_number": FiniteFloat, "fill_text": str,
                                "numeric": Impute.model_fields["numeric"].annotation}),
        _shape("ImputeState", {"fill": dict[str, FiniteFloat | str]})),
    "scale": (
        _shape("ScaleParams", {"exclude": list[str], "method": Preprocess.model_fields["scale"].annotation}),
        _shape("ScaleState", {"columns": list[str], "center": list[FiniteFloat], "scale": list[Scale]})),
    "encode": (
        _shape("EncodeParams", {"exclude": list[str], "max_categories": Annotated[int, AfterValidator(_positive)],
                                "method": Encode.model_fields["method"].annotation}),
        _shape("EncodeState", {"categories": dict[str, list[str]], "skipped": list[str]})),
}


def check_state(data: dict[str, Any], name: str) -> None:
    """Refuse a fitted state (its format checked) unless `--save-fitted` could have written it.
    `name` is the file's, for the message."""
    _valid(FITTED_FOR, data, name, "")
    for index, step in enumerate(data["steps"]):
        check_step(step, index, name)


def _valid(shape: type[BaseModel], value: Any, name: str, what: str) -> None:
    """Refuse `value` unless it has `shape`, naming where in `what` (a key of the file, `''` for
    the whole) it differs, as a path of keys and indexes."""
    try:
        shape.model_validate(value, strict=True)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = what
        for part in error["loc"]:
            where += f"[{part!r}]" if where and isinstance(part, str) else f"[{part}]" if where else str(part)
        raise InputError(f"{name}: {where}: {error['msg']}") from None


def check_step(saved: Any, index: int, name: str) -> None:
    """Refuse the `index`-th saved step unless it is one `--save-fitted` could have written.
    `name` is the file's, for the message."""
    if not isinstance(saved, dict) or not isinstance(saved.get("step"), str):
        raise InputError(f"{name}: steps[{index}] is no step of a fitted state (an object with a 'step')")
    step = saved["step"]
    if step not in STEPS:
        raise InputError(f"{name}: steps[{index}]: unknown step {step!r}; known: {', '.join(STEPS)}")
    params, state = STEPS[step]
    for key, shape in (("params", params), ("state", state)):
        _valid(shape, saved.get(key), name, f"steps[{index}] ({step}) {key}")
    if step == "scale":
        lengths = {len(saved["state"][key]) for key in ("columns", "center", "scale")}
        if len(lengths) > 1:
            raise InputError(f"{name}: steps[{index}] (scale) state: columns, center and scale differ in length")

