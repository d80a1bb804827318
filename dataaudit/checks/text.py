"""Texts: fine-tuning JSONL files (chat, prompt/completion, instruction) and text columns.

Line numbers in these findings are 1-based lines of the JSONL file; for a text column of a
table they are 0-based data rows, like every other row number in a report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from dataaudit.checks.base import Results, pct, quoted_counts
from dataaudit.checks.registry import EVERY_KIND, Check, NoEquivalent
from dataaudit.levels import MaxShareLevels, Number, Section, Whole
from dataaudit.report.model import Severity
from dataaudit.wording import plural, verb

if TYPE_CHECKING:
    from dataaudit.profile.model import Profile
    from dataaudit.profile.text import TextProfile

IN_TEXT = NoEquivalent("GX validates table columns; it has no notion of examples, conversations or tokens")


def _check(check: str, description: str, fields: tuple[str, ...]) -> Check:
    """Text checks judge a fine-tuning file and a table's text columns alike."""
    return Check(check, description, "text", fields, IN_TEXT, needs=frozenset({"text"}), applies_to=EVERY_KIND)


CHECKS = (
    _check("text.format_errors", "Every line of a fine-tuning file is a well-formed example a trainer accepts "
                                 "(one finding per error kind).",
           ("max_format_error_share", "allowed_roles", "allowed_keys", "allowed_message_keys", "prompt_key",
            "completion_key")),
    _check("text.metadata", "Top-level keys a fine-tuning layout does not read (id, source, category) are named "
                            "as metadata.", ("allowed_keys",)),
    _check("text.empty", "Few texts in a text column are empty or whitespace-only.", ("max_empty_share",)),
    _check("text.duplicates", "Few texts or conversations are exact copies of an earlier one.",
           ("max_duplicate_share",)),
    _check("text.near_duplicates", "Few texts or conversations are near copies of an earlier one (MinHash LSH).",
           ("max_near_duplicate_share", "near_duplicate_threshold", "num_perm")),
    _check("text.conflicts", "A prompt is not answered differently by different examples; a text does not carry "
                             "different labels.", ("max_conflicting_share",)),
    _check("text.too_long", "Few examples are longer than the token limit.", ("max_over_limit_share", "max_tokens")),
    _check("text.markup", "Few texts carry HTML entities or markup left over from scraping.", ("max_markup_share",)),
    _check("text.length_outliers", "Few texts are far shorter or longer than the rest.",
           ("max_length_outlier_share", "length_outlier_iqr")),
)
NO_TEXT = ("no text to audit: give a chat, prompt/completion or instruction JSONL file, or name text "
           "columns with --text-column")


class Rules(Section):
    allowed_roles: list[str] = Field(default_factory=lambda: ["system", "user", "assistant", "tool", "function"])
    allowed_keys: list[str] | None = Field(
        default=None, description="Top-level keys a line may carry; null: any, those the layout does not read "
                                  "being metadata (reported, kept by clean).")
    prompt_key: str = Field(default="prompt", min_length=1,
                            description="The key holding the prompt of a prompt/completion line, or a dotted "
                                        "path into nested objects (data.prompt).")
    completion_key: str = Field(default="completion", min_length=1,
                                description="The key holding the answer of a prompt/completion line "
                                            "(canonical_solution in HumanEval-style files).")
    allowed_message_keys: list[str] = Field(
        default_factory=lambda: ["role", "content", "name", "tool_calls", "tool_call_id", "function_call", "weight"])
    max_tokens: Whole = Field(default=4096, gt=0)
    near_duplicate_threshold: Number = Field(default=0.8, gt=0, le=1)
    num_perm: Whole = Field(default=64, ge=16, le=1024)
    length_outlier_iqr: Number = Field(default=3.0, gt=0)
    max_format_error_share: MaxShareLevels = MaxShareLevels(warn=0, fail=0.01)
    max_empty_share: MaxShareLevels = MaxShareLevels(warn=0, fail=0.01)
    max_duplicate_share: MaxShareLevels = MaxShareLevels(warn=0.001, fail=0.05)
    max_near_duplicate_share: MaxShareLevels = MaxShareLevels(warn=0.01, fail=0.1)
    max_conflicting_share: MaxShareLevels = MaxShareLevels(warn=0.001, fail=0.05)
    max_over_limit_share: MaxShareLevels = MaxShareLevels(warn=0, fail=0.01)
    max_markup_share: MaxShareLevels = MaxShareLevels(warn=0.01)
    max_length_outlier_share: MaxShareLevels = MaxShareLevels(warn=0.01)


