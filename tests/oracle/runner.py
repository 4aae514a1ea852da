"""Child process of the legacy oracle (run with TF_USE_LEGACY_KERAS=1).

Reads ``{key: code}`` as JSON on stdin, execs each case, calls its ``run()`` and pickles
``("ok", result)`` or ``("error", traceback)`` to ``<cache_dir>/<key>.pkl`` (atomically).
"""

from __future__ import annotations

import json
import os
import pickle
import sys
import tempfile
import traceback

import numpy as np
import tensorflow as tf

assert os.environ.get("TF_USE_LEGACY_KERAS") == "1"

v1 = tf.compat.v1


def graph_report(build, *, seed=0, run_update_ops=False, feed=None):
    """Build a TF1 graph with ``build()`` (returns a dict name → tensor) and report it.

    Returns a dict with:
      variables: [(name, shape, dtype, trainable)] in creation order (names without ":0")
      initial:   {name: value} after the initializers ran (graph seed ``seed``)
      outputs:   {name: value} of the fetches
      reg_losses: [float] from the REGULARIZATION_LOSSES collection
      update_ops: number of ops in UPDATE_OPS
      after_update: {name: value} of every variable after one run of fetches + UPDATE_OPS
                    (only if run_update_ops)
    """
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(seed)
        fetches = build()
        fetches = dict(fetches or {})
        variables = v1.global_variables()
        trainable = {id(v) for v in v1.trainable_variables()}
        reg = v1.get_collection(v1.GraphKeys.REGULARIZATION_LOSSES)
        updates = v1.get_collection(v1.GraphKeys.UPDATE_OPS)
        with v1.Session(graph=graph) as sess:
            sess.run(v1.global_variables_initializer())
            initial = dict(zip([v.op.name for v in variables], sess.run(variables)))
            outputs = sess.run(fetches, feed_dict=feed) if fetches else {}
            reg_values = [float(x) for x in sess.run(reg)]
            after = None
            if run_update_ops:
                sess.run([fetches, updates], feed_dict=feed)
                after = dict(zip([v.op.name for v in variables], sess.run(variables)))
    return {
        "variables": [
            (v.op.name, tuple(v.shape.as_list()), v.dtype.base_dtype.name, id(v) in trainable)
            for v in variables
        ],
        "initial": initial,
        "outputs": {k: np.asarray(v) for k, v in outputs.items()},
        "reg_losses": reg_values,
        "update_ops": len(updates),
        "after_update": after,
    }


def main(cache_dir: str) -> None:
    cases = json.loads(sys.stdin.read())
    for key, code in cases.items():
        namespace = {"__name__": f"oracle_case_{key}", "graph_report": graph_report, "tf": tf, "np": np}
        try:
            exec(compile(code, f"<oracle case {key}>", "exec"), namespace)
            payload = ("ok", namespace["run"]())
        except Exception:
            payload = ("error", traceback.format_exc())
        fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(payload, fh)
        os.replace(tmp, os.path.join(cache_dir, f"{key}.pkl"))


if __name__ == "__main__":
    main(sys.argv[1])
