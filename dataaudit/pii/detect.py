"""Detectors of personal data and secrets in one text, each a compiled pattern that finds
candidates (the prefilter: clean text costs one regex scan per kind, the phone matcher runs only
where a run of seven digits is, never on a line that is digits alone with no letter near, and
caches its parse of each candidate) and a validator that keeps the real ones.

- email: an address, its local part and domain in letters and digits of any script (RFC 6531:
  `josé@gmail.com`, `用户@例子.广告`), whose domain ends in a letters-only top-level domain,
  ASCII or wholly another script (`gracias@pedro.lópez` mixes them: a name glued to an `@`); addresses at the
  reserved documentation domains (example.com/.org/.net, .example, .test, .invalid, localhost),
  `git@host` and asset names such as `icon@2x.png` are placeholders, not anyone's address.
- phone: `phonenumbers.PhoneNumberMatcher` at leniency VALID, once per region whose national
  format is read (the rule pack's `checks.pii.phone_regions`, US by default; numbers in
  international form, `+44 ...` or `0044 ...`, are found whatever the regions); a number
  written as a bare run of digits counts only near a word such as phone, call or tel or after
  `my number`, one labelled by order, invoice, case, ref,
  id or `#` (`case 12345`, `Case #: 12345`; the word itself, not `border` or `showcase`, and not
  after a comma nor in a phrase such as `in any case`, `in that case`, `just in case`) is an order
  number, one after groups of an account or IBAN (`DE00 3704 ...`; not a year alone, `2024`) their
  tail, and a plain decimal number (`201.5551234`) is a measurement. A toll-free, premium-rate,
  shared-cost or universal access number (`1-800-273-8255`, `0800 123 4567`) is a service's line,
  not a person's.
- card: 13 to 19 digits, in groups of one separator or none, of a known scheme's prefix and
  length (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay) with a valid Luhn sum, alone or
  before an expiry date or a security code (not before a group of four digits more); after
  groups of four holding a digit it is the tail of an account or IBAN, after `VISA` a card.
- iban: a country code of the ISO 13616 registry, that country's length and the mod-97 checksum,
  in capitals split by blanks, or in one case in groups of four split by blanks or dashes.
- ssn: a US Social Security number the numbering rules allow (`dataaudit.pii.ssn`), written
  `123-45-6789`, or as nine digits after a word naming it (`SSN`, `social security`).
- ip: an IPv4 or IPv6 address `ipaddress` accepts and calls global: private, loopback and the
  documentation ranges identify nobody. An IPv4 labelled by a word such as version, release, build
  or section (the word itself, not `server`, and not in a phrase such as `each step`; update, step,
  rule or item only without a colon), or inside a longer dotted number, is a version or a section
  number. An IPv6 address of two groups (`2a01::1`) counts when its first is of 2000::/3.
- url_credentials: `scheme://user:password@host`; the span is `user:password` (the user may be
  empty, the password runs to the last `@`), scheme and host stay. A placeholder password
  (`password`, `<pass>`, `${PASS}`, `xxx`) is no secret.
- private_key: a PEM header `-----BEGIN ... PRIVATE KEY-----` through its END line (or the key
  body when the END line is missing).
- secret: API tokens by their issuers' published prefixes, the same patterns as detect-secrets'
  AWSKeyDetector, GitHubTokenDetector, SlackDetector (its tokens and webhook URLs), StripeDetector
  and JwtTokenDetector plus OpenAI/Anthropic-style `sk-` and Google `AIza` keys, and gitleaks'
  rules for Hugging Face (`hf_`, `api_org_`), npm, SendGrid, Twilio (`SK`), Slack app (`xapp-`),
  GitLab (`glpat-`) and Replicate (`r8_`) tokens, whose body must not be a placeholder; the
  opaque token of an `Authorization: Bearer ...` (or `token ...`) header; and, like its
  KeywordDetector with its HighEntropyString plugins, a value of at least 8 characters, mixing
  letters with digits or symbols, of Shannon entropy >= 3 bits per character, assigned to or
  said of a keyword (token, secret, password, api_key, ...), a password of 4 or more (`hunter2`)
  at a lower level, judged in `values`. The patterns are written here rather than calling the
  plugins because a redaction needs each value's position, which `analyze_line` does not give,
  and because one scan per kind over the whole text is faster than every plugin on every line.
  Documentation placeholders (AWS's `...EXAMPLE` keys, `<token>`, `${TOKEN}`, `xxxx`) are none.

Matches of different kinds never overlap: a span claimed by an earlier kind in `KINDS` order
(secrets first) is not counted again (the address in a URL's credentials is no email).
"""

from __future__ import annotations

