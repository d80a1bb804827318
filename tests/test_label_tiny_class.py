"""A class's estimated noise rate rests on the rows every model flags, as its suspects do.

Confident learning counts a row against another class when its probability of that class
reaches the class's threshold (the mean over the rows labelled with it). A class the boosted
trees cannot give a leaf of its own (fewer rows in a training fold than a leaf's 20) has a low
threshold, so its rows and a neighbour's swap in the joint. On `parlspeech_uk.csv`, where every
`party` follows `party.facts.id`, that gave DUP (9 rows) an estimated 78% of wrong labels and
SNP (22 rows) 32%, with no DUP row suspected: the linear model predicts every DUP row right, so
no row is flagged by both models. The table here keeps that file's party sizes and codes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import dataaudit
from dataaudit.labelnoise import detect

# parlspeech_uk.csv: rows per party and its `party.facts.id`
PARTIES = {"Con": (442, 1567), "Lab": (398, 1516), "LibDem": (58, 1388), "SNP": (22, 986), "DUP": (9, 335),
           "PlaidCymru": (7, 1002)}


@pytest.fixture(scope="module")
def parties(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Each row's party and its code: the code gives the party, so no label is wrong."""
    rows = [(code, party) for party, (n, code) in PARTIES.items() for _ in range(n)]
    np.random.default_rng(0).shuffle(rows)
    path = tmp_path_factory.mktemp("tiny_class") / "parties.csv"
    path.write_text("\n".join(["party_id,party", *(f"{code},{party}" for code, party in rows)]) + "\n",
                    encoding="utf-8")
    return path


def test_no_class_is_called_noisy_without_a_row_every_model_flags(parties: Path) -> None:
    quality = dataaudit.audit(parties, target="party", label_noise=True).profile.label_quality
    assert len(quality.models) == 2
    rates = {c.label: c.noise_rate for c in quality.classes}
    assert rates == dict.fromkeys(PARTIES, 0.0)
    assert quality.suspected == []


def test_a_rate_is_at_most_the_share_of_its_rows_every_model_flags() -> None:
    rates = detect.flagged_rates(np.array([0.78, 0.32, 0.1, 0.0]), np.array([0, 1, 30, 4]),
                                 np.array([9, 22, 100, 0]))
    assert rates == pytest.approx([0.0, 1 / 22, 0.1, 0.0])
