"""The language of one example, told by lingua's detector, or undetermined.

lingua is an optional dependency (`pip install 'dataaudit[lang]'`, about 96 MB of models): it
is imported only when an audit detects languages. The detector is built once per process, on
first use, and never pickled: a worker process or Spark executor builds its own, so the
accumulator that calls it travels as plain counts.

Choice of detector (measured with `benchmarks/bench_languages.py` on 2 shared cores): lingua's
high-accuracy mode takes about 17 s and 750 MB to load even for 31 languages, which every
worker would pay; its low-accuracy mode (trigrams only) loads in about 1 s and 90 MB and
tells about 5,000 short texts (one sentence) or 500 long ones (about 900 characters) a second.
Low accuracy is weak on short texts, which are counted as undetermined below a minimum length
anyway. The detector tells apart the 31 most used languages of `COMMON` plus any language
asked for: fewer candidates make a short text's guess less wild and the check faster.

An example's messages (at most `max_chars` characters of each) are cut into chunks of whole
sentences or lines of at least `min_letters` letters each; a chunk whose most likely
language has a confidence of at least `min_confidence` counts its letters for that language.
The example's language is the one with the most letters; it is undetermined when fewer than
`min_letters` letters were told (`ok`, `thx!`, a number, a code snippet lingua is unsure of).
An example is mixed when a second language holds at least `mixed_share` of the told letters,
and at least twice `min_letters`: one short chunk guessed wrong (an anagram, a name, a line of
code, which low accuracy mode may tell confidently) does not make an example mixed.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dataaudit.errors import InputError
from dataaudit.pii.invisible import INVISIBLE
from dataaudit.profile.languages import MISSING, detector_installed

if TYPE_CHECKING:
    from lingua import LanguageDetector

#: the languages told apart unless more are asked for: the most used on the web and in
#: instruction data, several scripts among them
COMMON = ("ar", "bg", "bn", "cs", "da", "de", "el", "en", "es", "fa", "fi", "fr", "he", "hi", "hu", "id", "it",
          "ja", "ko", "nb", "nl", "pl", "pt", "ro", "ru", "sv", "th", "tr", "uk", "vi", "zh")
#: a sentence ends after one of these (Latin, CJK and Devanagari stops), or at a line break
SENTENCE_END = re.compile(r"(?<=[.!?。！？।])\s+|\n+")
#: links, e-mail addresses, @handles and #tags are no language: their letters (`ow.ly/KiDNu`) read
#: as Danish or Polish to a detector and made short English tweets "outside" English
NOT_WORDS = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+|(?<!\w)[@#]\w+")


def checked_codes(codes: Iterable[str]) -> tuple[str, ...]:
    """The ISO 639-1 codes `codes`, lower-cased, or `InputError` naming one lingua does not know
    (or the missing install, which alone cannot tell them)."""
    codes = tuple(dict.fromkeys(code.strip().lower() for code in codes))
    if not codes:
        return codes
    if not detector_installed():
        raise InputError(f"--language {codes[0]} needs the language detector: {MISSING}")
    from lingua import Language

    known = {language.iso_code_639_1.name.lower() for language in Language.all()}
    for code in codes:
        if code not in known:
            raise InputError(f"--language {code}: not an ISO 639-1 code of a language the detector knows "
                             f"(such as en, de, fr, es, ru, ja)")
    return codes


@functools.cache
def detector(codes: tuple[str, ...]) -> LanguageDetector:
    """lingua's detector for the languages `codes` (with `COMMON`), in low-accuracy mode; built
    once per process and set of languages, its models loaded as texts need them."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    chosen = sorted(set(COMMON) | set(codes))
    builder = LanguageDetectorBuilder.from_iso_codes_639_1(*(getattr(IsoCode639_1, c.upper()) for c in chosen))
    return builder.with_low_accuracy_mode().build()


@dataclass(frozen=True)
class Verdict:
    """`language` of an example (None: undetermined) and `second`, when it is mixed."""

    language: str | None
    second: str | None = None


def letters(text: str) -> int:
    """The letters of `text`: `str.isalpha` mapped in C, several times faster than a generator
    over long conversations."""
    return sum(map(str.isalpha, text))


def chunks(text: str, min_letters: int) -> list[tuple[str, int]]:
    """`text` cut at sentence ends into chunks of at least `min_letters` letters, each with its
    letters (counted once, per sentence): a sentence shorter than that is joined to the next,
    and a short rest to the last chunk."""
    out: list[tuple[str, int]] = []
    current: list[str] = []
    count = 0
    for sentence in SENTENCE_END.split(text):
        current.append(sentence)
        count += letters(sentence)
        if count >= min_letters:
            out.append((" ".join(current), count))
            current, count = [], 0
    if current:
        if out:
            last, size = out[-1]
            out[-1] = (f"{last} {' '.join(current)}", size + count)
        else:
            out.append((" ".join(current), count))
    return out


def plain(text: str) -> str:
    """`text` with its compatibility forms folded (NFKC: full-width Latin letters, which lingua
    tells no language of, are the letters they stand for) and its invisible format characters
    (a zero-width space, which cut a word in two for the detector) dropped."""
    if text.isascii():
        return text
    return INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


def judge(messages: list[str], codes: tuple[str, ...], min_letters: int, min_confidence: float,
          mixed_share: float, max_chars: int) -> Verdict:
    """The verdict on one example made of `messages` (see the module's rules)."""
    told: Counter[str] = Counter()
    found = detector(codes)
    # one text, a message a line: short messages (a greeting, "thanks") join the next into a chunk
    words = (NOT_WORDS.sub(" ", plain(message[:max_chars])) for message in messages)
    for chunk, size in chunks("\n".join(words), min_letters):
        if size < min_letters:
            continue
        values = found.compute_language_confidence_values(chunk)
        if values and values[0].value >= min_confidence:
            told[values[0].language.iso_code_639_1.name.lower()] += size
    total = sum(told.values())
    if total < min_letters:
        return Verdict(None)
    ranked = sorted(told.items(), key=lambda kv: (-kv[1], kv[0]))
    if len(ranked) > 1 and ranked[1][1] >= max(mixed_share * total, 2 * min_letters):
        return Verdict(ranked[0][0], ranked[1][0])
    return Verdict(ranked[0][0])