import functools
import ipaddress
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from dataaudit.pii.checksums import IBAN_LENGTHS, iban_valid, is_card_number
from dataaudit.pii.invisible import INVISIBLE
from dataaudit.pii.ssn import find_ssns
from dataaudit.pii.values import basic_credentials, is_placeholder, keyword_secret, random_looking

#: the countries whose phone numbers may be written without a country code, unless the rule pack
#: names others
DEFAULT_REGIONS: tuple[str, ...] = ("US",)


@dataclass(frozen=True)
class Found:
    kind: str
    start: int
    end: int


Spans = Iterator[tuple[int, int]]

# --- email ---------------------------------------------------------------------------------
#: an address of RFC 5321, or of RFC 6531 with letters and digits of any script in its local
#: part and its domain (`josé@gmail.com`, `用户@例子.广告`), and an apostrophe inside the local
#: part (`o'brien@`, whose tail alone would leave `o'` in clear); the left guard keeps the tail of a
#: longer address (`garcía@...` of `josé.garcía@...`) from being read as one, and the right guard
#: the head of a longer domain (`host.co` of `host.co-op`); two hyphens are a dash in prose
#: (`jane@gmail.com--or call me`), after which the address has ended. The local part is at most
#: 64 characters (RFC 5321's limit): unbounded, a run such as `a'a'a'...` (where every letter
#: after an apostrophe may start an address) before an `@` took time quadratic in its length
EMAIL = re.compile(r"(?<![\w.%+-])[^\W_][\w.%+'-]{0,63}@((?:[^\W_](?:(?:[^\W_]|-)*[^\W_])?\.)+([^\W\d_]{2,24}))"
                   r"(?![\w@]|-(?!-))")
RESERVED_DOMAINS = ("example.com", "example.org", "example.net")
RESERVED_TLDS = frozenset({"example", "test", "invalid", "localhost", "local"})
FILE_TLDS = frozenset({"png", "jpg", "jpeg", "gif", "svg", "webp", "js", "css", "ts", "py", "json", "html"})


def _mixed_script(tld: str) -> bool:
    """Whether a top-level domain mixes ASCII letters with others (`lópez` of `gracias@pedro.lópez`):
    the registry's domains are ASCII or written wholly in another script (`рф`, `广告`), so such a
    tail is a name glued to an `@` in social text, not a domain."""
    return not tld.isascii() and any(ch.isascii() for ch in tld)


def _emails(text: str) -> Spans:
    if "@" not in text:
        return
    for m in EMAIL.finditer(text):
        domain, tld = m.group(1).lower(), m.group(2).lower()
        if (tld in RESERVED_TLDS or tld in FILE_TLDS or domain.endswith(RESERVED_DOMAINS)
                or m.group(0).lower().startswith("git@") or _mixed_script(tld)):
            continue
        yield m.span()


# --- phone ---------------------------------------------------------------------------------
PHONE_CANDIDATE = re.compile(r"[0-9](?:[\s().\-/]{0,2}[0-9]){6,}")
#: a word (not the tail of one: `border`, `showcase`, `expo`) labelling the number after it as an id
#: or an order number: `case 12345`, `Case #: 12345`, `ref. 12345`, `order no. 12345`. Only blanks
#: and a label's marks (`:`, `#`, `=`, `-`) stand between them: after a comma or a sentence's end
#: (`thanks for your order, 415-...`) the word labels nothing that follows
ID_BEFORE = re.compile(r"(?<![A-Za-z])(?P<word>order|invoice|ref\.?|reference|ticket|tracking|account|acct\.?|id|sku|"
                       r"serial|isbn|po|case|confirmation|transaction|receipt)"
                       r"(?:[\s:=-]{0,3}(?:number|no\.?|nr\.?|num|#))?[\s:#=-]{0,3}$|#\s*$", re.IGNORECASE)
#: the words before a label word that make it the noun of a phrase rather than the label of a
#: number: a quantifier (`any case`, `every order`, `each step`) names no one record, so the
#: number after it is read as any other
QUANTIFIED_BEFORE = re.compile(r"(?<![A-Za-z])(?:in\s+)?(?:any|either|each|every|no|whatever)\s+$", re.IGNORECASE)
#: for an id's word, also `in` with a determiner (`in that case`, `in which case`, `in such a
#: case`) and `just in case`: idioms of `case` meaning a situation (`In any case: 415-555-2671`
#: is a phone number). A version's word keeps its label there: `in this release 1.2.3.4` names it
PHRASE_BEFORE = re.compile(r"(?<![A-Za-z])(?:(?:in\s+)?(?:any|either|each|every|no|whatever)"
                           r"|in\s+(?:that|this|which|such(?:\s+an?)?)|just\s+in)\s+$", re.IGNORECASE)
