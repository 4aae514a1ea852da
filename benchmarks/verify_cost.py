"""What ``tf1migrate verify`` costs on the GPT-2 fixture at a small size and at GPT-2-small size
(12 layers, width 768, vocabulary 50257, ~124M parameters), names+shapes only and with numerics.

    python -m benchmarks.verify_cost [--sizes small gpt2-small] [--repeat 3]

The fixture ``fixtures/repos/gpt2`` is copied twice (original and migrated); the copy is
migrated with ``tf1migrate migrate``; then, per size, the verify spec of the root is
overridden in the migrated copy's pyproject.toml so that verify builds the model at that size.
Each verify run is a fresh process (it starts its own children), timed as a whole; runs
alternate over sizes and modes. A run counts only if verify's JSON report says every layer
verified and the parameter count matches the requested size. Target: names+shapes at
GPT-2-small ≤ 20 s.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import tempfile
from dataclasses import asdict, replace
from pathlib import Path

from benchmarks import report, tools
from benchmarks.gpt2_config import GPT2_SMALL, HParams
from benchmarks.measure import Contender, Measurement, alternate, failure_reason, \
    run_measured, succeeded

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "fixtures" / "repos" / "gpt2"
SIZES = {"small": HParams(), "gpt2-small": GPT2_SMALL,
         "tiny": HParams(n_vocab=64, n_ctx=16, n_embd=32, n_head=2, n_layer=2)}  # smoke tests
DEFAULT_SIZES = ("small", "gpt2-small")
MODES = ("names+shapes", "numerics")
TARGET_NAMES_GPT2_SMALL_S = 20.0
DEFAULT_HPARAMS_EXPR = "default_hparams().override_from_dict({overrides})"


def spec_table(root_key: str, hparams: HParams, hparams_expr: str, batch: int, length: int) -> str:
    """The ``[tool.tf1migrate.verify."<root>"]`` table that builds the model at this size."""
    overrides = repr(asdict(hparams))
    expression = hparams_expr.format(overrides=overrides)
    return (f'[tool.tf1migrate.verify."{root_key}"]\n'
            f"args = {{ hparams = {json.dumps(expression)}, scope = \"'model'\" }}\n"
            f'inputs = {{ X = {{ dtype = "int32", shape = [{batch}, {length}], minval = 0, '
            f"maxval = {hparams.n_vocab} }} }}\n")


def override_spec(pyproject: Path, root_key: str, table: str) -> None:
    """Replace (or add) the root's verify table, leaving the rest of the file as it was."""
    text = pyproject.read_text(encoding="utf-8") if pyproject.exists() else ""
    header = re.escape(f'[tool.tf1migrate.verify."{root_key}"]')
    text = re.sub(rf"(?ms)^{header}\s*$.*?(?=^\[|\Z)", "", text)
    pyproject.write_text(text.rstrip() + "\n\n" + table, encoding="utf-8")


def migrate_copy(fixture: Path, work: Path) -> tuple[Path, Measurement]:
    """Copy the fixture as the original and as a tree to migrate; migrate it; time that."""
    original, migrated = work / "original", work / "migrated"
    ignore = shutil.ignore_patterns(".tf1migrate_cache", "__pycache__")
    shutil.copytree(fixture, original, ignore=ignore)
    shutil.copytree(fixture, migrated, ignore=ignore)
    measurement, _ = run_measured(tools.tf1migrate("migrate", "--no-cache", str(migrated)),
                                  cwd=migrated, env=tools.child_env())
    generated = any("track_tf1_style_variables" in p.read_text(encoding="utf-8")
                    for p in migrated.rglob("*.py"))
    if not generated:
        measurement = replace(measurement, error="migrate generated no wrapper layer")
    return original, measurement


def check_verify(expected_params: int):
    def check(scratch: Path, m: Measurement) -> tuple[str | None, dict[str, object]]:
        path = scratch / "verify.json"
        if not path.exists():
            tail = (m.stderr_tail or m.stdout_tail).strip().splitlines()
            return f"no JSON report ({tail[-1] if tail else f'exit {m.returncode}'})", {}
        data = json.loads(path.read_text(encoding="utf-8"))
        layers = data.get("layers") or []
        details = {"counts": data.get("counts"),
                   "layers": [{k: layer.get(k) for k in ("layer", "status", "params", "variables",
                                                         "max_abs_diff", "seconds", "reference")}
                              for layer in layers if isinstance(layer, dict)]}
        if not layers:
            return "verify found no generated layer", details
        bad = [layer for layer in layers if layer.get("status") != "verified"]
        if bad:
            messages = "; ".join(str(m) for m in bad[0].get("messages", [])[:1])
            return f"{bad[0].get('layer')}: {bad[0].get('status')} {messages}".strip(), details
        params = {layer.get("params") for layer in layers}
        if expected_params not in params:
            return f"params {sorted(map(str, params))} ≠ expected {expected_params} " \
                   "(the spec override did not take)", details
        return None, details

    return check


