"""The text audit's two entry points: a fine-tuning JSONL file on its own, and text columns
of a table profiled in the table's own pass."""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dataaudit.errors import InputError
from dataaudit.io import COMPRESSED, FORMATS, Source, json_content, remote_input
from dataaudit.io.json_array import array_source, is_json_array
from dataaudit.io.lines import CHUNK_LINES, open_binary
from dataaudit.io.object_store import uri_protocol
from dataaudit.io.spool import read_once, readable_path
from dataaudit.pii.detect import DEFAULT_REGIONS
from dataaudit.text.formats import (
    CHAT,
    CHAT_KEYS,
    FORMAT_KINDS,
    INSTRUCTION_FIELDS,
    PREFERENCE,
    PREFERENCE_KEYS,
    PROMPT_COMPLETION,
    PROMPT_COMPLETION_KEYS,
    SHAREGPT,
    TABLE,
    TEXT_KINDS,
    detect_format,
)
from dataaudit.text.profiles import FormatProfile, load_profile
from dataaudit.text.validate import Layout

if TYPE_CHECKING:  # the pass's modules: loaded when a run profiles texts, not to plan a table's audit
    from dataaudit.checks.formats import Rules as FormatRules
    from dataaudit.checks.text import Rules
    from dataaudit.engines import Engine
    from dataaudit.profile.text import TextProfile
    from dataaudit.rules.load import LoadedRules
    from dataaudit.rules.model import MissingValues
    from dataaudit.text.accumulator import ColumnTexts
    from dataaudit.text.contamination.index import EvalIndex
    from dataaudit.text.languages.partial import LanguageSettings
    from dataaudit.text.partial import TextSpec
    from dataaudit.text.tokens import TokenCounter

#: the suffixes that name a table's format and nothing else (a `.txt` may hold JSON Lines)
NAMED_TABLES = frozenset({".csv", ".tsv", ".tab", ".psv", ".parquet", ".pq"})


def text_kind(data: Any, format_kind: str | None, pair: tuple[str, str] = PROMPT_COMPLETION_KEYS,
              storage_options: Mapping[str, Any] | None = None) -> str | None:
    """The fine-tuning layout to audit `data` as, or None to audit it as a table.

    A JSONL path is looked at when no kind is given (`pair`: its prompt and completion keys);
    `format_kind` forces one. A JSONL file in an object store (a URI, its filesystem configured
    by `storage_options`) is looked at in its local copy, the one the pass then reads.
    """
    if format_kind is not None and format_kind not in FORMAT_KINDS:
        raise InputError(f"format kind must be one of {', '.join(FORMAT_KINDS)}, not {format_kind!r}")
    if format_kind == TABLE or not isinstance(data, (str, Path)):
        if format_kind in TEXT_KINDS:
            raise InputError(f"--format-kind {format_kind} needs a JSONL file, not a {type(data).__name__}")
        return None
    path = Path(data)
    suffixes = [s.lower() for s in path.suffixes if s.lower() not in COMPRESSED]
    remote = uri_protocol(data) is not None and bool(suffixes) and FORMATS.get(suffixes[-1]) == "jsonl"
    if remote:
        opened = remote_input(str(data), storage_options)
        if isinstance(opened, Source):  # a folder named like a file: Parquet files, a table
            return None
        path = opened.path
    if format_kind in TEXT_KINDS and suffixes and suffixes[-1] in NAMED_TABLES:  # a `.txt` may hold anything
        raise InputError(f"{data}: --format-kind {format_kind} reads a JSONL file, and the name says "
                         f"{FORMATS[suffixes[-1]].upper()}; rename it .jsonl if it holds JSON Lines")
    if format_kind is not None:
        return _forced(format_kind, path)
    unnamed = (not suffixes or suffixes[-1] not in FORMATS) and path.suffix.lower() not in COMPRESSED
    if unnamed and (read_once(data) or path.is_file()):  # known by its first bytes, as the reader knows a table
        path = readable_path(data)
        try:
            with open_binary(path) as handle:
                if not json_content(handle.read(4096)):
                    return None
        except InputError:  # unreadable (a broken compressed stream): the reader says so, naming the input
            return None
    elif not path.is_file() or not suffixes or FORMATS.get(suffixes[-1]) != "jsonl":
        return None
    kind = detect_format(path, pair=pair, profiles=True)
    return None if kind == TABLE else kind


def _forced(format_kind: str, path: Path) -> str:
    """The kind `--format-kind` names; a chat file in ShareGPT's keys (a clean's second reading of
    a file the audit detected as one, or a user's `--format-kind chat`) is read as ShareGPT."""
    if format_kind == CHAT and path.is_file() and detect_format(path, profiles=True) == SHAREGPT:
        return SHAREGPT
    return format_kind


