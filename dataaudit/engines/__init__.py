"""Engines run the one pass: they feed a source's chunks to partial profiles and merge them.

Every engine opens the data as a `Source` and turns it into the same `Profile`; checks and
renderers never know which engine ran. Engines register by name and load lazily (the pattern
of pandera's per-backend register functions): choosing `local` never imports pyspark, and a
pyspark DataFrame is recognised by its class's module name, without importing pyspark.
"""

from __future__ import annotations

import dataclasses
import importlib
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from dataaudit.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from dataaudit.io.source import Source
    from dataaudit.profile.model import Profile
    from dataaudit.profile.spec import ProfileSpec

A = TypeVar("A")

# name -> (module, class): the module is imported only when the engine is chosen
ENGINES = {
    "local": ("dataaudit.engines.local", "LocalEngine"),
    "spark": ("dataaudit.engines.spark", "SparkEngine"),
}


class Engine(Protocol):
    """What `audit` needs from an engine: open the data, then profile it in one pass; or open a
    file as its raw lines and run any mergeable accumulator over them (a fine-tuning file)."""

    name: str

    def open(self, data: Any, *, delimiter: str | None, encoding: str | None, chunk_rows: int,
             bad_rows: str) -> Source: ...
    # an engine that reads a decimal mark takes `decimal=` too, given only where it is not the point

    def profile(self, source: Source, spec: ProfileSpec) -> Profile: ...

    def open_lines(self, path: Path, chunk_lines: int = ...) -> Source: ...

    def accumulate(self, source: Source, create: Callable[[], A], label: str = ...) -> A: ...


def is_spark_frame(data: Any) -> bool:
    """A pyspark DataFrame (classic or Connect), told apart without importing pyspark."""
    return any(cls.__module__.startswith("pyspark.sql") and cls.__name__ == "DataFrame"
               for cls in type(data).__mro__)


def engine_name(engine: str | Engine | None, data: Any = None) -> str:
    """The name of the engine that will run, known without importing it: the one named or
    passed, else Spark for a Spark DataFrame, else local."""
    if engine is None:
        return "spark" if is_spark_frame(data) else "local"
    name = engine if isinstance(engine, str) else engine.name
    if name not in ENGINES:
        raise InputError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
    return name


def get_engine(engine: str | Engine | None, data: Any = None, **options: Any) -> Engine:
    """The engine named, with its options (None: not given), or the one `data` calls for:
    Spark for a Spark DataFrame, else local."""
    given = {key: value for key, value in options.items() if value is not None}
    if engine is not None and not isinstance(engine, str):
        if given:
            raise InputError(f"{', '.join(given)}: set it on the engine object instead")
        return engine
    name = engine_name(engine, data)
    module, attr = ENGINES[name]
    cls = getattr(importlib.import_module(module), attr)
    accepted = {f.name for f in dataclasses.fields(cls)}
    for key in given:
        if key not in accepted:
            raise InputError(f"{key} does not apply to the {name} engine")
    return cls(**given)
