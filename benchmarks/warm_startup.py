"""Warm cache and start-up: what a pre-commit hook or an editor pays per invocation.

    python -m benchmarks.warm_startup [--files 450] [--repeat 7] [--corpus DIR]

Measured as fresh processes, alternating, median of several:

- an unchanged re-run over the whole corpus with the cache warm (target ≤ 1.0 s);
- ``tf1migrate migrate --check`` of one small TF1 file in a directory of its own (target
  ≤ 0.4 s), and of the same file inside the warm corpus (the pre-commit case: the repo-wide
  index comes from the cache);
- ``tf_upgrade_v2 --infile`` of that file, and ``python -c pass`` as the interpreter's floor.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from benchmarks import report, tools
from benchmarks.corpus import DEFAULT_FILES, generate_corpus
from benchmarks.measure import Contender, Measurement, alternate, failure_reason, run_measured, \
    succeeded

TARGET_WARM_RERUN_S = 1.0
TARGET_ONE_FILE_S = 0.4
WARM_RERUN = "tf1migrate --check of the unchanged corpus (warm cache)"
ONE_FILE_ALONE = "tf1migrate --check one small file (alone)"
ONE_FILE_IN_REPO = "tf1migrate --check one small file (in warm corpus)"
TF_UPGRADE_ONE = "tf_upgrade_v2 --infile one small file"
PYTHON_FLOOR = "python -c pass (interpreter floor)"


def pick_small_file(corpus: Path, max_lines: int = 80) -> Path:
    """The smallest module that creates variables and imports nothing from the corpus, so it
    means the same thing alone as inside the repo."""
    candidates = []
    for path in sorted(corpus.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        standalone = "from synth_t2t" not in text and "import synth_t2t" not in text
        if "get_variable" in text and standalone:
            candidates.append((text.count("\n"), str(path)))
    if not candidates:
        raise ValueError(f"no standalone variable-creating module in {corpus}")
    fitting = [c for c in candidates if c[0] <= max_lines] or candidates
    return Path(min(fitting)[1])


def check_one_file(scratch: Path, m: Measurement) -> tuple[str | None, dict[str, object]]:
    """Exit 1 means "would change", and a crash exits 1 too: the report must show the file."""
    return tools.check_tf1migrate_report(files=1)(scratch, m)


def contenders(corpus: Path, small_in_repo: Path, small_alone: Path, files: int) -> list[Contender]:
    env = tools.child_env()

    def tf1migrate_check(target: Path, scratch: Path) -> list[str]:
        return tools.tf1migrate("migrate", "--check", "--output-format", "json", "--output-file",
                                str(scratch / "report.json"), str(target))

    return [
        Contender(WARM_RERUN, lambda scratch: tf1migrate_check(corpus, scratch),
                  ok_codes=frozenset({0, 1}), cwd=corpus, env=env,
                  check=tools.check_tf1migrate_report(files)),
        Contender(ONE_FILE_ALONE, lambda scratch: tf1migrate_check(small_alone, scratch),
                  ok_codes=frozenset({0, 1}), cwd=small_alone.parent, env=env,
                  check=check_one_file),
        Contender(ONE_FILE_IN_REPO, lambda scratch: tf1migrate_check(small_in_repo, scratch),
                  ok_codes=frozenset({0, 1}), cwd=corpus, env=env, check=check_one_file),
        Contender(TF_UPGRADE_ONE,
                  lambda scratch: tools.tf_upgrade_v2("--infile", str(small_alone), "--outfile",
                                                      str(scratch / "out.py"), "--reportfile",
                                                      str(scratch / "report.txt")),
                  cwd=small_alone.parent, env=env,
                  check=lambda scratch, m: (None, {}) if (scratch / "out.py").exists()
                  else ("no output file", {})),
        Contender(PYTHON_FLOOR, lambda scratch: [sys.executable, "-c", "pass"], env=env),
    ]


def prime_cache(corpus: Path, files: int) -> Measurement:
    """The run that fills the cache; measured once, for context."""
    with tempfile.TemporaryDirectory(prefix="tf1bench-prime-") as scratch:
        measurement, _ = run_measured(
            tools.tf1migrate("migrate", "--check", "--output-format", "json", "--output-file",
                             str(Path(scratch) / "report.json"), str(corpus)),
            cwd=corpus, env=tools.child_env())
        problem, details = tools.check_tf1migrate_report(files)(Path(scratch), measurement)
    return replace(measurement, error=problem, details=details)


def tables(prime: Measurement, runs: dict[str, list[Measurement]],
           by_name: dict[str, Contender], files: int, small_lines: int) -> list[str]:
    targets = {WARM_RERUN: TARGET_WARM_RERUN_S, ONE_FILE_ALONE: TARGET_ONE_FILE_S,
               ONE_FILE_IN_REPO: TARGET_ONE_FILE_S}
    prime_ok = prime.error is None and prime.returncode in (0, 1)
    rows = [["tf1migrate --check of the corpus (cold: fills the cache)",
             f"{prime.wall_s:.3g}" if prime_ok else "failed", f"{prime.cpu_s:.3g}",
             f"{prime.peak_rss_mb:.0f}", "—", "—" if prime_ok else failure_reason(prime)]]
    for name, measurements in runs.items():
        ok = [m for m in measurements if succeeded(by_name[name], m)]
        if not ok:
            rows.append([name, "failed", "", "", "", f"0/{len(measurements)}: "
                         f"{failure_reason(measurements[-1])}"])
            continue
        wall = report.Spread.of(m.wall_s for m in ok)
        target = targets.get(name)
        verdict = "—" if target is None else \
            f"≤ {target} s: {'met' if wall.median <= target else 'NOT met'}"
        cached, reported = ok[-1].details.get("cached"), ok[-1].details.get("files_reported")
        note = f"{len(ok)}/{len(measurements)} ok"
        if cached is not None:
            note += f"; {cached}/{reported} files from cache"
        rows.append([name, wall.fmt(), report.Spread.of(m.cpu_s for m in ok).fmt(),
                     f"{max(m.peak_rss_mb for m in ok):.0f}", verdict, note])
    return [f"Corpus: {files} files; the small file has {small_lines} lines.",
            report.markdown_table(["command (fresh process)", "wall s", "CPU s", "peak RSS MB",
                                   "target", "notes"], rows)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=DEFAULT_FILES)
    parser.add_argument("--lines", type=int, default=None, help="total lines (default ~311/file)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--corpus", type=Path,
                        help="an existing tree (copied, so its own cache is left alone)")
    parser.add_argument("--only", help="comma-separated command names (default: all)")
    parser.add_argument("--out-dir", type=Path, default=None)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="tf1bench-warm-") as tmp:
        corpus = Path(tmp, "corpus")
        if args.corpus:
            shutil.copytree(args.corpus, corpus, ignore=shutil.ignore_patterns(".tf1migrate_cache"))
        else:
            generate_corpus(corpus, args.files, args.lines, seed=args.seed)
        files = len(list(corpus.rglob("*.py")))
        small_in_repo = pick_small_file(corpus)
        small_alone = Path(tmp, "alone", small_in_repo.name)
        small_alone.parent.mkdir()
        shutil.copy2(small_in_repo, small_alone)
        small_lines = small_alone.read_text(encoding="utf-8").count("\n")
        prime = prime_cache(corpus, files)
        field = contenders(corpus, small_in_repo, small_alone, files)
        if args.only:
            field = [c for c in field if c.name in set(args.only.split(","))]
        runs = alternate(field, args.repeat)
    by_name = {c.name: c for c in field}
    payload: dict[str, object] = {
        "benchmark": "warm_startup",
        "config": {"files": files, "seed": args.seed, "repeat": args.repeat,
                   "small_file_lines": small_lines,
                   "corpus": str(args.corpus) if args.corpus else "generated"},
        "prime": prime.to_json(),
        "runs": {name: [m.to_json() for m in ms] for name, ms in runs.items()},
        "targets_s": {WARM_RERUN: TARGET_WARM_RERUN_S, ONE_FILE_ALONE: TARGET_ONE_FILE_S},
    }
    report.emit("warm_startup", "Warm cache and start-up",
                tables(prime, runs, by_name, files, small_lines), payload, args.out_dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
