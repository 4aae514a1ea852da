"""Warm cache and start-up: what a pre-commit hook or an editor pays per invocation.

    python -m benchmarks.warm_startup [--files 450] [--repeat 7] [--corpus DIR]

Measured as fresh processes, alternating, median of several:

- an unchanged re-run over the whole corpus with the cache warm (target ≤ 1.0 s);
- ``tf1migrate migrate --check`` of one small TF1 file in a directory of its own (target
  ≤ 0.4 s), and of the same file inside the warm corpus (the pre-commit case: the repo-wide
  index comes from the cache);
- ``tf_upgrade_v2 --infile`` of that file, and ``python -c pass`` as the interpreter's floor;
- the pre-commit fix-then-check sequence on a repository of small files (``--small-files``,
  default 201): ``tf1migrate migrate .`` on a fresh copy, then ``tf1migrate migrate --check .``
  (target ≤ 1.0 s: the written files' answers are learnt by the first run).

A guards table puts the three limits side by side: peak RSS per worker (of the cold run),
the warm re-run, and one file as a fresh process (which must not import TensorFlow).
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
from benchmarks.measure import (
    Contender,
    Measurement,
    alternate,
    failure_reason,
    load_range,
    run_measured,
    succeeded,
)

TARGET_WARM_RERUN_S = 1.0
TARGET_ONE_FILE_S = 0.4
TARGET_CHECK_AFTER_FIX_S = 1.0
TARGET_PEAK_RSS_MB = 300.0
CHECK_AFTER_FIX = "tf1migrate --check after tf1migrate migrate (small-file repo)"
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


class FixThenCheck:
    """Before each measured check: a fresh copy of the small-file repo, migrated in place.

    The `migrate` runs are measured too (`fixes`), for context; the contender is the check.
    """

    def __init__(self, pristine: Path, work: Path, files: int) -> None:
        self.pristine, self.work, self.files = pristine, work, files
        self.fixes: list[Measurement] = []

    def prepare(self) -> None:
        if self.work.exists():
            shutil.rmtree(self.work)
        shutil.copytree(self.pristine, self.work)
        with tempfile.TemporaryDirectory(prefix="tf1bench-fix-") as scratch:
            measurement, _ = run_measured(
                tools.tf1migrate("migrate", "--allow-dirty", "--output-format", "json",
                                 "--output-file", str(Path(scratch) / "report.json"), "."),
                cwd=self.work, env=tools.child_env())
            problem, details = tools.check_tf1migrate_report(self.files)(Path(scratch), measurement)
        self.fixes.append(replace(measurement, error=problem, details=details))

    def contender(self) -> Contender:
        return Contender(
            CHECK_AFTER_FIX,
            lambda scratch: tools.tf1migrate("migrate", "--check", "--output-format", "json",
                                             "--output-file", str(scratch / "report.json"), "."),
            ok_codes=frozenset({0, 1}), cwd=self.work, env=tools.child_env(),
            check=tools.check_tf1migrate_report(self.files))


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
           by_name: dict[str, Contender], files: int, small_lines: int,
           fixes: list[Measurement] | None = None, small_files: int = 0) -> list[str]:
    targets = {WARM_RERUN: TARGET_WARM_RERUN_S, ONE_FILE_ALONE: TARGET_ONE_FILE_S,
               ONE_FILE_IN_REPO: TARGET_ONE_FILE_S, CHECK_AFTER_FIX: TARGET_CHECK_AFTER_FIX_S}
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
    ok_fixes = [m for m in fixes or () if m.error is None and m.returncode in (0, 1)]
    if ok_fixes:
        wall = report.Spread.of(m.wall_s for m in ok_fixes)
        rows.append(["tf1migrate migrate of the small-file repo (before each check above)",
                     wall.fmt(), report.Spread.of(m.cpu_s for m in ok_fixes).fmt(),
                     f"{max(m.peak_rss_mb for m in ok_fixes):.0f}", "—",
                     f"{len(ok_fixes)}/{len(fixes or ())} ok; {ok_fixes[-1].details.get('statuses')}"])
    out = [f"Corpus: {files} files; the small file has {small_lines} lines"
           + (f"; the small-file repo has {small_files} files" if small_files else "")
           + f". Machine: {load_range({**runs, 'prime': [prime]})}.",
           report.markdown_table(["command (fresh process)", "wall s", "CPU s", "peak RSS MB",
                                  "target", "notes"], rows)]
    out.append(report.markdown_table(["guard", "measured", "verdict"], guards(prime, runs, by_name)))
    return out


def guards(prime: Measurement, runs: dict[str, list[Measurement]],
           by_name: dict[str, Contender]) -> list[list[str]]:
    """The three limits in one place (a cold run's largest process is one worker, or the
    parent; see benchmarks.measure)."""
    rows = []
    if prime.error is None:
        rss = prime.peak_rss_mb
        rows.append([f"peak RSS per worker ≤ {TARGET_PEAK_RSS_MB:.0f} MB (cold run of the corpus)",
                     f"{rss:.0f} MB", "met" if rss <= TARGET_PEAK_RSS_MB else "NOT met"])
    for name, target, what in (
        (WARM_RERUN, TARGET_WARM_RERUN_S, "warm re-run"),
        (ONE_FILE_ALONE, TARGET_ONE_FILE_S, "one-file --check, fresh process"),
        (CHECK_AFTER_FIX, TARGET_CHECK_AFTER_FIX_S, "--check right after migrate"),
    ):
        ok = [m for m in runs.get(name, ()) if succeeded(by_name[name], m)]
        if ok:
            wall = report.Spread.of(m.wall_s for m in ok)
            rows.append([f"{what} ≤ {target} s", f"{wall.median:.3g} s (range "
                         f"{wall.low:.3g}–{wall.high:.3g})",
                         "met" if wall.median <= target else "NOT met"])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=DEFAULT_FILES)
    parser.add_argument("--lines", type=int, default=None, help="total lines (default ~311/file)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--corpus", type=Path,
                        help="an existing tree (copied, so its own cache is left alone)")
    parser.add_argument("--small-files", type=int, default=201,
                        help="files of the repo for the fix-then-check sequence (0: skip it)")
    parser.add_argument("--small-lines", type=int, default=None,
                        help="total lines of that repo (default ~60 per file)")
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
        fixer = None
        wanted = set(args.only.split(",")) if args.only else {CHECK_AFTER_FIX}
        if args.small_files and CHECK_AFTER_FIX in wanted:
            pristine = Path(tmp, "small-repo")
            generate_corpus(pristine, args.small_files, args.small_lines or 60 * args.small_files,
                            seed=args.seed)
            small_count = len(list(pristine.rglob("*.py")))
            fixer = FixThenCheck(pristine, Path(tmp, "small-repo-work"), small_count)
            field.append(fixer.contender())
        if args.only:
            field = [c for c in field if c.name in set(args.only.split(","))]

        def before_each(contender: Contender) -> None:
            if fixer is not None and contender.name == CHECK_AFTER_FIX:
                fixer.prepare()

        runs = alternate(field, args.repeat, before_each=before_each)
    by_name = {c.name: c for c in field}
    fixes = fixer.fixes if fixer is not None else []
    payload: dict[str, object] = {
        "benchmark": "warm_startup",
        "config": {"files": files, "seed": args.seed, "repeat": args.repeat,
                   "small_file_lines": small_lines,
                   "corpus": str(args.corpus) if args.corpus else "generated"},
        "prime": prime.to_json(),
        "fixes_before_check": [m.to_json() for m in fixes],
        "small_files": fixer.files if fixer is not None else 0,
        "runs": {name: [m.to_json() for m in ms] for name, ms in runs.items()},
        "targets_s": {WARM_RERUN: TARGET_WARM_RERUN_S, ONE_FILE_ALONE: TARGET_ONE_FILE_S,
                      CHECK_AFTER_FIX: TARGET_CHECK_AFTER_FIX_S},
        "guards": guards(prime, runs, by_name),
        "load": load_range({**runs, "prime": [prime]}),
    }
    report.emit("warm_startup", "Warm cache and start-up",
                tables(prime, runs, by_name, files, small_lines, fixes,
                       fixer.files if fixer is not None else 0), payload, args.out_dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