#: the characters read before a label word for `PHRASE_BEFORE` and `QUANTIFIED_BEFORE`
PHRASE_READ = 16
#: groups of four uppercase letters or digits just before, the first holding a digit: the number
#: is the tail of an account or IBAN (`DE00 3704 ...`, `GB00 WEST 1234 ...`). One group alone is
#: such a head only when it mixes letters and digits (`DE00`): four digits alone are a year or a
#: number in prose (`since 2024 415-...`, `Suite 1200 415-...`), and a word in capitals (`VISA`,
#: `AMEX`, `CALL`, `WITH`) is no such group and names the number that follows
CODE_GROUP_BEFORE = re.compile(r"(?=[A-Z]{0,3}[0-9])(?:[A-Z0-9]{4}[ -](?:[A-Z0-9]{4}[ -])+"
                               r"|(?=[0-9]{0,3}[A-Z])[A-Z0-9]{4}[ -])$")
#: a group of four digits just before a card's groups: the card would be the tail of a longer
#: number, as it would be the head of one before such a group (`CARD`'s right guard)
DIGIT_GROUP_BEFORE = re.compile(r"[0-9]{4}[ .-]$")
#: the characters read before a number for `CODE_GROUP_BEFORE`: a few groups
CODE_GROUPS_READ = 40
#: a plain decimal number: a mean or a measurement, never written for a number to call
DECIMAL = re.compile(r"^\d+\.\d+$")
#: a word near a bare run of digits saying it is a number to call; a person's number (`my number
#: is 4155552671`) is one too, as people say it without naming the phone
PHONE_WORD = re.compile(r"phone|\btel\b|call|mobile|cell|fax|whatsapp|text me|reach me|contact"
                        r"|\b(?:my|our|your|his|her|their) number\b", re.IGNORECASE)


def _labelled(label: re.Pattern[str], text: str, at: int, read: int, phrase: re.Pattern[str]) -> bool:
    """Whether a word of `label` (in the `read` characters before `at`) labels the value at `at`:
    the same word as the noun of a `phrase` (`in any case`, `every release`) labels nothing, and
    the value is read as if the word were not there."""
    before = text[max(0, at - read):at]
    m = label.search(before)
    if m is None:
        return False
    if m.group("word") is None:  # a mark alone (`#`) labels whatever follows it
        return True
    word = at - len(before) + m.start("word")
    return not phrase.search(text[max(0, word - PHRASE_READ):word])


def _in_link(text: str, start: int, end: int) -> bool:
    """Digits in a URL or a path (`/2014/230120.htm`, `-70-1.2927719?cmp=rss`) are an id, not a
    number to call: the word holding them has a slash, or they go on into a file name or query."""
    word_start = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1
    return any(mark in text[word_start:start] for mark in "/_=?") or text[end:end + 1] in ("?", "/", "_") or (
        text[end:end + 1] == "." and text[end + 1:end + 2].isalpha())


#: where a sentence or a line ends: the matcher reads each part alone, so a date in the next
#: sentence does not make it drop the number before it
SENTENCE_END = re.compile(r"[.;!?,](?=\s)|\n")


#: the most digits phonenumbers' matcher takes in one run (`_DIGIT_BLOCK_LIMIT`: 17 + 3)
MATCHER_DIGIT_RUN = 20


def _glued_to_letters(text: str) -> bool:
    """Whether `text` is a word such as the id `r0000063`: ASCII letters and digits, a letter
    first, at most `MATCHER_DIGIT_RUN` digits. The matcher tries each run of digits whole (there
    is no space, slash, dot or bracket to split it at), and one that follows a Latin letter is no
    number at leniency VALID, so it would find nothing: asking it costs a parse per region for
    every id a report quotes, and its import for a report that quotes nothing else."""
    return text.isascii() and text.isalnum() and text[0].isalpha() and sum(map(str.isdigit, text)) <= MATCHER_DIGIT_RUN


def _phones(text: str, regions: tuple[str, ...]) -> Spans:
    """Each region's matches; a number two regions read alike (one with a `+` country code) is
    one span, and `find_pii` keeps the first of two overlapping ones."""
    if not _has_digit(text) or not PHONE_CANDIDATE.search(text) or _glued_to_letters(text):
        return
    seen: set[tuple[int, int]] = set()
    for region in regions:
        for span in _phones_of(text, region):
            if span not in seen:
                seen.add(span)
                yield span


#: `00` dialled before a country code (`0044 20 7946 0958`), the international prefix of most of
#: the world, which the matcher reads only in the regions that dial it; not inside a number
INTERNATIONAL_00 = re.compile(r"(?<![\w.,+])00(?=[1-9])")


