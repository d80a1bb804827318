"""`clean --redact` takes each secret out whole: no part of a long token, of a URL's password
or of a PEM key's body is left in the cleaned file."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_helpers import invoke

#: 300 characters of a session token, random-looking as a real one is
LONG_TOKEN = ("Q7vLm2Xz9pKd4Rt8Wb1Nc6Yh3Gf5Js0A" * 10)[:300]


def _redacted_content(tmp_path: Path, content: str) -> str:
    """The user's turn after `clean --redact secrets` of a one-line chat file holding `content`."""
    source = tmp_path / "chat.jsonl"
    line = {"messages": [{"role": "user", "content": content}, {"role": "assistant", "content": "Noted."}]}
    source.write_text(json.dumps(line) + "\n", "utf-8")
    out = tmp_path / "clean.jsonl"
    invoke(["clean", source, "-o", out, "--redact", "secrets"], 1)  # a file of one line fails `size.rows`
    return json.loads(out.read_text("utf-8"))["messages"][0]["content"]


def test_a_long_keyword_value_is_redacted_whole(tmp_path: Path) -> None:
    assert _redacted_content(tmp_path, f"session_token: {LONG_TOKEN} (expires)") == "session_token: [SECRET] (expires)"


def test_a_url_password_holding_an_at_sign_is_redacted_whole(tmp_path: Path) -> None:
    content = _redacted_content(tmp_path, "connect with postgresql://admin:p@ssw0rd1@10.0.0.5:5432/app")
    assert content == "connect with postgresql://[URL_CREDENTIALS]@10.0.0.5:5432/app"


def test_a_url_password_without_a_user_name_is_redacted(tmp_path: Path) -> None:
    content = _redacted_content(tmp_path, "cache at redis://:Xy7pQ2rT9zLm@10.1.2.3:6379/0")
    assert content == "cache at redis://[URL_CREDENTIALS]@10.1.2.3:6379/0"


def test_a_pem_body_written_with_escaped_line_breaks_is_redacted_without_its_end_line(tmp_path: Path) -> None:
    pasted = "PRIVATE_KEY='-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\nQWERTYzxcv0123' was cut"
    assert _redacted_content(tmp_path, pasted) == "PRIVATE_KEY='[PRIVATE_KEY]' was cut"


def test_a_keyword_secret_between_escaped_quotes_is_redacted(tmp_path: Path) -> None:
    code = 'requests.post(url, data="{\\"username\\": \\"ann\\", \\"password\\": \\"Xy7pQ2rT9z!\\"}")'
    assert _redacted_content(tmp_path, code) == code.replace("Xy7pQ2rT9z!", "[SECRET]")


def test_an_azure_connection_string_s_account_key_is_redacted(tmp_path: Path) -> None:
    connection = ("DefaultEndpointsProtocol=https;AccountName=acct;"
                  "AccountKey=Xy7pQ2rT9zLmN0pQ+aBcDeFgHiJk/LmNoPqRsTuVwXyZ01==;EndpointSuffix=core.windows.net")
    assert _redacted_content(tmp_path, connection) == connection.replace(
        "Xy7pQ2rT9zLmN0pQ+aBcDeFgHiJk/LmNoPqRsTuVwXyZ01==", "[SECRET]")


def test_a_slack_webhook_url_is_redacted(tmp_path: Path) -> None:
    hook = "https://hooks.slack.com/services/T0A1B2C3D/B0A1B2C3D/aBcDeFgHiJkLmNoPqRsTuVwX"
    assert _redacted_content(tmp_path, f"post alerts to {hook} please") == "post alerts to [SECRET] please"
