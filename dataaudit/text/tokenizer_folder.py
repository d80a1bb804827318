"""A tokenizer folder as model hubs ship it, read from disk (nothing is downloaded).

`tokenizer.json` is the tokenizer; `tokenizer_config.json` holds the chat template
(`chat_template`, a string or a list of named templates of which the `default` one is used)
and the special tokens the template reads (`bos_token`, `eos_token`, ...), which
`special_tokens_map.json` completes; newer folders keep the template in `chat_template.jinja`.
A folder without a template still counts exactly, message by message.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dataaudit.errors import InputError
from dataaudit.text.chat_template import ChatTemplate, check_syntax
from dataaudit.text.message_tokens import reads_messages
from dataaudit.text.template_counter import TemplateCounter
from dataaudit.text.tokens import TokenCounter, load_tokenizer

TOKENIZER_FILE = "tokenizer.json"
CONFIG_FILE = "tokenizer_config.json"
SPECIAL_TOKENS_FILE = "special_tokens_map.json"
TEMPLATE_FILE = "chat_template.jinja"


def folder_counter(folder: Path) -> TokenCounter:
    """The exact counter of `folder`, through its chat template when it has one."""
    tokenizer_file = folder / TOKENIZER_FILE
    if not tokenizer_file.is_file():
        raise InputError(f"{folder}: no {TOKENIZER_FILE} in this tokenizer folder (a model's folder holds "
                         f"{TOKENIZER_FILE} and {CONFIG_FILE}; dataaudit never downloads one)")
    tokenizer = load_tokenizer(tokenizer_file)
    config = _json_object(folder / CONFIG_FILE)
    source, where = _template_source(folder, config)
    if source is None:
        return TokenCounter(f"tokenizer {folder.name} (no chat template)", estimated=False, tokenizer=tokenizer)
    problem = check_syntax(source)
    if problem is not None:
        raise InputError(f"{where}: {problem}")
    special = _special_tokens(config, _json_object(folder / SPECIAL_TOKENS_FILE))
    return TemplateCounter(f"tokenizer {folder.name} with its chat template", estimated=False, tokenizer=tokenizer,
                           template=ChatTemplate(source, special), reads_messages=reads_messages(tokenizer),
                           added=frozenset(tokenizer.get_added_tokens_decoder()))


def _json_object(path: Path) -> dict[str, Any]:
    """The JSON object in `path`; {} when the folder has no such file."""
    if not path.is_file():
        return {}
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: line {exc.lineno}, column {exc.colno}: not valid JSON: {exc.msg}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read: {exc}") from None
    if not isinstance(value, dict):
        raise InputError(f"{path}: holds a JSON {type(value).__name__}, not an object")
    return value


def _template_source(folder: Path, config: dict[str, Any]) -> tuple[str | None, Path]:
    """The chat template and the file it came from."""
    where = folder / CONFIG_FILE
    template = config.get("chat_template")
    if isinstance(template, list):
        named = {t.get("name"): t.get("template") for t in template if isinstance(t, dict)}
        template = named.get("default")
        if template is None:
            raise InputError(f"{where}: chat_template lists {', '.join(map(str, named))} but no 'default' template")
    if template is None and (folder / TEMPLATE_FILE).is_file():
        where = folder / TEMPLATE_FILE
        try:
            template = where.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{where}: cannot be read: {exc}") from None
    if template is not None and not isinstance(template, str):
        raise InputError(f"{where}: chat_template is a JSON {type(template).__name__}, not a string")
    return template, where


def _special_tokens(config: dict[str, Any], special_map: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """`bos_token`, `eos_token` and the other `*_token` names with their text (written as a
    string or as `{"content": ...}`), the config's first."""
    found: dict[str, str] = {}
    for source in (special_map, config):
        for name, value in source.items():
            text = value.get("content") if isinstance(value, dict) else value
            if name.endswith("_token") and isinstance(text, str):
                found[name] = text
    return tuple(sorted(found.items()))