def _dialled(text: str) -> str:
    """`text` with each `00` before a country code written ` +`, as the matcher reads a number in
    international form in every region; the same length, so every position stays where it was."""
    return INTERNATIONAL_00.sub(" +", text) if "00" in text else text


#: a part that is one run of digits alone on its line or sentence (a table's column, a log's ids)
BARE_DIGITS = re.compile(r"\s*[0-9]+\s*")
#: a letter: `PHONE_WORD` needs one
LETTER = re.compile(r"[^\W\d_]")


def _bare_run(text: str, start: int, end: int) -> bool:
    """Whether the part `start:end` of `text` is one run of digits with no letter in it nor in
    the 30 characters before it: whatever the matcher finds there is a bare run of digits (`00`
    read as ` +` included) with no word of a phone near, which `_not_a_phone` drops, so the
    matcher need not read it. Each part has a matcher of its own, so skipping one changes no other."""
    return bool(BARE_DIGITS.fullmatch(text, start, end)) and not LETTER.search(text, max(0, start - 30), end)


def _matcher(part: str, region: str) -> Iterator[Any]:
    """phonenumbers' matcher at leniency VALID over `part`, each candidate it parses and validates
    looked up in `_verified` first: a text of numbers (`12 12 12 ...`, a table) holds the same
    candidate many times, and parsing one costs some 50 µs."""
    import phonenumbers

    matcher = phonenumbers.PhoneNumberMatcher(part, region, leniency=phonenumbers.Leniency.VALID)
    if hasattr(phonenumbers.PhoneNumberMatcher, "_parse_and_verify"):
        matcher._parse_and_verify = functools.partial(_parse_and_verify, part, region)
    return iter(matcher)


def _parse_and_verify(text: str, region: str, candidate: str, offset: int) -> Any:
    """The matcher's own `_parse_and_verify(candidate, offset)`: it reads the candidate, the
    region and the characters just before and after the candidate in `text` (whether a Latin
    letter or a currency sign glues to it), nothing else, so its answer is cached on those."""
    import phonenumbers

    end = offset + len(candidate)
    number = _verified(candidate, region, text[offset - 1] if offset > 0 else "", text[end:end + 1])
    return None if number is None else phonenumbers.PhoneNumberMatch(offset, candidate, number)


@functools.lru_cache(maxsize=4096)
def _verified(candidate: str, region: str, before: str, after: str) -> Any:
    """The number the matcher's `_parse_and_verify` finds in `candidate` between the characters
    `before` and `after` (each empty at an end of the text), or None."""
    import phonenumbers

    context = phonenumbers.PhoneNumberMatcher(before + candidate + after, region,
                                              leniency=phonenumbers.Leniency.VALID)
    match = phonenumbers.PhoneNumberMatcher._parse_and_verify(context, candidate, len(before))
    return None if match is None else match.number


def _phones_of(text: str, region: str) -> Spans:
    readable = _dialled(text)
    ends = [m.end() for m in SENTENCE_END.finditer(text)]
    for start, end in zip([0, *ends], [*ends, len(text)], strict=True):
        part = readable[start:end]
        if not PHONE_CANDIDATE.search(part) or _bare_run(text, start, end):
            continue
        for match in _matcher(part, region):
            at = start + match.start
            at -= readable[at] != text[at]  # the first `0` of a `00` read as ` +`
            if _not_a_phone(text, at, start + match.end) or _a_service(match.number):
                continue
            yield at, start + match.end


def _a_service(number: object) -> bool:
    """Whether `number` is a service's, by its numbering plan: toll-free (`1-800-273-8255`, a
    crisis line an assistant rightly gives), premium-rate, shared-cost or a universal access
    number is a business's or a public service's line, never a person's to redact."""
    import phonenumbers

    kinds = phonenumbers.PhoneNumberType
    return phonenumbers.number_type(number) in (kinds.TOLL_FREE, kinds.PREMIUM_RATE, kinds.SHARED_COST, kinds.UAN)


def _not_a_phone(text: str, start: int, end: int) -> bool:
    """Whether the number the matcher found at `start:end` is an id, the tail of an account, a
    link's digits, a bare run of digits with no word of a phone near, or a measurement."""
    before = text[max(0, start - 30):start]
    raw = text[start:end]
    return bool(_labelled(ID_BEFORE, text, start, 30, PHRASE_BEFORE) or CODE_GROUP_BEFORE.search(before)
                or _in_link(text, start, end) or (raw.isdigit() and not PHONE_WORD.search(before))
                or DECIMAL.match(raw))  # a measurement such as 201.5551234


