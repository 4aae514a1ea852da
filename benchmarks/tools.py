"""The command lines of the tools being compared, resolved the way a user would run them.

Console scripts are taken from this interpreter's scripts directory (not a pyenv/venv shim,
whose own start-up would be billed to the tool), falling back to ``python -m``.
"""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from pathlib import Path


def _console_script(name: str, module: str) -> list[str]:
    found = shutil.which(name, path=sysconfig.get_path("scripts"))
    return [found] if found else [sys.executable, "-m", module]


def tf1migrate(*args: str) -> list[str]:
    return [*_console_script("tf1migrate", "tf1migrate"), *args]


def tf_upgrade_v2(*args: str) -> list[str]:
    return [*_console_script("tf_upgrade_v2", "tensorflow.tools.compatibility.tf_upgrade_v2_main"),
            *args]


def parse_bound(*paths: str | Path) -> list[str]:
    return [sys.executable, "-m", "benchmarks.parse_bound", *map(str, paths)]


def child_env(**extra: str) -> dict[str, str]:
    """The environment for measured children: quiet TensorFlow, no colour, no GPU probing,
    and this checkout importable (``benchmarks`` is not an installed package)."""
    env = dict(os.environ)
    repo = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (repo, env.get("PYTHONPATH", "")) if p)
    env.update({"TF_CPP_MIN_LOG_LEVEL": "2", "CUDA_VISIBLE_DEVICES": "", "NO_COLOR": "1"})
    env.update(extra)
    return env
