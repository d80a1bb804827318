"""Near duplicates on Spark: MinHash banding as a group-by on the cluster gives the local
engine's findings, and the partials that reach the driver carry no signature (nor any other
value per text)."""

from __future__ import annotations

import csv
import functools
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dataaudit
from dataaudit.checks.text import Rules
from dataaudit.text.accumulator import FileLines
from dataaudit.text.audit import text_spec
from dataaudit.text.tokens import token_counter
from tests.test_spark_engine import spark
from tests.test_text_spark import _partitions_of, _spark_partitions
from tests.text_helpers import comparable, engine_files

pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")]
__all__ = ["spark"]  # the session fixture, shared with the table tests


def _near_copies(report: dict[str, Any]) -> int:
    found = [f for f in report["findings"] if f["check"] == "text.near_duplicates"]
    return sum(f["details"][f["details"]["examples_are"]] for f in found)


def _reviews_with_near_copies(path: Path, rows: int = 3000) -> Path:
    """A labelled table whose `review` column holds planted near copies (an earlier review with
    one word of its thirty changed), exact copies, reviews of one word and empty cells."""
    rng = np.random.default_rng(7)
    vocabulary = [f"w{i}" for i in range(3000)]
    reviews: list[str] = []
    for i in range(rows):
        roll = rng.random()
        if i > 10 and roll < 0.05:
            words = reviews[int(rng.integers(0, i))].split() or ["alone"]
            words[int(rng.integers(0, len(words)))] = "changed"
            reviews.append(" ".join(words))
        elif i > 10 and roll < 0.07:
            reviews.append(reviews[int(rng.integers(0, i))])
        elif roll < 0.08:
            reviews.append(["", "fine"][int(rng.integers(0, 2))])
        else:
            reviews.append(" ".join(rng.choice(vocabulary, 30)))
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "review", "stars"])
        writer.writerows([i, review, int(rng.integers(1, 6))] for i, review in enumerate(reviews))
    return path


def test_a_chat_files_near_copies_on_spark_are_the_local_ones(spark: Any, tmp_path: Path) -> None:
    from dataaudit.engines.spark import SparkEngine

    chat = engine_files(tmp_path, lines=4000)["chat"]
    with _partitions_of(spark, "300k"):
        assert _spark_partitions(spark, chat) > 1
        on_spark = dataaudit.audit(chat, engine=SparkEngine(session=spark)).to_dict()
    local = dataaudit.audit(chat).to_dict()
    assert comparable(on_spark) == comparable(local)
    assert _near_copies(local) > 10


def test_a_text_columns_near_copies_on_spark_are_the_local_ones(spark: Any, tmp_path: Path) -> None:
    from dataaudit.engines.spark import SparkEngine

    table = _reviews_with_near_copies(tmp_path / "reviews.csv")
    options = {"target": "stars", "text_columns": ["review"], "ignore_columns": ["id"]}
    with _partitions_of(spark, "100k"):
        assert spark.read.csv(str(table), header=True).rdd.getNumPartitions() > 1
        on_spark = dataaudit.audit(table, engine=SparkEngine(session=spark), **options).to_dict()
    local = dataaudit.audit(table, **options).to_dict()
    assert comparable(on_spark) == comparable(local)
    assert _near_copies(local) > 50


def test_the_partials_that_reach_the_driver_hold_no_signatures(spark: Any, tmp_path: Path) -> None:
    from dataaudit.engines.local import LocalEngine
    from dataaudit.engines.spark import SparkEngine

    chat = engine_files(tmp_path, lines=2000)["chat"]
    spec = text_spec(str(chat), "chat", Rules(), token_counter(None), unit="line")
    create = functools.partial(FileLines.create, spec)
    engine = SparkEngine(session=spark)
    with _partitions_of(spark, "200k"):
        on_spark = engine.accumulate(engine.open_lines(chat), create)
    local = LocalEngine().accumulate(LocalEngine().open_lines(chat), create)
    assert not on_spark.partial.blocks
    assert all(block.signatures.shape[1] == spec.num_perm for block in local.partial.blocks)
    assert on_spark.partial.near is not None and on_spark.partial.near.copies > 0
    assert on_spark.extract() == local.extract()


def test_clusters_found_on_the_cluster_are_the_local_clustering(spark: Any) -> None:
    """Min-label propagation gives every text its cluster's first row as the local union-find
    does, on a long chain (many rounds), stars, pairs joined late, and random links, in two text
    sets numbered alike."""
    from dataaudit.engines.spark_kept import kept_frames
    from dataaudit.engines.spark_near import _cluster_labels
    from dataaudit.text.minhash import clusters

    rng = np.random.default_rng(5)
    chain = [(i + 1, i) for i in range(100, 160)]
    stars = [(200 + i, 200) for i in range(1, 30)] + [(300 + i, 300) for i in range(1, 5)] + [(300, 229)]
    linked = [tuple(sorted(pair, reverse=True)) for pair in rng.integers(400, 700, size=(150, 2)).tolist()
              if pair[0] != pair[1]]
    edge_sets = {0: chain + stars + linked, 1: [*stars, (9_000_000_000, 5)]}
    rows = [(text, number, first) for text, edges in edge_sets.items() for number, first in edges]
    pairs = spark.createDataFrame(rows, "text int, number long, first long")
    with kept_frames(spark) as keep:
        found = _cluster_labels(pairs, keep).where("node != label").orderBy("text", "node").collect()
    for text, edges in edge_sets.items():
        local = clusters(np.array(edges, dtype=np.int64))
        mine = [(r["node"], r["label"]) for r in found if r["text"] == text]
        assert mine == sorted(zip(local.copies.tolist(), local.first.tolist(), strict=True)), text
        assert len({label for _, label in mine}) == local.clusters
