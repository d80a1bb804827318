"""Rule packs: the shipped ones are valid, `default.yaml` states the code's defaults, and an
invalid pack is refused with its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from dataaudit.errors import RulesError
from dataaudit.rules.load import load_rules, parse_text, shipped
from dataaudit.rules.model import RulePack
from tests.cli_helpers import RUNNERS, Runner


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
        # past 2**53 a float is also its neighbours: 9223372036854775806 would be nulled with it
        ("missing_values:\n  sentinels: [-999, 9223372036854775807]\n", "pack.yaml:2",
         "missing_values.sentinels: 9223372036854775807 is past 2**53"),
        ("missing_values:\n  sentinels: [-9007199254740992]\n", "pack.yaml:2", "is past 2**53"),
        ("missing_values:\n  sentinels: [1.0e+300]\n", "pack.yaml:2", "is past 2**53"),
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


def test_sentinels_a_float_holds_exactly_are_kept() -> None:
    """Up to 2**53 every integer is its own float, and infinity is one value."""
    pack = parse_text("missing_values:\n  sentinels: [-999, 9007199254740991, .inf]\n", "pack.yaml")
    assert pack.missing_values.sentinels == [-999.0, 9007199254740991.0, float("inf")]


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_sentinel_past_what_a_float_tells_apart_is_refused_before_a_clean(tmp_path: Path, runner: Runner) -> None:
    """One line naming the pack's line, exit 2, and nothing written: the clean used to null
    9223372036854775806 as well, and quarantine both rows as conflicting labels."""
    data = tmp_path / "data.csv"
    data.write_text("x,label\n9223372036854775807,a\n9223372036854775806,b\n5,a\n")
    pack = tmp_path / "pack.yaml"
    pack.write_text("missing_values:\n  sentinels: [-999, 9223372036854775807]\n")
    out = tmp_path / "out.csv"
    _, err = runner(["clean", data, "-t", "label", "--rules", pack, "-o", out], 2)
    assert err.strip().splitlines() == [
        f"dataaudit: error: {pack}:2: missing_values.sentinels: 9223372036854775807 is past 2**53, where numbers read "
        "as 64-bit floats no longer tell neighbouring integers apart; in a text file, list its text among "
        "missing_values.tokens instead"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv", "pack.yaml"]
