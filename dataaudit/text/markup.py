"""HTML residue in a text: entities (`&amp;`) and tags (`<br>`), but not code that looks like them.

Fine-tuning data is full of code, where `<MyComponent />`, `identity<T>` or `a && b` are what the
example teaches, not scraping residue. Code is left out before looking: Markdown fenced blocks
(three or more backticks or tildes, to the matching fence or the end of the text) and inline
code spans (a run of backticks to the next run of the same length), as CommonMark reads them.
A tag is one of an HTML element (`HTML_ELEMENTS`): a reasoning trace's `<think>`, a model's own
`<answer>` or a generic's `<String>` are what the example teaches too.
"""

from __future__ import annotations

import re

#: the elements of the HTML standard (WHATWG), and the obsolete ones pages still carry (`<font>`)
HTML_ELEMENTS = frozenset({
    "a", "abbr", "acronym", "address", "area", "article", "aside", "audio", "b", "base", "basefont", "bdi", "bdo",
    "big", "blink", "blockquote", "body", "br", "button", "canvas", "caption", "center", "cite", "code", "col",
    "colgroup", "data", "datalist", "dd", "del", "details", "dfn", "dialog", "dir", "div", "dl", "dt", "em",
    "embed", "fieldset", "figcaption", "figure", "font", "footer", "form", "frame", "frameset", "h1", "h2", "h3",
    "h4", "h5", "h6", "head", "header", "hgroup", "hr", "html", "i", "iframe", "img", "input", "ins", "kbd",
    "label", "legend", "li", "link", "main", "map", "mark", "marquee", "menu", "meta", "meter", "nav", "nobr",
    "noframes", "noscript", "object", "ol", "optgroup", "option", "output", "p", "param", "picture", "pre",
    "progress", "q", "rp", "rt", "ruby", "s", "samp", "script", "search", "section", "select", "slot", "small",
    "source", "span", "strike", "strong", "style", "sub", "summary", "sup", "svg", "table", "tbody", "td",
    "template", "textarea", "tfoot", "th", "thead", "time", "title", "tr", "track", "tt", "u", "ul", "var",
    "video", "wbr",
})
MARKUP = {
    "entity": re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});"),
    "tag": re.compile(rf"</?(?:{'|'.join(sorted(HTML_ELEMENTS, key=len, reverse=True))})(?:\s[^<>\n]*)?/?>",
                      re.IGNORECASE),
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
