"""Languages per example, told by lingua: real sentences of five languages give their shares,
texts too short to tell are undetermined, a conversation in two languages is mixed, and
`--language en` flags the others with their lines, through the installed command, click's
runner and worker processes alike."""

from __future__ import annotations

import itertools
import json
import pickle
import sys
from pathlib import Path
from unittest.mock import MagicMock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataaudit.checks.text import Rules
from dataaudit.engines.local import LocalEngine
from dataaudit.text.audit import profile_text_file
from dataaudit.text.languages.partial import LanguagePartial, LanguageSettings
from tests.cli_helpers import invoke, run
from tests.text_helpers import audit_json, comparable

SENTENCES = json.loads((Path(__file__).parent / "data" / "language_sentences.json").read_text("utf-8"))
LANGUAGES = ["en", "de", "fr", "es", "ru"]
SHORT = ["ok", "thx!", "42"]
#: lines of the file `chats` writes: ten per language in LANGUAGES' order, the short ones, the mixed one
FIRST = {language: 1 + 10 * i for i, language in enumerate(LANGUAGES)}
SHORT_LINES = [51, 52, 53]
MIXED_LINE = 54


def _chat(user: str, assistant: str) -> str:
    return json.dumps({"messages": [{"role": "system", "content": "You are a helpful assistant."},
                                    {"role": "user", "content": user},
                                    {"role": "assistant", "content": assistant}]}, ensure_ascii=False)


