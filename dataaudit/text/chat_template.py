"""A chat example rendered as the trainer renders it: through the model's own chat template.

Trainers do not train on the messages of a line but on the text the tokenizer's chat template
makes of them, template tokens included, cut at the maximum length; with an assistant-only loss
they train on the tokens the template wraps in `{% generation %}` and nothing else. So the
template is rendered here with the conventions transformers gives it (`apply_chat_template` in
`transformers.utils.chat_template_utils`): a sandboxed, immutable Jinja2 environment with
`trim_blocks` and `lstrip_blocks`, `raise_exception`, a `tojson` that leaves non-ASCII and HTML
alone, `strftime_now`, `loopcontrols`, the special tokens as variables, no generation prompt,
and the character span of every `{% generation %}` block. Rendering runs untrusted template
code: the sandbox is the reason it is Jinja's `ImmutableSandboxedEnvironment`
(`dataaudit.text.template_sandbox`, loaded only when a template renders).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

#: The generation block a template marks the assistant's own tokens with.
GENERATION_TAG = re.compile(r"\{%-?\s*generation\s*-?%\}")


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
        from dataaudit.text.template_sandbox import TRACKING, compiled, described

        template = compiled(self.source)
        blocks: list[str] = []
        spans: list[tuple[int, int]] = []
        token = TRACKING.set((blocks, spans))
        try:
            for block in template.generate(messages=[_without_nones(m) for m in messages], tools=tools,
                                           documents=None, add_generation_prompt=False,
                                           **dict(self.special_tokens)):
                blocks.append(block)
        except Exception as exc:  # the template is user code: whatever it raises is its own error
            raise TemplateFailure(described(exc)) from None
        finally:
            TRACKING.reset(token)
        return Rendered("".join(blocks), spans)


def check_syntax(source: str) -> str | None:
    """None when the template compiles, else its error with the template line."""
    import jinja2

    from dataaudit.text.template_sandbox import compiled

    try:
        compiled(source)
    except jinja2.TemplateSyntaxError as exc:
        return f"line {exc.lineno} of the chat template: {exc.message}"
    return None


def _without_nones(message: Any) -> Any:
    """Keys set to null dropped, as transformers does: templates test whether a key is defined,
    and `"tool_calls": null` would otherwise render as a tool call. A message without one is
    passed as it is (most are), not copied."""
    if not isinstance(message, dict) or None not in message.values():
        return message
    return {key: value for key, value in message.items() if value is not None}
