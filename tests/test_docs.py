"""The documentation: the README a newcomer reads, the site in docs/ and its generated references.

The references are committed pages generated from the code (`docs/generate.py`), so they are
held to the code here; every link of the README and the pages must lead to a file that exists;
the README's tour must be what `make demo` prints, and its commands on the bundled data must run.
"""

from __future__ import annotations

import importlib.util
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import click
import pytest

from dataaudit.checks import FAMILIES, REGISTRY
from dataaudit.checks.registry import STATISTICS
from dataaudit.cli import cli
from dataaudit.rules.model import RulePack
from tests.cli_helpers import invoke, run

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
README = ROOT / "README.md"
PAGES = sorted(DOCS.rglob("*.md"))
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_generate", DOCS / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def code_blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.S | re.M)


def relative_links(path: Path) -> list[str]:
    """The link targets of a Markdown file that point into the repository, code blocks left out."""
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    text = re.sub(r"`[^`\n]*`", "", text)  # a link written as code is an example, not a link
    return [target for target in LINK.findall(text) if not re.match(r"[a-z]+:|#", target)]


def test_the_generated_references_are_current() -> None:
    stale = generator().stale_pages()
    assert not stale, f"stale generated pages (run python docs/generate.py): {[str(p) for p in stale]}"


def test_a_changed_default_pack_makes_the_rule_pack_reference_stale(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    module = generator()
    page = (DOCS / "rule-packs.md").read_text(encoding="utf-8")
    assert module.render(page) == page
    pack = tmp_path / "default.yaml"
    pack.write_text(module.DEFAULT_PACK.read_text(encoding="utf-8").replace(
        "# largest class / smallest class", "# the largest class over the smallest"), encoding="utf-8")
    monkeypatch.setattr(module, "DEFAULT_PACK", pack)
    assert "| `max_imbalance_ratio` | `{warn: 10, fail: 100}` | the largest class over the smallest |" in (
        module.render(page))


def test_the_check_reference_lists_every_registered_check_with_its_gx_decision() -> None:
    page = (DOCS / "check-reference.md").read_text(encoding="utf-8")
    assert re.findall(r"^### `([a-z_.]+)`$", page, re.M) == list(REGISTRY)
    for check in REGISTRY.values():
        entry = page.split(f"### `{check.id}`\n", 1)[1].split("\n### ", 1)[0]
        assert check.description in entry
        assert f"`checks.{check.section}`" in entry
        gx = entry.split("**Great Expectations**: ", 1)[1]
        assert gx.startswith("none: " + check.gx.reason) if hasattr(check.gx, "reason") else all(
            f"`{t}`" in gx for t in check.gx.types)
    numeric = page.split("### `numeric.outliers`\n", 1)[1].split("\n### ", 1)[0]
    assert "`max_outlier_share: {warn: 0.1, fail: 0.25}`; `fence_iqr: 3.0`; `min_distinct: 20`" in numeric
    assert "numeric percentiles" in numeric
    assert "`--label-noise`" in page.split("### `labels.suspected`\n", 1)[1].split("\n### ", 1)[0]
    assert "`--tokenizer FOLDER`" in page.split("### `text.template_error`\n", 1)[1].split("\n### ", 1)[0]


def test_every_statistic_a_check_may_need_is_said_in_words() -> None:
    assert set(generator().STATISTIC_NEEDS) == STATISTICS, "say what it needs in docs/generate.py STATISTIC_NEEDS"


def test_the_rule_pack_reference_lists_every_section_and_key_with_its_default() -> None:
    page = (DOCS / "rule-packs.md").read_text(encoding="utf-8").split("## Reference", 1)[1]
    pack = RulePack().model_dump(mode="json")
    for family in FAMILIES:
        section = page.split(f"### `checks.{family}`\n", 1)[1].split("\n### ", 1)[0]
        for key in pack["checks"][family]:
            assert re.search(rf"^\| `{key}` \| `", section, re.M), f"checks.{family}.{key}"
    preprocess = page.split("### `preprocess`\n", 1)[1].split("\n### ", 1)[0]
    assert "| `scale` | `none` | none \\| standard \\| minmax \\| robust |" in preprocess
    assert "| `impute.numeric` | `none` |" in preprocess
    assert "| `min_rows` | `{warn: 100, fail: 20}` |  | `size.rows` |" in page


@pytest.mark.parametrize("page, command", [
    ("commands/audit.md", "audit"), ("commands/clean.md", "clean"), ("commands/report.md", "report"),
    ("commands/diff.md", "diff"), ("commands/schema-infer.md", "schema infer"),
    ("commands/export-gx.md", "export gx"), ("rule-packs.md", "rules show"),
])
def test_each_command_page_shows_every_option_of_its_command(page: str, command: str) -> None:
    text = (DOCS / page).read_text(encoding="utf-8")
    group: click.Command | None = cli
    for name in command.split():
        assert isinstance(group, click.Group)
        group = group.get_command(click.Context(group), name)
    assert group is not None
    assert f"Usage: dataaudit {command} [OPTIONS]" in text
    for param in group.params:
        for opt in param.opts if isinstance(param, click.Option) else []:
            assert re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", text), f"{command}: {opt}"


@pytest.mark.parametrize("path", [README, *PAGES], ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_points_at_a_file_that_exists(path: Path) -> None:
    links = relative_links(path)
    missing = [t for t in links if not (path.parent / t.split("#", 1)[0]).exists()]
    assert not missing, f"{path.relative_to(ROOT)}: links to nothing: {missing}"
    escaping = [t for t in links if ROOT not in (path.parent / t.split("#", 1)[0]).resolve().parents
                and (path.parent / t.split("#", 1)[0]).resolve() != ROOT]
    assert not escaping, f"{path.relative_to(ROOT)}: links out of the repository: {escaping}"


def stray_table_rows(text: str) -> list[str]:
    """The lines written as a table's row that no table holds: neither under another row nor
    above the header's separator (a paragraph put in between ends the table)."""
    lines = FENCE.sub("", text).split("\n")
    return [line for i, line in enumerate(lines) if line.startswith("|")
            and not (i and lines[i - 1].startswith("|"))
            and not (i + 1 < len(lines) and re.match(r"\|\s*:?-", lines[i + 1]))]


@pytest.mark.parametrize("path", [README, ROOT / "benchmarks" / "README.md", *PAGES],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_every_table_row_is_in_its_table(path: Path) -> None:
    assert not stray_table_rows(path.read_text(encoding="utf-8")), path.relative_to(ROOT)


def test_a_row_after_a_paragraph_is_caught() -> None:
    table = "| a | b |\n| --- | --- |\n| 1 | 2 |\n"
    assert stray_table_rows(table) == []
    assert stray_table_rows(table + "A paragraph.\n| 3 | 4 |\n") == ["| 3 | 4 |"]


def test_a_link_to_nothing_is_caught(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("See [the guide](guide.md#start), [a site](https://example.org), `[x](javascript:1)`,\n"
                    "```md\n[inside](code.md)\n```\n", encoding="utf-8")
    assert relative_links(page) == ["guide.md#start"]


def test_the_readme_is_a_short_page_that_starts_with_the_two_set_up_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 200
    first = code_blocks(text, "sh")[0].splitlines()
    assert [line.split()[:2] for line in first] == [["make", "demo"], ["make", "test"]]
    assert text.split("```\n", 2)[1].lstrip().startswith(
        "Both work on a fresh machine with Python 3.11 and make; nothing else is needed.")
    for page in ("docs/index.md", "docs/check-reference.md", "docs/rule-packs.md", "docs/ci.md"):
        assert f"]({page})" in text


def matches_with_elisions(shown: list[str], real: list[str]) -> bool:
    """`shown` is `real` with runs of lines (one or more) replaced by a line `...`."""
    if not shown:
        return not real
    if shown[0].strip() == "...":
        return any(matches_with_elisions(shown[1:], real[i:]) for i in range(1, len(real) + 1))
    return bool(real) and shown[0] == real[0] and matches_with_elisions(shown[1:], real[1:])


def test_elisions_stand_for_lines_that_are_there() -> None:
    assert matches_with_elisions(["a", "  ...", "d"], ["a", "b", "c", "d"])
    assert not matches_with_elisions(["a", "  ...", "d"], ["a", "d"])
    assert not matches_with_elisions(["a", "b"], ["a", "c"])


@pytest.mark.slow
def test_the_tour_is_what_make_demo_prints() -> None:
    tour = code_blocks(README.read_text(encoding="utf-8"), "text")[0].splitlines()
    command = tour[0].removeprefix("$ ").split()
    assert command[0] == "dataaudit"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "$(BIN)/" + " ".join(command) in makefile.split("demo: $(STAMP)", 1)[1].split("\n\n", 1)[0]
    printed = run(command[1:], 0, cwd=ROOT)[0]
    assert invoke(command[1:], 0)[0] == printed
    assert matches_with_elisions(tour[1:], printed.rstrip("\n").splitlines()), printed


@pytest.mark.slow
def test_the_readme_commands_on_the_bundled_data_run_as_written(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    text = README.read_text(encoding="utf-8")
    lines = [line.partition("  #") for block in code_blocks(text, "sh")
             for line in block.splitlines() if line.startswith("dataaudit ")]
    assert len(lines) >= 4
    for command, _, comment in lines:
        run(command.split()[1:], 1 if "exit 1" in comment else 0, cwd=tmp_path)  # the comment says when it fails
    assert (tmp_path / "audit.html").is_file() and (tmp_path / "penguins.clean.manifest.json").is_file()
    python = code_blocks(text, "python")[0]
    subprocess.run([sys.executable, "-c", python], cwd=tmp_path, check=True, capture_output=True)


def mkdocs(site: Path, config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config),
                           "--site-dir", str(site)], capture_output=True, text=True, check=False,
                          env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"})


@pytest.mark.slow
def test_the_site_builds_strict_and_a_broken_anchor_fails_it(tmp_path: Path) -> None:
    pytest.importorskip("material")
    copy = tmp_path / "repo"
    shutil.copytree(DOCS, copy / "docs")
    shutil.copy(ROOT / "mkdocs.yml", copy / "mkdocs.yml")
    (copy / "docs" / "unlisted.md").write_text("# A page not yet in the navigation\n", encoding="utf-8")
    built = mkdocs(tmp_path / "site", copy / "mkdocs.yml")
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "site" / "check-reference" / "index.html").is_file()
    index = copy / "docs" / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n[gone](checks.md#no-such-heading)\n", encoding="utf-8")
    broken = mkdocs(tmp_path / "site", copy / "mkdocs.yml")
    assert broken.returncode != 0 and "no-such-heading" in broken.stderr


def command_of(args: list[str]) -> tuple[click.Command, list[str]] | None:
    """The (sub)command `args` name after `dataaudit`, and the arguments left for it; None when
    they name none (`dataaudit 0.1.0`, prose)."""
    command: click.Command = cli
    while isinstance(command, click.Group) and args and args[0] in command.commands:
        command, args = command.commands[args[0]], args[1:]
    return None if command is cli else (command, args)


def documented_commands(text: str) -> tuple[list[str], list[str]]:
    """The `dataaudit ...` command lines of a page's shell and text blocks (a prompt `$ ` and a
    comment left out, cut at a pipe or a redirection), and its inline `dataaudit ...` spans."""
    lines = [line.strip().removeprefix("$ ") for block in re.findall(r"^```(?:sh|text)\n(.*?)^```", text, re.S | re.M)
             for line in block.splitlines()]
    lines = [re.split(r"\s(?:\||>>?)\s", line[line.index("dataaudit "):])[0] for line in lines
             if re.match(r"(?:\S+=\S+ +|.*\| *)?dataaudit [a-z]", line)]
    spans = re.findall(r"`(dataaudit [a-z][^`\n]*)`", FENCE.sub("", text))
    return lines, spans


def wrong_command_lines(text: str) -> list[str]:
    """The documented command lines the current CLI would refuse (an option renamed or removed,
    a value no longer accepted), and the inline ones naming an option their command lacks."""
    wrong = []
    lines, spans = documented_commands(text)
    for line in lines:
        found = command_of(shlex.split(line, comments=True)[1:])
        if found is None:
            continue
        try:
            found[0].make_context(found[0].name or "", list(found[1]))
        except click.exceptions.Exit:
            pass
        except click.ClickException as error:
            wrong.append(f"{line}: {error.format_message()}")
    for span in spans:
        found = command_of(shlex.split(span, comments=True)[1:])
        if found is None:
            continue
        options = {opt for param in found[0].params for opt in [*param.opts, *param.secondary_opts]}
        wrong += [f"{span}: no option {word}" for word in found[1]
                  if word.startswith("-") and word != "-" and word.split("=", 1)[0] not in options]
    return wrong


@pytest.mark.parametrize("path", [README, *(p for p in PAGES if p.parent == DOCS)],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_every_documented_command_line_parses_with_the_current_options(path: Path) -> None:
    wrong = wrong_command_lines(path.read_text(encoding="utf-8"))
    assert not wrong, wrong


def test_a_renamed_option_in_a_documented_command_is_caught() -> None:
    page = ("```sh\ndataaudit audit train.csv -t label --no-such-option  # a comment\n"
            "gzip -dc a.gz | dataaudit audit - -t label -f json > out.json\n"
            "dataaudit report a.json --format pdf\n```\n"
            "Run `dataaudit clean --redact pii` or `dataaudit clean --redakt pii`; dataaudit audits.\n")
    assert [w.split(":", 1)[0] for w in wrong_command_lines(page)] == [
        "dataaudit audit train.csv -t label --no-such-option  # a comment",
        "dataaudit report a.json --format pdf", "dataaudit clean --redakt pii"]


def test_the_quoted_schema_version_is_the_one_reports_carry() -> None:
    from dataaudit.report.model import SCHEMA_VERSION

    assert f'(`schema_version` `"{SCHEMA_VERSION}"`;' in (DOCS / "reports.md").read_text(encoding="utf-8")
    assert f"(`{SCHEMA_VERSION}` now," in (DOCS / "report-schema.md").read_text(encoding="utf-8")


def test_the_quoted_gate_failure_is_what_the_bundled_chat_file_raises() -> None:
    import dataaudit

    page = (DOCS / "reports.md").read_text(encoding="utf-8")
    quoted = re.search(r"`(audit gate failed on examples/chats\.jsonl:.*?)`", page, re.S)
    assert quoted is not None
    with pytest.raises(dataaudit.AuditFailed) as failed:
        dataaudit.audit(ROOT / "examples" / "chats.jsonl").raise_for_gate()
    assert " ".join(quoted[1].split()) == str(failed.value).replace(str(ROOT) + "/", "")


def test_the_worked_example_of_adding_a_check_is_the_code_of_numeric_outliers() -> None:
    code = (ROOT / "dataaudit" / "checks" / "outliers.py").read_text(encoding="utf-8")
    shown = code_blocks((DOCS / "developing.md").read_text(encoding="utf-8"), "python")[0]
    assert [line for line in shown.splitlines() if line.strip() and '"..."' not in line
            and line not in code.splitlines()] == []
    page = (DOCS / "developing.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in page.split("- `needs` names", 1)[1].split("\n- ", 1)[0] for name in STATISTICS)


def test_every_dependency_and_extra_is_on_the_dependencies_page() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    page = (DOCS / "dependencies.md").read_text(encoding="utf-8").lower()
    name = re.compile(r"[A-Za-z0-9_.-]+")
    required = [name.match(spec)[0] for spec in project["dependencies"]]  # type: ignore[index]
    extras = {extra: [name.match(spec)[0] for spec in specs]  # type: ignore[index]
              for extra, specs in project["optional-dependencies"].items() if extra != "dev"}
    missing = [p for p in required + [p for specs in extras.values() for p in specs] if p.lower() not in page]
    assert not missing, f"docs/dependencies.md says nothing of {missing}"
    assert all(f"extra `{extra}`" in page for extra in extras), "name each extra on docs/dependencies.md"


def test_the_layer_table_names_every_module_of_the_import_contract() -> None:
    import tomllib

    contract = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    modules = [m.strip() for layer in contract["contracts"][0]["layers"] for m in layer.split("|")]
    table = (DOCS / "how-it-works.md").read_text(encoding="utf-8").split("| layer | why there |", 1)[1]
    table = table.split("\n\n", 1)[0]
    assert [m for m in modules if f"`{m}`" not in table] == []


def named_things_missing(text: str) -> list[str]:
    """The repository paths, test names and `dataaudit.` objects a page names as code that do
    not exist."""
    import importlib

    tests = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("*.py"))
    paths = re.findall(r"`((?:tests|dataaudit|benchmarks|rules|docs|reports|examples)/[\w./-]+)`", text)
    missing = [path for path in paths if not (ROOT / path.rstrip("/.")).exists()]
    missing += [name for name in re.findall(r"`(test_[a-z0-9_]+)`", text)
                if f"def {name}(" not in tests and not (ROOT / "tests" / f"{name}.py").exists()]
    for ref in re.findall(r"`(dataaudit(?:\.\w+)+)`", text):
        parts = ref.split(".")
        for i in range(len(parts), 0, -1):
            try:
                found: object = importlib.import_module(".".join(parts[:i]))
            except ImportError:
                continue
            for attribute in parts[i:]:
                found = getattr(found, attribute, None)
            break
        if found is None:
            missing.append(ref)
    return missing


@pytest.mark.parametrize("path", [README, *PAGES], ids=lambda p: str(p.relative_to(ROOT)))
def test_every_file_test_and_object_a_page_names_exists(path: Path) -> None:
    missing = named_things_missing(path.read_text(encoding="utf-8"))
    assert not missing, f"{path.relative_to(ROOT)} names what is not there: {missing}"


def test_a_named_file_test_or_object_that_is_gone_is_caught() -> None:
    page = ("`tests/test_docs.py`, `tests/test_gone.py`, `test_elisions_stand_for_lines_that_are_there`, "
            "`test_no_such_thing`, `dataaudit.datasets.write_dirty_chat`, `dataaudit.datasets.write_gone`")
    assert named_things_missing(page) == ["tests/test_gone.py", "test_no_such_thing", "dataaudit.datasets.write_gone"]
