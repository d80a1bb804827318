"""Rule packs and format profiles read as YAML: their data, and the lines that errors name.

Apart from the loader so that a pack read without YAML (a shipped one, `dataaudit.rules.parsed`)
does not import PyYAML, about 12 ms of every audit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml

from dataaudit.errors import RulesError


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


def read(text: str, name: str) -> tuple[yaml.Node | None, Any]:
    """The document's node tree and its data; a `RulesError` naming the file `name` and the line
    where the text is no valid YAML."""
    try:
        return _compose_and_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark else name
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RulesError(f"{where}: invalid YAML: {problem}") from None
    except RecursionError:  # PyYAML composes a node tree by recursion, a level of nesting a call
        raise RulesError(f"{name}:{_too_deep(text)}: invalid YAML: nested more than {MAX_DEPTH} levels deep; "
                         "a config file nests a few") from None


#: the deepest nesting a line is named for: a rule pack nests four levels (checks.missing.max_column_share.warn)
MAX_DEPTH = 100


def _too_deep(text: str) -> int:
    """The line where the nesting passes `MAX_DEPTH`, from the parser's events, which it yields
    one by one without the recursion that composing a tree takes (or where libyaml's scanner,
    reading ahead, stops at its own limit of nesting)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark.line + 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return mark.line + 1 if mark else 1
    return 1


def dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False)


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


def line_of(node: yaml.Node | None, loc: tuple) -> int:
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


#: plain scalars YAML 1.1 reads as numbers in another base: sexagesimal (`1:10` is 70) and octal
#: (`020` is 16); hexadecimal (`0x10`) says its base, so it is read as written
_OTHER_BASE = {"base-60": re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?"),
               "octal": re.compile(r"[-+]?0[0-7_]+")}
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


def misread_number(node: yaml.Node | None) -> tuple[int, str, str] | None:
    """The first plain scalar that YAML 1.1 reads as a number in another base, as its line, its
    key path and what it reads as: `ratio: 1:10` would silently be 70, and `min_rows: 020` 16,
    levels nobody wrote. Quoted, such text stays text."""
    for line, path, scalar in _scalars(node, (), set()):
        if scalar.tag not in _NUMBER_TAGS or scalar.style:
            continue
        base = next((name for name, pattern in _OTHER_BASE.items() if pattern.fullmatch(scalar.value)), None)
        if base is not None:
            value = yaml.constructor.SafeConstructor().construct_object(scalar)
            meant = "a ratio of 1:10 as 10" if base == "base-60" else "the number without its leading zero"
            return line, ".".join(map(str, path)), (
                f"{scalar.value} reads as the {base} number {value} in YAML 1.1; write {meant}, or quote it "
                "for text")
    return None


def _scalars(node: yaml.Node | None, path: tuple, seen: set[int]) -> Iterator[tuple[int, tuple, yaml.ScalarNode]]:
    """Every scalar value under `node` with its line and key path; a node an alias repeats is
    visited once, so an alias bomb costs no more than its text."""
    if node is None or id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        yield node.start_mark.line + 1, path, node
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _scalars(value, (*path, key.value), seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _scalars(item, (*path, index), seen)
