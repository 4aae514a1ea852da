"""Codemod throughput on the synthetic TF1 corpus: tf1migrate vs tf_upgrade_v2 vs the
LibCST parse+codegen lower bound, in one run, alternating, median of several repetitions.

    python -m benchmarks.codemod_throughput [--files 450] [--repeat 5] [--corpus DIR]

Every contender is a fresh process over the whole corpus, so start-up (imports, TensorFlow
for tf_upgrade_v2) is part of its time, as it is for a user. tf1migrate runs with
``--check --no-cache`` (nothing written, cold cache); tf_upgrade_v2 has no check mode and
writes a converted copy of the tree, as it must. The parse+codegen bound runs with the same
``--jobs`` as each tf1migrate contender. Targets: ≥ 0.8× the bound at the same N (paired
per round); peak RSS per worker ≤ 300 MB.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path

from benchmarks import report, tools
from benchmarks.corpus import DEFAULT_FILES, generate_corpus
from benchmarks.measure import (
    Contender,
    Measurement,
    alternate,
    failure_reason,
    load_range,
    succeeded,
)

TARGET_OF_BOUND = 0.8
TARGET_PEAK_RSS_MB = 300.0
TF_UPGRADE_V2 = "tf_upgrade_v2"


def tf1migrate_name(jobs: int) -> str:
    return f"tf1migrate --jobs {jobs}"


def bound_name(jobs: int) -> str:
    return f"LibCST parse+codegen (bound) --jobs {jobs}"


PARSE_BOUND = bound_name(1)


def contenders(corpus: Path, jobs: Sequence[int], only: set[str] | None) -> list[Contender]:
    env = tools.child_env()
    files, _ = corpus_size(corpus)
    found: list[Contender] = []
    for n in jobs:
        found.append(Contender(
            tf1migrate_name(n),
            lambda scratch, n=n: tools.tf1migrate(
                "migrate", "--check", "--no-cache", "--jobs", str(n), "--output-format", "json",
                "--output-file", str(scratch / "report.json"), str(corpus)),
            ok_codes=frozenset({0, 1}),  # 1 = changes pending, the expected answer
            cwd=corpus, env=env, check=tools.check_tf1migrate_report(files)))
    found.append(Contender(
        TF_UPGRADE_V2,
        lambda scratch: tools.tf_upgrade_v2("--intree", str(corpus), "--outtree",
                                            str(scratch / "out"), "--reportfile",
                                            str(scratch / "report.txt")),
        cwd=corpus, env=env, check=tools.check_stdout_count(r"Converted (\d+) files", files)))
    for n in jobs:
        found.append(Contender(
            bound_name(n), lambda scratch, n=n: tools.parse_bound(corpus, jobs=n),
            cwd=corpus, env=env,
            check=tools.check_stdout_count(r"(\d+) files, \d+ lines parsed", files)))
    return [c for c in found if only is None or c.name in only]


def corpus_size(corpus: Path) -> tuple[int, int]:
    paths = sorted(corpus.rglob("*.py"))
    return len(paths), sum(p.read_bytes().count(b"\n") for p in paths)


def paired_ratio(mine: list[Measurement], theirs: list[Measurement]) -> report.Spread | None:
    """Median over rounds of (their wall / my wall) = my throughput relative to theirs."""
    values = [t.wall_s / m.wall_s for m, t in zip(mine, theirs)
              if m.error is None and t.error is None and not (m.timed_out or t.timed_out)
              and m.returncode >= 0 and t.returncode >= 0 and m.wall_s > 0]
    return report.Spread.of(values) if values else None


@dataclass(frozen=True)
class Summary:
    """One contender over all rounds: spreads of the successful runs, or why none succeeded."""

    runs: int
    ok_runs: int
    error: str | None = None
    wall_s: report.Spread | None = None
    cpu_s: report.Spread | None = None
    files_per_s: report.Spread | None = None
    lines_per_s: report.Spread | None = None
    files_per_cpu_s: report.Spread | None = None  # work per CPU-second: steadier under load
    peak_rss_mb: report.Spread | None = None
    statuses: dict[str, int] | None = None  # what the tool said it did to the files

    def to_json(self) -> dict[str, object]:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return {k: v.to_json() if isinstance(v, report.Spread) else v
                for k, v in values.items() if v is not None}


def summarise(runs: dict[str, list[Measurement]], by_name: dict[str, Contender],
              files: int, lines: int) -> dict[str, Summary]:
    summary: dict[str, Summary] = {}
    for name, measurements in runs.items():
        ok = [m for m in measurements if succeeded(by_name[name], m)]
        if not ok:
            summary[name] = Summary(len(measurements), 0, failure_reason(measurements[-1]))
            continue
        statuses = ok[-1].details.get("statuses")
        summary[name] = Summary(
            len(measurements), len(ok),
            wall_s=report.Spread.of(m.wall_s for m in ok),
            cpu_s=report.Spread.of(m.cpu_s for m in ok),
            files_per_s=report.Spread.of(files / m.wall_s for m in ok),
            lines_per_s=report.Spread.of(lines / m.wall_s for m in ok),
            files_per_cpu_s=report.Spread.of(files / m.cpu_s for m in ok if m.cpu_s > 0),
            peak_rss_mb=report.Spread.of(m.peak_rss_mb for m in ok),
            statuses=dict(statuses) if isinstance(statuses, dict) else None,
        )
    return summary


def ratios(runs: dict[str, list[Measurement]]) -> dict[str, report.Spread | None]:
    """tf1migrate --jobs N vs tf_upgrade_v2, and vs the bound at the same N."""
    found: dict[str, report.Spread | None] = {}
    for name in runs:
        if not name.startswith("tf1migrate --jobs "):
            continue
        jobs = int(name.rsplit(" ", 1)[1])
        for peer in (TF_UPGRADE_V2, bound_name(jobs)):
            if peer in runs:
                found[f"{name} vs {peer}"] = paired_ratio(runs[name], runs[peer])
    return found


def _fmt_ratio(spread: report.Spread | None) -> str:
    if spread is None:
        return "n/a"
    return f"{spread.median:.2f}× (range {spread.low:.2f}–{spread.high:.2f})"


def tables(summary: dict[str, Summary], pairs: dict[str, report.Spread | None],
           files: int, lines: int, load: str = "") -> list[str]:
    rows = []
    for name, entry in summary.items():
        if entry.error is not None or entry.wall_s is None:
            rows.append([name, "failed", "", "", "", "", "", "",
                         f"0/{entry.runs}: {entry.error}"])
            continue
        assert entry.files_per_s and entry.lines_per_s and entry.cpu_s and entry.peak_rss_mb
        per_cpu = entry.files_per_cpu_s.fmt() if entry.files_per_cpu_s else "n/a"
        outcome = ", ".join(f"{k} {v}" for k, v in sorted((entry.statuses or {}).items()))
        rows.append([name, entry.files_per_s.fmt(), entry.lines_per_s.fmt(), entry.wall_s.fmt(),
                     entry.cpu_s.fmt(), per_cpu, entry.peak_rss_mb.fmt(), outcome or "—",
                     f"{entry.ok_runs}/{entry.runs}"])
    main = report.markdown_table(
        ["contender", "files/s", "LOC/s", "wall s", "CPU s", "files/CPU-s",
         "peak RSS MB (largest process)", "files by status", "runs ok"], rows)
    ratio_rows = [[k, _fmt_ratio(v)] for k, v in pairs.items()]
    ratio_table = report.markdown_table(
        ["throughput ratio (paired per round; > 1 = tf1migrate faster)", "median"], ratio_rows)
    target_rows = []
    for key, spread in pairs.items():
        if spread is None or "(bound)" not in key:
            continue
        jobs = key.split(" vs ")[0].rsplit(" ", 1)[1]
        target_rows.append([
            f"≥ {TARGET_OF_BOUND}× the parse+codegen bound at --jobs {jobs}", _fmt_ratio(spread),
            "met" if spread.median >= TARGET_OF_BOUND else "NOT met"])
    for name, entry in summary.items():
        if name.startswith("tf1migrate") and entry.peak_rss_mb is not None:
            rss = entry.peak_rss_mb.high
            target_rows.append([f"peak RSS per worker ≤ {TARGET_PEAK_RSS_MB:.0f} MB ({name})",
                                f"{rss:.0f}", "met" if rss <= TARGET_PEAK_RSS_MB else "NOT met"])
    out = [f"Corpus: {files} files, {lines} lines." + (f" Machine: {load}." if load else ""),
           main]
    if ratio_rows:
        out.append(ratio_table)
    if target_rows:
        out.append(report.markdown_table(["target", "measured", "verdict"], target_rows))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=DEFAULT_FILES)
    parser.add_argument("--lines", type=int, default=None, help="total lines (default ~311/file)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--corpus", type=Path, help="an existing tree instead of a generated one")
    parser.add_argument("--only", help="comma-separated contender names (default: all)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per run")
    parser.add_argument("--out-dir", type=Path, default=None)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="tf1bench-corpus-") as tmp:
        corpus = args.corpus or Path(tmp)
        if args.corpus is None:
            generate_corpus(corpus, args.files, args.lines, seed=args.seed)
        files, lines = corpus_size(corpus)
        only = set(args.only.split(",")) if args.only else None
        field = contenders(corpus, args.jobs, only)
        by_name = {c.name: c for c in field}
        runs = alternate(field, args.repeat, timeout_s=args.timeout)
    summary = summarise(runs, by_name, files, lines)
    pairs = ratios(runs)
    payload: dict[str, object] = {
        "benchmark": "codemod_throughput",
        "config": {"files": files, "lines": lines, "seed": args.seed, "repeat": args.repeat,
                   "jobs": args.jobs, "corpus": str(args.corpus) if args.corpus else "generated"},
        "summary": summary,
        "ratios": pairs,
        "runs": {name: [m.to_json() for m in ms] for name, ms in runs.items()},
        "median_wall_s": {n: statistics.median(m.wall_s for m in ms) for n, ms in runs.items()},
    }
    payload["load"] = load_range(runs)
    report.emit("codemod_throughput", "Codemod throughput",
                tables(summary, pairs, files, lines, load_range(runs)), payload, args.out_dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
