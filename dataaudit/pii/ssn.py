"""US Social Security numbers. Nine digits carry no checksum, so what tells one from any other
number is the Social Security Administration's numbering rules and the way it is written:

- the rules: an area (first three digits) of 000, 666 or 900-999 was never issued (9xx are
  taxpayer ids), nor a group (middle two) of 00 or a serial (last four) of 0000; a number of one
  digit repeated, and the numbers printed in advertisements and examples (`078-05-1120` on
  Woolworth's wallet inserts, `219-09-9999`, `123-45-6789`), are no one's, as presidio's
  recognizer holds too;
- the form: `123-45-6789` with its two dashes is how the number is written and nothing else is
  (a zip+4 is `12345-6789`, a date `2023-04-05`), so it is found alone; nine digits in a row or
  split by blanks are any number (an id, a count, a phone extension) and are found only after a
  word naming the number (`SSN`, `social security`, `SS#`) in the 40 characters before;
- a number labelled as an id (`order 536-22-1234`, `case #536-22-1234`) or inside a link is one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

#: three, two and four digits, split by one kind of separator (a dash or a blank) or none, not
#: inside a longer number, a dotted number, a path or a dashed code. The guard before the number
#: is read after its first digit: a pattern opening with a digit is searched for by the engine's
#: fast scan, one opening with a lookbehind is tried at every character (2.3 times as slow)
SSN = re.compile(r"(?P<area>\d(?<![\w.,/+-]\d)\d\d)(?P<sep>[- ]?)(?P<group>\d{2})(?P=sep)(?P<serial>\d{4})"
                 r"(?![\w/]|[-.,]\d)")
#: a word naming the number: `SSN`, `SSNs`, `SS#`, `social security (number)`, `soc. sec.`
SSN_WORD = re.compile(r"(?<![A-Za-z])(?:ssns?|ss\s*#|social[\s-]+security|soc\.?\s*sec\.?)(?![A-Za-z])",
                      re.IGNORECASE)
#: how far before a number its naming word is looked for
WORD_READ = 40
#: numbers printed as examples, never issued to anyone (or voided after being printed)
SAMPLES = frozenset({"078051120", "219099999", "123456789"})


def issuable(area: str, group: str, serial: str) -> bool:
    """Whether the Social Security Administration could have issued `area-group-serial`."""
    digits = area + group + serial
    return (area not in ("000", "666") and not area.startswith("9") and group != "00" and serial != "0000"
            and len(set(digits)) > 1 and digits not in SAMPLES)


def find_ssns(text: str, labelled_as_id: Callable[[str, int, int], bool]) -> Iterator[tuple[int, int]]:
    """The spans of the Social Security numbers of `text`; `labelled_as_id(text, start, end)` says
    whether a number there is an id or a link's digits instead (the phone scan's own rules)."""
    for m in SSN.finditer(text):
        if not issuable(m.group("area"), m.group("group"), m.group("serial")):
            continue
        named = SSN_WORD.search(text, max(0, m.start() - WORD_READ), m.start()) is not None
        if not named and (m.group("sep") != "-" or labelled_as_id(text, m.start(), m.end())):
            continue
        yield m.span()
