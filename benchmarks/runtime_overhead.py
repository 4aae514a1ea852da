"""Runtime overhead of a migrated layer: the GPT-2-style ``gpt2_tf1.model`` wrapped the way the
codemod wraps it (a ``tf1compat.MigratedLayer`` with ``@tf1compat.track_tf1_style_variables``)
against the same architecture as plain Keras 3 layers and against tf-keras's own decorator.

    python -m benchmarks.runtime_overhead [--layers 6 --width 256 --seq 128 --batch 8] [--repeat 3]

Each variant runs in its own process (the tf-keras one with ``TF_USE_LEGACY_KERAS=1``), the
variants alternate over rounds, and ratios are taken within a round. Per variant: first eager
call (creates the variables), eager forward, first ``tf.function`` trace of the forward and of
the train step, ``tf.function`` forward and train step after warm-up (median per step), peak
RSS. The train step is forward + backward + a plain SGD update written in TensorFlow ops, the
same in every variant, so only the layers differ. Targets: train step ≤ 1.03× plain Keras;
eager forward ≤ 1.0× the tf-keras decorator.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from dataclasses import asdict
from pathlib import Path

from benchmarks import report, tools
from benchmarks.gpt2_config import HParams
from benchmarks.measure import Contender, Measurement, alternate, failure_reason, succeeded

TF1COMPAT, KERAS, TF_KERAS = "tf1compat", "keras3", "tf_keras"
VARIANTS = (TF1COMPAT, KERAS, TF_KERAS)
LABELS = {
    TF1COMPAT: "tf1compat MigratedLayer (generated shape)",
    KERAS: "plain Keras 3 layers",
    TF_KERAS: "tf-keras track_tf1_style_variables",
}
TARGET_TRAIN_VS_KERAS = 1.03
TARGET_EAGER_VS_TF_KERAS = 1.0
CPU_METRICS = (  # process CPU seconds per step: the steadier figures on a shared machine
    ("eager_forward_cpu_s", "eager forward CPU s"),
    ("function_forward_cpu_s", "tf.function fwd CPU s"),
    ("train_step_cpu_s", "train step CPU s"),
)
METRICS = (  # key in the child's result, column title
    ("first_eager_s", "first eager call s"),
    ("eager_forward_s", "eager forward s"),
    ("first_trace_forward_s", "first trace fwd s"),
    ("function_forward_s", "tf.function fwd s"),
    ("first_trace_train_s", "first trace train s"),
    ("train_step_s", "train step s"),
)


# ----------------------------------------------------------------------------- child side
def build_model(variant: str, hparams: HParams):
    """The model object of one variant; imports only what that variant needs."""
    if variant == KERAS:
        from benchmarks.gpt2_keras import GPT2

        return GPT2(hparams, name="model")
    if variant == TF1COMPAT:
        import tf1compat

        from benchmarks import gpt2_tf1

        class ModelLayer(tf1compat.MigratedLayer):
            """What ``tf1migrate`` emits for the root ``model(hparams, X, scope, reuse)``."""

            tf1migrate_wraps = "model"

            def __init__(self, hparams, scope="model", reuse=False, **kwargs):
                super().__init__(**kwargs)
                self.hparams, self.scope, self.reuse = hparams, scope, reuse

            def get_config(self):
                return {**super().get_config(), "hparams": asdict(self.hparams),
                        "scope": self.scope, "reuse": self.reuse}

            @tf1compat.track_tf1_style_variables
            def call(self, X):
                return gpt2_tf1.model(self.hparams, X, scope=self.scope, reuse=self.reuse)

        return ModelLayer(hparams)
    if variant == TF_KERAS:
        if os.environ.get("TF_USE_LEGACY_KERAS") != "1":
            raise RuntimeError("the tf-keras variant needs TF_USE_LEGACY_KERAS=1")
        import tensorflow as tf
        import tf_keras

        from benchmarks import gpt2_tf1

        class LegacyModelLayer(tf_keras.layers.Layer):
            def __init__(self, hparams, scope="model", reuse=False, **kwargs):
                super().__init__(**kwargs)
                self.hparams, self.scope, self.reuse = hparams, scope, reuse

            @tf.compat.v1.keras.utils.track_tf1_style_variables
            def call(self, X):
                return gpt2_tf1.model(self.hparams, X, scope=self.scope, reuse=self.reuse)

        return LegacyModelLayer(hparams)
    raise ValueError(f"unknown variant {variant!r}")


def _rss_mb(field: str) -> float:
    for row in Path("/proc/self/status").read_text().splitlines():
        if row.startswith(field + ":"):
            return int(row.split()[1]) / 1024.0
    return float("nan")


def _timed(fn, iterations: int) -> tuple[list[float], list[float]]:
    """Wall and process-CPU seconds of each call. CPU time (all of TensorFlow's threads) is
    much less disturbed than wall time when other work shares the machine."""
    wall, cpu = [], []
    for _ in range(iterations):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu


def run_child(variant: str, hparams: HParams, batch: int, iterations: int, warmup: int,
              seed: int, threads: int | None = None) -> dict[str, object]:
    """Build one variant and time it; everything a round needs, as JSON-ready data."""
    import tensorflow as tf

    if threads:  # fewer threads = less sensitive to other load on a shared machine
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)

    rss_after_import = _rss_mb("VmRSS")
    model = build_model(variant, hparams)
    tf.random.set_seed(seed)
    X = tf.random.uniform([batch, hparams.n_ctx], 0, hparams.n_vocab, dtype=tf.int32, seed=seed)
    labels = tf.roll(X, shift=-1, axis=1)

    def forward():
        return model(X)

    def loss_of(logits):
        return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=labels, logits=logits))

    start = time.perf_counter()
    float(tf.reduce_sum(forward()))  # creates the variables
    first_eager = time.perf_counter() - start
    variables = list(model.trainable_variables)
    n_params = int(sum(v.shape.num_elements() for v in variables))

    _timed(lambda: float(tf.reduce_sum(forward())), warmup)
    eager, eager_cpu = _timed(lambda: float(tf.reduce_sum(forward())), iterations)

    function_forward = tf.function(forward)
    start = time.perf_counter()
    float(tf.reduce_sum(function_forward()))
    first_trace_forward = time.perf_counter() - start
    _timed(lambda: float(tf.reduce_sum(function_forward())), warmup)
    compiled, compiled_cpu = _timed(lambda: float(tf.reduce_sum(function_forward())), iterations)

    learning_rate = tf.constant(1e-3)

    @tf.function
    def train_step():
        with tf.GradientTape() as tape:
            loss = loss_of(model(X))
        grads = tape.gradient(loss, variables)
        missing = sum(g is None for g in grads)
        for var, grad in zip(variables, grads):
            if grad is not None:
                var.assign_sub(learning_rate * grad)
        return loss, missing

    start = time.perf_counter()
    first_loss, missing = train_step()
    first_loss = float(first_loss)
    first_trace_train = time.perf_counter() - start
    _timed(lambda: float(train_step()[0]), warmup)
    train, train_cpu = _timed(lambda: float(train_step()[0]), iterations)
    last_loss = float(train_step()[0])

    import keras

    return {
        "variant": variant,
        "hparams": asdict(hparams),
        "batch": batch,
        "n_params": n_params,
        "n_variables": len(variables),
        "variables_without_gradient": int(missing),
        "first_eager_s": first_eager,
        "eager_forward_s": statistics.median(eager),
        "first_trace_forward_s": first_trace_forward,
        "function_forward_s": statistics.median(compiled),
        "first_trace_train_s": first_trace_train,
        "train_step_s": statistics.median(train),
        "eager_forward_cpu_s": statistics.median(eager_cpu),
        "function_forward_cpu_s": statistics.median(compiled_cpu),
        "train_step_cpu_s": statistics.median(train_cpu),
        "samples": {"eager_forward_s": eager, "function_forward_s": compiled,
                    "train_step_s": train, "eager_forward_cpu_s": eager_cpu,
                    "function_forward_cpu_s": compiled_cpu, "train_step_cpu_s": train_cpu},
        "loss_first": first_loss,
        "loss_last": last_loss,
        "rss_after_import_mb": rss_after_import,
        "peak_rss_mb": _rss_mb("VmHWM"),
        "versions": {"tensorflow": tf.__version__, "keras": getattr(keras, "__version__", None)},
        "threads": threads,
    }


# ----------------------------------------------------------------------------- parent side
def child_argv(variant: str, args: argparse.Namespace, out: Path) -> list[str]:
    return [sys.executable, "-m", "benchmarks.runtime_overhead", "--child", variant,
            "--child-out", str(out), "--layers", str(args.layers), "--width", str(args.width),
            "--heads", str(args.heads), "--seq", str(args.seq), "--batch", str(args.batch),
            "--vocab", str(args.vocab), "--iterations", str(args.iterations),
            "--warmup", str(args.warmup), "--seed", str(args.seed),
            *(["--threads", str(args.threads)] if args.threads else [])]


def check_child(scratch: Path, m: Measurement) -> tuple[str | None, dict[str, object]]:
    path = scratch / "result.json"
    if not path.exists():
        tail = m.stderr_tail.strip().splitlines()
        return f"no result ({tail[-1] if tail else f'exit {m.returncode}'})", {}
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("variables_without_gradient"):
        return f"{data['variables_without_gradient']} variables got no gradient", data
    return None, data


def contenders(args: argparse.Namespace) -> list[Contender]:
    found = []
    for variant in args.variants:
        extra = {"TF_USE_LEGACY_KERAS": "1"} if variant == TF_KERAS else {}
        found.append(Contender(
            LABELS[variant],
            lambda scratch, v=variant: child_argv(v, args, scratch / "result.json"),
            env=tools.child_env(**extra), check=check_child))
    return found


def metric(m: Measurement, key: str) -> float:
    value = m.details[key]
    if not isinstance(value, (int, float)):
        raise TypeError(f"{key} is {value!r}, not a number")
    return float(value)


def per_round(runs: dict[str, list[Measurement]], label: str, key: str) -> list[float | None]:
    return [metric(m, key) if m.error is None and m.returncode == 0 else None
            for m in runs.get(label, [])]


def paired(runs: dict[str, list[Measurement]], mine: str, theirs: str,
           key: str) -> report.Spread | None:
    """Median over rounds of mine/theirs for one metric: both measured under the same load."""
    values = [a / b for a, b in zip(per_round(runs, LABELS[mine], key),
                                    per_round(runs, LABELS[theirs], key)) if a and b]
    return report.Spread.of(values) if values else None


RATIOS = (  # (mine, theirs, metric, target or None)
    (TF1COMPAT, KERAS, "train_step_s", TARGET_TRAIN_VS_KERAS),
    (TF1COMPAT, KERAS, "train_step_cpu_s", TARGET_TRAIN_VS_KERAS),
    (TF1COMPAT, KERAS, "function_forward_s", None),
    (TF1COMPAT, KERAS, "function_forward_cpu_s", None),
    (TF1COMPAT, KERAS, "eager_forward_s", None),
    (TF1COMPAT, TF_KERAS, "eager_forward_s", TARGET_EAGER_VS_TF_KERAS),
    (TF1COMPAT, TF_KERAS, "eager_forward_cpu_s", TARGET_EAGER_VS_TF_KERAS),
    (TF1COMPAT, TF_KERAS, "train_step_s", None),
    (TF1COMPAT, KERAS, "first_trace_train_s", None),
)


def tables(runs: dict[str, list[Measurement]], by_name: dict[str, Contender],
           hparams: HParams, batch: int) -> tuple[list[str], dict[str, object]]:
    rows: list[list[str]] = []
    cpu_rows: list[list[str]] = []
    summary: dict[str, dict[str, object]] = {}
    param_counts: set[float] = set()
    for label, measurements in runs.items():
        ok = [m for m in measurements if succeeded(by_name[label], m)]
        if not ok:
            reason = failure_reason(measurements[-1])
            rows.append([label, "failed", *[""] * (len(METRICS) + 1),
                         f"0/{len(measurements)}: {reason}"])
            summary[label] = {"error": reason}
            continue
        spreads = {key: report.Spread.of(metric(m, key) for m in ok)
                   for key in (*(k for k, _ in METRICS + CPU_METRICS), "peak_rss_mb")}
        cpu_rows.append([label, *(spreads[key].fmt() for key, _ in CPU_METRICS)])
        params = {metric(m, "n_params") for m in ok}
        param_counts |= params
        summary[label] = {**spreads, "n_params": sorted(params)}
        rows.append([label, *(spreads[key].fmt() for key, _ in METRICS),
                     spreads["peak_rss_mb"].fmt(), f"{min(params):,.0f}",
                     f"{len(ok)}/{len(measurements)} ok"])
    main = report.markdown_table(["variant", *(title for _, title in METRICS), "peak RSS MB",
                                  "params", "notes"], rows)
    if len(param_counts) > 1:
        main += (f"\n\n**Warning: the variants disagree on the parameter count "
                 f"({sorted(param_counts)}); they are not the same architecture and the ratios "
                 "below mean little.**")
    ratio_rows, ratios = [], {}
    for mine, theirs, key, target in RATIOS:
        spread = paired(runs, mine, theirs, key)
        name = f"{mine} / {theirs}: {key}"
        ratios[name] = spread
        if spread is None:
            continue
        verdict = "—" if target is None else \
            f"≤ {target:.2f}×: {'met' if spread.median <= target else 'NOT met'}"
        ratio_rows.append(
            [name, f"{spread.median:.3f}× (range {spread.low:.3f}–{spread.high:.3f})", verdict])
    out = [f"Model: {hparams.n_layer} layers, width {hparams.n_embd}, {hparams.n_head} heads, "
           f"sequence {hparams.n_ctx}, batch {batch}, vocabulary {hparams.n_vocab} "
           f"({hparams.n_params:,} parameters). Times are medians over rounds of each "
           "process's median step.", main]
    if cpu_rows:
        out.append(report.markdown_table(["variant (CPU time per step)",
                                          *(title for _, title in CPU_METRICS)], cpu_rows))
    if ratio_rows:
        out.append(report.markdown_table(["time ratio (paired per round; < 1 = tf1compat faster)",
                                          "median", "target"], ratio_rows))
    return out, {"summary": summary, "ratios": ratios}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=6)
    parser.add_argument("--width", type=int, default=256)
    parser.add_argument("--heads", type=int, default=8)
    parser.add_argument("--seq", type=int, default=128)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--vocab", type=int, default=8192)
    parser.add_argument("--iterations", type=int, default=10, help="timed steps per metric")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3, help="rounds of all variants")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=None,
                        help="TensorFlow intra/inter-op threads per process (default: TF's)")
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS))
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--out-dir", type=Path, default=None)
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--child-out", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    hparams = HParams(n_vocab=args.vocab, n_ctx=args.seq, n_embd=args.width, n_head=args.heads,
                      n_layer=args.layers)
    if args.child:
        result = run_child(args.child, hparams, args.batch, args.iterations, args.warmup,
                           args.seed, args.threads)
        args.child_out.write_text(json.dumps(result), encoding="utf-8")
        return 0
    field = contenders(args)
    runs = alternate(field, args.repeat, timeout_s=args.timeout)
    texts, extra = tables(runs, {c.name: c for c in field}, hparams, args.batch)
    payload: dict[str, object] = {
        "benchmark": "runtime_overhead",
        "config": {**asdict(hparams), "batch": args.batch, "iterations": args.iterations,
                   "warmup": args.warmup, "threads": args.threads, "repeat": args.repeat,
                   "variants": args.variants},
        **extra,
        "runs": {label: [m.to_json() for m in ms] for label, ms in runs.items()},
    }
    report.emit("runtime_overhead", "Runtime overhead", texts, payload, args.out_dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
