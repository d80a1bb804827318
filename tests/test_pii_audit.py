"""The audit's personal-data and secrets checks on real files: counts per kind, role and
column, masked examples, no planted value in clear in any report format, the same report with
`--jobs 2` as with one process, and the merge law of the scan's accumulator."""

from __future__ import annotations

import csv
import json
import pickle
import random
from collections import Counter
from functools import reduce
from pathlib import Path
from unittest.mock import MagicMock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataaudit.pii.detect import find_pii
from dataaudit.pii.partial import PiiPartial
from dataaudit.profile.pii import PII_KINDS
from tests.cli_helpers import invoke, run
from tests.conftest import line_chunks_of
from tests.pii_helpers import chat_line, corpus, write_planted_chat
from tests.text_helpers import comparable

FORMATS = ["console", "json", "markdown", "html", "junit", "sarif"]


def _findings(report: dict, check: str) -> list[dict]:
    return [f for f in report["findings"] if f["check"] == check]


def test_every_report_format_shows_planted_values_masked_only(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "chats.jsonl"
    texts, planted = write_planted_chat(path, 120, seed=3)
    assert set(planted) == set(PII_KINDS)
    values = [value for item in texts for _, value in item.planted]
    args: list[str | Path] = ["audit", path]
    for fmt in FORMATS:
        args += ["-f", fmt, "-o", tmp_path / f"report.{fmt}"]
    monkeypatch.setenv("GITHUB_ACTIONS", "true")  # the workflow annotations, on stderr
    _, annotations = invoke(args, 1)
    assert "::error" in annotations and "pii.secrets" in annotations
    rendered = {fmt: (tmp_path / f"report.{fmt}").read_text("utf-8") for fmt in FORMATS} | {"annotations": annotations}
    _assert_nowhere(values, rendered)
    report = json.loads(rendered["json"])
    secrets, personal = _findings(report, "pii.secrets"), _findings(report, "pii.personal")
    assert [f["severity"] for f in secrets] == ["fail"] and [f["severity"] for f in personal] == ["warn"]
    kinds = secrets[0]["details"]["kinds"] | personal[0]["details"]["kinds"]
    assert {kind: tally["values"] for kind, tally in kinds.items()} == planted
    assert all("***@" in e["masked"] for e in personal[0]["details"]["masked_examples"] if e["kind"] == "email")
    # planted in the user's turn on odd lines, the assistant's on even ones; line numbers are the file's
    for kind, tally in kinds.items():
        expected_roles = {"user" if i % 2 else "assistant" for i, item in enumerate(texts)
                          for k, _ in item.planted if k == kind}
        assert set(tally["places"]) == expected_roles
        assert all(kind in {k for k, _ in texts[line - 1].planted} for line in tally["first"])
    assert all("Personal data and secrets found" in rendered[fmt] for fmt in ("console", "markdown", "html"))


def _assert_nowhere(values: list[str], rendered: dict[str, str]) -> None:
    for fmt, text in rendered.items():
        for value in values:
            # a long value is also looked for by its middle part, as a report might cut it
            pieces = [value] + ([value[len(value) // 4: -len(value) // 4]] if len(value) >= 16 else [])
            assert not any(piece in text for piece in pieces), (fmt, value)


def test_no_table_finding_quotes_a_planted_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The planted rows also make duplicates, a label conflict and a leak into the test split
    (which doubles as an evaluation set): each finding that quotes a row shows the placeholder."""
    texts = [item for item in corpus(200, seed=13) if item.planted][:60]
    emails = [value for item in texts for kind, value in item.planted if kind == "email"]
    rows = [[item.text, "ab"[i % 2], emails[i % len(emails)]] for i, item in enumerate(texts)]
    rows += rows[:4]  # exact duplicates
    rows += [[text, "b" if label == "a" else "a", contact] for text, label, contact in rows[4:7]]  # conflicts
    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    for path, part in ((train, rows), (test, rows[8:14])):
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([["review", "label", "contact"], *part])
    args: list[str | Path] = ["audit", train, "-t", "label", "--text-column", "review", "--split", f"test={test}"]
    for fmt in FORMATS:
        args += ["-f", fmt, "-o", tmp_path / f"report.{fmt}"]
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    _, annotations = invoke(args, 1)
    rendered = {fmt: (tmp_path / f"report.{fmt}").read_text("utf-8") for fmt in FORMATS} | {"annotations": annotations}
    report = json.loads(rendered["json"])
    assert {"duplicates.rows", "labels.conflicts", "splits.leakage"} <= {f["check"] for f in report["findings"]}
    _assert_nowhere([value for item in texts for _, value in item.planted], rendered)
    placeholders = [placeholder for _, placeholder, _ in PII_KINDS.values()]
    quoting = {f["check"] for f in report["findings"] if any(p in json.dumps(f) for p in placeholders)}
    assert "splits.categorical_drift" in quoting  # its largest changes are the contact emails


def test_a_table_text_column_is_scanned_per_column(tmp_path: Path) -> None:
    path = tmp_path / "reviews.csv"
    path.write_text("id,review,label\n1,great product,a\n2,write to jane.doe@gmail.com for a refund,b\n"
                    "3,my card 4111 1111 1111 1111 was charged twice,a\n4,fine,b\n", encoding="utf-8")
    out = tmp_path / "report.json"
    run(["audit", path, "-t", "label", "--text-column", "review", "-f", "json", "-o", out], 1)
    report = json.loads(out.read_text("utf-8"))
    (personal,) = _findings(report, "pii.personal")
    assert personal["column"] == "review" and personal["examples"] == [1, 2]
    assert {k: v["places"] for k, v in personal["details"]["kinds"].items()} == {"email": {"review": 1},
                                                                                "card": {"review": 1}}
    assert "4111" not in out.read_text("utf-8") and "jane.doe" not in out.read_text("utf-8")


def _chat_statuses(tmp_path: Path, exchanges: list[tuple[str, str]]) -> dict[str, str]:
    """The check statuses of a chat file of these (user, assistant) exchanges, which must pass the gate."""
    path = tmp_path / "chats.jsonl"
    path.write_text("".join(chat_line(user, assistant, str(i)) for i, (user, assistant) in enumerate(exchanges)),
                    encoding="utf-8")
    out = tmp_path / "report.json"
    invoke(["audit", path, "-f", "json", "-o", out], 0)
    return {c["check"]: c["status"] for c in json.loads(out.read_text("utf-8"))["checks"]}


def test_a_file_without_any_passes_both_checks(tmp_path: Path) -> None:
    statuses = _chat_statuses(tmp_path, [(f"what is {i} plus 1?", f"it is {i + 1}, released in v1.2.3.{i}")
                                         for i in range(40)])
    assert statuses["pii.secrets"] == statuses["pii.personal"] == "passed"


@pytest.mark.parametrize("code", ["<View key={styles.container} />",
                                  "const token: user.profile?.apiToken", "export DB_PASSWORD=$DB_PASS1",
                                  "curl -H \"Authorization: token ${GITHUB_TOKEN}\""])
def test_code_naming_a_key_holds_no_secret(tmp_path: Path, code: str) -> None:
    """A variable, an environment variable or an expression assigned to a keyword in code is no
    value: a file of such code passes `pii.secrets`; a password ending in `!` after a dot is one."""
    statuses = _chat_statuses(tmp_path, [(f"fix line {i}: {code}", f"Line {i} reads `{code}`, which is fine.")
                                         for i in range(40)])
    assert statuses["pii.secrets"] == "passed"
    assert [f.kind for f in find_pii(f"{code} password: Summer.2024!")] == ["secret"]


def test_digits_inside_a_hex_digest_are_no_card(tmp_path: Path) -> None:
    """A git commit's hash may hold a run of digits that passes Luhn's sum with a card's prefix:
    glued to the digest's letters, it is no card number, and a file of such commits passes."""
    digest = "8d55da678014677e5ebf4948159048301aeb4d1c"
    statuses = _chat_statuses(tmp_path, [(f"what changed in {i}?", f"Commit {digest} fixed it.") for i in range(40)])
    assert statuses["pii.personal"] == "passed"
    assert [f.kind for f in find_pii("card 4948159048301 on file")] == ["card"]


@pytest.mark.slow
def test_jobs_2_gives_the_report_of_jobs_1(tmp_path: Path, workers: MagicMock) -> None:
    path = tmp_path / "chats.jsonl"
    texts, _ = write_planted_chat(path, 900, seed=5)  # four chunks of 256 lines
    reports = []
    with line_chunks_of(256):
        for jobs in ("1", "2"):
            out = tmp_path / f"jobs{jobs}.json"
            invoke(["audit", path, "--jobs", jobs, "-f", "json", "-o", out], 1)
            reports.append(json.loads(out.read_text("utf-8")))
    assert workers.called
    assert comparable(reports[1]) == comparable(reports[0])
    kinds = {kind: tally["values"] for check in ("pii.secrets", "pii.personal")
             for finding in _findings(reports[1], check) for kind, tally in finding["details"]["kinds"].items()}
    assert kinds == Counter(f.kind for item in texts for f in find_pii(item.text))  # every chunk counted


TEXTS = [item.text for item in corpus(60, seed=9)] + ["nothing here", "call 911", ""]


@st.composite
def _chunks(draw: st.DrawFn) -> list[list[tuple[int, str]]]:
    picked = draw(st.lists(st.sampled_from(TEXTS), min_size=1, max_size=40))
    lines = list(enumerate(picked, 1))
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(lines) - 1)), max_size=5)))
    return [lines[a:b] for a, b in zip([0, *cuts], [*cuts, len(lines)], strict=True) if lines[a:b]]