def run(profile: Profile, rules: Rules, results: Results) -> None:
    texts: list[TextProfile] = profile.text
    if not texts:
        for check in CHECKS:
            results.skip(check.id, NO_TEXT)
        return
    for text in texts:
        _run_one(text, rules, results)


def _run_one(t: TextProfile, rules: Rules, results: Results) -> None:
    column = t.name if t.kind == "column" else None
    unit = f"{t.unit}s"
    what = "conversations" if t.kind == "chat" else "examples" if t.kind != "column" else f"texts in {t.name!r}"
    if t.kind == "column":
        results.skip("text.format_errors", "a text column has no line format")
        results.skip("text.metadata", "a text column has no line keys")
        results.judge("text.empty", rules.max_empty_share, _share(t.empty, t.records),
                      f"{t.empty:,} of {plural(t.records, 'value')} of {t.name!r} ({pct(t.empty, t.records)}) "
                      f"{verb(t.empty, 'is', 'are')} empty, "
                      "missing or whitespace-only.", info_when_present=True, column=column,
                      examples=t.empty_lines, details={"examples_are": unit, "rows": t.empty})
    elif t.format_rules is not None:
        results.skip("text.empty", "empty contents of a fine-tuning file count as format errors (empty_content)")
        for check in ("text.format_errors", "text.metadata"):
            results.skip(check, f"the {t.format_rules.name} format profile judges each line's keys and shape "
                                "(format.rules)")
    else:
        results.skip("text.empty", "empty contents of a fine-tuning file count as format errors (empty_content)")
        _format_errors(t, rules, results)
        _metadata(t, results)
    if not t.texts:
        for check in ("text.duplicates", "text.near_duplicates", "text.conflicts", "text.too_long", "text.markup",
                      "text.length_outliers"):
            results.skip(check, f"no {what} with text")
        return
    n = t.texts
    if t.kind == "preference":  # pairs cut from one ranking share their prompt and one side
        results.skip("text.duplicates", "a repeated pair is a preference.duplicates finding")
        results.skip("text.near_duplicates", "pairs of one prompt share most of their words in a preference file "
                                             "by design (preference.duplicates judges repeated pairs)")
    else:
        _duplicates(t, rules, results, column, unit, what)
        at_most, note = _found_column(t, rules.max_near_duplicate_share, t.near_duplicates / n)
        results.judge(
            "text.near_duplicates", rules.max_near_duplicate_share, t.near_duplicates / n,
            f"{t.near_duplicates:,} of {n:,} {what} ({pct(t.near_duplicates, n)}) "
            f"{verb(t.near_duplicates, 'is a near copy', 'are near copies')} of an earlier one "
            f"(estimated Jaccard similarity of word 3-grams >= {t.near_threshold:g}), in "
            f"{plural(t.near_duplicate_clusters, 'cluster')}.{note}",
            info_when_present=True, at_most=at_most, column=column,
            examples=[line for line, _ in t.near_duplicate_examples],
            details={"examples_are": unit, unit: t.near_duplicates, "clusters": t.near_duplicate_clusters,
                     "copies": [list(p) for p in t.near_duplicate_examples]},
            hint="Near copies (templated or lightly edited texts) weigh like duplicates; review a few and deduplicate.",
        )
    _conflicts(t, rules, results, column, unit, what)
    token_word = "estimated tokens" if t.tokens_estimated else "tokens"
    if t.template is not None:
        results.skip("text.too_long", "counted through the chat template, its own tokens included: see "
                                      "text.over_max_length")
    else:
        results.judge(
            "text.too_long", rules.max_over_limit_share, t.over_limit / n,
            f"{t.over_limit:,} of {n:,} {what} ({pct(t.over_limit, n)}) {verb(t.over_limit, 'is', 'are')} longer than "
            f"{t.max_tokens:,} {token_word}"
            f" ({t.tokenizer}).",
            info_when_present=True, column=column, examples=t.over_limit_lines,
            details={"examples_are": unit, unit: t.over_limit, "max_tokens": t.max_tokens, "tokenizer": t.tokenizer,
                     "estimated": t.tokens_estimated},
            hint="Trainers truncate or drop examples over their sequence length; raise checks.text.max_tokens to the "
                 "model's limit, or split the examples.",
        )
    kinds = ", ".join(f"{kind} {count:,}" for kind, count in t.markup_kinds.items())
    results.judge(
        "text.markup", rules.max_markup_share, t.markup / n,
        f"{t.markup:,} of {n:,} {what} ({pct(t.markup, n)}) {verb(t.markup, 'contains', 'contain')} HTML entities "
        f"or tags ({kinds or 'none'}).",
        info_when_present=True, column=column, examples=t.markup_lines,
        details={"examples_are": unit, unit: t.markup, "kinds": t.markup_kinds},
        hint="Entities such as &amp; and tags such as <br> are usually scraping residue: unescape or strip them.",
    )
    low, high = t.length_bounds or (0, 0)
    results.judge(
        "text.length_outliers", rules.max_length_outlier_share, t.length_outliers / n,
        f"{t.length_outliers:,} of {n:,} {what} ({pct(t.length_outliers, n)}) "
        f"{verb(t.length_outliers, 'has', 'have')} a length in characters outside "
        f"{low:,} to {high:,}, far from the rest.",
        info_when_present=True, column=column, examples=t.length_outlier_lines,
        details={"examples_are": unit, unit: t.length_outliers, "bounds": [low, high]},
    )


