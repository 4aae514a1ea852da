"""Hostile input: each file next to a good one, `--check --jobs 1`, as a pre-commit hook runs.

Before the guarded workers (issue 16): ~1,500 nested parentheses segfaulted the whole CLI
(exit 139, the good file not processed), a 5,000-term sum took 92 s and then raised
RecursionError, and a 10 MB generated TF1 module (size limit raised) passed 9 GB RSS
while still running after 150 s. Target for every case: the run ends in seconds, the
hostile file is migrated or gets one finding, the good file is migrated, and no process
of the tree passes 1 GB RSS. Usage::

    python -m benchmarks.hostile_input [--repeat 1] [--out-dir DIR] [--only NAME,...]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from benchmarks.measure import Measurement, run_measured
from benchmarks.report import emit, markdown_table

TARGET_RSS_MB = 1024
TARGET_WALL_S = 60.0
GOOD = """import tensorflow as tf


def model(x):
    w = tf.get_variable("w", [3, 3])
    return tf.layers.dense(tf.matmul(x, w), 3, name="out")
"""


def nested_parentheses(depth: int) -> str:
    return "import tensorflow as tf\nx = " + "(" * depth + "tf.constant(1)" + ")" * depth + "\n"


def long_sum(terms: int) -> str:
    return (
        "import tensorflow as tf\nx = "
        + " + ".join(f"tf.constant({i})" for i in range(terms))
        + "\n"
    )


def generated_module(size: int) -> str:
    """About `size` bytes of generated TF1 code: small variable-creating blocks."""
    parts, total, i = ["import tensorflow as tf\n"], 0, 0
    while total < size:
        block = (
            f"\n\ndef block_{i}(x, units={i % 7 + 1}):\n"
            f"    with tf.variable_scope('block_{i}'):\n"
            f"        w = tf.get_variable('w', [int(x.shape[-1]), units])\n"
            f"        return tf.nn.relu(tf.matmul(x, w) + tf.layers.dense(x, units))\n"
        )
        parts.append(block)
        total += len(block)
        i += 1
    return "".join(parts)


CASES: dict[str, Callable[[], str]] = {
    "150 nested parentheses (CPython accepts)": lambda: nested_parentheses(150),
    "500 nested parentheses (CPython rejects)": lambda: nested_parentheses(500),
    "1,500 nested parentheses (segfaulted)": lambda: nested_parentheses(1500),
    "1,000-term sum (CPython accepts)": lambda: long_sum(1000),
    "5,000-term sum (92 s, RecursionError)": lambda: long_sum(5000),
    "200 KB generated TF1 module": lambda: generated_module(200_000),
    "10 MB generated TF1 module (9 GB RSS)": lambda: generated_module(10_000_000),
}


def _outcome(stdout: str) -> str:
    """What became of hostile.py: migrated, unchanged, or the rule of its finding."""
    for line in stdout.splitlines():
        found = re.match(r"hostile\.py:\d+:\d+ (TFM\d+) (.*)", line)
        if found:
            return f"{found.group(1)} {found.group(2)[:70]}"
    return "migrated" if "would migrate hostile.py" in stdout else "unchanged"


def measure(name: str, source: str, scratch: Path) -> tuple[Measurement, str, bool]:
    case = scratch / re.sub(r"\W+", "-", name).strip("-")
    case.mkdir()
    (case / "hostile.py").write_text(source)
    (case / "good.py").write_text(GOOD)
    (case / "pyproject.toml").write_text("[tool.tf1migrate]\nmax-file-size = 20000000\n")
    command = [
        sys.executable,
        "-m",
        "tf1migrate",
        "migrate",
        "--check",
        "--no-cache",
        "--jobs",
        "1",
        "hostile.py",
        "good.py",
    ]
    env = {**os.environ, "NO_COLOR": "1"}
    measurement, stdout = run_measured(command, cwd=case, env=env, timeout_s=900, keep_stdout=True)
    return measurement, _outcome(stdout), "would migrate good.py" in stdout


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--out-dir", type=Path, default=None)
    parser.add_argument("--only", default="", help="comma-separated case names (default: all)")
    args = parser.parse_args(argv)
    chosen = [n for n in CASES if not args.only or n in args.only.split(",")]
    rows, payload = [], {"cases": {}}
    with tempfile.TemporaryDirectory(prefix="tf1bench-hostile-") as tmp:
        for name in chosen:
            source = CASES[name]()
            runs = []
            for round_ in range(args.repeat):
                scratch = Path(tmp) / str(round_)
                scratch.mkdir(exist_ok=True)
                runs.append(measure(name, source, scratch))
            walls = sorted(m.wall_s for m, _, _ in runs)
            wall = walls[len(walls) // 2]
            rss = max(m.peak_rss_mb for m, _, _ in runs)
            measurement, outcome, good = runs[-1]
            met = wall <= TARGET_WALL_S and rss <= TARGET_RSS_MB and good
            met = met and measurement.returncode in (1, 2) and not measurement.timed_out
            rows.append(
                [
                    name,
                    f"{len(source) / 1e6:.2f}",
                    f"{wall:.1f}",
                    f"{rss:.0f}",
                    measurement.returncode,
                    outcome,
                    "yes" if good else "NO",
                    "met" if met else "NOT met",
                ]
            )
            payload["cases"][name] = {
                "bytes": len(source),
                "outcome": outcome,
                "good_file_migrated": good,
                "runs": [m.to_json() for m, _, _ in runs],
            }
    table = markdown_table(
        [
            "input (next to one good file)",
            "MB",
            "wall s",
            "peak RSS MB",
            "exit",
            "hostile.py",
            "good.py migrated",
            f"≤ {TARGET_WALL_S:.0f} s, ≤ {TARGET_RSS_MB} MB",
        ],
        rows,
    )
    emit(
        "hostile_input",
        "Hostile input (`--check --jobs 1`, two files)",
        [table],
        payload,
        args.out_dir,
    )


if __name__ == "__main__":
    main()
