"""The label model over the whole file: the rows outside the sample, scored in one streamed pass.

The sample's folds were fitted on rows that never include a row outside the sample, so each of
those rows is out of sample for every fold model: its probabilities are the mean of the fold
models' (each model kind apart, then blended by the sample's weights). Averaging the folds
rather than refitting one model on the whole sample costs no fit, and keeps the scored rows on
the scale the thresholds were measured on: a fold model learnt from the same share of the sample
as the models behind the sample's out-of-fold probabilities, where one model refitted on all of
it would be surer of itself than the thresholds assume (and its mistakes would be those of a
model that had seen a fifth more rows).

Per-class thresholds (the mean probability of each class over the sampled rows labelled with it)
come from the sample's out-of-fold probabilities and apply unchanged to every scored row: they
describe the models, not the rows, and the sample's rows estimate them as well as the file's
would; counting the file's rows against thresholds the file itself sets would need its
probabilities kept, or a second pass. With them each chunk adds to two bounded structures:
the confident joint's counts (classes x classes) and the candidates, the rows every model
flags (row number, confidence in the given label, suggested class, given spelling: about 20
bytes a candidate, never a row's probabilities).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataaudit.labelnoise import detect
from dataaudit.labelnoise.binned import fold_probabilities
from dataaudit.labelnoise.features import Encoding
from dataaudit.labelnoise.oof import Probabilities, blend, one_thread_per_fit
from dataaudit.labelnoise.stacked import StackedLogistic
from dataaudit.profile.values import fold_label


@dataclass(frozen=True)
class FoldModels:
    """Everything a worker needs to score a chunk: the sample's encoding, the boosting folds
    (`fitted`, scored on their bins), the linear folds stacked into one (`stacked`: a chunk's
    design built once, not once per fold), the blend weights, the modelled classes
    (folded labels, in code order) and the thresholds (of the blend for the joint, of each model
    for its flags)."""

    target: str
    encoding: Encoding
    fitted: dict[str, list]
    weights: dict[str, float]
    classes: tuple[str, ...]
    blend_thresholds: np.ndarray
    model_thresholds: dict[str, np.ndarray]
    filter_by: str
    sampled: np.ndarray  # the sample's row numbers, sorted: they have their out-of-fold probabilities
    stacked: StackedLogistic | None = None

    @classmethod
    def of(cls, target: str, encoding: Encoding, oof: Probabilities, y: np.ndarray, classes: list[str],
           filter_by: str, sampled: np.ndarray) -> FoldModels:
        linear = oof.fitted.get("logistic")
        trees = {name: models for name, models in oof.fitted.items() if name != "logistic"}
        return cls(target, encoding, trees, oof.weights, tuple(classes), detect.thresholds(y, oof.blended),
                   {name: detect.thresholds(y, probs) for name, probs in oof.by_model.items()}, filter_by,
                   np.sort(sampled), StackedLogistic.of(linear, encoding) if linear else None)

    def probabilities(self, values: pa.Table | pa.RecordBatch) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Each model kind's mean fold probability for every row of `values`, and their blend."""
        features = self.encoding.apply(values)
        by_model = {name: np.mean([fold_probabilities(m, features.tabular) for m in models], axis=0)
                    for name, models in self.fitted.items()}
        if self.stacked is not None:
            by_model["logistic"] = self.stacked.probabilities(features)
        return by_model, blend(by_model, self.weights)


