"""A fine-tuning file through the model's own chat template (`--tokenizer FOLDER`, `--max-length N`).

Each conversation (a chat line; a prompt/completion line of message lists, prompt then
completion; each side of a preference pair of message lists, the prompt with its answer) is
rendered by the tokenizer folder's chat template and tokenized as the trainer does (see
`dataaudit.text.template_counter`): its tokens include the template's own, the part past the
maximum length is cut, and with an assistant-only loss only the tokens the template marks with
`{% generation %}` train. A pair is one example, judged by its longer side. These checks read
the exact counts; without a template they skip, and the character estimate's `text.too_long`
stays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from dataaudit.checks.base import Results, pct
from dataaudit.checks.registry import TEXT_FILE, Check, NoEquivalent
from dataaudit.levels import MaxShareLevels, Section, Toggle
from dataaudit.wording import plural, verb

if TYPE_CHECKING:
    from dataaudit.profile.model import Profile
    from dataaudit.profile.text import TemplateProfile, TextProfile

IN_TEMPLATE = NoEquivalent("GX validates table columns; it does not render conversations through a chat template")


def _check(check: str, description: str, fields: tuple[str, ...]) -> Check:
    return Check(check, description, "chat_template", fields, IN_TEMPLATE, needs=frozenset({"text"}),
                 applies_to=frozenset({TEXT_FILE}))


CHECKS = (
    _check("text.template_error", "The model's chat template renders every conversation (it raises on role orders "
                                  "and system placements it does not take).", ("max_template_error_share",)),
    _check("text.over_max_length", "Few examples, rendered by the chat template, are longer than the maximum length.",
           ("max_over_length_share",)),
    _check("text.no_trainable_tokens", "No example is left without an assistant token to train on once cut at the "
                                       "maximum length.", ("max_no_trainable_share",)),
    _check("text.assistant_mask", "The chat template marks assistant turns ({% generation %}) for an "
                                  "assistant-only loss.", ("assistant_mask",)),
)
NO_TEMPLATE = "no chat template: give --tokenizer a model's tokenizer folder whose tokenizer_config.json has one"


class Rules(Section):
    max_template_error_share: MaxShareLevels = Field(
        default=MaxShareLevels(fail=0), description="Conversations the template refuses: training stops on the first.")
    max_over_length_share: MaxShareLevels = MaxShareLevels(warn=0, fail=0.01)
    max_no_trainable_share: MaxShareLevels = Field(
        default=MaxShareLevels(fail=0), description="Examples whose assistant tokens all lie past the maximum length.")
    assistant_mask: Toggle = Toggle.WARN


NOT_RENDERED = ("the chat template renders conversations (chat files, and prompt/completion or preference files "
                "of message lists), not plain texts")


def run(profile: Profile, rules: Rules, results: Results) -> None:
    """Judge every file whose examples went through the template: a chat file, and a
    prompt/completion or preference file of message lists, rendered as trainers render them."""
    templated = [t for t in profile.text if t.template is not None]
    if not templated:
        reason = NO_TEMPLATE if any(t.kind == "chat" for t in profile.text) else NOT_RENDERED
        for check in CHECKS:
            results.skip(check.id, reason)
        return
    for text in templated:
        assert text.template is not None
        _run_one(text, text.template, rules, results)


def _run_one(t: TextProfile, p: TemplateProfile, rules: Rules, results: Results) -> None:
    tried = p.rendered + sum(p.errors.values())
    for message, count in p.errors.items():
        lines = p.error_lines[message]
        results.judge(
            "text.template_error", rules.max_template_error_share, count / tried,
            f"{count:,} of {plural(tried, 'conversation')} ({pct(count, tried)}): the chat template fails: {message} "
            f"({verb(count, 'line', 'first lines')} {', '.join(map(str, lines[:5]))}).",
            examples=lines, details={"examples_are": "lines", "lines": count, "message": message},
            hint="The trainer raises the same error when it reaches these lines: fix their role order, or pick a "
                 "template that takes them.",
        )
    if not p.rendered:  # whether it marks assistant turns is learnt by rendering one
        for check in ("text.over_max_length", "text.no_trainable_tokens", "text.assistant_mask"):
            results.skip(check, "the chat template rendered no conversation")
        return
    _over(p, rules, results)
    _untrained(p, rules, results)
    if p.marks_assistant:
        return
    results.add(
        "text.assistant_mask", rules.assistant_mask.severity,
        "The chat template does not mark assistant turns with {% generation %}: with an assistant-only loss "
        f"(assistant_only_loss, return_assistant_tokens_mask) the masks come out all zero, and the "
        f"{plural(p.rendered, 'example')} would train on nothing.",
        details={"marks_assistant": False, "examples": p.rendered},
        hint="Train on whole sequences, or use a template that wraps each assistant turn in "
             "{% generation %}...{% endgeneration %}.",
    )


def _over(p: TemplateProfile, rules: Rules, results: Results) -> None:
    by = p.lengths["over_by"]
    excess = (f"; over by {by.min:,} to {by.max:,} tokens (median {by.p50:,}, mean {by.mean:,.0f})" if p.over else "")
    results.judge(
        "text.over_max_length", rules.max_over_length_share, p.over / p.rendered,
        f"{p.over:,} of {plural(p.rendered, 'example')} ({pct(p.over, p.rendered)}) rendered by the chat template "
        f"{verb(p.over, 'is', 'are')} longer than the maximum length of {p.max_length:,} tokens{excess}.",
        info_when_present=True, examples=p.over_lines,
        details={"examples_are": "lines", "lines": p.over, "max_length": p.max_length,
                 "over_by": {"min": by.min, "p50": by.p50, "p90": by.p90, "max": by.max, "mean": by.mean}},
        hint="The trainer cuts them at the maximum length: what lies past it never trains. Raise --max-length to "
             "the length you train with, or split the conversations.",
    )


def _untrained(p: TemplateProfile, rules: Rules, results: Results) -> None:
    if not p.marks_assistant:
        results.skip("text.no_trainable_tokens", "the chat template marks no assistant tokens (see "
                                                 "text.assistant_mask)")
        return
    results.judge(
        "text.no_trainable_tokens", rules.max_no_trainable_share, p.untrained / p.rendered,
        f"{p.untrained:,} of {plural(p.rendered, 'example')} ({pct(p.untrained, p.rendered)}) "
        f"{verb(p.untrained, 'has', 'have')} no assistant token left to train on within the maximum length of "
        f"{p.max_length:,} tokens: with an assistant-only loss {verb(p.untrained, 'it trains', 'they train')} on "
        "nothing.",
        examples=p.untrained_lines, details={"examples_are": "lines", "lines": p.untrained,
                                             "max_length": p.max_length},
        hint="Their assistant turns lie past the cut: shorten the prompts, raise --max-length, or drop them.",
    )