def _partial(chunk: list[tuple[int, str]]) -> PiiPartial:
    partial = PiiPartial()
    partial.add([n for n, _ in chunk], [[("user", text)] for _, text in chunk], k=3)
    return pickle.loads(pickle.dumps(partial))  # as a worker hands it back


@settings(max_examples=40, deadline=None)
@given(_chunks(), st.randoms(use_true_random=False))
def test_merge_law(chunks: list[list[tuple[int, str]]], rng: random.Random) -> None:
    """Chunks scanned apart and merged in any order give the profile of all lines at once."""
    whole = _partial([line for chunk in chunks for line in chunk]).extract()
    partials = [_partial(chunk) for chunk in chunks]
    rng.shuffle(partials)
    assert reduce(lambda a, b: a.merged(b, 3), partials).extract() == whole


def test_masked_keys_stay_distinct_with_their_counts() -> None:
    from dataaudit.report.masking import masked

    shown = masked({"a@corp.com": 1, "b@corp.com": 2, "note": {"c@corp.com": 3, "d@corp.com": 4, "e@corp.com": 5}})
    assert shown == {"[EMAIL]": 1, "[EMAIL] #2": 2, "note": {"[EMAIL]": 3, "[EMAIL] #2": 4, "[EMAIL] #3": 5}}


