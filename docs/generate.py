"""Writes the parts of the documentation that the code already states: the check reference (from
the check registry), the rule-pack reference (from the typed rule pack, with the comments of
`rules/default.yaml`) and each command's options (from click's own `--help`).

A page asks for a part with a pair of markers, and everything between them is rewritten:

    <!-- generated: checks -->
    <!-- end generated -->

The parts are committed rather than made while the site builds, so the pages read the same on
GitHub as on the site and a change to a check, a rule or an option shows in the diff of the page
it changes; `tests/test_docs.py` fails, naming this script, when a committed part is stale.

    python docs/generate.py          # rewrite every part
    python docs/generate.py --check  # list the stale pages, exit 1 if any
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
DEFAULT_PACK = ROOT / "rules" / "default.yaml"
PART = re.compile(r"(<!-- generated: (?P<name>[a-z ]+) -->\n)(?P<body>.*?)(<!-- end generated -->)", re.S)

#: What a check's statistics ask of the input or the command line, in the reader's words.
STATISTIC_NEEDS = {
    "quantiles": "numeric percentiles (a quantile sketch kept while a check reading it is on)",
    "splits": "splits to compare (`--split NAME=PATH`)",
    "text": "text: a fine-tuning JSONL file, or a table's text columns",
    "label_quality": "the label model (`--label-noise`)",
    "sample": "the pass's row sample",
    "periods": "a time column (found in the first rows, or `--time-column`)",
}
#: What a family's checks ask beyond their statistics, where the registry's fields do not say it.
SECTION_NEEDS = {
    "chat_template": "a tokenizer folder with a chat template (`--tokenizer FOLDER`)",
    "preference": "a preference file (`chosen` and `rejected`, or OpenAI DPO's sides)",
}
#: The commands with a page of their own, and the `rules` subcommands the rule-pack page lists.
COMMANDS = ("audit", "clean", "report", "diff", "schema infer", "export gx",
            "rules list", "rules show", "rules validate", "rules checks")


def flow(value: Any) -> str:
    """A default as a rule pack writes it: `{warn: 100, fail: 0.25}`, `null`, `[a, b]` (levels are
    held as floats; a whole one reads as the pack writes it)."""
    if isinstance(value, dict) and set(value) == {"warn", "fail"}:
        value = {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in value.items()}
    return yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=1000).strip().removesuffix("\n...")


def needs(check: Any) -> list[str]:
    """What a check needs to judge anything: the target kind, statistics, flags, inputs."""
    from dataaudit.checks.registry import CLASSES, NUMBERS

    out = [{CLASSES: "class labels (a target with classes)", NUMBERS: "a regression target"}[check.target]
           ] if check.target else []
    out += [STATISTIC_NEEDS[name] for name in sorted(check.needs)]
    if "profile" in check.fields:
        out.append("a format profile (`--format-profile`)")
    if check.section in SECTION_NEEDS:
        out.append(SECTION_NEEDS[check.section])
    return out or ["nothing beyond the audit's one pass"]


def check_reference() -> str:
    """Every registered check, family by family, in declaration order."""
    from dataaudit.checks import FAMILIES, REGISTRY
    from dataaudit.checks.registry import SHORT, TABLE, TEXT_FILE, Exports
    from dataaudit.rules.model import RulePack

    defaults = RulePack().checks
    lines = [f"{len(REGISTRY)} checks in {len(FAMILIES)} rule sections.", ""]
    for section in FAMILIES:
        checks = [c for c in REGISTRY.values() if c.section == section]
        if not checks:
            continue
        lines += [f"## `checks.{section}`", ""]
        values = getattr(defaults, section).model_dump(mode="json")
        for check in checks:
            kinds = [SHORT[k] for k in (TABLE, "splits", TEXT_FILE) if k in check.applies_to]
            levels = "; ".join(f"`{name}: {flow(values[name])}`" for name in check.fields) or "none of its own"
            gx = (", ".join(f"`{t}`" for t in check.gx.types) + (f" (partly: {check.gx.partly})"
                                                                  if check.gx.partly else "")
                  if isinstance(check.gx, Exports) else f"none: {check.gx.reason}")
            lines += [f"### `{check.id}`", "", check.description, "",
                      f"- **Levels** (`checks.{section}`, defaults): {levels}",
                      f"- **Needs**: {'; '.join(needs(check))}",
                      f"- **Applies to**: {', '.join(kinds)}",
                      f"- **Great Expectations**: {gx}", ""]
    return "\n".join(lines)


def pack_comments(text: str) -> dict[str, str]:
    """The comment beside each key of a rule pack file, by dotted path; a comment line indented
    past its key's own comment column continues that comment."""
    comments: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    last = ""
    for line in text.splitlines():
        key = re.match(r"^(\s*)([A-Za-z_]+):(.*)$", line)
        if key:
            indent = len(key.group(1))
            stack = [(i, k) for i, k in stack if i < indent] + [(indent, key.group(2))]
            last = ".".join(k for _, k in stack)
            comment = key.group(3).partition(" #")[2]
            if comment.strip():
                comments[last] = comment.strip()
        elif line.strip().startswith("#") and last in comments and len(line) - len(line.lstrip()) > 8:
            comments[last] += " " + line.strip().lstrip("#").strip()
    return comments


