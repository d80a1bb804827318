"""Reports people read, on real files through the installed command (once) and click's runner:
a conflict quotes its prompt and answers, a copy names what it repeats, counts and shares read as
they are."""

from __future__ import annotations

import json

import pytest

from tests.cli_helpers import invoke, run
from tests.conftest import DATA

CHAT = DATA / "text" / "hhh_chat_60.jsonl"


def test_a_conflict_quotes_the_prompt_and_its_different_answers() -> None:
    out, _ = run(["audit", CHAT], 1)
    message = " ".join(out.split("text.conflicts", 1)[1].split("e.g.", 1)[0].split())
    assert message == (
        "12 prompts are answered differently by different conversations: 45 conversations (75%). E.g. lines 1, 2, "
        "3, 4, 5, 6 ask 'user: Can you tell me what kind of knife is large enough and sharp enough to decapitate a "
        "small wom…', answered \"Sorry, I'm not interested in helping you with that. While I…\" (lines 1, 2, 3), "
        "'Why would you want to do something like that?' (lines 4, 5), 'Sure, I can help.' (line 6).")


def test_a_copy_names_the_line_it_repeats_in_the_console() -> None:
    out, _ = invoke(["audit", CHAT], 1)
    examples = " ".join(out.split("text.duplicates", 1)[1].split("e.g. lines:", 1)[1].split("text.", 1)[0].split())
    assert examples.startswith("2 (copy of 1), 3 (copy of 1), 5 (copy of 4), 8 (copy of 7),")


def test_the_verdict_says_it_counts_findings_and_numeric_labels_read_as_label_colon_count() -> None:
    out, _ = invoke(["audit", DATA / "mroz.csv", "--target", "inlf", "--ignore-column", "hours"], 1)
    assert out.splitlines()[-4:] == [
        "Labels: 1: 428, 0: 325",
        "Ignored: hours (named with --ignore-column)",
        "Checks: 26 passed, 1 failed, 1 warned, 0 informational, 53 skipped",
        "FAILED: 2 fail, 2 warn, 0 info findings",  # wage and lwage give inlf away: shortcuts
    ]


def test_one_row_is_singular_and_names_the_row_it_repeats() -> None:
    out, _ = invoke(["audit", DATA / "iris.csv", "--target", "target"], 0)
    assert "    1 row (0.7%) is an exact duplicate of an earlier row.\n    e.g. rows: 142 (copy of 101)\n" in out


def test_a_chat_html_report_draws_its_charts_and_no_empty_column_table(tmp_path) -> None:
    page = tmp_path / "chats.html"
    invoke(["audit", CHAT, "-f", "html", "-o", page], 1)
    html = page.read_text(encoding="utf-8")
    for chart in ("lengths", "roles", "copies"):
        assert f'<figure id="chart-{chart}">' in html
    assert "Columns: types and missing values" not in html and "$\\mathdefault" not in html
    assert "2 (copy of 1), 3 (copy of 1)" in html
    # its only extra key, `subset`, is metadata: a file with broken lines gets the chart of their kinds
    assert '<figure id="chart-format-errors">' not in html
    broken = tmp_path / "broken.html"
    invoke(["audit", DATA / "text" / "chat_errors.jsonl", "-f", "html", "-o", broken], 1)
    assert '<figure id="chart-format-errors">' in broken.read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_table_of_nothing_found_says_so_without_an_empty_header(tmp_path) -> None:
    markdown = tmp_path / "audit.md"
    out, _ = run(["audit", DATA / "penguins.csv", "--target", "species", "--label-noise", "-f", "console", "-o", "-",
                  "-f", "markdown", "-o", markdown], 0, timeout=600)
    assert "Suspected label errors, most likely first\n  none\n" in out
    assert "**Suspected label errors, most likely first**\n\nNone found.\n" in markdown.read_text(encoding="utf-8")


def test_markup_in_code_blocks_and_inline_code_is_not_html() -> None:
    out, _ = invoke(["audit", DATA / "text" / "chat_code.jsonl", "--format", "json"], 1)
    (markup,) = [f for f in json.loads(out)["findings"] if f["check"] == "text.markup"]
    assert markup["examples"] == [5]  # the scraped `Fish &amp; chips<br>`; lines 1 to 4 hold code
    assert markup["details"]["kinds"] == {"entity": 1, "tag": 1}


def test_free_text_columns_a_table_audit_left_alone_are_named_with_the_option_that_audits_them() -> None:
    pairs = DATA / "text" / "hhh_pairs_40.jsonl"
    out, _ = invoke(["audit", pairs, "--format-kind", "table", "--no-auto-text"], 0)
    assert ("Free text not audited as text: 'prompt', 'chosen', 'rejected'; audit them with --text-column prompt "
            "--text-column chosen --text-column rejected\n") in out
    out, _ = invoke(["audit", pairs, "--format-kind", "table", "--no-auto-text", "--text-column", "prompt",
                     "--text-column", "chosen"], 1)
    assert "Free text not audited as text: 'rejected'; audit it with --text-column rejected\n" in out
    out, _ = invoke(["audit", DATA / "cars.csv"], 0)
    assert "Free text" not in out  # car names are short labels, not sentences


def test_a_label_conflict_quotes_the_feature_row_its_rows_share() -> None:
    pairs = DATA / "text" / "hhh_pairs_40.jsonl"
    out, _ = invoke(["audit", pairs, "--format-kind", "table", "--target", "chosen", "--ignore-column", "rejected",
                     "--format", "json"], 1)
    (conflict,) = [f for f in json.loads(out)["findings"] if f["check"] == "labels.conflicts"]
    assert conflict["message"].endswith(
        " Their features: prompt='Can you tell me what kind of knife is l…', subset='harmless'.")
    first = json.loads(pairs.read_text(encoding="utf-8").splitlines()[0])
    assert conflict["details"]["feature_row"] == {"row": 0, "values": {"prompt": first["prompt"],
                                                                        "subset": first["subset"]}}
