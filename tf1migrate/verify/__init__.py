"""`tf1migrate verify`: prove each generated layer has the TF1 original's variables and outputs.

Public entry point: :func:`run_verify` (returns a :class:`VerifyResult`); reporters live in
:mod:`tf1migrate.verify.report`. Loaded lazily so child processes and ``--help`` stay cheap;
nothing in this package imports TensorFlow in the calling process.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["run_verify", "VerifyResult", "LayerResult", "Status", "ReferenceKind"]

_EXPORTS = {
    "run_verify": "tf1migrate.verify.runner",
    "VerifyResult": "tf1migrate.verify.model",
    "LayerResult": "tf1migrate.verify.model",
    "Status": "tf1migrate.verify.model",
    "ReferenceKind": "tf1migrate.verify.model",
}


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'tf1migrate.verify' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
