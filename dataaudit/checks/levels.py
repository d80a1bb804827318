"""The levels as rule packs built in Python import them; they live in `dataaudit.levels`, a leaf
below every layer that uses them."""

from dataaudit.levels import MaxLevels, MinLevels, Section, Toggle

__all__ = ["MaxLevels", "MinLevels", "Section", "Toggle"]
