"""Cyrillic and Greek letters that look like Latin ones, read as those Latin letters.

NFKC leaves `Тhе` (a Cyrillic `Т` and `е` among Latin letters) a word of its own, so a copied
evaluation item spelled with a few such letters would hide from an exact or n-gram match while
reading the same to a person. Before the words are lower-cased, each letter below becomes the
Latin letter it is drawn like: the capitals too, since a Cyrillic `Т` looks like `T` but its
lower case `т` looks like no Latin letter. The table is kept here by hand, nothing is
downloaded: the letters of the two scripts that Unicode's confusables data (UTS #39) draws as
one ASCII letter and that pass for it in common fonts.

Genuine Russian or Greek text keeps the letters that look like no Latin one (`д`, `л`, `я`,
`λ`, `π`, `ω`...), so its words stay words of no English text: only a word drawn wholly in
look-alikes becomes a Latin spelling (`сор` reads `cop`), and a copy takes a run of thirteen words
or an item's five different words in a row, which such stray words do not make. Only
contamination matching reads texts so; the other text checks compare what is written.
"""

from __future__ import annotations

import pyarrow as pa

#: Each look-alike and the Latin letter it passes for.
LOOK_ALIKES = {
    # Cyrillic capitals
    "А": "A", "В": "B", "Е": "E", "Ѕ": "S", "І": "I", "Ј": "J", "К": "K", "М": "M", "Н": "H", "О": "O",
    "Р": "P", "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ү": "Y", "Һ": "H", "Ԛ": "Q", "Ԝ": "W",
    # Cyrillic small letters
    "а": "a", "е": "e", "і": "i", "ј": "j", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "ѕ": "s",
    "һ": "h", "ӏ": "l", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ү": "y",
    # Greek capitals
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Greek small letters
    "α": "a", "ι": "i", "ν": "v", "ο": "o", "ρ": "p", "υ": "u",
}
_TABLE = str.maketrans(LOOK_ALIKES)
_ANY = f"[{''.join(LOOK_ALIKES)}]"


def latin_look_alikes(texts: pa.Array) -> pa.Array:
    """`texts` with every look-alike letter (`LOOK_ALIKES`) as its Latin letter. Texts in ASCII,
    and chunks without such a letter, are left as they are and cost a scan in C."""
    import pyarrow.compute as pc

    if not len(texts) or pc.all(pc.string_is_ascii(texts)).as_py():
        return texts
    if not pc.any(pc.match_substring_regex(texts, _ANY)).as_py():
        return texts
    return pa.array([t if t is None else t.translate(_TABLE) for t in texts.to_pylist()], texts.type)
