"""Whether a value written after a keyword (`password: ...`, `api_key = "..."`) or in a header is
a secret, or something that only stands where one would: a placeholder documentation writes, a
name in code, a path or a key combination, a word of prose. The patterns that find keywords are
in `detect`; what they find is judged here, by the value's characters and by how the keyword
wrote it."""

from __future__ import annotations

import base64
import binascii
import math
import re
import string

from dataaudit.pii.checksums import entropy

PLACEHOLDER_WORDS = frozenset({"password", "pass", "passwd", "pwd", "secret", "token", "changeme", "yourpassword",
                               "your_password", "your-password", "mypassword", "apikey", "api_key", "redacted",
                               "example", "placeholder", "dummy"})
#: the user and password of documentation's `Basic` header examples (RFC 7617, MDN)
DOCUMENTED_CREDENTIALS = frozenset({"aladdin:open sesame", "aladdin:opensesame"})
#: a run of the digits and letters in order, in one case (`0123456789abcdef`, `ABCDEFGH`), typed in
#: place of a key
SEQUENCE = "0123456789abcdefghijklmnopqrstuvwxyz"
PLACEHOLDER_MARKS = ("<", ">", "${", "{{", "%(", "***", "...", "…", "example", "EXAMPLE", "your_", "YOUR_", "your-")


#: the signature of jwt.io's example token (`{"sub": "1234567890", "name": "John Doe", ...}`), which
#: tutorials paste: signed with the site's own `your-256-bit-secret`, it opens nothing
JWT_IO_SIGNATURE = ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"


def is_placeholder(value: str) -> bool:
    """A value documentation writes in place of a real one, or prints as its example."""
    return (value.lower().strip("'\"") in PLACEHOLDER_WORDS or any(mark in value for mark in PLACEHOLDER_MARKS)
            or set(value.lower()) <= set("x*.-_0") or value.endswith(JWT_IO_SIGNATURE)
            or (len(value) >= 8 and (value in SEQUENCE or value in SEQUENCE.upper())))


#: the fewest characters of a value: 8 for a key or a token (shorter, a random-looking word is
#: as often an id or a count), 4 for a password, which people choose short (`hunter2`, `abc123`)
MIN_VALUE = 8
MIN_PASSWORD = 4
#: the last part of a keyword's name saying the value is about the secret, not the secret: its
#: file or path (`POSTGRES_PASSWORD_FILE`, `key_file`), its name, id or prefix, its size or type,
#: its hash (`key_sha256`)
DESCRIBED = frozenset({"file", "path", "dir", "name", "id", "size", "length", "len", "bits", "count", "limit",
                       "type", "format", "field", "label", "env", "var", "url", "uri", "prefix", "alias", "class",
                       "hash", "digest", "fingerprint", "checksum", "md5", "sha1", "sha256"})
#: a value that says where or which, not what: a file's path (`/etc/ssl/private/server.key`,
#: `./keys/id_rsa`, `~/.ssh/id_ed25519`, `C:\keys\a.pem`; under a root other than the system's
#: it is no path, as a base64 key may start with `/`), the working directory of `PWD=/home/alice`,
#: or a key combination (`ctrl+shift+p`: VS Code's keybindings.json writes `"key": "ctrl+shift+p"`)
NOT_A_SECRET = re.compile(r"^(?:(?:~|\.\.?)/|/(?:etc|home|usr|var|run|tmp|opt|root|mnt|srv|Users|data|secrets|app|"
                          r"certs?|keys?|private)/|[A-Za-z]:\\)"
                          r"|^(?:(?:ctrl|control|shift|alt|option|opt|cmd|command|meta|super|win|mod)\+)+[^+\s]+$",
                          re.IGNORECASE)
#: code, not a value: a dotted name, with optional chaining (`user?.token`); a call
#: (`os.environ.get(...)`), an index, a template or a format (`{password!r}`, JSX's
#: `{styles.key}`, `{orig_key: orig_value}`, `"train_%s"`); a name in snake case, in one case or of
#: words with short tails (`config_v2`, `s3_key_prefix`, `__parser_config__`, `MY_SECRET_KEY`,
#: `_identity`); words joined by dashes, dots, slashes or colons (`my-secret`, `self-generated`,
#: a time zone's `Europe/Paris`, `AWS::CloudFormation::Module`: a generated token holds digits);
#: the `==` of a comparison (`key_length==value_length`); an environment variable (`$DB_PASS1`).
#: A password may end in `!` (`Summer.2024!`): no such mark
CODE_VALUE = re.compile(r"^[A-Za-z_$][\w$]*(?:\??\.[\w$]+)+$|[(){}\[\]]|%[sdr](?![A-Za-z0-9])|^="
                        r"|^[A-Za-z]+(?:_(?:[A-Za-z]+|[A-Za-z0-9]{1,3}))+$"
                        r"|^[~!-]?_*(?:[a-z][a-z0-9]*(?:_+[a-z0-9]+)+|[A-Z][A-Z0-9]*(?:_+[A-Z0-9]+)+)_*$"
                        r"|^_+[A-Za-z]+_*$|^[A-Za-z]+(?:[-./_:]+[A-Za-z]+)+$|^\$[A-Z_][A-Z0-9_]*$")
