"""HTML residue in a text: entities (`&amp;`) and tags (`<br>`), but not code that looks like them.

Fine-tuning data is full of code, where `<MyComponent />`, `identity<T>` or `a && b` are what the
example teaches, not scraping residue. Code is left out before looking: Markdown fenced blocks
(three or more backticks or tildes, to the matching fence or the end of the text) and inline
code spans (a run of backticks to the next run of the same length), as CommonMark reads them.
"""

from __future__ import annotations

import re

MARKUP = {
    "entity": re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});"),
    "tag": re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>\n]*)?/?>"),
}
#: a fence is its whole run of backticks or tildes (possessive: backtracking into it, a line of
#: n backticks and no line break took time in n squared)
_FENCED = re.compile(r"^[ ]{0,3}(?P<fence>`{3,}+|~{3,}+)[^\n]*\n.*?(?:^[ ]{0,3}(?P=fence)[`~]*[ \t]*$|\Z)",
                     re.MULTILINE | re.DOTALL)
_INLINE = re.compile(r"(?<!`)(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)", re.DOTALL)


def markup_kinds(text: str) -> list[str]:
    """The kinds of HTML residue in `text` outside its code, in MARKUP's order."""
    if "&" not in text and "<" not in text:
        return []
    if "`" in text or "~~~" in text:
        text = _INLINE.sub(" ", _FENCED.sub("\n", text))
    return [kind for kind, pattern in MARKUP.items() if pattern.search(text)]
