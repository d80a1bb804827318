"""The user and password of an `Authorization: Basic` header (RFC 7617, base64 of `user:password`)
are a secret, found and redacted whole; what documentation prints as its example is none: the
RFC's and MDN's `Aladdin:open sesame`, `user:password`, Slack's webhook
`.../T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX` and jwt.io's token for John Doe."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataaudit.pii.detect import find_pii
from tests.cli_helpers import invoke, run
from tests.pii_helpers import carriers, chat_line

JWT_IO = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5"
          "MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")
EXAMPLES = [
    "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l",
    'curl -H "Authorization: Basic dXNlcjpwYXNzd29yZA==" https://api.corp.net', "Authorization: Basic <credentials>",
    "Authorization: Basic ${CREDENTIALS}", 'WWW-Authenticate: Basic realm="staging"', "Authorization: Basic base64",
    "SLACK_WEBHOOK=https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    f"curl -H 'Authorization: Bearer {JWT_IO}'", f"token = {JWT_IO}",
]


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize("text", EXAMPLES)
def test_documentation_examples_are_no_secret(text: str) -> None:
    assert [f.kind for f in find_pii(text)] == []


@given(user=st.from_regex(r"[a-z][a-z0-9._-]{2,12}", fullmatch=True),
       password=st.from_regex(r"[A-Za-z0-9!#%&*+=?-]{8,24}", fullmatch=True).filter(lambda p: len(set(p)) > 5))
def test_basic_credentials_are_found_whole(user: str, password: str) -> None:
    encoded = _b64(f"{user}:{password}")
    for text in (f"Authorization: Basic {encoded}", f'{{"Authorization": "Basic {encoded}"}}'):
        assert [(f.kind, text[f.start:f.end]) for f in find_pii(text)] == [("secret", encoded)]


def test_a_real_slack_webhook_is_still_found() -> None:
    url = "https://hooks.slack.com/services/T024BE7LD/B01ABCDEF12/aB3dE6gH9jK2mN5pQ8sT1vW4"
    assert [(f.kind, f"post to {url}"[f.start:f.end]) for f in find_pii(f"post to {url}")] == [("secret", url)]


def test_audit_fails_on_basic_credentials_and_clean_redacts_them_alone(tmp_path: Path) -> None:
    data, out, report = tmp_path / "chat.jsonl", tmp_path / "clean.jsonl", tmp_path / "report.json"
    secret = _b64("deploy:S3cr3t-T0k3n")
    planted = f"curl -H 'Authorization: Basic {secret}' https://ci.corp.net/api"
    speeches = carriers()
    texts = [planted if i == 5 else EXAMPLES[i % len(EXAMPLES)] if i % 4 == 0 else speeches[i][:200].strip()
             for i in range(len(speeches))]
    lines = [chat_line(f"question {i}", text, f"id-{i}") for i, text in enumerate(texts)]
    data.write_text("".join(lines), encoding="utf-8")
    run(["audit", data, "-f", "json", "-o", report], 1)
    (secrets,) = [f for f in json.loads(report.read_text("utf-8"))["findings"] if f["check"] == "pii.secrets"]
    assert secrets["details"]["kinds"] == {"secret": {"values": 1, "lines": 1, "places": {"assistant": 1},
                                                      "first": [6]}}
    invoke(["clean", data, "-o", out, "--redact", "secrets"], 0)
    assert out.read_text(encoding="utf-8") == "".join(lines).replace(secret, "[SECRET]")
