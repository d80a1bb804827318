"""The evaluation sets of an audit, indexed once before the pass: the `--eval-set` files, and
for a table with text columns its other splits, whose text columns are what a model trained on
the reference would be tested on."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from dataaudit.planning.capabilities import SPLITS, TEXT_FILE

if TYPE_CHECKING:
    from dataaudit.planning.plan import Plan


def with_eval_index(plan: Plan) -> Plan:
    """The plan with its evaluation index, carried by every text accumulator of the pass; the
    plan unchanged when there is nothing to compare (no evaluation set, or a table without text)."""
    options = plan.options
    columns = (*options.text_columns, *plan.auto_text)
    if not options.eval_sets and not (plan.kind == SPLITS and columns):
        return plan  # nothing to index: the text pass's matching code stays unloaded
    from dataaudit.text.audit import text_column_accumulators
    from dataaudit.text.contamination.eval_sets import read_eval_set, table_items
    from dataaudit.text.contamination.index import build_index
    from dataaudit.text.languages.settings import language_settings

    # read even when there is no text to compare them with: a wrong evaluation set is an error all the same
    sets = [read_eval_set(path, tuple(options.eval_fields), storage_options=options.storage_options)
            for path in options.eval_sets]
    if plan.kind != TEXT_FILE and not columns:
        return plan
    if plan.kind == SPLITS:
        o = options
        reading = {"delimiter": o.delimiter, "encoding": o.encoding, "storage_options": o.storage_options}
        sets += [table_items(data, columns, **reading) for data in list(plan.datasets.values())[1:]]
    if not sets:
        return plan
    pack = plan.pack
    rules = pack.checks.contamination
    index = build_index(sets, options.ngram or rules.ngram, rules.min_item_share, pack.checks.text.num_perm,
                        rules.near_duplicate_threshold)
    if plan.spec is None:
        return replace(plan, eval_index=index)
    texts = text_column_accumulators(columns, plan.target, pack.checks.text, options.tokenizer, eval_index=index,
                                     languages=language_settings(pack), phone_regions=pack.checks.pii.phone_regions,
                                     missing=pack.missing_values, found=plan.auto_text)
    return replace(plan, eval_index=index, spec=replace(plan.spec, texts=texts))
