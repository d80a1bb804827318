"""A contamination finding quotes the shared passage as the training text spells it, with each
personal value in it shown by its placeholder: an address in the copied span is `[EMAIL]` in
every report format, never its words, and the words around it still show what was copied."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from dataaudit.text.contamination.partial import EXCERPT_WORDS, quoted, word_spans
from tests.cli_helpers import invoke, run

ADDRESS = "zephyrine.quillfeather@brambleworks.org"
#: the address's words, as the normalised text spells them, and its parts: none may be shown
PIECES = ["zephyrine", "quillfeather", "brambleworks"]
PASSAGE = (f"The committee agreed that every question about the new research grant should be sent to {ADDRESS} "
           "before the end of the month so that the review panel can start on time")
FORMATS = ["console", "json", "markdown", "html"]


def _eval_set(tmp_path: Path) -> Path:
    path = tmp_path / "ev.jsonl"
    items = [PASSAGE, "What is the capital of France and why is it famous for its museums and its art"]
    path.write_text("".join(json.dumps({"question": q}) + "\n" for q in items), encoding="utf-8")
    return path


def _table(tmp_path: Path) -> Path:
    path = tmp_path / "tt.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows([f"ordinary row {i} about the weather, the garden and a pot of tea", "ab"[i % 2]]
                         for i in range(30))
        writer.writerow([f"Note from the minutes: {PASSAGE}. Thanks!", "a"])
    return path


def _chat(tmp_path: Path) -> Path:
    path = tmp_path / "tr.jsonl"
    lines = [{"messages": [{"role": "user", "content": f"hello number {i}, how are you today?"},
                           {"role": "assistant", "content": "Fine, thanks for asking."}]} for i in range(20)]
    lines.append({"messages": [{"role": "user", "content": f"Please read this: {PASSAGE}"},
                               {"role": "assistant", "content": "Sure, noted."}]})
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def _audit(tmp_path: Path, data: Path, *extra: str) -> dict[str, str]:
    args: list[str | Path] = ["audit", data, *extra, "--eval-set", _eval_set(tmp_path)]
    for fmt in FORMATS:
        args += ["-f", fmt, "-o", tmp_path / f"report.{fmt}"]
    run(args, 1)
    return {fmt: (tmp_path / f"report.{fmt}").read_text("utf-8") for fmt in FORMATS}


@pytest.mark.parametrize("which", ["table", "chat"])
def test_an_address_in_the_copied_passage_is_masked_in_every_report_format(tmp_path: Path, which: str) -> None:
    data, extra = (_table(tmp_path), ["-t", "label", "--text-column", "text"]) if which == "table" else (
        _chat(tmp_path), [])
    rendered = _audit(tmp_path, data, *extra)
    for fmt, text in rendered.items():
        assert not any(piece in text.lower() for piece in PIECES), fmt
    report = json.loads(rendered["json"])
    overlap = next(f for f in report["findings"] if f["check"] == "contamination.eval_overlap")
    (excerpt,) = {m[-1] for m in overlap["details"]["matches"]}
    # the passage as written around the placeholder: the finding still says what was copied
    assert excerpt.startswith("The committee agreed that") and excerpt.endswith("should be sent to [EMAIL] ...")
    assert all("[EMAIL]" in rendered[fmt].replace("\\", "") for fmt in FORMATS)  # Markdown escapes brackets


def test_an_excerpt_is_cut_after_masking_and_an_address_its_edge_cuts_is_masked_whole() -> None:
    text = f"Prefix words here. {PASSAGE}, and then some more words after it."
    start = text.index("quillfeather")  # the span starts inside the address
    shown = quoted(text, start, len(text))
    assert shown.startswith("[EMAIL] before the end") and not any(p in shown.lower() for p in PIECES)
    assert shown.endswith(" ...") and len(word_spans(shown[:-4])) == EXCERPT_WORDS
    end = text.index("brambleworks")  # the span ends inside the address
    assert quoted(text, text.index("sent"), end) == "sent to [EMAIL]"


def test_the_rule_pack_s_phone_regions_mask_a_national_number_in_the_excerpt(tmp_path: Path) -> None:
    german = "030 12345678"
    passage = PASSAGE.replace(ADDRESS, german)
    (tmp_path / "ev.jsonl").write_text(json.dumps({"question": passage}) + "\n", encoding="utf-8")
    chat = tmp_path / "tr.jsonl"
    chat.write_text(json.dumps({"messages": [{"role": "user", "content": passage},
                                             {"role": "assistant", "content": "ok"}]}) + "\n", encoding="utf-8")
    pack = tmp_path / "rules.yaml"
    pack.write_text("checks:\n  pii:\n    phone_regions: [DE]\n", encoding="utf-8")
    run(["audit", chat, "--eval-set", tmp_path / "ev.jsonl", "--rules", pack, "-f", "json", "-o",
         tmp_path / "r.json"], 1)
    text = (tmp_path / "r.json").read_text("utf-8")
    assert "12345678" not in text and "should be sent to [PHONE] ..." in text


def test_a_fine_tuning_file_s_report_masks_whatever_a_check_quotes(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The text report masks its findings in one place, as a table's does: a check that quoted
    an address in clear would still show its placeholder."""
    import dataaudit.checks
    from dataaudit.report.model import Finding, Severity

    real = dataaudit.checks.run_checks

    def quoting(*args: object, **kwargs: object) -> object:
        findings, statuses = real(*args, **kwargs)  # type: ignore[arg-type]
        quote = Finding("text.duplicates", Severity.INFO, f"Line 3 says: write to {ADDRESS}", examples=[ADDRESS],
                        details={"quote": f"mail {ADDRESS}"})
        return [*findings, quote], statuses

    monkeypatch.setattr(dataaudit.checks, "run_checks", quoting)
    invoke(["audit", _chat(tmp_path), "-f", "json", "-o", tmp_path / "r.json"], 0)
    text = (tmp_path / "r.json").read_text("utf-8")
    assert "write to [EMAIL]" in text and not any(piece in text.lower() for piece in PIECES)
