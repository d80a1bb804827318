"""Find, parse and validate rule packs, with errors that name the file and the line."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from dataaudit.errors import RulesError
from dataaudit.rules.model import RulePack
from dataaudit.rules.packs import shipped

MAX_PACK_BYTES = 1 << 20
Config = TypeVar("Config", bound=BaseModel)


class _UniqueKeys(yaml.constructor.SafeConstructor):
    """Refuses a key given twice in one mapping, which YAML forbids but PyYAML lets the last one
    win silently: a pack that sets `min_rows` twice would be audited with whichever came last.
    Only the construction of mappings changes; the scanner and parser stay libyaml's."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)  # type: ignore[call-arg]  # the loader's, next in the order of a loader class
        self._checked: set[int] = set()

    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        # every mapping passes here before `<<` merges rewrite its pairs (itself, or as merged
        # into another): the one moment its own keys are all there is
        if id(node) not in self._checked:
            self._checked.add(id(node))
            self._refuse_repeats(node)
        super().flatten_mapping(node)

    def _refuse_repeats(self, node: yaml.MappingNode) -> None:
        """Keys compared as the values they construct to (`'a'` and `a` are one key), as the
        mapping itself would; merge keys (`<<`) and keys that are not scalars are left to PyYAML."""
        first: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node)
            if key in first:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    f"duplicate key {key!r} (first on line {first[key].start_mark.line + 1}): a key is "
                    "given once in a mapping, else the last one would silently win", key_node.start_mark)
            first[key] = key_node


class _Loader(_UniqueKeys, yaml.SafeLoader):
    """PyYAML's own parser, for a document libyaml refuses (its error messages read better)."""


#: libyaml's parser where PyYAML was built with it: it parses the default pack several times faster
FAST_LOADER: type[Any] = type("_FastLoader", (_UniqueKeys, getattr(yaml, "CSafeLoader", yaml.SafeLoader)), {})


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
    path = Path(text)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return _load_file(path.stem, path)
    raise RulesError(f"unknown rule pack {text!r}; shipped packs are {', '.join(packs)}, or give a path to a YAML file")


def pack_sha256(rules: RulePack) -> str:
    """The digest of an in-memory pack: SHA-256 of its JSON dump with sorted keys and no
    spacing, so the same settings give the same digest in any process."""
    canonical = json.dumps(rules.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _load_file(name: str, path: Path) -> LoadedRules:
    """The digest is taken of the very bytes that are parsed: a file rewritten meanwhile cannot
    pair one version's settings with another's digest."""
    data = _read_pack(path)
    return LoadedRules(name, str(path), _parse_bytes(data, path), hashlib.sha256(data).hexdigest())


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
    return parse_config(text, name, RulePack, "a rule pack is a mapping of keys (description, target, checks, ...)")


def parse_config(text: str, name: str, model: type[Config], mapping: str) -> Config:
    """YAML `text` validated as `model`; a `RulesError` naming the file `name`, the line and the
    key of the first problem (`mapping` says what the file must be when it is no mapping)."""
    try:
        node, data = _compose_and_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark else name
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RulesError(f"{where}: invalid YAML: {problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise RulesError(f"{name}:1: {mapping}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = error["loc"]
        line = _line_of(node, loc)
        key = ".".join(str(part) for part in loc) or "(top level)"
        raise RulesError(f"{name}:{line}: {key}: {_describe(error)}") from None


def _compose_and_load(text: str) -> tuple[yaml.Node | None, Any]:
    """The document's node tree (for line numbers) and its data, from one parse by libyaml. A
    document libyaml refuses is parsed again by PyYAML's own parser, whose error names the problem
    in the words the messages have always used (libyaml words them differently)."""
    try:
        return _parse_with(FAST_LOADER, text)
    except yaml.YAMLError:
        return _parse_with(_Loader, text)


def _parse_with(loader_class: type[Any], text: str) -> tuple[yaml.Node | None, Any]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()


#: pydantic's errors for a value of the wrong YAML type: their message also shows what was given
_TYPE_ERRORS = frozenset({"float_type", "int_type", "bool_type", "string_type"})


def _describe(error: dict[str, Any]) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown key"
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] in _TYPE_ERRORS:
        return f"{message}, not {_given(error['input'])}"
    return message


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


def _line_of(node: yaml.Node | None, loc: tuple) -> int:
    """The line of the deepest YAML node on the error's path (1-based)."""
    line = node.start_mark.line + 1 if node is not None else 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if match is None:
                break
            key, node = match
            line = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def dump(rules: RulePack) -> str:
    """A pack as YAML, every level spelled out."""
    return yaml.safe_dump(rules.model_dump(mode="json"), sort_keys=False)