def _duplicates(t: TextProfile, rules: Rules, results: Results, column: str | None, unit: str, what: str) -> None:
    at_most, note = _found_column(t, rules.max_duplicate_share, t.duplicates / t.texts)
    results.judge(
        "text.duplicates", rules.max_duplicate_share, t.duplicates / t.texts,
        f"{t.duplicates:,} of {t.texts:,} {what} ({pct(t.duplicates, t.texts)}) "
        f"{verb(t.duplicates, 'is an exact copy', 'are exact copies')} of an earlier one.{note}",
        info_when_present=True, at_most=at_most, column=column, examples=[line for line, _ in t.duplicate_examples],
        details={"examples_are": unit, unit: t.duplicates, "repeats": [list(p) for p in t.duplicate_examples]},
        hint=_COLUMN_COPIES_HINT if t.kind == "column" else
        "Copies over-weight some examples and leak between splits; `dataaudit clean` drops them.",
    )


# clean drops a table's rows only when the whole row repeats (preprocess.duplicates), never for one shared cell
_COLUMN_COPIES_HINT = ("Copies over-weight some texts and leak between splits; `dataaudit clean` drops only rows "
                       "that repeat whole (duplicates.rows), not rows that merely share this text: check whether they "
                       "are one example written twice.")


def _found_column(t: TextProfile, levels: MaxShareLevels, observed: float) -> tuple[Severity | None, str]:
    """The most a text column's copies may say, and the sentence saying why. A column found by
    its values, not named, in a table without a target is not known to be the examples' input:
    it may be an answer many rows share (an evaluation set's "I have no comment."), so its copies
    warn at most, as a time column found rather than named does."""
    if t.kind != "column" or not t.found or t.labelled:
        return None, ""
    note = (f" A warning, not a failure: {t.name!r} was found by its values, not named, and without a target a "
            f"repeated text may be an answer many rows share (--text-column {t.name} gates on it)."
            if levels.judge(observed) is Severity.FAIL else "")
    return Severity.WARN, note