# --- card ----------------------------------------------------------------------------------
#: as printed on cards: no separator, groups of four (4-4-4-1..7) split by blanks, dashes or dots
#: (`4111.1111.1111.1111`, as some forms and receipts write them), or Amex and Diners' 4-6-4/5;
#: a group of four digits more after a blank goes on a longer number (a table's row), while an
#: expiry date or a security code (`4111 ... 1111 12/25 123`) is written after the card; digits
#: glued to letters are a piece of a hex digest or an identifier (`...ebf4948159048301aeb...`)
CARD = re.compile(r"(?<![\dA-Za-z.,+-])(?:\d{13,19}|\d{4}([ .-])\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -])\d{6}\2\d{4,5})"
                  r"(?![\dA-Za-z-]|[.,]\d| \d{4})")
#: a run of digits, blanks and dashes long enough for a card: the cheap scan before `CARD`
CARD_RUN = re.compile(r"[0-9][0-9 .-]{11,22}[0-9]")
#: the prefilter of cards and IBANs: a run of four digits
FOUR_DIGITS = re.compile(r"[0-9][0-9][0-9][0-9]")


def _has_digit(text: str) -> bool:
    """The cheapest test there is: ten substring searches in C, no regex scan."""
    return any(digit in text for digit in "0123456789")


def _cards(text: str) -> Spans:
    if not _has_digit(text) or not FOUR_DIGITS.search(text):
        return
    for run in CARD_RUN.finditer(text):
        yield from _cards_in(text, run.start(), run.end())


def _cards_in(text: str, start: int, end: int) -> Spans:
    """The cards of one run; `CARD`'s lookarounds read the characters around it."""
    for m in CARD.finditer(text, start, min(len(text), end + 2)):
        before = text[max(0, m.start() - CODE_GROUPS_READ):m.start()]
        if CODE_GROUP_BEFORE.search(before) or DIGIT_GROUP_BEFORE.search(before):
            continue
        if is_card_number(re.sub(r"[ .-]", "", m.group(0))):
            yield m.span()


# --- iban ----------------------------------------------------------------------------------
#: a country code, its check digits and the rest, in either case, split by blanks or dashes
#: (`GB82-WEST-1234-...`, as forms print it); `_iban_form` tells which of these are written as an
#: IBAN is
IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ -]?[A-Za-z0-9]){11,30}")
IBAN_START = re.compile(r"[A-Za-z][A-Za-z][0-9][0-9]")
#: groups of four (the last of one to four) split by one kind of separator, or none
IBAN_GROUPS = re.compile(r"[A-Za-z0-9]+|[A-Za-z0-9]{4}(?P<sep>[ -])(?:[A-Za-z0-9]{4}(?P=sep))*[A-Za-z0-9]{1,4}")


def _ibans(text: str) -> Spans:
    if not _has_digit(text) or not FOUR_DIGITS.search(text) or not IBAN_START.search(text):
        return
    for m in IBAN.finditer(text):
        raw = m.group(0)
        length = IBAN_LENGTHS.get(raw[:2].upper())
        if length is None:
            continue
        end, seen = 0, 0
        for end, ch in enumerate(raw, 1):  # noqa: B007 - `end` is read after the loop
            seen += ch not in " -"
            if seen == length:
                break
        if seen < length or (end < len(raw) and raw[end] != " ") or not _iban_form(raw[:end]):
            continue
        if iban_valid(re.sub(r"[ -]", "", raw[:end]).upper()):
            yield m.start(), m.start() + end


def _iban_form(raw: str) -> bool:
    """Whether `raw` is written as an IBAN is: in capitals split by blanks anyhow (as it always
    was read), or in one case throughout and in groups of four split by one kind of separator
    (`gb82 west 1234 ...`, `GB82-WEST-1234-...`). Lower case or dashes in any other layout are
    words and codes of prose that the checksum alone would pass one time in 97."""
    if "-" not in raw and not any(ch.islower() for ch in raw):
        return True
    letters = [ch for ch in raw if ch.isalpha()]
    one_case = all(ch.islower() for ch in letters) or all(ch.isupper() for ch in letters)
    return one_case and IBAN_GROUPS.fullmatch(raw) is not None


# --- ssn -----------------------------------------------------------------------------------
def _ssns(text: str) -> Spans:
    if not _has_digit(text) or not FOUR_DIGITS.search(text):
        return
    yield from find_ssns(text, _id_or_link)


def _id_or_link(text: str, start: int, end: int) -> bool:
    """Whether the number at `start:end` is labelled as an id (`order 536-22-1234`) or is a
    link's digits, as the phone scan reads them."""
    return _labelled(ID_BEFORE, text, start, 30, PHRASE_BEFORE) or _in_link(text, start, end)


