"""The audit's plan: every option checked against what the input and the engine can do, before
anything is read.

`AuditOptions` holds what the caller asked for, `CAPABILITIES` says where each option applies
and which engines run it, and `plan_audit` resolves the input kind, the target, the ignored
columns and the profile spec, or raises `InputError` naming the option that does not fit, so an
option is never silently dropped and a refused combination never starts an engine.
"""

from dataaudit.planning.capabilities import CAPABILITIES, Capability
from dataaudit.planning.options import AuditOptions
from dataaudit.planning.plan import Plan, plan_audit, require_columns, with_free_text

__all__ = ["CAPABILITIES", "AuditOptions", "Capability", "Plan", "plan_audit", "require_columns",
           "with_free_text"]
