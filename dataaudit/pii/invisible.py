"""The invisible format characters, written once for both regular-expression engines that look
for them: Python's `re`, reading a text at a time (PII patterns, language detection), and
Arrow's RE2, reading a column at once (near duplicates, contamination).

They are the zero-width space and joiners, the soft hyphen, the direction marks and isolates,
the word joiner and invisible operators, U+FEFF and the tag characters: written inside a key,
an address or a word, they hide it from every pattern and split it for every tokenizer, while
the text reads the same. Other format characters (`Cf`) that show as a sign (U+0600, the Arabic
number sign) or lay out a script's signs (Egyptian hieroglyph controls) are text, and stay."""

from __future__ import annotations

import re

#: first and last code point of each run of invisible characters
RANGES = ((0x00AD, 0x00AD), (0x061C, 0x061C), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E),
          (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xE0001, 0xE0001), (0xE0020, 0xE007F))

#: one invisible character, for Python's `re`
INVISIBLE = re.compile("[" + "".join(f"{chr(first)}-{chr(last)}" for first, last in RANGES) + "]")
#: a run of invisible characters, in RE2's syntax, for Arrow's `replace_substring_regex`
INVISIBLE_RUN_RE2 = "[" + "".join(f"\\x{{{first:X}}}-\\x{{{last:X}}}" for first, last in RANGES) + "]+"
