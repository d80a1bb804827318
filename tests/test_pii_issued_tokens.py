"""The tokens ML engineers paste into prompts and notebooks (Hugging Face, npm, SendGrid, Twilio,
Slack apps, Anthropic, GitLab, Replicate, Weights & Biases, an `Authorization` header's bearer
token) are secrets: `audit` counts them without printing them, `clean --redact secrets` leaves
their placeholders; the placeholders documentation writes instead are none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_helpers import RUNNERS, Runner, invoke

#: a random-looking body, cut to each issuer's length; tokens are built here, never written whole
BODY = "q8Zt3LmN0pXy7Rw2KcV9bHs4Jd6Fg1Qa5Ue7Io9Pk2Tj4Wn6Bm8Cv0Xl3Yr5Hs7Dg9"
HEX = "9f8e7d6c5b4a39281706f5e4d3c2b1a0a1b2c3d4"

#: (the sentence around the token, the token)
LEAKS = [
    ("login with {} before pushing the model", "hf_" + BODY[:34]),
    ("the org token {} still works", "api_org_" + BODY[1:35]),
    ("curl -H 'Authorization: Bearer {}' https://api.internal/v1", BODY[:40]),
    ("requests.get(url, headers={{\"Authorization\": \"token {}\"}})", HEX),
    ("//registry.npmjs.org/ uses {}", "npm_" + BODY[:36]),
    ("SENDGRID={}", "SG." + BODY[:22] + "." + BODY[2:45]),
    ("twilio key {} and secret elsewhere", "SK" + HEX[:32]),
    ("socket mode needs {}", "xapp-1-A0" + BODY[:9].upper() + "-4455667788990-" + HEX[:40].lower()),
    ("client = Anthropic({})", "sk-ant-api03-" + BODY[:60] + "AA"),
    ("git clone https://gitlab.com/x.git with {}", "glpat-" + BODY[3:23]),
    ("REPLICATE: {}", "r8_" + BODY[:37]),
    ("!WANDB_API_KEY={} python train.py", HEX),
]

#: what tutorials write where a token goes
PLACEHOLDERS = [
    "huggingface-cli login --token hf_xxx",
    "export HF_TOKEN=hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "curl -H 'Authorization: Bearer <YOUR_TOKEN>' https://api.example.com",
    "curl -H \"Authorization: Bearer ${TOKEN}\" https://api.example.com",
    "curl -H 'Authorization: Bearer <token>' https://api.example.com",
    "headers = {'Authorization': f'Bearer {token}'}",
    "npm config set //registry.npmjs.org/:_authToken npm_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
]


def _chat_file(path: Path, contents: list[str]) -> None:
    lines = [{"messages": [{"role": "user", "content": content}, {"role": "assistant", "content": "Done."}]}
             for content in contents]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), "utf-8")


@pytest.mark.parametrize("runner", RUNNERS)
def test_issued_tokens_are_counted_and_never_printed(tmp_path: Path, runner: Runner) -> None:
    source = tmp_path / "chat.jsonl"
    _chat_file(source, [sentence.format(token) for sentence, token in LEAKS])
    stdout, _ = runner(["audit", source, "-f", "json", "-o", tmp_path / "report.json",
                        "-f", "console", "-o", tmp_path / "report.txt"], 1)
    rendered = stdout + "".join((tmp_path / name).read_text("utf-8") for name in ("report.json", "report.txt"))
    report = json.loads((tmp_path / "report.json").read_text("utf-8"))
    [secrets] = [f for f in report["findings"] if f["check"] == "pii.secrets"]
    assert secrets["details"]["kinds"]["secret"]["values"] == len(LEAKS)
    assert [token for _, token in LEAKS if token in rendered] == []


def test_clean_redact_secrets_leaves_placeholders(tmp_path: Path) -> None:
    source, out = tmp_path / "chat.jsonl", tmp_path / "clean.jsonl"
    _chat_file(source, [sentence.format(token) for sentence, token in LEAKS])
    invoke(["clean", source, "-o", out, "--redact", "secrets"], 1)  # a small file fails `size.rows`
    cleaned = [json.loads(line)["messages"][0]["content"] for line in out.read_text("utf-8").splitlines()]
    assert cleaned == [sentence.format("[SECRET]") for sentence, _ in LEAKS]


def test_documentation_placeholders_are_no_secrets(tmp_path: Path) -> None:
    source = tmp_path / "chat.jsonl"
    _chat_file(source, PLACEHOLDERS)
    invoke(["audit", source, "-f", "json", "-o", tmp_path / "report.json"], 1)
    report = json.loads((tmp_path / "report.json").read_text("utf-8"))
    assert [f for f in report["findings"] if f["check"] == "pii.secrets"] == []
