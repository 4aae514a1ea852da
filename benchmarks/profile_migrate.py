"""Files per second of `migrate_sources` in one process, with a cProfile top-N.

    python -m benchmarks.profile_migrate [--corpus DIR | --files N] [--limit N] [--top 20]
                                         [--no-profile]

In-process and single-threaded, so it isolates the codemod's own cost from the runner,
workers and start-up that `benchmarks.codemod_throughput` measures end to end.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from pathlib import Path

from benchmarks.corpus import generate_corpus
from tf1migrate.passes import migrate_sources
from tf1migrate.types import Options


def read_corpus(root: Path, limit: int | None = None) -> dict[str, str]:
    """{relative path: source} of every .py file under `root`, sorted, the first `limit`."""
    paths = sorted(p for p in root.rglob("*.py") if p.is_file())[:limit]
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in paths}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="an existing tree (default: generate one)")
    parser.add_argument("--files", type=int, default=450, help="files to generate")
    parser.add_argument("--limit", type=int, help="only the first N files")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--no-profile", action="store_true", help="time only")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        root = args.corpus
        if root is None:
            root = Path(scratch)
            generate_corpus(root, files=args.files)
        sources = read_corpus(root, args.limit)
    profiler = None if args.no_profile else cProfile.Profile()
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler is not None:
        profiler.enable()
    migrate_sources(sources, Options())
    if profiler is not None:
        profiler.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    lines = sum(text.count("\n") for text in sources.values())
    print(
        f"{len(sources)} files, {lines} lines: {wall:.2f} s wall, {cpu:.2f} s CPU, "
        f"{len(sources) / cpu:.1f} files per CPU-second"
        + (" (under cProfile)" if profiler is not None else "")
    )
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