# --- ip ------------------------------------------------------------------------------------
IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
IPV6 = re.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")
#: a word (not the tail of one: `server`, `android`, `dispatch`) saying a version or a section follows;
#: the words of prose (`update`, `step`, `rule`, `item`) only without a colon or `=`: `step 1.2.3.4`
#: is a section's number, while `Quick update: 8.8.8.8` or a firewall's `rule: 8.8.8.8` give what
#: the update or the rule is about, as a heading's colon does
VERSION_BEFORE = re.compile(r"(?<![A-Za-z])(?P<word>v|version|ver\.?|release|rel\.?|build|rev\.?|revision|firmware|"
                            r"patch|section|chapter|clause|§|figure|fig\.?|table|oid|(?P<prose>update|step|rule|item))"
                            r"\s*(?(prose)#?|[:=#]?)\s*$", re.IGNORECASE)


IPV4_START = re.compile(r"[0-9]\.[0-9]{1,3}\.[0-9]")
IPV6_START = re.compile(r"::|[0-9A-Fa-f]:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]")


def _ips(text: str) -> Spans:
    if not _has_digit(text):
        return
    for m in IPV4.finditer(text) if IPV4_START.search(text) else ():
        if _labelled(VERSION_BEFORE, text, m.start(), 16, QUANTIFIED_BEFORE):
            continue
        if _global(m.group(0)):
            yield m.span()
    if ":" not in text or not IPV6_START.search(text):
        return
    for m in IPV6.finditer(text):
        raw = m.group(0)
        groups = [g for g in raw.split(":") if g]
        if not _ipv6_written(raw, groups):
            continue
        if _global(raw):
            yield m.span()


#: the first group of an address in the global unicast block (2000::/3, every block handed to
#: providers), holding a hex letter: a slice of decimal numbers (`a[2024::2]`) has none, and a
#: word of hex letters (`cafe::2`) no leading digit
GLOBAL_HEAD = re.compile(r"(?=[0-9]{0,3}[A-Fa-f])[23][0-9A-Fa-f]{3}")


def _ipv6_written(raw: str, groups: list[str]) -> bool:
    """Whether `raw` reads as an IPv6 address rather than a time or code: eight groups, or fewer
    with `::`, holding a digit; with only two groups (`2a01::1`, a host of a provider's block)
    the first must be a `GLOBAL_HEAD`, as a slice (`x[1::2]`), a word (`cafe::2`) or a C++ name
    (`Foo::Bar`) never is."""
    if not any(ch.isdigit() for ch in raw) or (len(groups) < 8 and "::" not in raw):
        return False
    return len(groups) >= 3 or (len(groups) == 2 and GLOBAL_HEAD.fullmatch(groups[0]) is not None)


def _global(raw: str) -> bool:
    try:
        return ipaddress.ip_address(raw).is_global
    except ValueError:
        return False


# --- url with credentials --------------------------------------------------------------------
#: the user name may be empty (`redis://:password@host`); the credentials end at the last `@`
#: before the host, as a URL parser reads them, so a password holding an `@` is taken whole
URL_CREDENTIALS = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]{1,15}://([^\s/?#@:\"'<>]*:([^\s/?#\"']+))@[A-Za-z0-9\[]")


def _url_credentials(text: str) -> Spans:
    if "://" not in text:
        return
    for m in URL_CREDENTIALS.finditer(text):
        if not is_placeholder(m.group(2)):
            yield m.span(1)


# --- private key ---------------------------------------------------------------------------
#: without its END line the key is its body, base64 and line breaks, the breaks written as they
#: are or escaped (`\n`, a key pasted from a `.env` file or a JSON string)
PRIVATE_KEY = re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
                         r"(?:[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
                         r"|(?:[A-Za-z0-9+/=\s]|\\[nr])*)")


def _private_keys(text: str) -> Spans:
    if "PRIVATE KEY" not in text:
        return
    for m in PRIVATE_KEY.finditer(text):
        yield m.start(), m.start() + len(m.group(0).rstrip())


# --- API tokens and keyword secrets --------------------------------------------------------
TOKEN = re.compile(r"""(?<![A-Za-z0-9_-])(?:
    (?:A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA)[0-9A-Z]{16}
  | gh[pousr]_[A-Za-z0-9]{36}
  | github_pat_[A-Za-z0-9_]{50,255}
  | xox[abposr]-(?:[0-9]+-)+[A-Za-z0-9-]+
  | https://hooks\.slack\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/(?P<webhook>[A-Za-z0-9_]+)
  | (?P<sk>sk-(?:proj-|ant-(?:api\d\d-)?|svcacct-)?[A-Za-z0-9_-]{20,})
  | [rs]k_(?:live|test)_[0-9A-Za-z]{20,}
  | AIza[0-9A-Za-z_-]{35}
  | eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}
  | (?P<issued>
      (?:hf_|api_org_)[A-Za-z0-9]{34}
    | npm_[A-Za-z0-9]{36}
    | SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}
    | SK[0-9a-fA-F]{32}
    | xapp-[0-9]-[A-Za-z0-9]+-[0-9]+-[A-Za-z0-9]+
    | glpat-[A-Za-z0-9_-]{20,}(?:\.[A-Za-z0-9]+)*
    | r8_[A-Za-z0-9]{37}
  )
)(?![A-Za-z0-9_])""", re.VERBOSE)
#: token prefixes, looked for as plain substrings before the token pattern runs
TOKEN_MARKS = ("AKIA", "ASIA", "ABIA", "ACCA", "A3T", "xox", "hooks.slack.com", "sk-", "AIza", "eyJ", "SG.", "SK",
               "xapp-", "glpat-")
