"""Rule packs: the shipped ones are valid, `default.yaml` states the code's defaults, and an
invalid pack is refused with its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from dataaudit.errors import RulesError
from dataaudit.rules.load import load_rules, parse_text, shipped
from dataaudit.rules.model import RulePack


def test_shipped_packs() -> None:
    assert set(shipped()) == {"default", "strict", "finetune-small"}
    for name in shipped():
        assert load_rules(name).rules.description


def test_default_yaml_is_the_code_default() -> None:
    shipped_default = load_rules("default").rules.model_dump(exclude={"description"})
    assert shipped_default == RulePack().model_dump(exclude={"description"})


def test_strict_is_stricter_than_default() -> None:
    default, strict = RulePack(), load_rules("strict").rules
    assert strict.checks.size.min_rows.warn > default.checks.size.min_rows.warn
    assert strict.checks.missing.max_column_share.fail < default.checks.missing.max_column_share.fail
    assert strict.checks.columns.unique.value == "fail"


@pytest.mark.parametrize(
    ("text", "where", "says"),
    [
        ("checks:\n  size:\n    min_rowz: {warn: 3}\n", "pack.yaml:3", "checks.size.min_rowz: unknown key"),
        ("checks:\n  missing:\n    max_column_share: {warn: 0.2, fail: 0.1}\n", "pack.yaml:3",
         "fail level 0.1 is stricter than warn level 0.2"),
        ("checks:\n  size:\n    min_rows: {warn: 10, fail: 50}\n", "pack.yaml:3", "stricter than warn level 10"),
        ("checks:\n  size:\n\n    min_rows:\n      warn: lots\n", "pack.yaml:5", "checks.size.min_rows.warn"),
        ("checks:\n  labels: {variants: sometimes}\n", "pack.yaml:2", "checks.labels.variants"),
        ("checks: [\n", "pack.yaml:2", "invalid YAML"),
        ("- a\n- b\n", "pack.yaml:1", "a rule pack is a mapping"),
    ],
)
def test_invalid_pack_names_file_and_line(text: str, where: str, says: str) -> None:
    with pytest.raises(RulesError) as error:
        parse_text(text, "pack.yaml")
    assert str(error.value).startswith(where + ":")
    assert says in str(error.value)


def test_partial_pack_keeps_defaults(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("target: label\nchecks:\n  size:\n    min_rows: {warn: 5000}\n")
    pack = load_rules(path).rules
    assert pack.target == "label"
    assert pack.checks.size.min_rows.warn == 5000 and pack.checks.size.min_rows.fail is None
    assert pack.checks.labels == RulePack().checks.labels


def test_unknown_pack_lists_the_shipped_ones() -> None:
    with pytest.raises(RulesError, match="shipped packs are default, finetune-small, strict"):
        load_rules("nope")