@dataclass
class Candidates:
    """Rows every model flags, chunk by chunk: row numbers, the blend's probability of the given
    label, the suggested and the given class (codes), the given label's spelling (codes into
    `spellings`). Chunks are kept as parts and joined once (`arrays`): joining at every chunk
    would copy the candidates so far once per chunk."""

    parts: list[tuple[np.ndarray, ...]] = field(default_factory=list)
    spellings: list[str] = field(default_factory=list)

    def extended(self, rows: np.ndarray, confidence: np.ndarray, suggested: np.ndarray, label: np.ndarray,
                 given: list[str]) -> Candidates:
        codes = np.array([self._code(spelling) for spelling in given], dtype=np.int32)
        self.parts.append((rows.astype(np.int64), confidence.astype(np.float64), suggested.astype(np.int32),
                           label.astype(np.int32), codes))
        return self

    def merged(self, other: Candidates) -> Candidates:
        recode = np.array([self._code(spelling) for spelling in other.spellings] + [0], dtype=np.int32)
        self.parts.extend((*part[:4], recode[part[4]]) for part in other.parts)
        return self

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """rows, confidence, suggested, label, given: every part joined."""
        empty = (np.int64, np.float64, np.int32, np.int32, np.int32)
        return tuple(np.concatenate([part[i] for part in self.parts]) if self.parts else np.zeros(0, dtype)
                     for i, dtype in enumerate(empty))  # type: ignore[return-value]

    def _code(self, spelling: str) -> int:
        if spelling not in self.spellings:
            self.spellings.append(spelling)
        return self.spellings.index(spelling)


class ScoringPass:
    """The accumulator of the scoring pass (`Engine.accumulate`): per chunk, the rows outside the
    sample whose label is a modelled class are scored and counted.

    `models` travels to a worker once, with the `create` that makes its accumulators; a chunk's
    accumulator travels back without it (only counts and candidates), so pickling it costs what
    it found, not the models.
    """

    def __init__(self, models: FoldModels | None) -> None:
        self.models = models
        k = 0 if models is None else len(models.classes)
        self.class_rows = np.zeros(k, np.int64)
        self.counts = np.zeros((k, k), np.int64)
        self.candidates = Candidates()

    def __getstate__(self) -> dict:
        return {**self.__dict__, "models": None}

    def add(self, batch: pa.RecordBatch, offset: int) -> None:
        models = self.models
        assert models is not None, "a pass's accumulators are made with the models"
        rows = np.arange(offset, offset + batch.num_rows, dtype=np.int64)
        spellings, given, y = _class_codes(batch.column(models.target), models.classes)
        keep = np.flatnonzero((y >= 0) & ~np.isin(rows, models.sampled, assume_unique=True))
        if not len(keep):
            return
        with one_thread_per_fit():
            by_model, blended = models.probabilities(batch.take(pa.array(keep)))
        y = y[keep]
        self.class_rows += np.bincount(y, minlength=len(models.classes))
        self.counts += detect.confident_counts(y, blended, models.blend_thresholds)
        flagged = np.ones(len(keep), dtype=bool)
        for name, probs in by_model.items():
            flagged &= detect.row_flags(y, probs, models.model_thresholds[name], models.filter_by)
        chosen = np.flatnonzero(flagged)
        self.candidates = self.candidates.extended(
            rows[keep[chosen]], blended[chosen, y[chosen]], blended[chosen].argmax(axis=1), y[chosen],
            [spellings[i] for i in given[keep[chosen]]])

    def merged(self, other: ScoringPass) -> ScoringPass:
        """Counts add and candidates join; the models stay those of `self`, the parent's."""
        self.class_rows = self.class_rows + other.class_rows
        self.counts = self.counts + other.counts
        self.candidates = self.candidates.merged(other.candidates)
        return self


def _class_codes(column: pa.Array | pa.ChunkedArray,
                 classes: tuple[str, ...]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The labels' distinct spellings, each row's spelling (its index) and each row's class code:
    -1 where the label is missing or no modelled class. A label is folded once per spelling."""
    encoded = pc.dictionary_encode(pc.cast(column, pa.string()))
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    index = {c: i for i, c in enumerate(classes)}
    spellings = encoded.dictionary.to_pylist()
    lookup = np.array([index.get(fold_label(s), -1) for s in spellings] + [-1], dtype=np.int64)
    given = encoded.indices.fill_null(len(spellings)).to_numpy(zero_copy_only=False).astype(np.int64)
    return spellings, given, lookup[given]
