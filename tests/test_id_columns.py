"""Id-like columns are found on the first rows and left out of duplicate and conflict judgement,
the report says which and why, --keep-column keeps one a feature and --ignore-column still adds.
Real files: health-news tweets (a unique `source_id`), the wage panel (`nr`, a man's id repeated
over 8 years), ParlSpeech (`parlspeech_row`), mroz, and the clean controls."""

from __future__ import annotations

import json
import random
import uuid
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.profile.id_columns import id_like_columns, id_shape
from tests.cli_helpers import invoke, run
from tests.conftest import DATA

TWEETS = DATA / "healthtweets_1200.csv"
WAGES = DATA / "wage_panel.csv"
SPEAKERS = DATA / "parlspeech_speakers.csv"
CONTROLS = [("breast_cancer.csv", "target"), ("iris.csv", "target"), ("penguins.csv", "species"),
            ("cars.csv", "Origin"), ("mroz.csv", "hours")]


def _json(args: list[object], code: int) -> dict:
    out, _ = invoke(["audit", *args, "--format", "json"], code)
    return json.loads(out)


def _statuses(report: dict) -> dict[str, str]:
    return {c["check"]: c["status"] for c in report["checks"]}


def _ignored(report: dict) -> dict[str, str]:
    return {i["column"]: i["reason"] for i in report["dataset"]["ignored"]}


# --- the rule ------------------------------------------------------------------------------------

