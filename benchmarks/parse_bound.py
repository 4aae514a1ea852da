"""The lower bound for any LibCST codemod: parse every file and generate its code, nothing else.

Run as its own process by ``codemod_throughput`` so it pays the same interpreter and import
start-up as the tools it bounds::

    python -m benchmarks.parse_bound DIR [DIR ...]
"""

from __future__ import annotations

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


def main(argv: list[str] | None = None) -> int:
    roots = [Path(arg) for arg in (sys.argv[1:] if argv is None else argv)]
    files, lines = parse_and_generate(python_files(roots))
    print(f"{files} files, {lines} lines parsed and regenerated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