def text_layout(data: Any, format_kind: str | None, loaded: LoadedRules, prompt_key: str | None = None,
                completion_key: str | None = None, storage_options: Mapping[str, Any] | None = None,
                **format_options: Any) -> tuple[str | None, LoadedRules]:
    """The layout to audit `data` as, and the rules to audit it with.

    Keys named here (`--prompt-key`, `--completion-key`) replace the rule pack's and make the
    file a prompt/completion file: a HumanEval-style `prompt`/`canonical_solution` file has no
    `completion` to be detected by. Keys named only in the pack are used to detect the layout.
    `format_options` (`profile`, `epochs`, `price_per_million`) replace the pack's
    `checks.format` settings; a format profile, named either way, fixes the layout.
    """
    loaded = _with_format_options(loaded, format_options)
    profile = format_profile(loaded.rules.checks.format)
    if profile is not None:
        table = _table_format(data) if isinstance(data, (str, Path)) else type(data).__name__
        if table is not None:
            raise InputError(f"the {profile.name} format profile judges a JSONL or JSON file, not a {table}")
        if format_kind not in (None, profile.kind):
            raise InputError(f"the {profile.name} format profile reads a {profile.kind} file, not a {format_kind} one")
        format_kind = profile.kind
    named = {k: v for k, v in (("prompt_key", prompt_key), ("completion_key", completion_key)) if v is not None}
    if named:
        table = _table_format(data)
        if table is not None:
            raise InputError(f"{data}: --prompt-key and --completion-key name the keys of a JSONL file, "
                             f"not the columns of a {table.upper()} file (use --text-column)")
        if format_kind not in (None, PROMPT_COMPLETION):
            raise InputError(f"--prompt-key and --completion-key name the keys of a {PROMPT_COMPLETION} file, "
                             f"not of a {format_kind} one")
        format_kind = PROMPT_COMPLETION
        pack = loaded.rules
        checks = pack.checks.model_copy(update={"text": pack.checks.text.model_copy(update=named)})
        loaded = replace(loaded, rules=pack.model_copy(update={"checks": checks}))
    rules = loaded.rules.checks.text
    if rules.prompt_key == rules.completion_key:
        raise InputError(f"the prompt and the completion need two keys, not {rules.prompt_key!r} twice")
    kind = text_kind(data, format_kind, (rules.prompt_key, rules.completion_key), storage_options)
    if kind == SHAREGPT:  # detected by its keys: read through the profile named after it, unless one is named
        return CHAT, loaded if profile is not None else _with_format_options(loaded, {"profile": SHAREGPT})
    return kind, loaded


def _with_format_options(loaded: LoadedRules, options: dict[str, Any]) -> LoadedRules:
    named = {key: value for key, value in options.items() if value is not None}
    if not named:
        return loaded
    pack = loaded.rules
    checks = pack.checks.model_copy(update={"format": pack.checks.format.model_copy(update=named)})
    return replace(loaded, rules=pack.model_copy(update={"checks": checks}))


def format_profile(rules: FormatRules) -> FormatProfile | None:
    """The format profile the rules name, loaded (an `InputError` names a bad or unknown one)."""
    return None if rules.profile is None else load_profile(rules.profile)


def _table_format(data: Any) -> str | None:
    """`csv`, `tsv` or `parquet` when `data` is a path named like a table file, else None."""
    if not isinstance(data, (str, Path)):
        return None
    suffixes = [s.lower() for s in Path(data).suffixes]
    if suffixes and suffixes[-1] in COMPRESSED:
        suffixes.pop()
    fmt = FORMATS.get(suffixes[-1]) if suffixes else None
    return fmt if fmt in ("csv", "tsv", "parquet") else None


def text_spec(name: str, kind: str, rules: Rules, counter: TokenCounter, unit: str, labelled: bool = False,
              examples: int = 20, profile: FormatProfile | None = None,
              languages: LanguageSettings | None = None,
              phone_regions: tuple[str, ...] = DEFAULT_REGIONS) -> TextSpec:
    from dataaudit.text.partial import TextSpec

    layout = layout_of(kind, rules, profile) if kind in TEXT_KINDS else None
    return TextSpec(name=name, kind=kind, unit=unit, layout=layout, max_tokens=rules.max_tokens,
                    near_threshold=rules.near_duplicate_threshold, num_perm=rules.num_perm,
                    outlier_iqr=rules.length_outlier_iqr, labelled=labelled, examples=examples, counter=counter,
                    profile=profile, languages=languages, phone_regions=phone_regions)