def _format_errors(t: TextProfile, rules: Rules, results: Results) -> None:
    from dataaudit.profile.text import ERROR_KINDS

    unit = t.unit  # a line of a JSONL file, an item (0-based) of a JSON array
    for kind, count in t.errors.items():
        keys = t.error_keys.get(kind, {})
        label = "Missing keys" if kind == "field_missing" else "Keys"
        named = f" {label} ({unit}s): {quoted_counts(keys)}." if keys else ""
        if kind == "field_missing" and t.beside_missing:  # what those lines carry instead
            named += f" Keys beside the layout's ({unit}s): {quoted_counts(t.beside_missing)}"
            named += (": name the prompt and the answer with --prompt-key and --completion-key (a key inside an "
                      "object by its dotted path, data.prompt)."
                      if t.kind == "prompt-completion" else ".")
        results.judge(
            "text.format_errors", rules.max_format_error_share, count / t.records,
            f"{count:,} of {plural(t.records, unit)} ({pct(count, t.records)}): {ERROR_KINDS[kind]} ({kind}); "
            f"{verb(count, unit, f'first {unit}s')} {', '.join(map(str, t.error_lines.get(kind, [])[:5]))}."
            f"{named}",
            info_when_present=True, examples=t.error_lines.get(kind, []),
            details={"examples_are": f"{unit}s", "kind": kind, "lines": count, **({"keys": keys} if keys else {})},
            hint="Trainers reject such lines or silently skip them; `dataaudit clean` quarantines them.",
        )


def _metadata(t: TextProfile, results: Results) -> None:
    """Keys beside the layout's are reported, never judged: published datasets carry ids, sources
    and categories, and trainers reading only the layout's keys ignore them."""
    if not t.metadata:
        return
    results.add(
        "text.metadata", Severity.INFO,
        f"{len(t.metadata):,} top-level key{'s' if len(t.metadata) > 1 else ''} the {t.kind} layout does not read, "
        f"metadata rather than format errors (lines carrying each): {quoted_counts(t.metadata)}.",
        details={"keys": t.metadata},
        hint="`dataaudit clean` keeps them; `--strip-metadata` drops them from the cleaned file.",
    )


def _conflicts(t: TextProfile, rules: Rules, results: Results, column: str | None, unit: str, what: str) -> None:
    if t.kind == "preference":
        results.skip("text.conflicts", "a prompt has several pairs in a preference file by design "
                                       "(the preference.* checks judge the pairs)")
        return
    if t.kind == "column" and not t.labelled:
        results.skip("text.conflicts", "no target: a text column is checked for different labels only with one")
        return
    if t.kind == "column":
        message = (f"{plural(t.conflict_groups, 'text')} of {t.name!r} "
                   f"{verb(t.conflict_groups, 'occurs', 'occur')} with different labels: "
                   f"{plural(t.conflict_records, 'row')} ({pct(t.conflict_records, t.texts)}).")
    else:
        message = (f"{plural(t.conflict_groups, 'prompt')} {verb(t.conflict_groups, 'is', 'are')} answered "
                   f"differently by different {what}: "
                   f"{t.conflict_records:,} {what} ({pct(t.conflict_records, t.texts)}).")
    results.judge(
        "text.conflicts", rules.max_conflicting_share, t.conflict_records / t.texts, message,
        info_when_present=True, column=column,
        examples=[group[0] for group in t.conflict_examples],
        details={"examples_are": unit, "groups": t.conflict_groups, unit: t.conflict_records,
                 "examples": t.conflict_examples},
        hint="The same input with different targets teaches noise: keep one answer per prompt, or check the labels.",
    )


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0
