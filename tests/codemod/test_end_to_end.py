"""End to end: migrate each runnable fixture repo, run the generated layers, compare names.

The codemod runs in this process (no TensorFlow); the migrated tree is written to a temp
dir and ONE Keras 3 child process imports it, instantiates every generated layer from the
fixture's verify spec, calls it eagerly and reports `tf1compat.tf1_variables` (Keras
layers for every fixture, `--target module` tf.Modules for a sample). The TF1
reference for the same spec comes from the legacy oracle (the fixture check's cases, so the
batched child computes each once for both test areas).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.codemod.goldens import REPOS, migrate_tree, migrated_results, read_sources
from tests.fixtures_check.cases import case_id, fixture_cases
from tests.fixtures_check.specs import runnable_fixtures, verify_specs
from tf1migrate.engine import module_name_for
from tf1migrate.types import Options, SourceResult

# A repo whose training code calls the root under `variable_scope("generator")`: the
# wrapper must enter that scope itself (TFM302) so its names match the training checkpoints.
SCOPED_REPO = {
    "gan.py": (
        "import tensorflow as tf\n\n\n"
        "def generator(z, units=8):\n"
        "    h = tf.layers.dense(z, units, activation=tf.nn.relu, name='fc')\n"
        "    return tf.layers.dense(h, 3, name='out')\n"
    ),
    "train.py": (
        "import tensorflow as tf\n\nimport gan\n\n\n"
        "def main():\n"
        "    z = tf.placeholder(tf.float32, [None, 4])\n"
        "    with tf.variable_scope('generator'):\n"
        "        fake = gan.generator(z)\n"
        "    train_op = tf.train.AdamOptimizer(1e-3).minimize(tf.reduce_mean(fake))\n"
        "    with tf.Session() as sess:\n"
        "        sess.run(tf.global_variables_initializer())\n"
        "        sess.run(train_op, feed_dict={z: [[0.0] * 4]})\n"
    ),
}
SCOPED_SPEC = {"inputs": {"z": "float32[2, 4]"}}
SCOPED_CASE = f"""
SOURCES = {SCOPED_REPO!r}


def run():
    import os, tempfile
    root = tempfile.mkdtemp()
    for name, text in SOURCES.items():
        with open(os.path.join(root, name), "w") as handle:
            handle.write(text)
    with tf1_behavior():
        gan = import_tf1_module(root, "gan")

        def build():
            z = tf.constant(np.zeros((2, 4), np.float32))
            with tf.compat.v1.variable_scope("generator"):  # what train.py does
                return {{"out": gan.generator(z)}}

        return {{"default": graph_report(build)}}
"""
ORACLE_CASES = {**fixture_cases(), "codemod-e2e:scoped-root": SCOPED_CASE}
CHILD = Path(__file__).with_name("e2e_child.py")
pytestmark = [pytest.mark.slow, pytest.mark.tf]


MODULE_TARGET_FIXTURES = ("gpt2", "cnn")  # `--target module` end to end, on a sample


def _write_migrated_tree(name: str, destination: Path, target: str = "keras") -> list[dict]:
    """Copy fixture `name`, overwrite the files the codemod changed; one job per wrapper."""
    shutil.copytree(REPOS / name, destination)
    jobs = []
    sources = read_sources(REPOS / name)
    if target == "keras":
        results = migrated_results(name)
    else:
        results = migrate_tree(sources, Options(target=target))
    for path, result in results.items():
        if not isinstance(result, SourceResult):
            continue
        if result.code != sources[path]:
            (destination / path).write_text(result.code, encoding="utf-8", newline="")
        specs = verify_specs(name)
        for layer in result.layers:
            key = f"{module_name_for(path)}:{layer.function}"
            if key in specs:
                jobs.append({"root": str(destination), "module": module_name_for(path),
                             "wraps": layer.function, "spec": specs[key], "fixture": name,
                             "target": target})
    return jobs


@pytest.fixture(scope="module")
def migrated_runs(tmp_path_factory) -> dict[str, dict]:
    """{"fixture": {"module:wraps": {label: variables}}} from one Keras 3 child."""
    jobs = []
    for name in runnable_fixtures():
        jobs += _write_migrated_tree(name, tmp_path_factory.mktemp("migrated") / name)
    for name in MODULE_TARGET_FIXTURES:
        jobs += _write_migrated_tree(name, tmp_path_factory.mktemp("module") / name, "module")
    scoped = tmp_path_factory.mktemp("scoped")
    for path, result in migrate_tree(SCOPED_REPO).items():
        (scoped / path).write_text(result.code, encoding="utf-8")
    jobs.append({"root": str(scoped), "module": "gan", "wraps": "generator", "spec": SCOPED_SPEC,
                 "fixture": "scoped", "target": "keras"})
    env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
    env.update(TF_CPP_MIN_LOG_LEVEL="2", CUDA_VISIBLE_DEVICES="")
    out = tmp_path_factory.mktemp("report") / "report.json"
    proc = subprocess.run(
        [sys.executable, str(CHILD), str(out)], input=json.dumps(jobs), text=True,
        capture_output=True, env=env, timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    report = json.loads(out.read_text())
    by_fixture: dict[str, dict] = {}
    for job in jobs:
        key = f"{job['module']}:{job['wraps']}"
        fixture = job["fixture"] if job["target"] == "keras" else f"{job['fixture']}[module]"
        by_fixture.setdefault(fixture, {})[key] = report[f"{job['root']}|{key}"]
    return by_fixture


@pytest.mark.parametrize("name", runnable_fixtures())
def test_every_verify_spec_root_gets_a_wrapper(name):
    wrapped = {
        f"{module_name_for(path)}:{layer.function}"
        for path, result in migrated_results(name).items()
        if isinstance(result, SourceResult)
        for layer in result.layers
    }
    missing = set(verify_specs(name)) - wrapped
    assert not missing, f"roots declared by the fixture but not wrapped: {sorted(missing)}"


RUNS = [*runnable_fixtures(), *(f"{name}[module]" for name in MODULE_TARGET_FIXTURES)]


@pytest.mark.parametrize("name", RUNS)
def test_generated_layers_keep_tf1_variable_names(name, migrated_runs, oracle):
    runs = migrated_runs.get(name, {})
    name = name.removesuffix("[module]")
    assert runs, f"no generated layer of {name} has a verify spec"
    for key, by_label in runs.items():
        reference = oracle[case_id(name, key)]
        for label, variables in by_label.items():
            assert not isinstance(variables, str), f"{key} [{label}] failed:\n{variables}"
            expected = sorted((v[0], list(v[1])) for v in reference[label]["variables"])
            got = sorted((v[0], list(v[1])) for v in variables)
            assert expected, f"{key} [{label}]: the TF1 reference has no variables"
            assert got == expected, f"{key} [{label}]: migrated layer's TF1 names/shapes differ"


def test_wrapper_reproduces_the_scope_every_call_site_uses(migrated_runs, oracle):
    reference = oracle["codemod-e2e:scoped-root"]["default"]["variables"]
    expected = sorted((v[0], list(v[1])) for v in reference)
    assert [name for name, _ in expected][0].startswith("generator/")
    (variables,) = migrated_runs["scoped"]["gan:generator"].values()
    assert not isinstance(variables, str), variables
    assert sorted((v[0], list(v[1])) for v in variables) == expected
