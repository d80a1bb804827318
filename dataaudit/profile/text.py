"""The extracted text profile: plain facts about the texts of one file or column."""

from __future__ import annotations

from dataclasses import dataclass, field

from dataaudit.profile.contamination import ContaminationProfile
from dataaudit.profile.finetune import PairProfile, ProfileRules
from dataaudit.profile.languages import LanguageProfile
from dataaudit.profile.pii import PiiProfile
from dataaudit.profile.text_lengths import LengthSummary

#: Error kind -> what it means, in the order reports list them.
ERROR_KINDS = {
    "blank_line": "blank line",
    "not_utf8": "not valid UTF-8 text",
    "not_json": "not valid JSON",
    "not_object": "not a JSON object",
    "duplicate_key": "a key given twice in one JSON object (readers disagree on which value counts)",
    "messages_missing": "no 'messages' key",
    "messages_not_list": "'messages' is not a list",
    "field_missing": "a required key is missing (prompt/completion, instruction/output)",
    "field_not_text": "a prompt, completion, instruction, input or output that is not a string",
    "message_not_object": "a message that is not a JSON object",
    "message_missing_field": "a message without a 'role', or whose 'content' is missing or null (and it calls no tool)",
    "content_not_text": "message content that is neither a string nor a list of text parts",
    "tool_calls_not_list": "a message's 'tool_calls' that is not a list of call objects, or a 'function_call' that "
                           "is not an object",
    "tool_without_call": "a tool message that answers no call: no assistant message calling a tool comes before it",
    "unknown_key": "a key outside the allowed keys (in a message, or at the top when the rule pack lists them)",
    "unknown_role": "a role outside the allowed roles",
    "empty_content": "empty or whitespace-only content",
    "no_assistant": "a conversation without an assistant message",
    "ends_on_user": "a conversation ending on a user turn",
    "consecutive_user": "two user turns in a row",
    "system_not_first": "a system message that is not the first message",
    "side_not_assistant": "a chosen or rejected side whose last message is not the assistant's",
}


@dataclass(frozen=True)
class TextProfile:
    """One fine-tuning file (`kind` chat, prompt-completion or instruction; `numbers` are
    1-based file lines) or one text column of a table (`kind` column; `numbers` are 0-based data
    rows). `records` counts lines or cells; `texts` those with text to measure. `error_keys`
    counts, per error kind, the lines naming each key; `metadata` the lines carrying each
    top-level key the layout does not read."""

    name: str
    kind: str
    unit: str
    records: int
    texts: int
    errors: dict[str, int]
    error_lines: dict[str, list[int]]
    error_records: int
    error_keys: dict[str, dict[str, int]]
    metadata: dict[str, int]
    messages: int
    roles: dict[str, int]
    lengths: dict[str, LengthSummary]
    tokenizer: str
    tokens_estimated: bool
    max_tokens: int
    over_limit: int
    over_limit_lines: list[int]
    empty: int
    empty_lines: list[int]
    markup: int
    markup_kinds: dict[str, int]
    markup_lines: list[int]
    duplicates: int
    duplicate_examples: list[tuple[int, int]]
    near_duplicates: int
    near_duplicate_clusters: int
    near_duplicate_examples: list[tuple[int, int]]
    near_threshold: float
    conflict_groups: int
    conflict_records: int
    conflict_examples: list[list[int]]
    length_outliers: int
    length_outlier_lines: list[int]
    length_bounds: tuple[int, int] | None
    labelled: bool = False
    #: a table's text column found by its values, not named (`TextSpec.found`)
    found: bool = False
    template: TemplateProfile | None = None
    #: tokens of every sequence a trainer reads added up (counted by `tokenizer`; a preference
    #: pair's prompt with each of its answers): what one epoch trains on
    tokens_total: int = 0
    format_rules: ProfileRules | None = None
    pairs: PairProfile | None = None
    contamination: ContaminationProfile | None = None
    languages: LanguageProfile | None = None
    pii: PiiProfile | None = None
    #: the lines carrying each key beside the layout's, among those missing one of its keys
    beside_missing: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class TemplateProfile:
    """A fine-tuning file's conversations rendered through a tokenizer's chat template: `rendered`
    examples (those the template did not refuse; a preference pair is one, measured by its longer
    side); `lengths` of them in tokens (`tokens` template tokens included,
    `trainable` assistant tokens left within `max_length`, `over_by` the tokens past it of the
    `over` examples longer); `roles` the tokens of message texts by role; `untrained` examples
    left with no trainable token (counted only when the template `marks_assistant`); `errors`
    the template's messages with their counts and first lines."""

    marks_assistant: bool
    max_length: int
    rendered: int
    lengths: dict[str, LengthSummary]
    roles: dict[str, LengthSummary]
    over: int
    over_lines: list[int]
    untrained: int
    untrained_lines: list[int]
    errors: dict[str, int]
    error_lines: dict[str, list[int]]
    #: the tokens a trainer reads of the rendered examples: a preference pair's two sequences both
    read: int = 0
