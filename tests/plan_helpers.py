"""The law both capability tables hold, asserted once for the audit's plan and the clean's."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest

from dataaudit.errors import InputError
from dataaudit.planning import Capability
from dataaudit.planning.capabilities import TEXT_FILE


def assert_a_chat_plan_fails_on_the_first_option_refused(plan: Callable[[Any], Any], options: Any,
                                                         capabilities: Mapping[str, Capability]) -> None:
    """`plan(options)` of a chat file plans a text file when the table refuses none of the
    options given, and otherwise fails naming the first of them, as both spellings."""
    refused = [n for n in options.given() if TEXT_FILE not in capabilities[n].runs]
    if not refused:
        assert plan(options).kind == TEXT_FILE
        return
    with pytest.raises(InputError) as raised:
        plan(options)
    assert str(raised.value).startswith(f"{options.data}: {capabilities[refused[0]].spelled(refused[0])} "
                                        "does not apply to a chat JSONL file")