#: the prefixes holding an underscore, looked for only in a text that has one: prose seldom does
UNDERSCORE_MARKS = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "k_live_", "k_test_", "hf_", "api_org_",
                    "npm_", "r8_")
#: the issuer's prefix of a token of the `issued` group, the rest being its random body
ISSUER_PREFIX = re.compile(r"hf_|api_org_|npm_|SG\.|SK|xapp-[0-9]-|glpat-|r8_")
#: the fewest distinct characters in an issued token's body: a random one of 20 characters or
#: more has a dozen, a placeholder (`hf_xxxx...`, `SK0000...`, `npm_abababab...`) a few
MIN_DISTINCT = 8
#: an `Authorization` header's credentials (RFC 6750's bearer token, GitHub's `token ...`, RFC
#: 7617's `Basic` user and password in base64), as a header, a curl option or a dict of headers
#: writes it; a variable (`Bearer ${TOKEN}`, `$HF_TOKEN`,
#: `{token}`) or a placeholder (`<token>`) holds none of the token's characters and is not taken
AUTH_HEADER = re.compile(r"\bauthorization\\?[\"']?\s*[:=]\s*\\?[\"']?\s*(?:(?:bearer|token)\s+"
                         r"(?P<token>[A-Za-z0-9._~+/-]{16,}=*)|basic\s+(?P<basic>[A-Za-z0-9+/]{4,}={0,2}))(?![\w$<{])",
                         re.IGNORECASE)
#: the keywords' common stems, looked for in the lowercased text before the keyword pattern runs
KEYWORD_MARKS = ("key", "secret", "token", "passw", "pwd", "credential")
#: the words a keyword may be glued to (`apikey`, `accesstoken`, an Azure connection string's
#: `AccountKey`); after other letters the stem is part of another word (`hockey`, `monkey`)
KEYWORD_PREFIXES = ("api", "access", "auth", "private", "secret", "app", "client", "master", "signing", "refresh",
                    "bearer", "session", "db", "user", "admin", "root", "account")
#: the value is taken to its end, however long: a value cut at some length would leave its tail in
#: clear after a redaction; its quotes may be escaped (`{\"password\": \"...\"}`, JSON written
#: inside a string of code). A password's word may be followed by its value after a blank alone
#: (`pwd hunter2`, `login admin password s3cret!`), which `values.keyword_secret` judges
KEYWORD = re.compile(r"(?:key|secret|token|(?P<password>passw(?:or)?d|pwd)|credentials?)"
                     r"(?P<suffix>(?:[_-][A-Za-z0-9]+)*)"
                     r"(?:\\?[\"'])?(?P<sep>\s*(?::=|=>|[:=])\s*|\s+is\s+|(?P<blank>[ \t]+))(?P<quote>\\?[\"'`])?"
                     r"(?P<value>[^\s\"'`,;)]{4,})", re.IGNORECASE)


def _secrets(text: str) -> Spans:
    for m in TOKEN.finditer(text) if _has_token_mark(text) else ():
        value = m.group(0)
        if is_placeholder(value):
            continue
        if m.group("sk") and not (any(c.isdigit() for c in value) and any(c.isupper() for c in value)
                                  and any(c.islower() for c in value[3:])):
            continue
        if m.group("issued") and _placeholder_body(value):
            continue
        if m.group("webhook") and _placeholder_body(m.group("webhook")):  # Slack's `.../XXXXXXXX...`
            continue
        yield m.span()
    yield from _auth_headers(text)
    seen = set()
    for m in _keywords(text):
        value = _unescaped_end(text, m.group("value").rstrip(".:"), m.end("value"))
        if m.start("value") not in seen and not is_placeholder(m.group("value")) and keyword_secret(text, m, value):
            seen.add(m.start("value"))
            yield m.start("value"), m.start("value") + len(value)


def _has_token_mark(text: str) -> bool:
    """Whether a token's prefix is in `text`: substring searches in C, each a pass over the text,
    so the prefixes with an underscore are searched only after one `_` is found."""
    return (any(mark in text for mark in TOKEN_MARKS)
            or ("_" in text and any(mark in text for mark in UNDERSCORE_MARKS)))


