"""The lower bound for any LibCST codemod: parse every file and generate its code, nothing else.

Run as its own process by ``codemod_throughput`` so it pays the same interpreter and import
start-up as the tools it bounds; ``--jobs N`` spreads the files over N forked processes, so
the bound is compared with ``tf1migrate --jobs N`` at the same N::

    python -m benchmarks.parse_bound [--jobs N] DIR [DIR ...]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
from pathlib import Path

import libcst


def parse_and_generate(paths: list[Path]) -> tuple[int, int]:
    """Round-trip each file through LibCST; return (files, lines). A lossy round trip is a bug."""
    files = lines = 0
    for path in paths:
        source = path.read_bytes()
        module = libcst.parse_module(source)
        if module.bytes != source:
            raise AssertionError(f"LibCST did not round-trip {path}")
        files += 1
        lines += source.count(b"\n")
    return files, lines


def python_files(roots: list[Path]) -> list[Path]:
    found: list[Path] = []
    for root in roots:
        found += sorted(root.rglob("*.py")) if root.is_dir() else [root]
    return found


def parallel(paths: list[Path], jobs: int) -> tuple[int, int]:
    """`parse_and_generate` over `jobs` forked processes (largest files first, dealt out)."""
    if jobs <= 1:
        return parse_and_generate(paths)
    ordered = sorted(paths, key=lambda p: p.stat().st_size, reverse=True)
    shares = [ordered[i::jobs] for i in range(jobs)]
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        counts = pool.map(parse_and_generate, shares)
    return sum(c[0] for c in counts), sum(c[1] for c in counts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("roots", nargs="+", type=Path)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    files, lines = parallel(python_files(args.roots), args.jobs)
    print(f"{files} files, {lines} lines parsed and regenerated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
