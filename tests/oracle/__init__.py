"""The legacy oracle: reference results from the genuine tf-keras implementation.

Test modules declare ``ORACLE_CASES = {"case-id": CODE, ...}`` at module level. Each CODE
is a self-contained Python source that defines ``run()`` returning something picklable
(dicts of numpy arrays, names, shapes...). Every case is executed in ONE child process
with ``TF_USE_LEGACY_KERAS=1`` (so ``tf.compat.v1.layers``, ``nn.rnn_cell`` and
``tf.compat.v1.keras.utils.track_tf1_style_variables`` are tf-keras's own), and results
are cached on disk by a hash of the case code, so a warm run costs nothing and a cold run
pays for one TensorFlow import.

Inside the child, the case namespace also has ``graph_report(build, ...)`` (see
``runner.py``): build a TF1 graph and report variables, initial values, outputs,
regularization losses and update ops.

Usage in a test::

    ORACLE_CASES = {"dense": "def run():\\n    return graph_report(lambda: ...)"}

    def test_dense(oracle):
        ref = oracle["dense"]          # raises OracleError with the child's traceback
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import pickle
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

RUNNER = Path(__file__).with_name("runner.py")
CACHE_DIR = Path(os.environ.get("TF1MIGRATE_ORACLE_CACHE", Path(__file__).parents[2] / ".oracle_cache"))
#: The child's own code: runner.py and the tf.contrib binding it installs (verify's), so a
#: change to either recomputes the cached results (failures included).
CONTRIB_BINDING = Path(__file__).parents[2] / "tf1migrate" / "verify" / "contrib_reference.py"
RUNNER_VERSION = hashlib.sha256(
    RUNNER.read_bytes() + b"\0" + CONTRIB_BINDING.read_bytes()
).hexdigest()[:12]


class OracleError(AssertionError):
    """The reference case raised in the child process (message = its traceback)."""


def case_key(code: str) -> str:
    return hashlib.sha256(f"{RUNNER_VERSION}\0{code}".encode()).hexdigest()[:24]


class Oracle(Mapping):
    """Lazy mapping case-id → reference result, computed in one batch on first access."""

    def __init__(self, cases: Mapping[str, str]):
        self._cases = dict(cases)
        self._results: dict[str, object] = {}

    def register(self, cases: Mapping[str, str]) -> None:
        for name, code in cases.items():
            if name in self._cases and self._cases[name] != code:
                raise ValueError(f"oracle case id {name!r} is defined twice with different code")
            self._cases[name] = code

    def __getitem__(self, name: str):
        if name not in self._results:
            if name not in self._cases:
                raise KeyError(f"no oracle case {name!r}: add it to a module's ORACLE_CASES")
            self._ensure_cached()
            status, payload = pickle.loads((CACHE_DIR / f"{case_key(self._cases[name])}.pkl").read_bytes())
            if status != "ok":
                raise OracleError(f"oracle case {name!r} failed in the tf-keras child:\n{payload}")
            self._results[name] = payload
        return self._results[name]

    def __iter__(self):
        return iter(self._cases)

    def __len__(self):
        return len(self._cases)

    def _missing(self) -> dict[str, str]:
        return {
            case_key(code): code
            for code in self._cases.values()
            if not (CACHE_DIR / f"{case_key(code)}.pkl").exists()
        }

    def _ensure_cached(self) -> None:
        if not self._missing():
            return
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        with open(CACHE_DIR / "lock", "w") as lock:  # xdist workers: one computes, others wait
            fcntl.flock(lock, fcntl.LOCK_EX)
            missing = self._missing()
            if missing:
                run_batch(missing)


def run_batch(cases: Mapping[str, str], timeout: float = 1200) -> None:
    """Run ``{key: code}`` in one tf-keras child process; it writes ``CACHE_DIR/<key>.pkl``."""
    env = dict(os.environ, TF_USE_LEGACY_KERAS="1", TF_CPP_MIN_LOG_LEVEL="2", CUDA_VISIBLE_DEVICES="")
    proc = subprocess.run(
        [sys.executable, str(RUNNER), str(CACHE_DIR)],
        input=json.dumps(dict(cases)),
        text=True,
        capture_output=True,
        env=env,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise OracleError(f"oracle child exited {proc.returncode}:\n{proc.stderr[-4000:]}")