#: a word of a name in camel case (`Public`, `Key` of `X448PublicKey`)
CAMEL_WORD = re.compile(r"[A-Z][a-z]{2,}")
#: a keyword inside a name, not a key's: a type (`AWS::SecretsManager::Secret`, `std::key`) or an
#: ARN or URN (`arn:aws:secretsmanager:...:secret:name`, `urn:...:token-type:id_token`)
IN_A_NAME = re.compile(r"::\w*$|(?:^|[\s\"'(\[{,=])(?:arn|urn):\S*$", re.IGNORECASE)
#: the characters read before a keyword for `IN_A_NAME`
NAME_READ = 120
#: bits per character; a short value cannot reach it (at most log2 of its length), so the level
#: is lowered to 85% of that maximum for values under 12 characters
MIN_ENTROPY = 3.0
#: a password's level, of the most a value of its length can reach: `P@ss1` (1.92 bits of 2.32)
#: passes, `xxxx1` (0.72) does not
PASSWORD_LEVEL = 0.6
#: a version number (`v2.1`, `3.10.4`), not a password
VERSION_LIKE = re.compile(r"^[vV]?\d+(?:\.\d+)+[a-z]?$")
#: a name in code: a variable, when written unquoted
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def keyword_secret(text: str, m: re.Match[str], value: str) -> bool:
    """Whether `value`, given to a keyword in `m` (`detect.KEYWORD`'s groups), is a secret:
    random-looking and long enough for its keyword, not a path, a key combination, a variable
    passed to a call (`password=pwd1)`) nor a value its keyword's name says is about the secret
    (`key_size`, `PASSWORD_FILE`), the keyword not part of a type's name or an ARN; after a blank
    alone only a password's word gives one."""
    suffix = m.group("suffix").rsplit("_", 1)[-1].rsplit("-", 1)[-1].lower()
    if (suffix in DESCRIBED or NOT_A_SECRET.search(value) or _argument(text, m, value)
            or IN_A_NAME.search(text, max(0, m.start() - NAME_READ), m.start())):
        return False
    password = m.group("password") is not None
    if m.group("blank") is not None and not (password and _password_said(value)):
        return False
    if not password and _camel_name(value):
        return False
    return len(value) >= (MIN_PASSWORD if password else MIN_VALUE) and random_looking(value, password)


def _camel_name(value: str) -> bool:
    """Whether `value` is a name in camel case, a type or a constant of code (`X448PublicKey`,
    `PKCS7PrivateKeyTypes`, `Ipv6Pools`): two words or more of a capital and lower-case letters
    make most of it, which random characters almost never do. A password may be such words
    (`SummerTime2024`), so it is not read so after a password's word."""
    words = CAMEL_WORD.findall(value)
    return len(words) >= 2 and sum(map(len, words)) >= 0.6 * len(value)


def _argument(text: str, m: re.Match[str], value: str) -> bool:
    """Whether `value` is a variable passed as a keyword argument (`connect(password=pwd1)`,
    `f(token=tok2, ...)`): unquoted after `=`, a name, and followed by `,` or `)`."""
    end = m.start("value") + len(value)
    return (m.group("sep").strip() == "=" and m.group("quote") is None and text[end:end + 1] in (",", ")")
            and IDENTIFIER.match(value) is not None)


def _password_said(value: str) -> bool:
    """Whether a value after a password's word and a blank (`pwd hunter2`) is one: letters with
    digits, as a chosen password is; a word (`password protected`), a number (`password 1234`),
    a version (`pwd v2.1`) or an option or path (`pwd -P`) is prose or a command."""
    return (any(c.isdigit() for c in value) and any(c.isalpha() for c in value)
            and not VERSION_LIKE.match(value) and value[0] not in "-/~")


def random_looking(value: str, password: bool = False) -> bool:
    """Whether `value` reads as a secret rather than a word, a link or code: letters mixed with
    digits or symbols (not only marks around a word or a name: `#comment`, `|SPEAKER|`, `@version`,
    `$my_value`), and enough entropy for its length. A password is chosen by a person, not
    drawn at random (`P@ss1`, `hunter2`): its level is lower, enough to pass over `xxxx1`."""
    if not value or "://" in value or value.lower().startswith("www."):  # a link said to be key, not a key
        return False
    core = value.strip(string.punctuation)
    if not core or core.isalpha() or CODE_VALUE.search(value.lstrip(string.punctuation)):  # `#comment`, `$my_value`
        return False
    letters = any(c.isalpha() for c in value)
    others = any(not c.isalpha() for c in value)
    level = min(MIN_ENTROPY, (PASSWORD_LEVEL if password else 0.85) * math.log2(len(value)))
    return (letters and others and entropy(value) >= level
            and not is_placeholder(value) and not CODE_VALUE.search(value))


def basic_credentials(encoded: str) -> bool:
    """Whether `encoded`, written after `Authorization: Basic`, is a user and a password (RFC
    7617: `user:password` in base64) whose password is no placeholder: `dXNlcjpwYXNzd29yZA==`
    is `user:password`, and RFC 7617's and MDN's `Aladdin:open sesame` are the documentation's own."""
    try:
        decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return False
    _, colon, password = decoded.partition(":")
    return (bool(colon) and decoded.isprintable() and bool(password) and not is_placeholder(password)
            and decoded.lower() not in DOCUMENTED_CREDENTIALS)
