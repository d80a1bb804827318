"""What a configuration file writes after a keyword without it being the secret stays: a path
(the working directory `PWD=/home/alice`, a key's file `ssl_key: /etc/nginx/certs/site.key`, a
Docker secret's `POSTGRES_PASSWORD_FILE: /run/secrets/pg`), a key combination (VS Code's
keybindings.json: `"key": "ctrl+shift+p"`) and a value its keyword's name says is about the
secret (`key_size: 2048-bit`, `token_limit`, `secret_name`); and code that names a key, as a scan
of the lines of real libraries (8.8 million, every Python package installed beside dataaudit)
met it: type annotations, templates, format strings, sort keys, dict literals, constants, type
and resource names, sigils around a word. A key written beside them is found."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dataaudit.pii.detect import find_pii
from tests.cli_helpers import invoke, run
from tests.pii_helpers import carriers, chat_line

LOOK_ALIKES = [
    "PWD=/home/alice/project", "pwd: /home/alice", "OLDPWD=/root/src", "key_file: /etc/ssl/private/server.key",
    "POSTGRES_PASSWORD_FILE: /run/secrets/postgres_password", "ssl_key: /etc/nginx/certs/site.key",
    'private_key_path = "./keys/id_rsa2"', "secret: ~/.ssh/id_ed25519", r"api_key: C:\keys\prod2.pem",
    "secret_name: prod/db/creds2", '{"key": "ctrl+shift+alt+f", "command": "editor.action.formatDocument"}',
    '{"key": "cmd+shift+p"}', "key_length=2048bits", "key_size: 2048-bit", '"token_limit": "4096/min"',
    "password_field: password1", "KEY_ID=a1b2c3d4e5f6",
    # code from real libraries
    "password: _PasswordType | None = None,", "def exchange(self, peer_public_key: X448PublicKey) -> bytes:",
    "private_key: PKCS7PrivateKeyTypes,", "def __getitem__(self, key: PositionalIndexer2D) -> Self:",
    '"result_key": "Qev2IdcApplications"', 'print(f"password={password!r}")',
    "df = pd.DataFrame({orig_key: orig_value})",
    "args.sort(key=_args_sortkey)", "object = sorted(object, key=_safe_key)", 'key = "train_%s" % name',
    'CRITIC_KEY = "czjqqkd:%s"', "# NOTE: Gemma3 has key_length==value_length==head_dim", 'secret="my-secret",',
    '"AWS::SecretsManager::Secret": "f6b785ff8e74d121",', '"AWS::IAM::AccessKey": "bf29289b78d371e3",',
    '"ARN": "arn:aws:secretsmanager:us-west-2:123456789012:secret:MyTestDatabaseSecret-a1b2c3",',
    '_ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token"', "if _token is String.Double:",
    '(1, 2, {"key": "data_key1"}),', '_COLLATIONS_METADATA_KEY = "__COLLATIONS"', 'comment_key="#comment",',
    'self.image_token = "|SPEAKER|"', '{"key": "@creationTime",', "# `my_key: $my_value` in the yml file",
    'key="Europe/Paris",', 'DEFAULT_KMS_KEY_ALIAS = "alias/aws/secretsmanager"',
    'reserved_key = "AWS::CloudFormation::Module"',
    '"jumped": {"key_sha256": "ff682ac12bb140f2d72fba8d3506cf4e46817a0db27aae1683867629031d8d55"}',
    'ACCOUNT_SPECIFIC_ACCESS_KEY_PREFIX = "8NWMTLYQ"', 'pe.create_encryption_properties(footer_key="0123456789abcdef")',
    '`{"access_token": "hf_jwt_…", "token_type": "bearer"}`', 'verify_token="eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...",',
    'self.key_class = Xsd11Key', '"key-signature-interface::alteration-positions",',
]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_a_path_a_key_combination_or_a_described_value_is_no_secret(text: str) -> None:
    assert [f.kind for f in find_pii(text)] == []


@pytest.mark.parametrize(("text", "value"), [
    ("secret: /K7MDENG/bPxRfiCYz9ABCDEFKEY+a1b2", "/K7MDENG/bPxRfiCYz9ABCDEFKEY+a1b2"),  # base64 from `/`
    ("key: ctrl+A9x/Qm3+Zp7Lw2", "ctrl+A9x/Qm3+Zp7Lw2"),  # not a key combination: a `+` in a token
    ("PASSWORD=Zx9Lr8Kq2Wm4", "Zx9Lr8Kq2Wm4"), ("secret_key = 'Zx9Lr8Kq2Wm4Np6B'", "Zx9Lr8Kq2Wm4Np6B"),
    ('"Password": "SomeKindOfPassword123!@#",', "SomeKindOfPassword123!@#"),  # camel case is a password's too
    ("password: Summer.2024!", "Summer.2024!"), ("password: #hunter2", "#hunter2"),
    ('token = "Ab3_dE6-gH9"', "Ab3_dE6-gH9"),
    ('"api_key": "cachedvol112233"', "cachedvol112233"),
    # a `%d` or `%s` inside a password is no format
    ('client_secret = "X*x%dd6&oA7"', "X*x%dd6&oA7"), ('DB_PASSWORD = "%sM3kbYZW!GOLPTo"', "%sM3kbYZW!GOLPTo"),
])
def test_a_secret_beside_them_is_found(text: str, value: str) -> None:
    assert [(f.kind, text[f.start:f.end]) for f in find_pii(text)] == [("secret", value)]


def test_audit_and_clean_leave_configuration_look_alikes_as_written(tmp_path: Path) -> None:
    data, out, report = tmp_path / "chat.jsonl", tmp_path / "clean.jsonl", tmp_path / "report.json"
    speeches = carriers()
    lines = [chat_line(f"question {i}", LOOK_ALIKES[i % len(LOOK_ALIKES)] if i % 3 == 0 else speeches[i][:200].strip(),
                       f"id-{i}") for i in range(len(speeches))]
    data.write_text("".join(lines), encoding="utf-8")
    run(["audit", data, "-f", "json", "-o", report], 0)
    assert not [f for f in json.loads(report.read_text("utf-8"))["findings"] if f["check"].startswith("pii.")]
    invoke(["clean", data, "-o", out, "--redact", "secrets"], 0)
    assert out.read_text(encoding="utf-8") == "".join(lines)
