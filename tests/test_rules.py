"""Rule packs: the shipped ones are valid, `default.yaml` states the code's defaults, and an
invalid pack is refused with its file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from dataaudit.errors import RulesError
from dataaudit.rules.load import load_rules, parse_text, shipped
from dataaudit.rules.model import RulePack
from tests.cli_helpers import RUNNERS, Runner, invoke, run


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


def test_an_integer_is_a_number() -> None:
    """Numbers are strict (no boolean, no quoted text) yet an integer is still a number: `warn: 5`
    and `near_duplicate_threshold: 1` are what people write."""
    pack = parse_text("checks:\n  missing: {max_column_share: {warn: 0, fail: 1}, mostly_missing_row: 1}\n"
                      "  text: {near_duplicate_threshold: 1}\n  splits: {max_psi: {warn: 0}, significance: 2}\n"
                      "missing_values: {sentinels: [-999, -1.5, .inf], case_sensitive: yes}\n", "pack.yaml")
    assert pack.checks.missing.max_column_share.fail == 1.0
    assert pack.checks.text.near_duplicate_threshold == 1.0
    assert pack.checks.splits.significance == 2.0 and pack.checks.splits.max_psi.warn == 0.0
    assert pack.missing_values.sentinels == [-999.0, -1.5, float("inf")]
    assert pack.missing_values.case_sensitive is True  # `yes` is a YAML 1.1 boolean, not text


def _documented_packs() -> list[tuple[str, str]]:
    """Every YAML block of the docs, examples and README that reads as a rule pack (all its
    top-level keys are rule pack keys), with where it stands."""
    root = Path(__file__).parent.parent
    keys = set(RulePack.model_fields)
    found = []
    for doc in sorted([root / "README.md", *(root / "docs").rglob("*.md"), *(root / "examples").rglob("*.md")]):
        text = doc.read_text(encoding="utf-8")
        for block in re.finditer(r"```ya?ml\n(.*?)```", text, re.S):
            data = yaml.safe_load(block[1])
            if isinstance(data, dict) and data and set(data) <= keys:
                found.append((f"{doc.relative_to(root)}:{text[:block.start()].count(chr(10)) + 2}", block[1]))
    return found


def test_every_shipped_and_documented_pack_stays_valid(tmp_path: Path) -> None:
    """Strict numbers and booleans refuse nothing a shipped pack or a documented example writes;
    `rules validate` run both ways, on files on disk."""
    documented = _documented_packs()
    assert len(documented) >= 3, documented
    paths = list(shipped().values())
    for where, text in documented:  # named after where it stands, so a failure points at the doc
        paths.append(tmp_path / (where.replace("/", "_").replace(":", "_") + ".yaml"))
        paths[-1].write_text(text, encoding="utf-8")
    for runner in (run, invoke):
        out, _ = runner(["rules", "validate", *paths], 0)
        assert out.count(": valid") == len(paths), out


def test_a_merge_key_may_be_overridden() -> None:
    """A key beside a `<<` merge overrides the merged one: YAML's own way of reuse, not a repeat."""
    pack = parse_text("checks:\n  size:\n    min_rows: &levels {warn: 50, fail: 10}\n"
                      "    min_rows_per_class:\n      <<: *levels\n      warn: 40\n"
                      "    min_rows_per_feature:\n      <<: *levels\n", "pack.yaml")
    size = pack.checks.size
    assert (size.min_rows_per_class.warn, size.min_rows_per_class.fail) == (40, 10)
    assert (size.min_rows_per_feature.warn, size.min_rows_per_feature.fail) == (50, 10)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("chekcs:\n  size: {}\n", "pack.yaml:1: chekcs: unknown key; did you mean 'checks'?"),
        ("checks:\n  misisng: {}\n", "pack.yaml:2: checks.misisng: unknown key; did you mean 'missing'?"),
        ("checks:\n  missing:\n    max_column_share: {wran: 0.1}\n",
         "pack.yaml:3: checks.missing.max_column_share.wran: unknown key; did you mean 'warn'?"),
        ("checks:\n  size:\n    min_rowz: {warn: 3}\n", "checks.size.min_rowz: unknown key; did you mean 'min_rows'?"),
        # nothing close: the keys the section takes
        ("extends: default\n", "pack.yaml:1: extends: unknown key; a rule pack takes description, target, "
                               "columns, missing_values, checks, preprocess"),
        ("checks:\n  missing:\n    max_column_share: {limit: 0.1}\n",
         "pack.yaml:3: checks.missing.max_column_share.limit: unknown key; checks.missing.max_column_share "
         "takes warn, fail"),
    ],
)
def test_an_unknown_key_names_the_key_it_is_likely_a_typo_of(text: str, says: str) -> None:
    """A typo such as `max_mising_share` is one edit away from a key the section takes: the
    error says which, else lists the keys there are, so the fix needs no trip to the docs."""
    with pytest.raises(RulesError) as error:
        parse_text(text, "pack.yaml")
    assert says in str(error.value)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("checks:\n  missing:\n    max_column_share: [0.1, 0.2]\n",
         "pack.yaml:3: checks.missing.max_column_share: takes a mapping of warn, fail, not a list"),
        ("checks:\n  missing:\n    max_column_share: null\n",
         "pack.yaml:3: checks.missing.max_column_share: takes a mapping of warn, fail, not null"),
        ("preprocess: 5\n", "pack.yaml:1: preprocess: takes a mapping of missing_to_null, "),
        ("checks:\n  labels:\n    allowed: cat\n",
         "pack.yaml:3: checks.labels.allowed: takes a list, not the text 'cat'"),
        ("checks:\n  labels:\n    variants: yes\n",
         "pack.yaml:3: checks.labels.variants: Input should be 'off', 'info', 'warn' or 'fail', not the boolean true"),
    ],
)
def test_a_value_of_the_wrong_shape_says_what_goes_there(text: str, says: str) -> None:
    """A list or a scalar where a mapping goes is named as given, with the keys the mapping
    takes, rather than as pydantic's class (`instance of MaxShareLevels`) a pack never names."""
    with pytest.raises(RulesError) as error:
        parse_text(text, "pack.yaml")
    assert says in str(error.value)
    assert "instance of" not in str(error.value)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("checks:\n  balance:\n    max_imbalance_ratio: {warn: 1:10, fail: 100}\n",
         "pack.yaml:3: checks.balance.max_imbalance_ratio.warn: 1:10 reads as the base-60 number 70 in YAML 1.1"),
        ("checks:\n  size:\n    min_rows_per_class: {warn: 020, fail: 5}\n",
         "pack.yaml:3: checks.size.min_rows_per_class.warn: 020 reads as the octal number 16 in YAML 1.1"),
        ("missing_values:\n  tokens: ['', '?']\n  sentinels: [-999,\n    -0100]\n",
         "pack.yaml:4: missing_values.sentinels.1: -0100 reads as the octal number -64"),
        ("missing_values:\n  tokens: [NA, 007]\n",
         "pack.yaml:2: missing_values.tokens.1: 007 reads as the octal number 7"),
    ],
)
def test_a_number_yaml_reads_in_another_base_is_refused(text: str, says: str) -> None:
    """YAML 1.1 reads `1:10` (a ratio as people write one) as the base-60 number 70 and `020`
    as the octal 16: a pack would be audited with levels nobody wrote, without a word."""
    with pytest.raises(RulesError) as error:
        parse_text(text, "pack.yaml")
    assert says in str(error.value)


