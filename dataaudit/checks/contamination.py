"""Evaluation data in the training texts (`--eval-set`): items of a benchmark or a test split
copied into the examples a model trains on, which makes its score on them a memory test.

Each training example (a line of a fine-tuning file, a cell of a text column) is compared with
every item of every evaluation set. A copy is `exact` (the normalised texts are equal: lower
case, punctuation and spacing dropped) or `ngram` (word n-grams of `ngram` words, 13 by default,
shared with the item cover at least `min_item_share` of its words, or of one of its fields or
messages on its own; an item or field shorter than `ngram` words must appear whole, an item of
fewer than 5 different words ("Paris") only as a whole text or side, an exact copy, and a field
of fewer than 5 different words, or one that several items share, counts only within its item);
a `near` copy is one whose estimated Jaccard similarity of word 3-grams (the MinHash the text
audit keeps) reaches `near_duplicate_threshold` without being a copy. Each is counted once, under its
strongest kind, per evaluation set: the items found, and the training examples holding them, by
kind and by side (prompt, answer or both; text for a column).

Levels: by default any copied item fails the gate (`max_copied_share` fail 0). Unlike a
duplicate, which weighs an example twice, one copied item is a wrong benchmark number on that
item, and a 13-word overlap covering half an item is not chance: there is no harmless amount.
Near copies only warn (`max_near_share` warn 0): an estimate over shingles, they include
reworded items that a person should look at before calling the benchmark spoiled.
"""

from __future__ import annotations

from collections import Counter
from pathlib import PurePath
from typing import TYPE_CHECKING

from pydantic import Field

from dataaudit.checks.base import Results, pct
from dataaudit.checks.registry import EVERY_KIND, Check, NoEquivalent
from dataaudit.levels import MaxShareLevels, Number, Section, Whole
from dataaudit.report.repository import repository_place
from dataaudit.wording import plural, verb

if TYPE_CHECKING:
    from collections.abc import Iterable

    from dataaudit.profile.contamination import EvalSetMatches
    from dataaudit.profile.model import Profile
    from dataaudit.profile.text import TextProfile

CHECKS = (
    Check("contamination.eval_overlap", "No item of an evaluation set (--eval-set) is copied into the training texts, "
                                        "whole, in part or nearly.", "contamination",
          ("max_copied_share", "max_near_share", "ngram", "min_item_share", "near_duplicate_threshold"),
          NoEquivalent("GX validates one table's columns; it does not compare them with another dataset's texts"),
          needs=frozenset({"text"}), applies_to=EVERY_KIND),
)
NO_EVAL_SET = "no evaluation set: name one with --eval-set (a --split of a table with text columns counts as one)"


class Rules(Section):
    ngram: Whole = Field(default=13, ge=1, description="Words per n-gram shared with an evaluation item.")
    min_item_share: Number = Field(default=0.5, gt=0, le=1,
                                  description="Share of an item's words the shared n-grams must cover to call it "
                                              "copied.")
    near_duplicate_threshold: Number = Field(default=0.8, gt=0, le=1,
                                            description="Estimated Jaccard similarity of word 3-grams at which an "
                                                        "example is a near copy of an item.")
    max_copied_share: MaxShareLevels = MaxShareLevels(fail=0)
    max_near_share: MaxShareLevels = MaxShareLevels(warn=0)


def run(profile: Profile, rules: Rules, results: Results) -> None:
    judged = [t for t in profile.text if t.contamination is not None]
    if not judged:
        results.skip("contamination.eval_overlap", NO_EVAL_SET if profile.text else
                     "no text to compare with an evaluation set: give a fine-tuning file, or name text columns "
                     "with --text-column")
        return
    for text in judged:
        assert text.contamination is not None
        names = Counter(PurePath(found.name).name for found in text.contamination.sets)
        for found in text.contamination.sets:
            _judge(text, found, rules, results, names[PurePath(found.name).name] > 1)


def _judge(t: TextProfile, s: EvalSetMatches, rules: Rules, results: Results, name_shared: bool) -> None:
    """`name_shared`: another evaluation set of the run has the file name of this one
    (`gsm8k/test.jsonl`, `mmlu/test.jsonl`), so its finding is told apart by the file's place
    (`eval_file`, read by the fingerprint); a set of a name of its own is known by it, the same
    wherever the file lies (a local copy, the store's, another checkout)."""
    assert t.contamination is not None
    column = t.name if t.kind == "column" else None
    where = f"texts of {t.name!r}" if column else "training examples"
    one_of_them = f"text of {t.name!r}" if column else "training example"
    copied = s.items_by_kind["exact"] + s.items_by_kind["ngram"]
    near = s.items_by_kind["near"]
    details = {"eval_set": s.name, **({"eval_file": repository_place(s.name)} if name_shared else {}),
               "fields": s.fields, "items": s.items, "examples_are": f"{t.unit}s"}
    if copied or not near:
        copies = [m for m in s.examples if m.kind != "near"]
        holding = s.examples_by_kind["exact"] + s.examples_by_kind["ngram"]
        example = (f" E.g. {t.unit} {copies[0].example} holds item {copies[0].item}: \"{copies[0].excerpt}\"."
                   if copies else "")
        results.judge(
            "contamination.eval_overlap", rules.max_copied_share, copied / s.items if s.items else 0.0,
            f"{copied:,} of {plural(s.items, 'item')} of {s.name} ({pct(copied, s.items)}) "
            f"{verb(copied, 'is', 'are')} copied into the {where}: {s.items_by_kind['exact']:,} exactly, "
            f"{s.items_by_kind['ngram']:,} by shared words ({_runs(t.contamination.ngram, t.contamination.min_share)});"
            f" "
            f"{plural(holding, one_of_them, where)} {verb(holding, 'holds', 'hold')} "
            f"{verb(copied, 'it', 'them')} (by side: {_sides(s)})."
            f"{example}",
            column=column, examples=_distinct(m.example for m in copies),
            details={**details, "kind": "copied", "items_matched": copied, "examples_matched": holding,
                     "matches": [[m.example, m.item, m.kind, m.side, m.share, m.excerpt] for m in copies]},
            hint="A score on a copied item measures memory: drop the examples from training (or the items from "
                 "the evaluation) before training.",
        )
    if near:
        nearly = [m for m in s.examples if m.kind == "near"]
        results.judge(
            "contamination.eval_overlap", rules.max_near_share, near / s.items,
            f"{near:,} of {plural(s.items, 'item')} of {s.name} ({pct(near, s.items)}) "
            f"{verb(near, 'has', 'have')} a near copy among the {where} (estimated Jaccard similarity of word "
            f"3-grams >= {t.contamination.near_threshold:g}).",
            column=column, examples=_distinct(m.example for m in nearly),
            details={**details, "kind": "near", "items_matched": near, "examples_matched": s.examples_by_kind["near"],
                     "matches": [[m.example, m.item, m.share] for m in nearly]},
            hint="A reworded benchmark item still teaches its answer: review the examples named.",
        )


def _runs(ngram: int, min_share: float) -> str:
    """What an n-gram copy is, said so that it holds for a short item, found whole, as well."""
    return (f"{ngram}-word runs covering at least {min_share:.0%} of the item or of one of its fields, "
            f"or, if shorter than {ngram} words and of 5 different words or more, the item or a field whole")


def _distinct(examples: Iterable[int]) -> list[int]:
    """Each example once, in order: one holding several items is one line (or row) to look at."""
    return list(dict.fromkeys(examples))


def _sides(s: EvalSetMatches) -> str:
    return ", ".join(f"{side} {n:,}" for side, n in s.examples_by_side.items()) or "none"