ROWS = 200
rng = random.Random(7)
IDS = [
    ("ref", [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(ROWS)], "id-like: UUIDs"),
    ("checksum", [f"{rng.getrandbits(160):040x}" for _ in range(ROWS)], "id-like: hex digests"),
    ("image", [f"scans/{i:05d}.png" for i in range(ROWS)], "id-like: file names"),
    ("position", [str(i) for i in rng.sample(range(1000, 1000 + ROWS), ROWS)], "id-like: 200 distinct sequential"),
    ("patient_id", [f"P-{rng.randrange(184):04d}" for _ in range(ROWS)], "id-like: named like an id"),
    ("userId", [str(rng.randrange(10**9)) for _ in range(ROWS)], "id-like: named like an id"),
    ("nr", [str(i // 8) for i in range(ROWS)], "id-like: named like an id, 25 distinct integers"),
]
NO_IDS = [
    ("price", [str(rng.randrange(10**6)) for _ in range(ROWS)]),   # unique, not a run, no id's name
    ("weight", [f"{rng.random() * 100:.4f}" for _ in range(ROWS)]),
    ("party.facts.id", [rng.choice(["1567", "1569", "1573", "1590"]) for _ in range(ROWS)]),   # a category
    ("key", [str(rng.randrange(12)) for _ in range(ROWS)]),     # a song's musical key, 0-11 (Spotify's tracks)
    ("Name", [f"{rng.choice(['ford', 'chevrolet', 'amc'])} model {rng.randrange(150)}" for _ in range(ROWS)]),
    ("speaker_id", [f"{rng.choice(['Ann', 'Bob'])} {rng.randrange(300)}" for _ in range(ROWS)]),   # blanks: values
    # measurements named like an index: a fraction or an exponent is no code
    ("body_mass_index", [f"{18 + rng.random() * 20:.1f}" for _ in range(ROWS)]),
    ("price_index", [f"{100 + i * 0.25}" for i in range(ROWS)]),
    ("uvIndex", [f"{rng.randrange(1, 99)}e-1" for _ in range(ROWS)]),
]


@pytest.mark.parametrize(("name", "values", "reason"), IDS, ids=[c[0] for c in IDS])
def test_an_id_is_told_by_its_shape_or_by_its_name_and_shape(name: str, values: list[str], reason: str) -> None:
    found = id_shape(name, values, ROWS)
    assert found is not None and found.startswith(reason), found


@pytest.mark.parametrize(("name", "values"), NO_IDS, ids=[c[0] for c in NO_IDS])
def test_a_unique_measurement_a_named_category_and_a_repeated_name_are_no_ids(name: str, values: list[str]) -> None:
    assert id_shape(name, values, ROWS) is None


def test_a_92_percent_unique_patient_id_is_an_id_too() -> None:
    values = [f"P{i:05d}" for i in range(920)] + [f"P{i:05d}" for i in range(80)]
    assert len(set(values)) / len(values) == 0.92
    found = id_shape("patient_id", values, 1000)
    assert found == "id-like: named like an id, 920 distinct codes in the first 1,000 rows"
    assert id_shape("patient", values, 1000) is None   # the same codes unnamed: shape alone does not tell


@settings(max_examples=60, deadline=None)
@given(start=st.integers(-10**12, 10**12), n=st.integers(20, 300), seed=st.integers(0, 2**32 - 1),
       gap=st.booleans())
def test_a_run_of_integers_is_an_id_in_any_order_and_a_gap_breaks_it(start: int, n: int, seed: int, gap: bool) -> None:
    numbers = list(range(start, start + n + gap))
    if gap:
        numbers.pop(n // 2)
    random.Random(seed).shuffle(numbers)
    found = id_shape("value", [str(x) for x in numbers], n)
    assert (found is not None) is not gap


def test_the_first_rows_name_the_columns_and_whether_their_values_repeat() -> None:
    rows = pa.table({"nr": [i // 4 for i in range(100)], "row": [str(i) for i in range(100)],
                     "label": ["a", "b"] * 50, "skipped_id": [str(i) for i in range(100)]})
    found = id_like_columns(rows, skip={"label", "skipped_id"})
    assert list(found) == ["nr", "row"]
    assert found["nr"].repeats and not found["row"].repeats


def test_missing_tokens_do_not_count_as_values() -> None:
    numbers = iter(range(90))
    rows = pa.table({"position": ["NA" if i % 10 == 3 else str(next(numbers)) for i in range(100)]})
    assert id_like_columns(rows, skip=(), missing={"na"})["position"].reason.startswith(
        "id-like: 90 distinct sequential integers")
    assert not id_like_columns(rows, skip=())


# --- real files ----------------------------------------------------------------------------------


def test_a_unique_source_id_hid_the_repeated_tweets() -> None:
    report = _json([TWEETS, "-t", "agency"], 0)
    assert _ignored(report) == {"source_id": "id-like: named like an id, 1,000 distinct codes in the first 1,000 rows"}
    assert report["dataset"]["duplicates"]["feature_rows"] == 6
    repeated = [f for f in report["findings"] if f["check"] == "duplicates.features"]
    assert [f["severity"] for f in repeated] == ["warn"]
    assert "differing only in 'source_id'" in repeated[0]["message"]

    kept = _json([TWEETS, "-t", "agency", "--keep-column", "source_id"], 0)
    assert _ignored(kept) == {}
    assert "source_id" in kept["dataset"]["features"]
    assert _statuses(kept)["duplicates.features"] == "skipped"
    assert kept["dataset"]["duplicates"]["feature_rows"] == 0


def test_the_console_names_the_id_and_why() -> None:
    out, _ = invoke(["audit", TWEETS, "-t", "agency"], 0)
    assert "Ignored: source_id (id-like: named like an id, 1,000 distinct codes in the first 1,000 rows)" in out


def test_ignore_column_still_adds_to_the_ids_found() -> None:
    report = dataaudit.audit(TWEETS, target="agency", ignore_columns=["text"], auto_text=False)
    assert [(i.column, i.reason) for i in report.dataset.ignored] == [
        ("text", "named with --ignore-column"),
        ("source_id", "id-like: named like an id, 1,000 distinct codes in the first 1,000 rows")]
    assert report.dataset.features == []


KEY_REASON = ("id-like: named like an id, 125 distinct integers in the first 1,000 rows; its values repeat: kept in "
              "the rows' identity for duplicates and conflicts")


def test_the_wage_panel_man_id_names_a_man_and_two_men_alike_are_no_conflict() -> None:
    # rows 1055 and 2231 of the file: men 2227 and 4716 in 1985, every feature alike, one in a union
    report = _json([WAGES, "-t", "union"], 0)
    assert _ignored(report) == {"nr": KEY_REASON}
    assert "nr" not in report["dataset"]["features"]
    duplicates = report["dataset"]["duplicates"]
    assert (duplicates["conflict_groups"], duplicates["conflict_rows"], duplicates["exact_rows"]) == (0, 0, 0)
    without_nr = dataaudit.audit(WAGES, target="union", ignore_columns=["nr"])
    assert without_nr.dataset.duplicates.conflict_groups == 1  # named: a column no longer in the identity
    kept = dataaudit.audit(WAGES, target="union", keep_columns=["nr"])
    assert kept.dataset.duplicates.conflict_groups == 0
    assert "nr" in kept.dataset.features


def test_a_row_repeated_for_the_same_man_is_a_duplicate_and_for_another_man_is_not(tmp_path: Path) -> None:
    lines = WAGES.read_text().splitlines()
    first = lines[1]  # man 13 in 1980
    other_man = "99999" + first[first.index(","):]
    planted = tmp_path / "panel.csv"
    planted.write_text("\n".join([*lines, first, other_man]) + "\n")
    report = dataaudit.audit(planted, target="union")
    assert (report.dataset.duplicates.exact_rows, report.dataset.duplicates.feature_rows) == (1, 1)
    [found] = [f for f in report.findings if f.check == "duplicates.rows"]
    assert found.examples == [len(lines) - 1]  # the copy of man 13's row; man 99999's is his own


def test_parlspeech_row_numbers_are_ids_and_its_speakers_and_party_codes_are_not() -> None:
    report = dataaudit.audit(SPEAKERS, target="party")
    ignored = {i.column: i.reason for i in report.dataset.ignored}
    assert list(ignored) == ["date", "parlspeech_row"]  # nearly every speech has its own date: a time, no feature
    assert ignored["date"].startswith("time-like: dates 19")
    assert {"speaker", "party.facts.id", "speechnumber"} <= set(report.dataset.features)
    assert not [f for f in report.findings if f.check == "columns.unique"]


@pytest.mark.parametrize(("name", "target"), CONTROLS, ids=[c[0] for c in CONTROLS])
def test_the_controls_have_no_id_and_keep_their_findings(name: str, target: str) -> None:
    report = dataaudit.audit(DATA / name, target=target)
    assert report.dataset.ignored == []
    assert "groups.repeated" not in {f.check for f in report.findings}


def test_cars_repeated_model_names_stay_a_feature_of_the_duplicate_judgement() -> None:
    report = dataaudit.audit(DATA / "cars.csv", target="Origin")
    assert "Name" in report.dataset.features
    assert report.dataset.duplicates.exact_rows == 0 and report.dataset.duplicates.conflict_groups == 0
    without_name = dataaudit.audit(DATA / "cars.csv", target="Origin", ignore_columns=["Name"])
    assert without_name.dataset.duplicates.feature_rows == report.dataset.duplicates.feature_rows == 0


def test_iris_keeps_its_one_duplicate() -> None:
    assert dataaudit.audit(DATA / "iris.csv", target="target").dataset.duplicates.exact_rows == 1


@pytest.mark.parametrize("runner", [invoke, run], ids=["in-process", "installed"])
def test_an_unknown_kept_column_is_one_line(runner, tmp_path: Path) -> None:
    _, err = runner(["audit", WAGES, "-t", "union", "--keep-column", "nro"], 2)
    assert err == f"dataaudit: error: {WAGES}: kept column 'nro' not found (did you mean 'nr'?); columns are: " \
                  "nr, year, black, exper, hisp, hours, married, educ, union, lwage, expersq, occupation\n"


def test_a_cleaned_panel_keeps_every_man_and_his_id_as_written(tmp_path: Path) -> None:
    result = dataaudit.clean(WAGES, target="union")
    assert result.manifest["rows"]["quarantined"] == 0
    assert len(result.data) == 4_360
    assert sorted(result.data["nr"].astype(str).unique()) == sorted({line.split(",")[0] for line in
                                                                    WAGES.read_text().splitlines()[1:]})


@pytest.mark.parametrize("runner", [invoke, run], ids=["in-process", "installed"])
def test_clean_keeps_a_column_among_the_features_too(runner, tmp_path: Path) -> None:
    out = tmp_path / "tweets.csv"
    runner(["clean", TWEETS, "-t", "agency", "-o", out, "--keep-column", "source_id"], 0)
    kept = json.loads((tmp_path / "tweets.manifest.json").read_text())
    runner(["clean", TWEETS, "-t", "agency", "-o", out, "--force"], 0)
    found = json.loads((tmp_path / "tweets.manifest.json").read_text())
    assert (kept["parameters"]["ignored"], found["parameters"]["ignored"]) == ([], ["source_id"])


def test_clean_takes_the_conflict_only_once_the_man_id_is_named_no_feature(tmp_path: Path) -> None:
    run(["clean", WAGES, "-t", "union", "-o", tmp_path / "panel.csv", "-i", "nr"], 0)
    quarantine = (tmp_path / "panel.quarantine.csv").read_text().splitlines()
    assert [line.split(",")[0] for line in quarantine[1:]] == ['"2227"', '"4716"']
    assert all(line.endswith(",label_conflict") or line.endswith(',"label_conflict"') for line in quarantine[1:])


@pytest.mark.parametrize("command", ["audit", "clean"])
def test_a_column_both_kept_and_ignored_is_one_line(command: str, tmp_path: Path) -> None:
    args = [command, WAGES, "-t", "union", "--keep-column", "nr", "-i", "nr"]
    _, err = invoke([*args, *(["-o", tmp_path / "out.csv"] if command == "clean" else [])], 2)
    assert err == f"dataaudit: error: {WAGES}: column 'nr' is both kept (--keep-column) and ignored " \
                  "(named with --ignore-column)\n"
    assert not (tmp_path / "out.csv").exists()


def test_missing_ids_are_reported_though_the_id_is_no_feature(tmp_path: Path) -> None:
    header, *rows = WAGES.read_text().splitlines()
    holed = tmp_path / "panel.csv"  # every 50th man-year without its man
    holed.write_text("\n".join([header, *(r[r.index(","):] if i % 50 == 7 else r for i, r in enumerate(rows))]) + "\n")
    report = dataaudit.audit(holed, target="union")
    assert "nr" not in report.dataset.features
    [found] = [f for f in report.findings if f.check == "missing.column_share"]
    assert (found.column, found.observed, found.severity.value) == ("nr", round(88 / 4360, 6), "warn")
    assert found.examples[:3] == [7, 57, 107]
    named = dataaudit.audit(holed, target="union", ignore_columns=["nr"])  # named no feature: the user's call
    assert not [f for f in named.findings if f.check == "missing.column_share"]


def test_a_measurement_named_like_an_index_is_compared_across_splits(tmp_path: Path) -> None:
    """`body_mass_index` was left out as an id: every test row then repeated a training row's
    features (100% leakage, a failed gate) and its shift went unseen."""
    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    train.write_text("age,body_mass_index,label\n"
                     + "".join(f"{30 + i % 20},{20 + (i % 30) * 0.5},{'yes' if i % 3 else 'no'}\n" for i in range(60)))
    test.write_text("age,body_mass_index,label\n"
                    + "".join(f"{30 + i},{40 + i * 0.5},{'yes' if i % 3 else 'no'}\n" for i in range(20)))
    report = tmp_path / "report.json"
    invoke(["audit", train, "-t", "label", "--split", f"test={test}", "-f", "json", "-o", report], 1)
    saved = json.loads(report.read_text())
    checks = {f["check"]: f for f in saved["findings"]}
    assert "splits.leakage" not in checks
    assert checks["splits.numeric_drift"]["column"] == "body_mass_index"
