"""The accumulator of the personal-data and secrets scan, carried by the text pass's
`TextPartial`: each text (a message by role, a prompt or completion, a table's cell) is scanned
once as its chunk is added; only counts, line numbers and masked forms are kept, so partials
pickled to and from workers hold no value in clear. Merging keeps the first examples by line,
whatever order the chunks come back in."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from dataaudit.pii.detect import DEFAULT_REGIONS, Found, find_pii
from dataaudit.pii.mask import masked
from dataaudit.pii.tool_calls import Key, found_in_value
from dataaudit.profile.pii import FAMILIES, PII_KINDS, PiiExample, PiiProfile, family_of
from dataaudit.profile.sketches import first_rows

#: a line's (role, text) pieces: messages by role, prompt and completion by key, a cell as one
Segments = list[tuple[str, str]] | None
#: a line's tool calls' argument values: (place, key, value), see `tool_calls.tool_call_values`
Calls = Sequence[tuple[str, Key, str]]


@dataclass
class PiiPartial:
    regions: tuple[str, ...] = DEFAULT_REGIONS
    values: Counter[str] = field(default_factory=Counter)
    rows: Counter[str] = field(default_factory=Counter)
    places: dict[str, Counter[str]] = field(default_factory=dict)
    lines: dict[str, list[int]] = field(default_factory=dict)
    examples: dict[str, list[PiiExample]] = field(default_factory=dict)
    family_rows: Counter[str] = field(default_factory=Counter)
    family_lines: dict[str, list[int]] = field(default_factory=dict)

    def add(self, numbers: Sequence[int], lines: Sequence[Segments], k: int, place: str | None = None,
            calls: Sequence[Calls] | None = None) -> None:
        """Scan the texts of `lines`, numbered `numbers`, and the string values of their tool
        calls' arguments (`calls`, per line); `place` names a table's column, whose cells carry
        no role of their own."""
        for number, segments, values in zip(numbers, lines, calls or [()] * len(lines), strict=True):
            kinds: set[str] = set()
            for role, text in segments or ():
                self._count(number, place or role, text, find_pii(text, self.regions), kinds, k)
            for where, key, value in values:
                self._count(number, where, value, found_in_value(key, value, self.regions), kinds, k)
            for kind in kinds:
                self.rows[kind] += 1
                _first(self.lines, kind, number, k)
            for family in {family_of(kind) for kind in kinds}:
                self.family_rows[family] += 1
                _first(self.family_lines, family, number, k)

    def _count(self, number: int, where: str, text: str, found: list[Found], kinds: set[str], k: int) -> None:
        for f in found:
            kinds.add(f.kind)
            self.values[f.kind] += 1
            self.places.setdefault(f.kind, Counter())[where] += 1
            examples = self.examples.setdefault(f.kind, [])
            if len(examples) < k:
                examples.append(PiiExample(number, where, masked(f.kind, text[f.start:f.end])))

    def merged(self, other: PiiPartial, k: int) -> PiiPartial:
        return PiiPartial(
            regions=self.regions,
            values=self.values + other.values,
            rows=self.rows + other.rows,
            places={kind: self.places.get(kind, Counter()) + other.places.get(kind, Counter())
                    for kind in self.places.keys() | other.places.keys()},
            lines=_merged_lines(self.lines, other.lines, k),
            examples={kind: sorted(self.examples.get(kind, []) + other.examples.get(kind, []),
                                   key=lambda e: (e.line, e.place, e.masked))[:k]
                      for kind in self.examples.keys() | other.examples.keys()},
            family_rows=self.family_rows + other.family_rows,
            family_lines=_merged_lines(self.family_lines, other.family_lines, k),
        )

    def extract(self) -> PiiProfile:
        kinds = [kind for kind in PII_KINDS if self.values[kind]]
        return PiiProfile(
            values={kind: self.values[kind] for kind in kinds},
            rows={kind: self.rows[kind] for kind in kinds},
            places={kind: dict(sorted(self.places[kind].items(), key=lambda kv: (-kv[1], kv[0]))) for kind in kinds},
            lines={kind: self.lines[kind] for kind in kinds},
            examples={kind: self.examples[kind] for kind in kinds},
            family_rows={family: self.family_rows[family] for family in FAMILIES},
            family_lines={family: self.family_lines.get(family, []) for family in FAMILIES},
        )


def _first(lines: dict[str, list[int]], key: str, number: int, k: int) -> None:
    kept = lines.setdefault(key, [])
    if len(kept) < k:
        kept.append(number)


def _merged_lines(a: dict[str, list[int]], b: dict[str, list[int]], k: int) -> dict[str, list[int]]:
    return {key: first_rows(a.get(key, []), b.get(key, []), k) for key in a.keys() | b.keys()}
