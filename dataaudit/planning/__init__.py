"""The audit's plan: every option checked against what the input and the engine can do, before
anything is read.

`AuditOptions` holds what the caller asked for, `CAPABILITIES` says where each option applies
and which engines run it, and `plan_audit` resolves the input kind, the target, the ignored
columns and the profile spec, or raises `InputError` naming the option that does not fit, so an
option is never silently dropped and a refused combination never starts an engine. The clean is
planned the same way: `CleanOptions`, `CLEAN_CAPABILITIES` and `plan_clean`.
"""

from dataaudit.planning.capabilities import CAPABILITIES, CLEAN_CAPABILITIES, Capability
from dataaudit.planning.clean import CleanPlan, plan_clean
from dataaudit.planning.eval_sets import with_eval_index
from dataaudit.planning.options import AuditOptions, CleanOptions
from dataaudit.planning.plan import (
    Plan,
    ignored_late_keys,
    plan_audit,
    require_columns,
    with_free_text,
    with_roles,
)
from dataaudit.planning.time_column import with_time_column

__all__ = ["CAPABILITIES", "CLEAN_CAPABILITIES", "AuditOptions", "Capability", "CleanOptions", "CleanPlan", "Plan",
           "ignored_late_keys", "plan_audit", "plan_clean", "require_columns", "with_eval_index", "with_free_text",
           "with_roles", "with_time_column"]
