"""SARIF results, workflow annotations and the JUnit suite name the data file from the repository's root, the way
code scanning and the Actions runner place them, whatever folder the job ran in: the root is
GITHUB_WORKSPACE when the file lies under it, else the nearest folder above it holding `.git`
(a folder, or a file in a worktree or a submodule), else the working folder."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import pytest

from dataaudit.report.cards import SourceInfo
from dataaudit.report.github import annotated_file
from dataaudit.report.repository import repository_path
from dataaudit.report.sarif import artifact_location
from tests.cli_helpers import invoke, run
from tests.conftest import sarif_problems
from tests.report_fixtures import outside_every_repository

ROWS = "a,label\n1,x\n2,y\n1,x\n"  # a repeated row: warn and fail findings, so results and annotations


def _repository(root: Path, data: str, git: str = "folder") -> Path:
    """A repository at `root` (`.git` a folder, or a worktree's `.git` file) holding `data`."""
    root.mkdir(parents=True, exist_ok=True)
    if git == "folder":
        (root / ".git").mkdir()
    else:
        (root / ".git").write_text("gitdir: /elsewhere/.git/worktrees/x\n", encoding="utf-8")
    file = root / data
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(ROWS, encoding="utf-8")
    return file


def _sarif_locations(sarif: dict) -> list[dict]:
    run_ = sarif["runs"][0]
    assert run_["results"]
    return [run_["artifacts"][0]["location"]] + [
        {k: v for k, v in r["locations"][0]["physicalLocation"]["artifactLocation"].items() if k != "index"}
        for r in run_["results"]]


def _files_annotated(err: str) -> set[str]:
    lines = [line for line in err.splitlines() if line.startswith("::")]
    assert lines
    return {line.split("file=", 1)[1].split(",title=", 1)[0] for line in lines}


@pytest.mark.parametrize("git", ["folder", "file"])
def test_a_job_in_a_subfolder_names_the_file_from_the_repository_root(tmp_path: Path, git: str,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """`cd data && dataaudit audit train.csv`: code scanning needs `data/train.csv`."""
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    file = _repository(tmp_path / "repo", "data/train.csv", git)
    _, err = run(["audit", file.name, "-t", "label", "-f", "sarif", "-o", tmp_path / "r.sarif"], 1, cwd=file.parent)
    sarif = json.loads((tmp_path / "r.sarif").read_text(encoding="utf-8"))
    assert sarif_problems(sarif, "r.sarif") == []
    assert {json.dumps(loc) for loc in _sarif_locations(sarif)} == {
        json.dumps({"uri": "data/train.csv", "uriBaseId": "%SRCROOT%"})}
    assert _files_annotated(err) == {"data/train.csv"}
    run(["audit", file.name, "-t", "label", "-f", "junit", "-o", tmp_path / "r.xml"], 1, cwd=file.parent)
    suite = ElementTree.parse(tmp_path / "r.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("file") == "data/train.csv"  # as JUnit reporters place it


def test_in_process_from_a_subfolder_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    file = _repository(tmp_path / "repo", "data/nested/train.csv")
    monkeypatch.chdir(file.parent.parent)
    out, err = invoke(["audit", "nested/train.csv", "-t", "label", "-f", "sarif"], 1)
    assert {loc["uri"] for loc in _sarif_locations(json.loads(out))} == {"data/nested/train.csv"}
    assert _files_annotated(err) == {"data/nested/train.csv"}


def test_github_workspace_is_the_root_of_a_file_under_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The job's checkout is the root, even over a submodule's `.git` nearer the file; a file
    outside it falls back to its own repository."""
    workspace = tmp_path / "work"
    file = _repository(workspace / "vendor" / "sets", "train.csv", git="file")  # a submodule
    other = _repository(tmp_path / "other", "data/x.csv")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(workspace))
    monkeypatch.chdir(file.parent)
    assert repository_path("train.csv") == PurePosixPath("vendor/sets/train.csv")
    assert artifact_location(SourceInfo(path=str(file))) == {"uri": "vendor/sets/train.csv", "uriBaseId": "%SRCROOT%"}
    assert annotated_file(SourceInfo(path=str(other))) == "data/x.csv"


def test_github_workspace_through_a_cli_run_in_a_subfolder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`working-directory: data` in a workflow step, with no `.git` read (a checkout without history)."""
    workspace = tmp_path / "work"
    file = workspace / "data" / "train.csv"
    file.parent.mkdir(parents=True)
    file.write_text(ROWS, encoding="utf-8")
    outside_every_repository(tmp_path, monkeypatch)
    monkeypatch.setenv("GITHUB_WORKSPACE", str(workspace))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    _, err = run(["audit", "train.csv", "-t", "label", "-f", "sarif", "-o", tmp_path / "r.sarif"], 1, cwd=file.parent)
    sarif = json.loads((tmp_path / "r.sarif").read_text(encoding="utf-8"))
    assert {loc["uri"] for loc in _sarif_locations(sarif)} == {"data/train.csv"}
    assert _files_annotated(err) == {"data/train.csv"}


def test_hostile_names_stay_quoted_from_the_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    file = _repository(tmp_path / "repo", "dätä sets/50% of a,b:c.csv")
    _, err = run(["audit", file.name, "-t", "label", "-f", "sarif", "-o", tmp_path / "r.sarif"], 1, cwd=file.parent)
    sarif = json.loads((tmp_path / "r.sarif").read_text(encoding="utf-8"))
    assert sarif_problems(sarif, "r.sarif") == []
    assert {loc["uri"] for loc in _sarif_locations(sarif)} == {"d%C3%A4t%C3%A4%20sets/50%25%20of%20a%2Cb%3Ac.csv"}
    assert _files_annotated(err) == {"dätä sets/50%25 of a%2Cb%3Ac.csv"}


def test_a_file_outside_every_root_is_named_as_today(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside GITHUB_WORKSPACE, any repository and the working folder: a `file:` URI in SARIF,
    the path as given in an annotation."""
    outside_every_repository(tmp_path, monkeypatch)
    (tmp_path / "work").mkdir()
    (tmp_path / "job").mkdir()
    file = tmp_path / "elsewhere" / "a b.csv"
    file.parent.mkdir()
    file.write_text(ROWS, encoding="utf-8")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path / "work"))
    monkeypatch.chdir(tmp_path / "job")
    assert repository_path(str(file)) is None
    assert artifact_location(SourceInfo(path=str(file))) == {"uri": file.as_uri()}
    assert annotated_file(SourceInfo(path=str(file))) == str(file)
    assert annotated_file(SourceInfo(path="../elsewhere/a b.csv")) == "../elsewhere/a b.csv"
    for named in ("<stdin>", "s3://bucket/data/x.csv", None):
        assert repository_path(named) is None and annotated_file(SourceInfo(path=named)) == named


def test_a_link_in_the_repository_is_named_where_it_is_committed(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    target = _repository(tmp_path / "store", "big.csv")
    link = tmp_path / "repo" / "data" / "train.csv"
    _repository(tmp_path / "repo", "README.csv")
    link.parent.mkdir()
    link.symlink_to(target)
    monkeypatch.chdir(tmp_path)
    assert repository_path(str(link)) == PurePosixPath("data/train.csv")


def test_a_saved_report_rendered_again_from_another_folder_names_the_file_from_the_root(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`cd data && dataaudit audit train.csv -o audit.json`, then a later step at the root runs
    `dataaudit report data/audit.json -f sarif`: the report's `train.csv` is no file there. The
    file's place in the repository is kept in the report (`source.in_repository`) when it is
    audited; a report written before it is placed from the working folder, as then."""
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    file = _repository(tmp_path / "repo", "data/train.csv")
    run(["audit", file.name, "-t", "label", "-o", "audit.json"], 1, cwd=file.parent)
    saved = json.loads((file.parent / "audit.json").read_text(encoding="utf-8"))
    assert saved["source"]["path"] == "train.csv" and saved["source"]["in_repository"] == "data/train.csv"
    elsewhere = tmp_path / "later"
    elsewhere.mkdir()
    out, err = run(["report", file.parent / "audit.json", "-f", "sarif"], 1, cwd=elsewhere)
    assert {loc["uri"] for loc in _sarif_locations(json.loads(out))} == {"data/train.csv"}
    assert _files_annotated(err) == {"data/train.csv"}
    out, _ = run(["report", file.parent / "audit.json", "-f", "junit"], 1, cwd=elsewhere)
    suite = ElementTree.fromstring(out).find("testsuite")
    assert suite is not None and suite.get("file") == "data/train.csv"
    del saved["source"]["in_repository"]
    saved["schema_version"] = "1.5"
    (tmp_path / "old.json").write_text(json.dumps(saved), encoding="utf-8")
    out, _ = run(["report", tmp_path / "old.json", "-f", "sarif"], 1, cwd=file.parent)
    assert {loc["uri"] for loc in _sarif_locations(json.loads(out))} == {"data/train.csv"}


def test_a_saved_report_whose_path_no_file_can_have_is_rendered(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A saved report is untrusted input: a source path holding a NUL names no file, and placing it
    in a repository raised `embedded null byte` from the file system (exit 3). It is no file of
    any repository, and the results name it as written."""
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    assert repository_path("data/tr\x00ain.csv") is None
    file = _repository(tmp_path / "repo", "train.csv")
    run(["audit", file.name, "-t", "label", "-o", "audit.json"], 1, cwd=file.parent)
    saved = json.loads((file.parent / "audit.json").read_text(encoding="utf-8"))
    del saved["source"]["in_repository"]
    saved["schema_version"], saved["source"]["path"] = "1.5", "tr\x00ain.csv"
    (tmp_path / "old.json").write_text(json.dumps(saved), encoding="utf-8")
    for runner in (invoke, run):
        out, _ = runner(["report", tmp_path / "old.json", "-f", "sarif"], 1)
        assert {loc["uri"] for loc in _sarif_locations(json.loads(out))} == {"tr%00ain.csv"}
