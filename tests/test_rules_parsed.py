"""The shipped packs' data in `parsed.json` is what their YAML reads as, key for key and in order,
and loading a pack by bytes that have no entry there still reads its YAML."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from dataaudit.errors import RulesError
from dataaudit.rules import load
from dataaudit.rules.packs import shipped
from dataaudit.rules.parsed import parse_shipped, parsed_pack


def test_every_shipped_pack_is_parsed_as_its_yaml_reads() -> None:
    """Out of date after a pack is edited: `python -m dataaudit.rules.parsed` writes it again."""
    for digest, data in parse_shipped().items():
        cached = parsed_pack(digest)
        assert cached is not None, "rules/parsed.json is out of date: run python -m dataaudit.rules.parsed"
        assert json.dumps(cached) == json.dumps(data)  # order too: a mapping's keys keep the pack's order
        assert cached == data  # and JSON holds every value as YAML gave it


def test_a_shipped_pack_loads_as_from_its_yaml() -> None:
    for name, path in shipped().items():
        loaded = load.load_rules(name)
        assert loaded.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        assert loaded.rules == load.parse_file(path)


def test_a_copy_of_a_shipped_pack_loads_without_yaml_and_an_edited_one_from_its_yaml(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "mine.yaml"
    shutil.copy(shipped()["default"], copy)
    read = []
    parse_bytes = load._parse_bytes
    monkeypatch.setattr(load, "_parse_bytes", lambda data, path: read.append(path) or parse_bytes(data, path))
    assert load.load_rules(copy).rules == load.load_rules("default").rules
    assert read == []
    copy.write_text(copy.read_text(encoding="utf-8").replace("min_rows: {warn: 100,", "min_rows: {warn: 120,"),
                    encoding="utf-8")
    assert load.load_rules(copy).rules.checks.size.min_rows.warn == 120
    assert read == [copy]
    copy.write_text(copy.read_text(encoding="utf-8").replace("warn: 120,", "warn: true,"), encoding="utf-8")
    with pytest.raises(RulesError, match=r"mine.yaml:\d+: checks.size.min_rows.warn"):
        load.load_rules(copy)