def layout_of(kind: str, rules: Rules, profile: FormatProfile | None = None) -> Layout:
    """What a line of a `kind` file must look like under `rules`; under a format `profile`, the
    profile's keys and roles, its rules judging the rest (`format.rules`)."""
    if profile is not None:
        return _profile_layout(kind, rules, profile)
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    if kind == PROMPT_COMPLETION:
        required = (rules.prompt_key, rules.completion_key)
    elif kind not in (CHAT, PREFERENCE):
        required, optional = INSTRUCTION_FIELDS
    own = frozenset(CHAT_KEYS if kind == CHAT else PREFERENCE_KEYS if kind == PREFERENCE else (*required, *optional))
    allowed = None if rules.allowed_keys is None else frozenset(rules.allowed_keys) | own
    return Layout(kind, own, allowed, frozenset(rules.allowed_message_keys), frozenset(rules.allowed_roles),
                  required, optional)


def _profile_layout(kind: str, rules: Rules, profile: FormatProfile) -> Layout:
    """Every key and role the profile allows is the layout's own, so the layout check reads the
    examples and the profile's rules alone say what is wrong with them."""
    required = tuple(profile.required_keys) if kind == PROMPT_COMPLETION else ()
    return Layout(kind, frozenset(profile.allowed_keys), None, frozenset(profile.message_keys),
                  frozenset(profile.roles), required, messages_key=profile.conversation or "messages",
                  role_key=profile.role_key, content_key=profile.content_key, parts=tuple(profile.roles.items()))


def profile_text_file(path: str | Path, kind: str, rules: Rules, tokenizer: str | Path | None = None,
                      chunk_lines: int | None = None, examples: int = 20, engine: Engine | None = None,
                      profile: FormatProfile | None = None, eval_index: EvalIndex | None = None,
                      languages: LanguageSettings | None = None,
                      phone_regions: tuple[str, ...] = DEFAULT_REGIONS) -> TextProfile:
    """One pass over a fine-tuning JSONL file in bounded memory, run by `engine` (default: the
    local one, in this process); `examples` caps the example lines kept per finding (raise it to
    get every near copy); `profile` is the format profile its lines are judged against;
    `eval_index`, the evaluation sets its examples are matched against. A JSON
    file holding one array is parsed whole in this process, its items then checked in chunks on
    the local engine (its `--jobs` workers; Spark reads only what it opens itself, line by line)
    and numbered by their index."""
    from dataaudit.engines import get_engine
    from dataaudit.text.accumulator import ArrayItems, FileLines
    from dataaudit.text.tokens import token_counter

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    array = is_json_array(path)
    spec = replace(text_spec(str(path), kind, rules, token_counter(tokenizer), unit="item" if array else "line",
                             examples=examples, profile=profile, languages=languages, phone_regions=phone_regions),
                   eval_index=eval_index)
    runner = engine if engine is not None else get_engine("local")
    if array:
        runner = runner if runner.name == "local" else get_engine("local")
        source = array_source(path, chunk_lines or CHUNK_LINES)
        create = ArrayItems.create
    else:
        source = runner.open_lines(path, **({"chunk_lines": chunk_lines} if chunk_lines else {}))
        create = FileLines.create
    lines: FileLines = runner.accumulate(source, functools.partial(create, spec))
    if not lines.partial.records:
        raise InputError(f"{path}: the file is empty")
    return lines.extract()


def text_column_accumulators(columns: Iterable[str], target: str | None, rules: Rules,
                             tokenizer: str | Path | None = None,
                             eval_index: EvalIndex | None = None,
                             languages: LanguageSettings | None = None,
                             phone_regions: tuple[str, ...] = DEFAULT_REGIONS,
                             missing: MissingValues | None = None,
                             found: Collection[str] = ()) -> tuple[Callable[[], ColumnTexts], ...]:
    """What makes the accumulators of a table's text columns (and the target, when labelled),
    carried by the table's `ProfileSpec` so that one pass profiles the table and its texts;
    `eval_index`, the evaluation sets their texts are matched against; `missing`, the rule
    pack's missing values, whose tokens are no texts; `found`, the columns found by their
    values rather than named, whose repeats the checks judge more gently. A table without text
    columns loads none of the text pass (a tokenizer named is still read, to refuse a bad one)."""
    columns = tuple(columns)
    if not columns and tokenizer is None:
        return ()
    from dataaudit.text.accumulator import ColumnTexts
    from dataaudit.text.tokens import token_counter

    counter = token_counter(tokenizer)
    return tuple(functools.partial(ColumnTexts.create, replace(text_spec(c, "column", rules, counter, unit="row",
                                                                         labelled=target is not None,
                                                                         languages=languages,
                                                                         phone_regions=phone_regions),
                                                               eval_index=eval_index, found=c in found), target,
                                   missing)
                 for c in columns)
