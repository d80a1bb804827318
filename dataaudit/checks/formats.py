"""A fine-tuning file against a provider's or trainer's format profile, and what training on it takes.

`format.rules` names, for each rule of the profile a line breaks (`role_order`, `unknown_key`,
`example_tokens`, ...), the lines breaking it and what broke it; `format.example_count` holds the
file's examples against the profile's minimum and maximum; `format.training_size` adds up the
tokens of every example, times the epochs, and prices them when the user gives a price per
million tokens (dataaudit ships no prices: they change, and differ by model and contract).
Tokens are those of the text checks: a tokenizer's, or the estimate, labelled as such.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from dataaudit.checks.base import Results, pct, quoted_counts
from dataaudit.checks.registry import TEXT_FILE, Check, NoEquivalent
from dataaudit.levels import MaxLevels, MaxShareLevels, Number, Section, Toggle, Whole
from dataaudit.wording import plural, verb

if TYPE_CHECKING:
    from dataaudit.profile.model import Profile
    from dataaudit.profile.text import TextProfile

IN_PROFILE = NoEquivalent("GX validates table columns; a format profile judges nested JSON examples and files")


def file_check(check: str, description: str, fields: tuple[str, ...], gx: NoEquivalent = IN_PROFILE) -> Check:
    """A check of a fine-tuning file alone (not of a table's text columns), in the section its
    id names."""
    return Check(check, description, check.split(".")[0], fields, gx, needs=frozenset({"text"}),
                 applies_to=frozenset({TEXT_FILE}))


CHECKS = (
    file_check("format.rules", "Every example follows the chosen format profile (--format-profile); one finding "
                               "per rule broken, naming its lines.", ("profile", "max_rule_break_share")),
    file_check("format.example_count", "The file holds as many examples as the format profile allows, no fewer "
                                       "and no more.", ("profile", "example_count")),
    Check("format.training_size", "The tokens one training run reads (every example's, times the epochs) stay "
                                  "within a budget, if set; their cost at a given price per million tokens.",
          "format", ("epochs", "price_per_million", "max_training_tokens"), IN_PROFILE,
          applies_to=frozenset({TEXT_FILE})),  # reported whether or not a budget is set
)
NO_PROFILE = "no format profile chosen (--format-profile, or checks.format.profile in the rules)"


class Rules(Section):
    profile: str | None = Field(default=None, description="A shipped format profile by name (openai-chat, "
                                                           "trl-preference, ...) or a path to one; "
                                                           "--format-profile overrides it.")
    epochs: Whole = Field(default=1, ge=1, description="Passes over the file a training run makes (--epochs).")
    price_per_million: Number | None = Field(default=None, gt=0, description="Price of one million training "
                                                                           "tokens (--price-per-million); none "
                                                                           "is built in.")
    max_rule_break_share: MaxShareLevels = MaxShareLevels(warn=0, fail=0.01)
    max_training_tokens: MaxLevels = Field(default=MaxLevels(), description="A budget of training tokens "
                                                                            "(x epochs); none by default.")
    example_count: Toggle = Toggle.FAIL


def run(profile: Profile, rules: Rules, results: Results) -> None:
    for text in profile.text:
        if text.kind == "column":
            continue
        _rules(text, rules, results)
        _example_count(text, rules, results)
        _training_size(text, rules, results)


def _rules(t: TextProfile, rules: Rules, results: Results) -> None:
    found = t.format_rules
    if found is None:
        results.skip("format.rules", NO_PROFILE)
        return
    n = t.records
    for rule, count in found.broken.items():
        lines = found.lines.get(rule, [])
        what = found.what.get(rule, {})
        results.judge(
            "format.rules", rules.max_rule_break_share, count / n,
            f"format.{rule}: {count:,} of {plural(n, t.unit)} ({pct(count, n)}) {verb(count, 'breaks', 'break')} "
            f"the {found.name} rule "
            f"'{found.meanings[rule]}'; {verb(count, t.unit, f'first {t.unit}s')} "
            f"{', '.join(map(str, lines[:5]))}." + (f" What breaks it ({t.unit}s): {quoted_counts(what)}." if what
                                                    else ""),
            info_when_present=True, examples=lines,
            details={"examples_are": f"{t.unit}s", "profile": found.name, "rule": rule, f"{t.unit}s": count,
                     "what": what},
            hint=f"{found.name} rejects or mistrains such examples; fix them, or audit against another profile.",
        )


def _example_count(t: TextProfile, rules: Rules, results: Results) -> None:
    found = t.format_rules
    if found is None:
        results.skip("format.example_count", NO_PROFILE)
        return
    low, high = found.min_examples, found.max_examples
    if low is None and high is None:
        results.skip("format.example_count", f"the {found.name} profile sets no example count")
        return
    n = examples(t)
    bounds = f"{low or 1:,} to {high:,}" if high is not None else f"at least {low:,}"
    if (low is not None and n < low) or (high is not None and n > high):
        results.add("format.example_count", rules.example_count.severity,
                    f"The file holds {plural(n, 'example')}; {found.name} takes {bounds}.", observed=n,
                    details={"examples": n, "min": low, "max": high, "profile": found.name},
                    hint="Add examples, or split the file into several training runs.")


def examples(t: TextProfile) -> int:
    """The examples of a file as a provider counts them: its lines but the blank ones."""
    return t.records - t.errors.get("blank_line", 0)


def _training_size(t: TextProfile, rules: Rules, results: Results) -> None:
    per_epoch, counted = training_tokens(t)
    total = per_epoch * rules.epochs
    kind = "estimated tokens" if t.tokens_estimated else "tokens"
    message = (f"Training reads {per_epoch:,} {kind} per epoch ({counted}) x {plural(rules.epochs, 'epoch')}"
               f" = {total:,} {kind}")
    cost = None if rules.price_per_million is None else round(total / 1e6 * rules.price_per_million, 2)
    message += "." if cost is None else f"; at {rules.price_per_million:g} per million tokens: {cost:,.2f}."
    results.judge("format.training_size", rules.max_training_tokens, total, message, info_when_present=True,
                    details={"tokens_per_epoch": per_epoch, "epochs": rules.epochs, "tokens": total,
                         "estimated": t.tokens_estimated, "tokenizer": t.tokenizer,
                           "price_per_million": rules.price_per_million, "cost": cost},
                  hint=None if not t.tokens_estimated else "Give --tokenizer for the model's exact counts.")


def training_tokens(t: TextProfile) -> tuple[int, str]:
    """The tokens one epoch reads, and how they were counted: through the chat template when it
    rendered the examples (the template's own tokens are trained on too, and both sequences of a
    preference pair), else the texts'."""
    if t.template is None or not t.template.rendered:
        return t.tokens_total, t.tokenizer
    return t.template.read, f"{t.tokenizer}, {plural(t.template.rendered, 'rendered example')}"