def contenders(work: Path, original: Path, args: argparse.Namespace) -> list[Contender]:
    found = []
    for size in args.sizes:
        hparams = SIZES[size]
        tree = work / f"migrated-{size}"
        shutil.copytree(work / "migrated", tree)
        table = spec_table(args.root_key, hparams, args.hparams_expr, args.batch, args.length)
        override_spec(tree / "pyproject.toml", args.root_key, table)
        for mode in args.modes:
            flag = "--no-numerics" if mode == "names+shapes" else "--numerics"
            found.append(Contender(
                f"{size} / {mode}",
                lambda scratch, tree=tree, flag=flag: tools.tf1migrate(
                    "verify", str(tree), "--original", str(original), flag, "--timeout",
                    str(args.timeout), "--output-format", "json", "--output-file",
                    str(scratch / "verify.json")),
                cwd=tree, env=tools.child_env(), check=check_verify(hparams.n_params)))
    return found


def tables(runs: dict[str, list[Measurement]], by_name: dict[str, Contender],
           migrate: Measurement) -> list[str]:
    rows = []
    for name, measurements in runs.items():
        size, mode = name.split(" / ")
        params = f"{SIZES[size].n_params:,}"
        ok = [m for m in measurements if succeeded(by_name[name], m)]
        if not ok:
            rows.append([size, params, mode, "failed", "", "", "",
                         f"0/{len(measurements)}: {failure_reason(measurements[-1])}"])
            continue
        wall = report.Spread.of(m.wall_s for m in ok)
        verdict = "—"
        if size == "gpt2-small" and mode == "names+shapes":
            met = wall.median <= TARGET_NAMES_GPT2_SMALL_S
            verdict = f"≤ {TARGET_NAMES_GPT2_SMALL_S:.0f} s: {'met' if met else 'NOT met'}"
        layers = ok[-1].details.get("layers")
        diffs = [layer.get("max_abs_diff") for layer in layers if isinstance(layer, dict)] \
            if isinstance(layers, list) else []
        note = f"{len(ok)}/{len(measurements)} verified"
        if mode == "numerics" and diffs and diffs[0] is not None:
            note += f"; max abs diff {max(diffs):.2g}"
        rows.append([size, params, mode, wall.fmt(), report.Spread.of(m.cpu_s for m in ok).fmt(),
                     f"{max(m.peak_rss_mb for m in ok):.0f}", verdict, note])
    migrate_note = (f"`tf1migrate migrate` of the fixture: {migrate.wall_s:.2f} s"
                    if migrate.error is None and migrate.returncode in (0, 1)
                    else f"`tf1migrate migrate` of the fixture failed: {failure_reason(migrate)}")
    return [migrate_note, report.markdown_table(
        ["size", "params", "verify", "wall s", "CPU s", "peak RSS MB", "target", "notes"], rows)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", choices=list(SIZES), default=list(DEFAULT_SIZES))
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fixture", type=Path, default=FIXTURE)
    parser.add_argument("--root-key", default="model:model", help="module:function of the root")
    parser.add_argument("--hparams-expr", default=DEFAULT_HPARAMS_EXPR,
                        help="Python expression for the hparams argument; {overrides} is a dict")
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--length", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per verify child")
    parser.add_argument("--out-dir", type=Path, default=None)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="tf1bench-verify-") as tmp:
        work = Path(tmp)
        original, migrate = migrate_copy(args.fixture, work)
        if migrate.error is None and migrate.returncode in (0, 1):
            field = contenders(work, original, args)
            runs = alternate(field, args.repeat, timeout_s=args.timeout * 2)
        else:
            field, runs = [], {}
    payload: dict[str, object] = {
        "benchmark": "verify_cost",
        "config": {"sizes": {s: asdict(SIZES[s]) for s in args.sizes}, "modes": args.modes,
                   "repeat": args.repeat, "batch": args.batch, "length": args.length,
                   "fixture": str(args.fixture)},
        "migrate": migrate.to_json(),
        "runs": {name: [m.to_json() for m in ms] for name, ms in runs.items()},
    }
    report.emit("verify_cost", "Verification cost",
                tables(runs, {c.name: c for c in field}, migrate), payload, args.out_dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