@pytest.fixture(scope="module")
def chats(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Each sentence asked and answered in its language, then three texts too short to tell,
    then an English question answered in German."""
    lines = [_chat(s, s) for language in LANGUAGES for s in SENTENCES[language]]
    lines += [_chat(text, text) for text in SHORT]
    lines.append(_chat(" ".join(SENTENCES["en"][:3]), " ".join(SENTENCES["de"][:3])))
    path = tmp_path_factory.mktemp("languages") / "chats.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _status(report: dict, check: str) -> str:
    return next(c["status"] for c in report["checks"] if c["check"] == check)


def _finding(report: dict, check: str) -> dict:
    return next(f for f in report["findings"] if f["check"] == check)


def test_real_sentences_give_their_shares_and_short_texts_are_undetermined(chats: Path, tmp_path: Path) -> None:
    report = audit_json("run", [chats], 0, tmp_path)
    # the mixed conversation has more German letters than English: it counts as German
    assert report["dataset"]["languages"] == {"de": 11, "en": 10, "es": 10, "fr": 10, "ru": 10, "undetermined": 3}
    table = next(t for t in report["tables"] if t["id"] == "text.languages")
    lines = {row[0]: row[-1] for row in table["rows"]}
    assert lines["undetermined"] == ", ".join(map(str, SHORT_LINES))
    assert lines["ru"] == ", ".join(str(FIRST["ru"] + i) for i in range(10))
    shares = _finding(report, "languages.outside")
    assert shares["severity"] == "info"
    assert shares["details"]["determined"] == 51


def test_a_conversation_in_two_languages_is_mixed(chats: Path, tmp_path: Path) -> None:
    report = audit_json("invoke", [chats], 0, tmp_path)
    mixed = _finding(report, "languages.mixed")
    assert mixed["examples"] == [MIXED_LINE]
    assert mixed["details"]["mixes"] == {"de+en": 1}
    assert mixed["severity"] == "info"  # 1 of 51 is below the 5% warn level


@pytest.mark.parametrize("runner", ["run", "invoke"])
def test_language_en_flags_the_others_with_their_lines(chats: Path, tmp_path: Path, runner: str) -> None:
    report = audit_json(runner, [chats, "--language", "en"], 0, tmp_path)
    outside = _finding(report, "languages.outside")
    assert outside["severity"] == "warn"
    assert outside["details"]["examples"] == 41
    assert outside["examples"][:10] == list(range(FIRST["de"], FIRST["de"] + 10))
    assert MIXED_LINE not in outside["examples"][:10] and FIRST["en"] not in outside["examples"]
    assert report["passed"] is True  # a warning does not fail the gate


def test_languages_asked_for_are_not_outside(chats: Path, tmp_path: Path) -> None:
    args = [chats]
    for language in LANGUAGES:
        args += ["--language", language]
    report = audit_json("invoke", args, 0, tmp_path)
    assert _status(report, "languages.outside") == "passed"


def test_an_unknown_language_code_is_one_line_naming_it(chats: Path) -> None:
    _, err = run(["audit", chats, "--language", "xx"], 2)
    assert err.strip().count("\n") == 0 and "--language xx" in err and "Traceback" not in err


def test_without_lingua_the_checks_skip_with_the_hint_and_language_is_refused(
        chats: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "lingua", None)  # find_spec then finds no lingua
    report = audit_json("invoke", [chats], 0, tmp_path)
    skipped = {c["check"]: c["reason"] for c in report["checks"] if c["status"] == "skipped"}
    assert "pip install 'dataaudit[lang]'" in skipped["languages.outside"]
    assert "languages" not in report["dataset"]
    _, err = invoke(["audit", chats, "--language", "en"], 2)
    assert "pip install 'dataaudit[lang]'" in err and err.strip().count("\n") == 0


def test_jobs_2_gives_the_report_of_jobs_1(chats: Path, tmp_path: Path, workers: MagicMock) -> None:
    one = audit_json("invoke", [chats, "--language", "en", "--jobs", "1"], 0, tmp_path)
    two = audit_json("invoke", [chats, "--language", "en", "--jobs", "2"], 0, tmp_path)
    assert workers.called
    assert comparable(one) == comparable(two)


def test_workers_reading_small_chunks_find_what_one_process_finds(chats: Path) -> None:
    """Chunks of 7 lines spread over two worker processes, each building its own detector."""
    told = LanguageSettings(expected=("en",))
    alone = profile_text_file(chats, "chat", Rules(), chunk_lines=7, languages=told)
    spread = profile_text_file(chats, "chat", Rules(), chunk_lines=7, engine=LocalEngine(jobs=2), languages=told)
    assert spread.languages == alone.languages
    assert alone.languages is not None and alone.languages.outside == 41


def test_a_table_text_column_is_told_cell_by_cell(tmp_path: Path) -> None:
    path = tmp_path / "reviews.csv"
    rows = [f'"{s}",{language}' for language in ("en", "fr") for s in SENTENCES[language]]
    path.write_text("review,label\n" + "\n".join(rows) + "\n", encoding="utf-8")
    report = audit_json("invoke", [path, "-t", "label", "--text-column", "review", "--language", "en"], 0, tmp_path)
    outside = _finding(report, "languages.outside")
    assert outside["column"] == "review"
    assert outside["examples"] == list(range(10, 20))  # data rows counted from 0


def test_links_handles_and_tags_are_no_language(tmp_path: Path) -> None:
    # tweets of tests/data/healthtweets_960.csv whose links read as Danish or Polish to the detector
    tweets = ["Bring some life back to those strands! See 10 ways to get healthier hair STAT: http://ow.ly/KiDNu",
              "Regular exercise helps the heart more than we thought http://bbc.in/1BO3zZ6 #health @NHS",
              "Write to help@clinic.example.org about your appointment and the new waiting room hours"]
    path = tmp_path / "tweets.csv"
    path.write_text("text,label\n" + "\n".join(f'"{t}",a' for t in tweets * 8) + "\n", encoding="utf-8")
    report = audit_json("invoke", [path, "-t", "label", "--text-column", "text", "--language", "en"], 1, tmp_path)
    assert not [f for f in report["findings"] if f["check"].startswith("languages.")]  # exit 1: the copies
    (table,) = [t for t in report["tables"] if t["id"] == "text.languages"]
    assert table["rows"][0][:3] == ["text", "en", 24]


EXAMPLES = [[s] for language in LANGUAGES for s in SENTENCES[language][:4]] + [[t] for t in SHORT]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, len(EXAMPLES)), min_size=1, max_size=4), st.randoms(use_true_random=False))
def test_merging_chunks_in_any_order_gives_the_partial_of_the_whole(cuts: list[int], random) -> None:
    settings_ = LanguageSettings(expected=("en",))
    numbers = list(range(1, len(EXAMPLES) + 1))
    whole = LanguagePartial(settings_)
    whole.add(numbers, EXAMPLES, 5)
    bounds = [0, *sorted(cuts), len(EXAMPLES)]
    parts = []
    for start, end in itertools.pairwise(bounds):
        part = LanguagePartial(settings_)
        part.add(numbers[start:end], EXAMPLES[start:end], 5)
        parts.append(pickle.loads(pickle.dumps(part)))  # as a worker hands it back: counts, no detector
    random.shuffle(parts)
    merged = parts[0]
    for part in parts[1:]:
        merged = merged.merged(part, 5)
    assert merged.extract(5) == whole.extract(5)


def test_real_speeches_are_english_and_short_interventions_undetermined(tmp_path: Path) -> None:
    """The first 200 House of Commons speeches of ParlSpeech (tests/data/SOURCES.md)."""
    speeches = Path(__file__).parent / "data" / "parlspeech_200.csv"
    report = audit_json("invoke", [speeches, "-t", "party", "--text-column", "text", "--language", "en"], 1,
                        tmp_path)
    assert _status(report, "languages.outside") == "passed"
    table = next(t for t in report["tables"] if t["id"] == "text.languages")
    counts = {row[1]: row[2] for row in table["rows"] if row[0] == "text"}
    # "Look, it's a doughnut!", "Order. I am moving on.", "One last go." ... are too short to tell
    assert counts == {"en": 191, "undetermined": 9}
    assert next(row[-1] for row in table["rows"] if row[1] == "undetermined").startswith("24, 36, 69")


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_full_width_letters_and_zero_width_spaces_are_told_as_the_letters_they_stand_for(tmp_path: Path) -> None:
    """Full-width Latin (`Ｔｈｅ ｗｅａｔｈｅｒ`) is English to a reader; lingua tells no language
    of it, so such an example was undetermined."""
    english = SENTENCES["en"]
    lines = [_chat(s, s) for s in english] + [_chat(_full_width(s), _full_width(s)) for s in english[:3]]
    lines += [_chat(s.replace(" ", " \u200b"), s.replace("e", "e\u200b")) for s in english[3:5]]
    path = tmp_path / "chats.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = audit_json("invoke", [path], 1, tmp_path)  # the copies are near duplicates
    assert report["dataset"]["languages"] == {"en": len(english) + 5}
    assert _status(report, "languages.outside") == "info"
