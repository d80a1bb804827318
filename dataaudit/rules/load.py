"""Find, parse and validate rule packs, with errors that name the file and the line."""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from dataaudit.errors import RulesError
from dataaudit.rules.model import RulePack
from dataaudit.rules.packs import known_profiles, shipped
from dataaudit.rules.parsed import parsed_pack

MAX_PACK_BYTES = 1 << 20
Config = TypeVar("Config", bound=BaseModel)


@dataclass(frozen=True)
class LoadedRules:
    """A pack as an audit or a clean used it. `sha256` names the pack by its content: the file's
    bytes (a shipped pack's too), or an in-memory pack's canonical JSON (`pack_sha256`), so a
    manifest identifies the pack wherever it moves, without recording a path that could leak a
    home folder."""

    name: str
    path: str | None
    rules: RulePack
    sha256: str


def load_rules(rules: str | Path | RulePack | None = "default") -> LoadedRules:
    """A shipped pack by name, a YAML file by path, or a `RulePack` as it is."""
    if rules is None:
        rules = "default"
    if isinstance(rules, RulePack):
        return LoadedRules("custom", None, rules, pack_sha256(rules))
    text = str(rules)
    packs = shipped()
    if text in packs:
        return _load_file(text, packs[text])
    choices = f"shipped packs are {', '.join(packs)}, or give a path to a YAML file"
    if not text.strip():  # an unset variable in a script (`--rules "$PACK"`), not the folder `.`
        raise RulesError(f"no rule pack named (an empty name); {choices}")
    path = Path(text)
    if _shipped_as_file(path, packs):
        raise RulesError(f"{path}: rule pack not found; the shipped pack is named {path.stem} (--rules {path.stem})")
    if path.suffix in (".yaml", ".yml") or path.exists():
        return _load_file(path.stem, path)
    raise RulesError(f"unknown rule pack {text!r}; {choices}")


def _shipped_as_file(path: Path, packs: dict[str, Path]) -> bool:
    """Whether `path` is a shipped pack's file name (`strict.yaml`) with no such file here: the
    shipped pack is meant, which is named without a suffix."""
    return path.suffix in (".yaml", ".yml") and path.parent == Path() and path.stem in packs and not path.exists()


