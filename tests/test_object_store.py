"""`s3://` URIs read through fsspec and s3fs, against a local S3-compatible server the tests start
(moto in server mode on 127.0.0.1): a CSV, a JSONL and a Parquet file, and a folder of Parquet
files audit to the findings of the same local file; the endpoint is given with
`--storage-option` or, as botocore reads it, `AWS_ENDPOINT_URL`. A missing key, a protocol
whose package is absent and an output URI are each one line and exit 2."""

from __future__ import annotations

import importlib.util
import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

import dataaudit
from tests.cli_helpers import invoke, run

DATA = Path(__file__).parent / "data"
PENGUINS = DATA / "penguins.csv"
BUCKET = "audits"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A moto S3 server holding the penguins as CSV, JSONL, Parquet and a folder of three Parquet
    files; test credentials in the environment for the subprocesses too."""
    from moto.server import ThreadedMotoServer

    saved = {key: os.environ.get(key) for key in CREDENTIALS}
    os.environ.update(CREDENTIALS)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
    server.start()
    try:
        url = f"http://127.0.0.1:{server._port}"
        _upload(url, tmp_path_factory.mktemp("upload"))
        yield url
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _upload(url: str, folder: Path) -> None:
    import s3fs

    table = pacsv.read_csv(PENGUINS)
    pq.write_table(table, folder / "penguins.parquet")
    with open(folder / "penguins.jsonl", "w", encoding="utf-8") as lines:
        for row in table.to_pylist():
            lines.write(json.dumps(row) + "\n")
    store = s3fs.S3FileSystem(endpoint_url=url)
    store.mkdir(BUCKET)
    store.put(str(PENGUINS), f"{BUCKET}/penguins.csv")
    for name in ("penguins.parquet", "penguins.jsonl"):
        store.put(str(folder / name), f"{BUCKET}/{name}")
    for i, start in enumerate((0, 150, 300)):
        part = folder / f"part-{i}.parquet"
        pq.write_table(table.slice(start, 150), part)
        store.put(str(part), f"{BUCKET}/parts/part-{i}.parquet")


def _findings(report: Any) -> list[dict[str, Any]]:
    return [finding.to_dict() for finding in report.findings]


@pytest.mark.parametrize("name", ["penguins.csv", "penguins.jsonl", "penguins.parquet"])
def test_a_file_in_the_store_audits_as_the_local_file(endpoint: str, name: str, tmp_path: Path) -> None:
    local = PENGUINS if name.endswith(".csv") else tmp_path / name
    if name.endswith(".parquet"):
        pq.write_table(pacsv.read_csv(PENGUINS), local)
    elif name.endswith(".jsonl"):
        local.write_text("".join(json.dumps(row) + "\n" for row in pacsv.read_csv(PENGUINS).to_pylist()))
    report = dataaudit.audit(f"s3://{BUCKET}/{name}", target="species", storage_options={"endpoint_url": endpoint})
    assert report.source.path == f"s3://{BUCKET}/{name}" and report.dataset.rows == 344
    assert _findings(report) == _findings(dataaudit.audit(local, target="species"))


def test_a_parquet_folder_in_the_store_is_streamed_as_one_table(endpoint: str, tmp_path: Path) -> None:
    pq.write_table(pacsv.read_csv(PENGUINS), tmp_path / "one.parquet")
    one = _findings(dataaudit.audit(tmp_path / "one.parquet", target="species"))
    for uri in (f"s3://{BUCKET}/parts", f"s3://{BUCKET}/parts/"):
        report = dataaudit.audit(uri, target="species", storage_options={"endpoint_url": endpoint}, chunk_rows=100)
        assert report.source.rows == 344 and _findings(report) == one


@pytest.mark.parametrize("runner", [invoke, run])
def test_the_command_reads_the_store_with_a_storage_option(runner: Any, endpoint: str, tmp_path: Path) -> None:
    output = tmp_path / "remote.json"
    runner(["audit", f"s3://{BUCKET}/penguins.csv", "-t", "species", "--storage-option", f"endpoint_url={endpoint}",
            "-f", "json", "-o", output], 0)
    runner(["audit", PENGUINS, "-t", "species", "-f", "json", "-o", tmp_path / "local.json"], 0)
    remote, local = (json.loads((tmp_path / f"{n}.json").read_text()) for n in ("remote", "local"))
    assert remote["findings"] == local["findings"] and remote["source"]["sha256"] == local["source"]["sha256"]


def test_a_split_in_the_store_is_compared_with_the_local_file(endpoint: str) -> None:
    out, _ = invoke(["audit", PENGUINS, "-t", "species", "--split", f"test=s3://{BUCKET}/parts/", "--storage-option",
                     f"endpoint_url={endpoint}", "-f", "json"], 1)
    report = json.loads(out)
    assert report["dataset"]["splits"]["test"]["rows"] == 344
    # the same penguins on both sides: every row of the test split is one of train's
    assert any(f["check"] == "splits.leakage" for f in report["findings"])


def test_the_endpoint_can_come_from_the_environment(endpoint: str, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    out, _ = run(["audit", f"s3://{BUCKET}/parts/", "-t", "species", "-f", "json"], 0)
    assert json.loads(out)["source"]["rows"] == 344


def test_a_missing_key_is_one_line(endpoint: str) -> None:
    for runner in (invoke, run):
        _, err = runner(["audit", f"s3://{BUCKET}/nope.csv", "-t", "species", "--storage-option",
                         f"endpoint_url={endpoint}"], 2)
        assert err == f"dataaudit: error: s3://{BUCKET}/nope.csv: no such file or folder\n"


@pytest.mark.skipif(importlib.util.find_spec("gcsfs") is not None, reason="gcsfs is installed here")
def test_a_protocol_without_its_package_names_the_package() -> None:
    for runner in (invoke, run):
        _, err = runner(["audit", "gs://bucket/train.csv", "-t", "label"], 2)
        assert err == ("dataaudit: error: gs://bucket/train.csv: reading gs:// needs the gcsfs package: "
                       "pip install gcsfs\n")


def test_outputs_to_the_store_are_refused_before_the_run(tmp_path: Path) -> None:
    _, err = invoke(["audit", PENGUINS, "-t", "species", "-f", "json", "-o", "s3://bucket/report.json"], 2)
    assert err == ("dataaudit: error: s3://bucket/report.json: writing to an object store is not supported; write a "
                   "local file and upload it\n")
    _, err = invoke(["clean", PENGUINS, "-t", "species", "-o", "s3://bucket/clean.csv"], 2)
    assert err.startswith("dataaudit: error: s3://bucket/clean.csv: writing to an object store")
    assert err.count("\n") == 1


def test_a_storage_option_is_key_equals_value() -> None:
    _, err = invoke(["audit", PENGUINS, "-t", "species", "--storage-option", "endpoint_url"], 2)
    assert "--storage-option" in err and "takes KEY=VALUE" in err and "'endpoint_url'" in err


def test_a_storage_option_does_not_run_on_spark() -> None:
    _, err = invoke(["audit", PENGUINS, "-t", "species", "--engine", "spark", "--storage-option", "anon=true"], 2)
    assert err == ("dataaudit: error: " f"{PENGUINS}: --storage-option (storage_options) cannot run on the spark "
                   "engine: Spark reads object stores through its own Hadoop configuration\n")


@pytest.mark.parametrize("data", [PENGUINS, DATA / "text" / "hhh_chat_60.jsonl"])
def test_a_storage_option_with_only_local_inputs_is_refused(data: Path) -> None:
    """A local path is read as it is: the options would be dropped without a word (a forgotten s3://)."""
    for runner in (invoke, run):
        _, err = runner(["audit", data, "--storage-option", "anon=true"], 2)
        assert err == (f"dataaudit: error: {data}: --storage-option (storage_options) does not apply to local files: "
                       "it configures the filesystem an s3:// (fsspec) URI is read through\n")


CHATS = DATA / "text" / "hhh_chat_60.jsonl"


def _put(endpoint: str, local: Path, key: str) -> str:
    import s3fs

    s3fs.S3FileSystem(endpoint_url=endpoint).put(str(local), f"{BUCKET}/{key}")
    return f"s3://{BUCKET}/{key}"


def _named_alike(report: dict[str, Any], *names: tuple[str, str]) -> str:
    """The report's findings and contamination cards, each name given as another spelling of the same data."""
    text = json.dumps([report["findings"], report["dataset"].get("contamination")])
    for name, alike in names:
        text = text.replace(name, alike)
    return text


@pytest.mark.parametrize("runner", [invoke, run])
def test_a_chat_file_in_the_store_is_audited_as_the_local_chat_file(runner: Any, endpoint: str) -> None:
    uri = _put(endpoint, CHATS, "chats/hhh.jsonl")
    remote, _ = runner(["audit", uri, "--storage-option", f"endpoint_url={endpoint}", "-f", "json"], 1)
    local, _ = runner(["audit", CHATS, "-f", "json"], 1)
    remote_report, local_report = json.loads(remote), json.loads(local)
    assert (remote_report["source"]["path"], remote_report["source"]["kind"]) == (uri, "chat")
    assert remote_report["source"]["sha256"] == local_report["source"]["sha256"]
    assert _named_alike(remote_report, (uri, str(CHATS))) == _named_alike(local_report)


@pytest.mark.parametrize("runner", [invoke, run])
def test_an_evaluation_set_in_the_store_finds_what_the_local_file_finds(runner: Any, endpoint: str,
                                                                        tmp_path: Path) -> None:
    """The URI is read as written (click's path type made `s3:/bucket` of it), with the run's
    storage options; the items it holds are found as the local file's are."""
    held_out = tmp_path / "held_out.jsonl"
    held_out.write_text("".join(CHATS.read_text("utf-8").splitlines(keepends=True)[20:30]), encoding="utf-8")
    uri = _put(endpoint, held_out, "eval/held_out.jsonl")
    remote, _ = runner(["audit", CHATS, "--eval-set", uri, "--storage-option", f"endpoint_url={endpoint}",
                        "-f", "json"], 1)
    local, _ = runner(["audit", CHATS, "--eval-set", held_out, "-f", "json"], 1)
    card = json.loads(remote)["dataset"]["contamination"][0]
    assert (card["eval_set"], card["items"]) == (uri, 10) and card["items_matched"] == 10
    assert _named_alike(json.loads(remote), (uri, str(held_out))) == _named_alike(json.loads(local))
    _, err = runner(["audit", CHATS, "--eval-set", f"s3://{BUCKET}/eval/gone.jsonl", "--storage-option",
                     f"endpoint_url={endpoint}"], 2)
    assert err == f"dataaudit: error: s3://{BUCKET}/eval/gone.jsonl: no such file or folder\n"


def test_clean_refuses_a_uri_in_one_line() -> None:
    for runner in (invoke, run):
        _, err = runner(["clean", f"s3://{BUCKET}/chats/hhh.jsonl", "-o", "out.jsonl"], 2)
        assert err == (f"dataaudit: error: s3://{BUCKET}/chats/hhh.jsonl: clean reads a local file; download it "
                       "first (its outputs are local files too)\n")
