"""Run at start-up by a Python that has this folder on its PYTHONPATH (tests/test_label_threads.py).

Records, inside every fit of the label model's estimators, the thread pools threadpoolctl sees,
one JSON line per fit in the file `DATAAUDIT_FIT_THREADS_LOG` names. scikit-learn is not imported
here: importing it would load its OpenMP and BLAS runtimes before the code under test does, and
hide the very mistake the test looks for. Its estimators are wrapped as soon as an import loads them.
"""

from __future__ import annotations

import builtins
import json
import os
import sys

LOG = os.environ["DATAAUDIT_FIT_THREADS_LOG"]
ESTIMATORS = {"sklearn.ensemble": "HistGradientBoostingClassifier", "sklearn.linear_model": "LogisticRegression"}
_import = builtins.__import__
_wrapped: set[str] = set()


def _recording(fit):
    def fit_and_record(self, *args, **kwargs):
        from threadpoolctl import threadpool_info

        pools = [{"internal_api": p["internal_api"], "num_threads": p["num_threads"]} for p in threadpool_info()]
        with open(LOG, "a", encoding="utf-8") as out:
            out.write(json.dumps({"estimator": type(self).__name__, "pools": pools}) + "\n")
        return fit(self, *args, **kwargs)

    return fit_and_record


def _import_and_wrap(name, *args, **kwargs):
    module = _import(name, *args, **kwargs)
    for package, estimator in ESTIMATORS.items():
        cls = getattr(sys.modules.get(package), estimator, None)
        if cls is not None and estimator not in _wrapped:
            _wrapped.add(estimator)
            cls.fit = _recording(cls.fit)
    return module


builtins.__import__ = _import_and_wrap