def test_numbers_as_written_are_kept() -> None:
    """Hex, underscores, a zero and a quoted `1:10` read as they are written."""
    pack = parse_text("checks:\n  size:\n    min_rows: {warn: 1_000, fail: 0x10}\n    min_rows_per_class: {fail: 0}\n"
                      "missing_values:\n  tokens: ['1:10', '010']\n  sentinels: [-0.5, 0.0]\n", "pack.yaml")
    assert (pack.checks.size.min_rows.warn, pack.checks.size.min_rows.fail) == (1000, 16)
    assert pack.missing_values.tokens == ["1:10", "010"]


@pytest.mark.parametrize("name", ["", "  "])
def test_an_empty_pack_name_is_no_folder(name: str) -> None:
    """`--rules ""` (an unset variable in a CI script) read as the path `.`, and was refused as a
    folder that cannot be read; it names no pack, and the error says which there are."""
    with pytest.raises(RulesError, match=r"^no rule pack named \(an empty name\); shipped packs are default"):
        load_rules(name)


def test_an_empty_list_of_allowed_labels_is_refused() -> None:
    """`labels.allowed: []` (a list emptied by a template) put every row's label outside the
    allowed set and failed the gate on every file; null is how a pack allows any label."""
    with pytest.raises(RulesError, match=r"^pack.yaml:3: checks.labels.allowed: List should have at least 1 item"):
        parse_text("checks:\n  labels:\n    allowed: []\n", "pack.yaml")
    assert parse_text("checks:\n  labels:\n    allowed: null\n", "pack.yaml").checks.labels.allowed is None


