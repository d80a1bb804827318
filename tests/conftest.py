"""Shared fixtures. `shared_dir` is the project's sibling `shared/` folder, present in CI and
absent in a user's clone: tests that cross-check against it skip, saying why."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent (a plain clone); the cross-check against it runs where it exists, as in CI")
    return SHARED
