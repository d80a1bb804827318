"""A clean's manifest names its rule pack by name and SHA-256 of its content, never by path: the
manifest leaks no folder of the machine it ran on, and the same pack gives the same entry
wherever it is kept. The audit report carries the same digest."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.io.digest import file_sha256
from dataaudit.rules.load import dump, load_rules, pack_sha256, parse_file, parse_text, shipped
from dataaudit.rules.model import RulePack
from tests.cli_helpers import invoke, run
from tests.conftest import DATA

PACK = "description: lenient variants\nchecks:\n  labels:\n    variants: warn\n"


def _manifest(output: Path) -> dict:
    return json.loads(output.with_name(f"{output.stem}.manifest.json").read_text(encoding="utf-8"))


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    folder = tmp_path / "home" / "someone" / "packs"
    folder.mkdir(parents=True)
    path = folder / "lenient.yaml"
    path.write_text(PACK, encoding="utf-8")
    return path


def test_a_table_clean_records_the_pack_by_digest_and_the_same_entry_once_it_moved(
        tmp_path: Path, pack: Path) -> None:
    out = tmp_path / "out" / "penguins.clean.csv"
    out.parent.mkdir()
    run(["clean", DATA / "penguins.csv", "-t", "species", "--rules", pack, "-o", out], 0)
    manifest = _manifest(out)
    assert manifest["parameters"]["rules"] == {"name": "lenient", "sha256": file_sha256(pack)}
    assert str(pack.parent) not in json.dumps(manifest)

    moved = tmp_path / "elsewhere" / "lenient.yaml"
    moved.parent.mkdir()
    shutil.move(pack, moved)
    again = tmp_path / "out" / "again.csv"
    invoke(["clean", DATA / "penguins.csv", "-t", "species", "--rules", moved, "-o", again], 0)
    assert _manifest(again)["parameters"]["rules"] == manifest["parameters"]["rules"]


def test_an_edited_pack_gets_another_digest(tmp_path: Path, pack: Path) -> None:
    before = load_rules(pack).sha256
    pack.write_text(PACK.replace("lenient variants", "edited"), encoding="utf-8")  # a repeated key is refused
    assert load_rules(pack).sha256 != before == hashlib.sha256(PACK.encode()).hexdigest()


def test_a_chat_file_clean_records_the_pack_by_digest(tmp_path: Path, pack: Path) -> None:
    chats = tmp_path / "chats.jsonl"
    line = {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
    chats.write_text(json.dumps(line) + "\n", encoding="utf-8")
    out = tmp_path / "chats.clean.jsonl"
    run(["clean", chats, "--rules", pack, "-o", out], 1)  # one line is below the size gate
    manifest = _manifest(out)
    assert manifest["parameters"]["rules"] == {"name": "lenient", "sha256": file_sha256(pack)}
    assert str(pack.parent) not in json.dumps(manifest)


def test_a_shipped_pack_is_digested_from_its_file() -> None:
    result = dataaudit.clean(DATA / "iris.csv", target="target", rules="strict")
    assert result.manifest["parameters"]["rules"] == {"name": "strict", "sha256": file_sha256(shipped()["strict"])}
    assert result.manifest["parameters"]["rules"]["sha256"] == result.report.rules.sha256


def test_an_in_memory_pack_is_digested_from_its_settings() -> None:
    lenient = parse_text(PACK, "lenient")
    result = dataaudit.clean(DATA / "iris.csv", target="target", rules=lenient)
    entry = result.manifest["parameters"]["rules"]
    assert entry == {"name": "custom", "sha256": pack_sha256(lenient)}
    assert entry["sha256"] == pack_sha256(RulePack.model_validate(lenient.model_dump(mode="json")))
    assert entry["sha256"] != pack_sha256(RulePack())


@pytest.mark.parametrize("name", sorted(shipped()))
def test_a_pack_written_out_and_read_back_keeps_its_settings_digest(name: str) -> None:
    rules = parse_file(shipped()[name])
    assert pack_sha256(parse_text(dump(rules), name)) == pack_sha256(rules)


SECTIONS = list(parse_file(shipped()["default"]).model_dump(mode="json"))


@settings(max_examples=25, deadline=None)
@given(order=st.permutations(SECTIONS))
def test_an_in_memory_packs_digest_does_not_depend_on_the_order_of_its_sections(order: list[str]) -> None:
    settings_ = parse_file(shipped()["default"]).model_dump(mode="json")
    text = yaml.safe_dump({key: settings_[key] for key in order}, sort_keys=False)
    assert pack_sha256(parse_text(text, "reordered")) == pack_sha256(parse_file(shipped()["default"]))
