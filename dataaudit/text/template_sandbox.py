"""The sandbox a chat template runs in, loaded only when a template is rendered (Jinja2 stays
out of every other audit): Jinja's `ImmutableSandboxedEnvironment` with transformers'
conventions, and the generation spans a render notes (see `dataaudit.text.chat_template`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import datetime
from functools import lru_cache
from typing import Any, ClassVar

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

#: The file name Jinja gives a template compiled from a string: its frames name template lines.
_TEMPLATE_FRAME = "<template>"

TRACKING: ContextVar[tuple[list[str], list[tuple[int, int]]] | None] = ContextVar("generation_spans", default=None)


class _GenerationSpans(jinja2.ext.Extension):
    """`{% generation %}...{% endgeneration %}`: renders its body and notes where it lies."""

    tags: ClassVar[set[str]] = {"generation"}

    def parse(self, parser: jinja2.parser.Parser) -> jinja2.nodes.Node:
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
        return jinja2.nodes.CallBlock(self.call_method("_mark"), [], [], body).set_lineno(lineno)

    def _mark(self, caller: Any) -> str:
        text = caller()
        tracking = TRACKING.get()
        if tracking is not None:
            blocks, spans = tracking
            start = sum(len(b) for b in blocks)
            spans.append((start, start + len(text)))
        return str(text)


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, its attribute verdicts remembered per type and name.

    The sandbox judges every attribute a template reads (`loop.first`, `message.content`, on
    every example) by the object's type (`is_internal_attribute`, `modifies_known_mutable`) and
    the attribute's name alone, with abstract-class checks that cost more than the rendering
    around them; the verdict for a (type, name) never changes, so it is worked out once."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._verdicts: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), attr)
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._verdicts[key] = super().is_safe_attribute(obj, attr, value)
        return verdict


def _raise_exception(message: str) -> None:
    raise jinja2.exceptions.TemplateError(message)


def _tojson(value: Any, ensure_ascii: bool = False, indent: int | None = None, separators: Any = None,
            sort_keys: bool = False) -> str:
    return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def _strftime_now(format: str) -> str:
    return datetime.now().strftime(format)


@lru_cache(maxsize=8)
def compiled(source: str) -> jinja2.Template:
    environment = _Sandbox(trim_blocks=True, lstrip_blocks=True,
                           extensions=[_GenerationSpans, jinja2.ext.loopcontrols])
    environment.filters["tojson"] = _tojson
    environment.globals["raise_exception"] = _raise_exception
    environment.globals["strftime_now"] = _strftime_now
    return environment.from_string(source)


def described(exc: BaseException) -> str:
    line = _template_line(exc)
    message = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else f"{type(exc).__name__}: {exc}"
    return f"line {line} of the chat template: {message}" if line else message


def _template_line(exc: BaseException) -> int | None:
    """The template line the error was raised on: Jinja rewrites the traceback so that frames
    of the template carry its file name and line numbers."""
    line = None
    for frame in _frames(exc.__traceback__):
        if frame.tb_frame.f_code.co_filename == _TEMPLATE_FRAME:
            line = frame.tb_lineno
    return line


def _frames(tb: Any) -> Iterator[Any]:
    while tb is not None:
        yield tb
        tb = tb.tb_next
