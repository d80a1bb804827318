"""Provider and trainer format profiles: what one fine-tuning service or trainer accepts, as data.

A profile is a YAML file in `rules/formats/` (or any path the user gives): the keys a line may
carry, the roles and their order, where a system prompt goes, the weight key, tool calls, the
per-example token limit and the example counts. Stating them as data keeps each rule next to the
provider's documentation it comes from (a comment in the file), and lets a user describe their
own trainer without code. `dataaudit.text.conformance` judges lines against one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dataaudit.errors import InputError
from dataaudit.levels import Flag, Number, Whole
from dataaudit.rules.load import parse_config
from dataaudit.rules.packs import known_profiles
from dataaudit.text.formats import CHAT, PREFERENCE

#: The part each role plays, whatever a format calls it (ShareGPT's `human` is a `user`).
PARTS = ("system", "user", "assistant", "tool")
MAX_PROFILE_BYTES = 1 << 16


class WeightRule(BaseModel):
    """A per-message key that says whether the message is trained on (OpenAI's `weight`)."""

    model_config = ConfigDict(extra="forbid")
    key: str = Field(min_length=1)
    values: list[Number] = Field(min_length=1)
    roles: list[Literal["system", "user", "assistant", "tool"]] = Field(min_length=1)


class FormatProfile(BaseModel):
    """One profile file. `roles` maps each role as written to its part; `conversation` is the
    dotted path of the message list the role rules read (`input.messages` in OpenAI's DPO
    format), and `sides` the chosen and rejected keys of a preference format."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    description: str = Field(min_length=1)
    kind: Literal["chat", "prompt-completion", "preference"]
    required_keys: list[str] = Field(min_length=1)
    allowed_keys: list[str] = Field(min_length=1)
    other_keys: Flag = Field(False, description="Top-level keys beyond allowed_keys are metadata the trainer "
                                                "ignores, not errors (a dataset's extra columns).")
    conversation: str | None = None
    role_key: str = "role"
    content_key: str = "content"
    message_keys: list[str] = Field(default_factory=lambda: ["role", "content"])
    content_parts: Flag = Field(False, description="Content may be a list of parts ({type: text, text: ...}).")
    text_or_messages: Flag = Field(False, description="Prompt, completion and sides may be a string or a list "
                                                      "of messages.")
    roles: dict[str, Literal["system", "user", "assistant", "tool"]] = Field(min_length=1)
    alternate: Flag = Field(False, description="User and assistant turns alternate, tool messages aside.")
    first_roles: list[Literal["system", "user", "assistant", "tool"]] = Field(min_length=1)
    last_roles: list[Literal["system", "user", "assistant", "tool"]] = Field(min_length=1)
    system: Literal["first", "top_level", "anywhere"] = "first"
    system_key: str | None = None
    sides: tuple[str, str] | None = None
    side_messages: Whole | None = Field(None, gt=0, description="Each side is a list of exactly this many "
                                                              "assistant messages.")
    weight: WeightRule | None = None
    tool_calls: Flag = False
    max_tokens_per_example: Whole | None = Field(None, gt=0)
    min_examples: Whole | None = Field(None, ge=1)
    max_examples: Whole | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _consistent(self) -> FormatProfile:
        missing = [key for key in self.required_keys if key not in self.allowed_keys]
        if missing:
            raise ValueError(f"required keys {missing} are not among allowed_keys")
        if self.kind == PREFERENCE and self.sides is None:
            raise ValueError("a preference profile names its chosen and rejected keys (sides)")
        if self.kind == CHAT and self.conversation is None:
            raise ValueError("a chat profile names the key of its message list (conversation)")
        if self.system == "top_level" and self.system_key is None:
            raise ValueError("system: top_level needs the system_key that holds it")
        if self.min_examples and self.max_examples and self.min_examples > self.max_examples:
            raise ValueError(f"min_examples {self.min_examples} is above max_examples {self.max_examples}")
        return self


def load_profile(name_or_path: str | Path) -> FormatProfile:
    """A shipped profile by name or a profile file by path; a bad one is an `InputError` naming
    the file and the field, an unknown name one listing the shipped profiles."""
    text = str(name_or_path)
    known = known_profiles()
    if text in known:
        return parse_profile(known[text])
    path = Path(text)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return parse_profile(path)
    raise InputError(f"unknown format profile {text!r}; known profiles are {', '.join(known)}, "
                     "or give a path to a YAML file")


def parse_profile(path: Path) -> FormatProfile:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_PROFILE_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{path}: cannot read format profile: {exc.strerror or exc}") from None
    if len(data) > MAX_PROFILE_BYTES:
        raise InputError(f"{path}: a format profile is a small YAML file of at most {MAX_PROFILE_BYTES >> 10} KiB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path}: a format profile is YAML text, not UTF-8 here") from None
    return parse_config(text, str(path), FormatProfile,
                        "a format profile is a mapping of keys (name, kind, roles, ...)", "a format profile")
