"""A chat example rendered as the trainer renders it: through the model's own chat template.

Trainers do not train on the messages of a line but on the text the tokenizer's chat template
makes of them, template tokens included, cut at the maximum length; with an assistant-only loss
they train on the tokens the template wraps in `{% generation %}` and nothing else. So the
template is rendered here with the conventions transformers gives it (`apply_chat_template` in
`transformers.utils.chat_template_utils`): a sandboxed, immutable Jinja2 environment with
`trim_blocks` and `lstrip_blocks`, `raise_exception`, a `tojson` that leaves non-ASCII and HTML
alone, `strftime_now`, `loopcontrols`, the special tokens as variables, no generation prompt,
and the character span of every `{% generation %}` block. Rendering runs untrusted template
code: the sandbox is the reason it is Jinja's `ImmutableSandboxedEnvironment`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, ClassVar

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

#: The generation block a template marks the assistant's own tokens with.
GENERATION_TAG = re.compile(r"\{%-?\s*generation\s*-?%\}")
#: The file name Jinja gives a template compiled from a string: its frames name template lines.
_TEMPLATE_FRAME = "<template>"


class TemplateFailure(Exception):
    """The template refused an example (its `raise_exception`) or broke on it; the message names
    the template's line when Jinja knows it."""


@dataclass(frozen=True)
class Rendered:
    """The text an example becomes, and the character spans the template marked as generated."""

    text: str
    spans: list[tuple[int, int]]


@dataclass(frozen=True)
class ChatTemplate:
    """A chat template's source and the special tokens it is rendered with (`bos_token` ...).

    Only the source travels with it (to worker processes and Spark executors); the compiled
    template is cached per process."""

    source: str
    special_tokens: tuple[tuple[str, str], ...] = ()

    @property
    def marks_assistant(self) -> bool:
        """Whether assistant turns are marked for an assistant-only loss; without the marks
        transformers' assistant masks are all zero."""
        return GENERATION_TAG.search(self.source) is not None

    def render(self, messages: list[dict[str, Any]], tools: list[Any] | None = None) -> Rendered:
        """The example as text, with the spans of its `{% generation %}` blocks."""
        template = compiled(self.source)
        blocks: list[str] = []
        spans: list[tuple[int, int]] = []
        token = _TRACKING.set((blocks, spans))
        try:
            for block in template.generate(messages=[_without_nones(m) for m in messages], tools=tools,
                                           documents=None, add_generation_prompt=False,
                                           **dict(self.special_tokens)):
                blocks.append(block)
        except Exception as exc:  # the template is user code: whatever it raises is its own error
            raise TemplateFailure(_described(exc)) from None
        finally:
            _TRACKING.reset(token)
        return Rendered("".join(blocks), spans)


def check_syntax(source: str) -> str | None:
    """None when the template compiles, else its error with the template line."""
    try:
        compiled(source)
    except jinja2.TemplateSyntaxError as exc:
        return f"line {exc.lineno} of the chat template: {exc.message}"
    return None


_TRACKING: ContextVar[tuple[list[str], list[tuple[int, int]]] | None] = ContextVar("generation_spans", default=None)


class _GenerationSpans(jinja2.ext.Extension):
    """`{% generation %}...{% endgeneration %}`: renders its body and notes where it lies."""

    tags: ClassVar[set[str]] = {"generation"}

    def parse(self, parser: jinja2.parser.Parser) -> jinja2.nodes.Node:
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
        return jinja2.nodes.CallBlock(self.call_method("_mark"), [], [], body).set_lineno(lineno)

    def _mark(self, caller: Any) -> str:
        text = caller()
        tracking = _TRACKING.get()
        if tracking is not None:
            blocks, spans = tracking
            start = sum(len(b) for b in blocks)
            spans.append((start, start + len(text)))
        return str(text)


def _raise_exception(message: str) -> None:
    raise jinja2.exceptions.TemplateError(message)


def _tojson(value: Any, ensure_ascii: bool = False, indent: int | None = None, separators: Any = None,
            sort_keys: bool = False) -> str:
    return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def _strftime_now(format: str) -> str:
    return datetime.now().strftime(format)


@lru_cache(maxsize=8)
def compiled(source: str) -> jinja2.Template:
    environment = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                                extensions=[_GenerationSpans, jinja2.ext.loopcontrols])
    environment.filters["tojson"] = _tojson
    environment.globals["raise_exception"] = _raise_exception
    environment.globals["strftime_now"] = _strftime_now
    return environment.from_string(source)


def _without_nones(message: Any) -> Any:
    """Keys set to null dropped, as transformers does: templates test whether a key is defined,
    and `"tool_calls": null` would otherwise render as a tool call."""
    if not isinstance(message, dict):
        return message
    return {key: value for key, value in message.items() if value is not None}


def _described(exc: BaseException) -> str:
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
