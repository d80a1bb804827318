"""Keep pyarrow from importing pandas in a command that does not use it.

pyarrow checks whether an object is a pandas one before converting it, and the check imports
pandas (0.3 s of CPU and 50 MiB, most of a small table's audit) the first time `pa.array` is
handed a numpy array, as every chunk of a table audit hands it masks and row numbers. pandas
cannot have made an object before it is imported, so until then the answer is no.

`defer_pandas()` has pyarrow ask while pandas is out of reach, so it records "no pandas", and
has it ask again the moment anything in the process imports pandas: `dataaudit.clean` (which
returns DataFrames), the label model or a column of dates imports it, and from then on pyarrow
recognises a Series, a DataFrame or a Categorical as before (`tests/test_audit_imports.py`
converts them after an audit). The second step is why the command line calls this and a
program using the Python API does not need to: its pandas objects may exist before the audit
starts, and then pandas is imported already and nothing is done.

Only pyarrow's Python-level check is answered this way. Its C++ code imports pandas by itself,
once per process and for good, to convert an array to numpy or to guess the type of a list of
Python values; the audit leaves those to `dataaudit.arrays` and names the types it converts.
"""

from __future__ import annotations

import importlib.util
import sys
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any


def defer_pandas() -> None:
    """Answer pyarrow's "is pandas installed?" with no until pandas is imported. Does nothing
    once pandas is imported or pyarrow has asked."""
    if "pandas" in sys.modules or any(isinstance(f, _AskAgainOnImport) for f in sys.meta_path):
        return
    from pyarrow.lib import _pandas_api

    refuse = _Refuse()
    sys.meta_path.insert(0, refuse)
    try:
        _pandas_api.have_pandas  # noqa: B018 - the property is the check, and its answer is kept
    finally:
        sys.meta_path.remove(refuse)
    sys.meta_path.insert(0, _AskAgainOnImport())


class _Refuse:
    """A finder that makes pandas unimportable while it is first in `sys.meta_path`."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name.partition(".")[0] == "pandas":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)


class _AskAgainOnImport:
    """A finder that steps aside for the first import of pandas and has pyarrow check for it
    again as soon as pandas is loaded, before any pandas object can reach pyarrow."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> ModuleSpec | None:
        if name != "pandas":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _ThenAskAgain(spec.loader)
        return spec


class _ThenAskAgain:
    """pandas' own loader, followed by pyarrow's check, which now finds pandas."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        from pyarrow.lib import _pandas_api

        _pandas_api.pd  # noqa: B018 - the property imports pandas into pyarrow when it had found none

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)