def pack_sha256(rules: RulePack) -> str:
    """The digest of an in-memory pack: SHA-256 of its JSON dump with sorted keys and no
    spacing, so the same settings give the same digest in any process."""
    canonical = json.dumps(rules.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _load_file(name: str, path: Path) -> LoadedRules:
    """The digest is taken of the very bytes that are parsed: a file rewritten meanwhile cannot
    pair one version's settings with another's digest."""
    data = _read_pack(path)
    digest = hashlib.sha256(data).hexdigest()
    return LoadedRules(name, str(path), _parse_known(data, path, digest), digest)


def _parse_known(data: bytes, path: Path, digest: str) -> RulePack:
    """A shipped pack's bytes from their data parsed before (`dataaudit.rules.parsed`), without
    YAML; other bytes from their YAML, which also names the line of any problem."""
    known = parsed_pack(digest)
    if known is not None:
        try:
            return RulePack.model_validate(known)
        except ValidationError:
            pass  # the YAML's error names the line
    return _parse_bytes(data, path)


def parse_file(path: Path) -> RulePack:
    """A rule pack from its file."""
    return _parse_bytes(_read_pack(path), path)


def _read_pack(path: Path) -> bytes:
    """A pack's bytes; one larger than `MAX_PACK_BYTES` is refused before YAML parses it, since a
    parser building a huge document takes gigabytes and minutes."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_PACK_BYTES + 1)
    except FileNotFoundError:
        raise RulesError(f"{path}: rule pack not found") from None
    except OSError as exc:
        raise RulesError(f"{path}: cannot read rule pack: {exc.strerror or exc}") from None
    if len(data) > MAX_PACK_BYTES:
        raise RulesError(f"{path}: a rule pack is a config file of at most {MAX_PACK_BYTES >> 20} MiB; "
                         "this one is larger")
    return data


def _parse_bytes(data: bytes, path: Path) -> RulePack:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RulesError(f"{path}:{line}: cannot read rule pack: not UTF-8 text") from None
    return parse_text(text, str(path))


def parse_text(text: str, name: str) -> RulePack:
    return parse_config(text, name, RulePack, "a rule pack is a mapping of keys (description, target, checks, ...)",
                        "a rule pack", _unknown_profile)


def _unknown_profile(pack: RulePack) -> tuple[tuple[str, ...], str] | None:
    """A `checks.format.profile` that is neither a shipped profile nor a path to one: found when
    the pack is read, with its line, not only once a fine-tuning file is audited."""
    name = pack.checks.format.profile
    known = known_profiles()
    if name is None or name in known or Path(name).suffix in (".yaml", ".yml") or Path(name).exists():
        return None
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return ("checks", "format", "profile"), (f"unknown format profile {name!r}{hint}; known profiles are "
                                             f"{', '.join(known)}, or give a path to a YAML file")


def parse_config(text: str, name: str, model: type[Config], mapping: str, kind: str = "the file",
                 also: Callable[[Config], tuple[tuple[str, ...], str] | None] | None = None) -> Config:
    """YAML `text` validated as `model`; a `RulesError` naming the file `name`, the line and the
    key of the first problem (`mapping` says what the file must be when it is no mapping, `kind`
    names the file where an unknown top-level key lists the keys it takes; `also` finds a problem
    the model cannot see, as its key path and its message)."""
    from dataaudit.rules import yaml_text

    node, data = yaml_text.read(text, name)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise RulesError(f"{name}:1: {mapping}")
    if misread := yaml_text.misread_number(node):
        line, key, problem = misread
        raise RulesError(f"{name}:{line}: {key}: {problem}")
    try:
        config = model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = error["loc"]
        line = yaml_text.line_of(node, loc)
        key = ".".join(str(part) for part in loc) or "(top level)"
        raise RulesError(f"{name}:{line}: {key}: {_describe(error, model, kind)}") from None
    problem = also(config) if also is not None else None
    if problem is not None:
        where, message = problem
        raise RulesError(f"{name}:{yaml_text.line_of(node, where)}: {'.'.join(where)}: {message}")
    return config


#: pydantic's errors for a value of the wrong YAML type: their message also shows what was given
_TYPE_ERRORS = frozenset({"float_type", "int_type", "bool_type", "string_type", "enum", "literal_error"})


def _describe(error: dict[str, Any], model: type[BaseModel], kind: str) -> str:
    """One problem in words a pack's author acts on: an unknown key with the key it is likely a
    typo of, a value of the wrong shape with what goes there, never a class name of the code."""
    loc = tuple(error["loc"])
    if error["type"] == "extra_forbidden":
        return _unknown_key(str(loc[-1]), _keys_at(model, loc[:-1]), ".".join(map(str, loc[:-1])) or kind)
    if error["type"] in ("model_type", "dict_type") and (keys := _keys_at(model, loc)):
        return f"takes a mapping of {', '.join(keys)}, not {_given(error['input'])}"
    if error["type"] == "list_type":
        return f"takes a list, not {_given(error['input'])}"
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] in _TYPE_ERRORS:
        return f"{message}, not {_given(error['input'])}{_as_yaml_number(error['input'])}"
    return message


#: a number with an exponent as YAML 1.2, JSON and Python write it (`1e-3`), which YAML 1.1 reads
#: as text unless its mantissa has a dot and its exponent a sign (`1.0e-3`)
_EXPONENT = re.compile(r"(?P<mantissa>[-+]?[0-9]+(?:\.[0-9]*)?)(?P<e>[eE])(?P<exponent>[-+]?[0-9]+)")


def _as_yaml_number(given: object) -> str:
    """How to write text such as `1e-3` so that YAML reads a number: the pack's author wrote a
    number, and would otherwise be told a number is none."""
    match = _EXPONENT.fullmatch(given) if isinstance(given, str) else None
    if match is None:
        return ""
    mantissa = match["mantissa"] if "." in match["mantissa"] else match["mantissa"] + ".0"
    exponent = match["exponent"] if match["exponent"][0] in "+-" else "+" + match["exponent"]
    return (f": YAML 1.1 reads an exponent without a dot and a sign as text; write "
            f"{mantissa}{match['e']}{exponent}")


def _unknown_key(key: str, keys: list[str], where: str) -> str:
    """`unknown key`, with the key of the section one typo away (`max_mising_share`), else the
    keys the section takes, so the fix needs no look at the reference."""
    if not keys:
        return "unknown key"
    close = difflib.get_close_matches(key, keys, n=1)
    if close:
        return f"unknown key; did you mean {close[0]!r}?"
    return f"unknown key; {where} takes {', '.join(keys)}"


def _keys_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys of the section at `loc` in `model` (a path of keys as pydantic gives it), or
    none where the path leads to no section."""
    section: type[BaseModel] | None = model
    for part in loc:
        field = section.model_fields.get(str(part)) if section is not None else None
        section = _section_of(field.annotation) if field is not None else None
    return list(section.model_fields) if section is not None else []


def _section_of(annotation: Any) -> type[BaseModel] | None:
    """The section class an annotation holds: itself, or inside `Annotated` or `X | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (Annotated, Union, types.UnionType):
        return next((s for arg in get_args(annotation) if (s := _section_of(arg)) is not None), None)
    return None


def _given(value: object) -> str:
    """A wrongly typed value as the pack wrote it: `true` is YAML's boolean, `'5'` quoted text,
    which is the usual slip (a quoted number, or `yes` for a number)."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        shown = repr(value) if len(value) <= 40 else repr(value[:37] + "...")
        return f"the text {shown}"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    return f"the {type(value).__name__} {value}"  # a YAML date or timestamp


def dump(rules: RulePack) -> str:
    """A pack as YAML, every level spelled out."""
    from dataaudit.rules import yaml_text

    return yaml_text.dump(rules.model_dump(mode="json"))
