"""Files per CPU-second of `migrate_texts` in one process, where the time goes, and the floor.

    python -m benchmarks.profile_migrate [--corpus DIR | --files N] [--limit N]
                                         [--stages] [--profile --top 20]

In-process and single-threaded, so it isolates the codemod's own cost from the runner,
workers and start-up that `benchmarks.codemod_throughput` measures end to end. It also
times LibCST parse+codegen of the same sources (the floor of any LibCST codemod) and
prints the ratio. `--stages` times each stage of the engine (CPU seconds, by wrapping the
stage functions); `--profile` prints a cProfile top-N instead (cProfile inflates Python
call overhead several times: read its proportions, not its seconds).
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import pstats
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.corpus import generate_corpus
from tf1migrate.passes import migrate_texts
from tf1migrate.types import Options


def read_corpus(root: Path, limit: int | None = None) -> dict[str, str]:
    """{relative path: source} of every .py file under `root`, sorted, the first `limit`."""
    paths = sorted(p for p in root.rglob("*.py") if p.is_file())[:limit]
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in paths}


@contextmanager
def stage_timer() -> Iterator[Counter]:
    """CPU seconds per engine stage while the block runs (stage functions wrapped)."""
    from tf1migrate import check, engine, summarize, upgrades

    spent: Counter = Counter()
    in_check = [False]
    patched: list[tuple[Any, str, Any]] = []

    def timed(owner: Any, name: str, label: Callable[[], str] | str) -> None:
        original = getattr(owner, name)

        @functools.wraps(original)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                spent[label() if callable(label) else label] += time.process_time() - start

        patched.append((owner, name, original))
        setattr(owner, name, wrapper)

    def walk_label() -> str:
        return "upgrade walk, self-check re-run" if in_check[0] else "upgrade walk"

    original_check = engine._check

    def check_stage(*args: Any, **kwargs: Any) -> Any:
        in_check[0] = True
        start = time.process_time()
        try:
            return original_check(*args, **kwargs)
        finally:
            in_check[0] = False
            spent["self-check (total: compile + re-run)"] += time.process_time() - start

    patched.append((engine, "_check", original_check))
    engine._check = check_stage
    timed(upgrades, "apply_upgrades", walk_label)
    timed(upgrades, "node_starts", "finding positions (codegen pass)")
    timed(engine, "parse", "LibCST parse")
    timed(engine, "module_code", "output codegen")
    timed(engine, "generate_wrapper", "wrapper generation")
    timed(summarize, "summarize", "pass 1 summary (ast walk)")
    timed(check, "gated_parse", "ast parse (nesting gate)")
    try:
        yield spent
    finally:
        for owner, name, original in reversed(patched):
            setattr(owner, name, original)


def floor_seconds(sources: dict[str, str]) -> float:
    import libcst

    start = time.process_time()
    for source in sources.values():
        libcst.parse_module(source).code
    return time.process_time() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="an existing tree (default: generate one)")
    parser.add_argument("--files", type=int, default=450, help="files to generate")
    parser.add_argument("--limit", type=int, help="only the first N files")
    parser.add_argument("--stages", action="store_true", help="CPU seconds per engine stage")
    parser.add_argument("--profile", action="store_true", help="a cProfile top-N")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--no-profile", action="store_true", help=argparse.SUPPRESS)  # old flag
    args = parser.parse_args(argv)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20_000))
    with tempfile.TemporaryDirectory() as scratch:
        root = args.corpus
        if root is None:
            root = Path(scratch)
            generate_corpus(root, files=args.files)
        sources = read_corpus(root, args.limit)
    profiler = cProfile.Profile() if args.profile else None
    with stage_timer() if args.stages else _nothing() as spent:
        cpu, wall = time.process_time(), time.perf_counter()
        if profiler is not None:
            profiler.enable()
        migrate_texts(sources, Options())
        if profiler is not None:
            profiler.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    floor = floor_seconds(sources)
    lines = sum(text.count("\n") for text in sources.values())
    print(
        f"{len(sources)} files, {lines} lines: {wall:.2f} s wall, {cpu:.2f} s CPU, "
        f"{len(sources) / cpu:.1f} files per CPU-second"
        + (" (under cProfile)" if profiler is not None else "")
        + f"; LibCST parse+codegen floor {floor:.2f} s CPU: {floor / cpu:.2f}x the floor"
    )
    if spent:
        print("\n| stage | CPU s | share |\n|---|---:|---:|")
        for stage, seconds in spent.most_common():
            print(f"| {stage} | {seconds:.2f} | {100 * seconds / cpu:.0f}% |")
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)


@contextmanager
def _nothing() -> Iterator[Counter]:
    yield Counter()


if __name__ == "__main__":
    main()
