"""The shipped rule packs' data as YAML reads it, so that loading one needs no YAML parser.

Every audit and clean loads a rule pack, the default one unless told otherwise, and reading it
from its YAML took importing PyYAML (about 12 ms, a fortieth of a small audit's CPU) and
libyaml's parse (1.5 ms). `parsed.json`, beside the packs, holds each shipped pack's data keyed
by the SHA-256 of the pack's bytes, which the loader takes anyway for the report: bytes with
that digest are that data, whatever their path, and a pack edited since has another digest and
is read from its YAML like any other. `python -m dataaudit.rules.parsed` writes the file again;
`tests/test_rules_parsed.py` fails while it is out of date.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from dataaudit.rules.packs import packs_dir, shipped

PARSED_FILE = "parsed.json"


def parsed_path() -> Path:
    return packs_dir() / PARSED_FILE


def parsed_pack(digest: str) -> dict[str, Any] | None:
    """The data of the shipped pack whose bytes have the SHA-256 `digest`, or None. Read afresh
    at every call (a fraction of a millisecond), so no caller can change another's data."""
    try:
        with parsed_path().open(encoding="utf-8") as handle:
            known = json.load(handle)
    except (OSError, ValueError):
        return None
    data = known.get(digest) if isinstance(known, dict) else None
    return data if isinstance(data, dict) else None


def parse_shipped() -> dict[str, dict[str, Any]]:
    """Every shipped pack's data read from its YAML, keyed by the SHA-256 of its bytes."""
    from dataaudit.rules import yaml_text

    parsed = {}
    for path in shipped().values():
        data = path.read_bytes()
        _, parsed[hashlib.sha256(data).hexdigest()] = yaml_text.read(data.decode("utf-8"), str(path))
    return parsed


def main() -> None:
    """Writes `parsed.json` from the shipped packs' YAML."""
    text = json.dumps(parse_shipped(), indent=1, ensure_ascii=False)
    parsed_path().write_text(text + "\n", encoding="utf-8")
    print(f"wrote {parsed_path()}")


if __name__ == "__main__":
    main()