def rows(values: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted key, default) for every setting; a pair of levels is one setting, as packs write it."""
    for key, value in values.items():
        if isinstance(value, dict) and set(value) != {"warn", "fail"}:
            yield from rows(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def cell(text: str) -> str:
    return text.replace("|", "\\|")


def rules_reference() -> str:
    """Every section and key of a rule pack with its default, what the default pack says of it,
    and the checks that read it."""
    from dataaudit.checks import FAMILIES, REGISTRY
    from dataaudit.rules.model import RulePack

    pack = RulePack().model_dump(mode="json")
    comments = pack_comments(DEFAULT_PACK.read_text(encoding="utf-8"))
    sections: list[tuple[str, dict[str, Any]]] = [("", {k: v for k, v in pack.items()
                                                         if k not in ("checks", "columns", "missing_values",
                                                                      "preprocess")})]
    sections += [(name, pack[name]) for name in ("columns", "missing_values")]
    sections += [(f"checks.{name}", pack["checks"][name]) for name in FAMILIES]
    sections.append(("preprocess", pack["preprocess"]))
    lines: list[str] = []
    for section, values in sections:
        readers = {field: [c.id for c in REGISTRY.values() if f"checks.{c.section}" == section and field in c.fields]
                   for field in values}
        lines += [f"### `{section}`" if section else "### The pack itself", ""]
        if section in comments:
            lines += [comments[section][0].upper() + comments[section][1:] + ".", ""]
        checks = section.startswith("checks.")
        lines += ["| key | default | what it sets |" + (" read by |" if checks else ""),
                  "|---|---|---|" + ("---|" if checks else "")]
        for key, value in rows(values):
            path = f"{section}.{key}" if section else key
            read_by = " " + ", ".join(f"`{c}`" for c in readers.get(key.split(".")[0], [])) + " |" if checks else ""
            lines.append(f"| `{key}` | `{cell(flow(value))}` | {cell(comments.get(path, ''))} |{read_by}")
        lines.append("")
    lines += ["### The default pack as shipped", "", "```yaml", DEFAULT_PACK.read_text(encoding="utf-8").rstrip(),
              "```", ""]
    return "\n".join(lines)


def command_help(command: str) -> str:
    """`dataaudit COMMAND --help` as it prints at 80 columns."""
    from click.testing import CliRunner

    from dataaudit.cli import cli

    result = CliRunner().invoke(cli, [*command.split(), "--help"], prog_name="dataaudit", terminal_width=80)
    if result.exit_code != 0:
        raise RuntimeError(f"dataaudit {command} --help exited {result.exit_code}: {result.output}")
    return "```text\n" + result.output.rstrip() + "\n```\n"


def parts() -> dict[str, Callable[[], str]]:
    """Each part a page may ask for, by the name its marker gives."""
    named: dict[str, Callable[[], str]] = {"checks": check_reference, "rules": rules_reference}
    for command in COMMANDS:
        named[f"cli {command}"] = lambda command=command: command_help(command)
    return named


def render(page: str) -> str:
    """The page with every generated part as the code states it now."""
    known = parts()

    def fill(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in known:
            raise KeyError(f"unknown generated part {name!r} (known: {', '.join(known)})")
        return match.group(1) + "\n" + known[name]().strip("\n") + "\n\n" + match.group(4)

    return PART.sub(fill, page)


def stale_pages() -> dict[Path, str]:
    """The pages whose generated parts differ from what the code states, with their new text."""
    out = {}
    for path in sorted(DOCS.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if PART.search(text) and (new := render(text)) != text:
            out[path] = new
    return out


def main(argv: list[str]) -> int:
    stale = stale_pages()
    if "--check" in argv:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is stale: run python docs/generate.py")
        return 1 if stale else 0
    for path, text in stale.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