def _placeholder_body(token: str) -> bool:
    """Whether an issued token's body (after its issuer's prefix) is written in place of a real
    one (`hf_xxxx...`, `npm_YOUR...`): a real body is random, a dozen distinct characters or more."""
    prefix = ISSUER_PREFIX.match(token)
    body = token[prefix.end():] if prefix else token
    return is_placeholder(body) or len(set(body.lower())) < MIN_DISTINCT


def _auth_headers(text: str) -> Spans:
    """The opaque tokens of `Authorization: Bearer ...` or `token ...` headers, whatever their
    issuer, and the user and password of a `Basic ...` header: a header says what follows is a
    credential, so no prefix is needed to know it."""
    if "uthorization" not in text and "UTHORIZATION" not in text:
        return
    for m in AUTH_HEADER.finditer(text):
        if m.group("token") is not None and random_looking(m.group("token")):
            yield m.span("token")
        elif m.group("basic") is not None and basic_credentials(m.group("basic")):
            yield m.span("basic")


def _unescaped_end(text: str, value: str, end: int) -> str:
    """`value` without the backslash that escapes the quote closing it (`\\"...\\"`): the
    backslash is the code's, not the secret's."""
    closing = end < len(text) and text[end] in "\"'`"
    return value[:-1] if closing and value.endswith("\\") else value


def _keywords(text: str) -> Iterator[re.Match[str]]:
    """`KEYWORD` tried only where a keyword's stem is (found by `str.find` on the lowercased
    text), not at every character: prose mentions a key far more often than it assigns one."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a character whose lower case is longer: positions would shift
        yield from KEYWORD.finditer(text)
        return
    for mark in KEYWORD_MARKS:
        at = lowered.find(mark)
        while at >= 0:
            glued = at > 0 and lowered[at - 1].isalpha() and not lowered[:at].endswith(KEYWORD_PREFIXES)
            m = None if glued else KEYWORD.match(text, at)
            if m:
                yield m
            at = lowered.find(mark, at + 1)


#: Kind -> detector, in the order a span is claimed (an earlier kind wins an overlap).
DETECTORS: dict[str, Callable[[str, tuple[str, ...]], Spans]] = {
    "private_key": lambda text, regions: _private_keys(text),
    "url_credentials": lambda text, regions: _url_credentials(text),
    "secret": lambda text, regions: _secrets(text),
    "email": lambda text, regions: _emails(text),
    "iban": lambda text, regions: _ibans(text),
    "card": lambda text, regions: _cards(text),
    "ssn": lambda text, regions: _ssns(text),
    "ip": lambda text, regions: _ips(text),
    "phone": _phones,
}


_VISIBLE = re.compile(INVISIBLE.pattern.replace("[", "[^", 1) + "+")
#: full-width ASCII (`ｊａｎｅ＠ｇｍａｉｌ．ｃｏｍ`, NFKC's fold) and spaces other than the blank (a
#: non-breaking space between a card's groups), one character for one
_PLAIN = {**{0xFF01 + i: 0x21 + i for i in range(94)},
          **dict.fromkeys([0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000], 0x20)}


def readable(text: str) -> tuple[str, list[int] | None]:
    """`text` as the patterns read it, full-width letters and odd spaces folded and invisible
    format characters dropped, and, if any were dropped, each remaining character's position
    in `text`."""
    if text.isascii():
        return text, None
    folded = text.translate(_PLAIN)
    if not INVISIBLE.search(folded):
        return folded, None
    where: list[int] = []
    runs: list[str] = []
    for m in _VISIBLE.finditer(folded):
        where.extend(range(m.start(), m.end()))
        runs.append(m.group())
    return "".join(runs), where


def find_pii(text: str, regions: tuple[str, ...] = DEFAULT_REGIONS) -> list[Found]:
    """Every personal value and secret in `text`, in text order, no two overlapping; `regions`
    are the countries (ISO 3166 two letters) whose phone numbers may be written without a
    country code. The text is read through `readable`: a key with a zero-width space inside, or
    an address in full-width letters, is found, its span the characters of `text` it covers."""
    read, where = readable(text)
    taken: list[Found] = []  # in text order, so a new span is checked against its two neighbours
    starts: list[int] = []
    for kind, detect in DETECTORS.items():
        for start, end in detect(read, regions):
            if where is not None:
                start, end = where[start], where[end - 1] + 1
            at = bisect_right(starts, start)
            if not any(start < other.end and other.start < end for other in taken[max(at - 1, 0):at + 1]):
                taken.insert(at, Found(kind, start, end))
                starts.insert(at, start)
    return taken