@pytest.mark.parametrize("seed", [2**31, 2**32, 10**30])
def test_a_label_model_seed_past_what_its_models_take_is_refused(seed: int) -> None:
    """scikit-learn's models take a seed below 2**32 (and the folds' draws count up from it):
    `--label-noise` with a larger one ended in an internal error after the pass."""
    with pytest.raises(RulesError, match=r"^pack.yaml:3: checks.label_noise.seed: .*2147483647"):
        parse_text(f"checks:\n  label_noise:\n    seed: {seed}\n", "pack.yaml")
    largest = parse_text("checks:\n  label_noise:\n    seed: 2147483647\n", "pack.yaml")
    assert largest.checks.label_noise.seed == 2**31 - 1


@pytest.mark.parametrize(("written", "write"), [("1e-3", "1.0e-3"), ("5E-2", "5.0E-2"), ("15e-2", "15.0e-2")])
def test_an_exponent_yaml_reads_as_text_says_how_to_write_it(written: str, write: str) -> None:
    """YAML 1.1 reads `1e-3` as text (its exponents need a dot and a sign), so the pack was
    refused as if a number were not one; the error now says how YAML reads it as a number."""
    with pytest.raises(RulesError) as error:
        parse_text(f"checks:\n  missing:\n    max_column_share: {{warn: {written}}}\n", "pack.yaml")
    assert str(error.value) == (
        f"pack.yaml:3: checks.missing.max_column_share.warn: Input should be a valid number, not the text "
        f"'{written}': YAML 1.1 reads an exponent without a dot and a sign as text; write {write}")
    assert parse_text(f"checks:\n  missing:\n    max_column_share: {{warn: {write}}}\n", "pack.yaml")


def test_a_shipped_pack_named_as_a_file_says_its_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--rules strict.yaml` from a folder without such a file means the shipped `strict`."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RulesError, match=r"^strict.yaml: rule pack not found; the shipped pack is named strict "
                                         r"\(--rules strict\)$"):
        load_rules("strict.yaml")
    with pytest.raises(RulesError, match=r"^rules/mine.yaml: rule pack not found$"):
        load_rules("rules/mine.yaml")


def test_an_unknown_format_profile_in_a_pack_names_its_line() -> None:
    """`checks.format.profile: openai_chat` passed `rules validate` and failed only the audit of a
    fine-tuning file, in a line naming neither the pack nor its line."""
    with pytest.raises(RulesError, match=r"^pack.yaml:4: checks.format.profile: unknown format profile "
                                         r"'openai_chat'; did you mean 'openai-chat'\?; known profiles are "
                                         r"bedrock-claude, "):
        parse_text("description: x\nchecks:\n  format:\n    profile: openai_chat\n", "pack.yaml")
    for name in ("openai-chat", "my/profile.yaml"):
        assert parse_text(f"checks:\n  format:\n    profile: {name}\n", "pack.yaml").checks.format.profile == name


@pytest.mark.parametrize("nested", ["[" * 50_000 + "]" * 50_000, "{a: " * 20_000 + "1" + "}" * 20_000])
def test_yaml_nested_past_what_a_parser_recurses_into_is_one_line(nested: str) -> None:
    """A few hundred kilobytes of brackets ended in a RecursionError, an internal error."""
    with pytest.raises(RulesError, match=r"^pack.yaml:2: invalid YAML: nested more than 100 levels deep"):
        parse_text(f"description: x\ntarget: {nested}\n", "pack.yaml")
