"""Every TensorFlow name in the fixtures exists in the TF 1.x API (tf.compat.v1).

Training scripts are never run by any test, so a typo there (``tf.nn.rnn_cell.LSTMcell``)
or a TF2-only name would go unnoticed; this keeps all fixture code genuine TF1.
"""

from __future__ import annotations

import pytest

from tests.fixtures_check.specs import PYTHON2_FILES, REPOS
from tests.fixtures_check.tf_names import tf_names

USES = {
    relpath: sorted(set(tf_names((REPOS / relpath).read_bytes())))
    for relpath in sorted(str(p.relative_to(REPOS)) for p in REPOS.rglob("*.py"))
    if relpath not in PYTHON2_FILES
}
ALL_PATHS = sorted({path for uses in USES.values() for path, _ in uses})

RESOLVE_CODE = f"""
def run():
    v1 = tf.compat.v1
    missing = []
    for path in {ALL_PATHS!r}:
        target = v1
        for part in filter(None, path.split(".")):
            if not hasattr(target, part):
                missing.append(path)
                break
            target = getattr(target, part)
    return missing
"""

ORACLE_CASES = {"fixtures-tf1-names": RESOLVE_CODE}


def test_the_fixtures_use_a_broad_slice_of_the_api():
    assert len(ALL_PATHS) > 150


@pytest.mark.parametrize("relpath", sorted(USES))
def test_names_exist_in_tf_compat_v1(oracle, relpath):
    missing = set(oracle["fixtures-tf1-names"])
    bad = [f"{relpath}:{line}: tf.{path}" for path, line in USES[relpath] if path in missing]
    assert bad == []


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import tensorflow as tf\ntf.nn.relu(x)\n", {"", "nn.relu"}),
        ("import tensorflow.compat.v1 as v1\nv1.nn.relu(x)\n", {"compat.v1", "compat.v1.nn.relu"}),
        ("from tensorflow.layers import dense as d\n", {"layers.dense"}),
        ("from tensorflow.contrib import slim\nslim.conv2d(x)\n", set()),
        ("import tensorflow as tf\ndef f(tf):\n    return tf.count\n", {""}),
        (
            "import tensorflow as tf\ntry:\n    s = tf.scalar_summary\n"
            "except AttributeError:\n    s = tf.summary.scalar\n",
            {"", "summary.scalar"},
        ),
    ],
)
def test_collector_resolves_aliases_and_skips_shadowing(source, expected):
    assert {path for path, _ in tf_names(source)} == expected