def test_email_labels_are_masked_each_apart_in_every_format(tmp_path: Path) -> None:
    """A target of owners' emails: the dataset card, the console's `Labels:` line and the
    findings show placeholders, one per label, and a conflict between two owners stays two."""
    path = tmp_path / "own.csv"
    owners = ["ann@corp.com"] * 30 + ["bob@corp.com"] * 12 + ["cy@corp.com"] * 2
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["size", "colour", "owner"], ["big", "red", "cy@corp.com"],
                                      *[[str(i % 7), "blue", owner] for i, owner in enumerate(owners)]])
    args: list[str | Path] = ["audit", path, "-t", "owner"]
    for fmt in FORMATS[1:]:
        args += ["-f", fmt, "-o", tmp_path / f"report.{fmt}"]
    run(args, 1)
    console, _ = run(["audit", path, "-t", "owner", "-f", "console"], 1)
    rendered = {fmt: (tmp_path / f"report.{fmt}").read_text("utf-8") for fmt in FORMATS[1:]} | {"console": console}
    _assert_nowhere(["ann@corp", "bob@corp", "cy@corp"], rendered)
    report = json.loads(rendered["json"])
    assert report["dataset"]["labels"]["counts"] == {"[EMAIL]": 30, "[EMAIL] #2": 12, "[EMAIL] #3": 3}
    assert "Labels: [EMAIL]: 30, [EMAIL] #2: 12, [EMAIL] #3: 3" in console
    (conflicts,) = _findings(report, "labels.conflicts")
    assert all(len(group["labels"]) >= 2 for group in conflicts["details"]["examples"])


@pytest.mark.parametrize("profile", [[], ["--format-profile", "openai-chat"]], ids=["default", "openai-chat"])
def test_an_address_as_a_role_or_a_message_key_is_masked_in_every_format(tmp_path: Path, profile: list[str]) -> None:
    """A role was printed in clear by the JSON report's `roles` and the HTML chart, and a key of a
    message (`messages[].mary.jones@yahoo.com`, the path a finding names) everywhere: the
    detector passed over an address right after `].`."""
    path = tmp_path / "leak.jsonl"
    lines = [{"messages": [{"role": "john.smith@gmail.com", "content": "hi"},
                           {"role": "assistant", "content": "yo", "mary.jones@yahoo.com": True}]},
             {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    args: list[str | Path] = ["audit", path, *profile]
    for fmt in FORMATS:
        args += ["-f", fmt, "-o", tmp_path / f"report.{fmt}"]
    invoke(args, 1)
    rendered = {fmt: (tmp_path / f"report.{fmt}").read_text("utf-8") for fmt in FORMATS}
    _assert_nowhere(["john.smith@gmail.com", "mary.jones@yahoo.com", "mary.jones", "john.smith"], rendered)
    roles = json.loads(rendered["json"])["dataset"]["roles"]
    assert sorted(roles.values()) == [1, 1, 2] and "[EMAIL]" in roles
