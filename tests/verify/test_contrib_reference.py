"""verify's reference child binds tf.contrib to the genuine tf-slim, implementation modules too.

TF1 code imported contrib's implementation modules directly (pixel-cnn:
`from tensorflow.contrib.framework.python.ops import arg_scope`); the reference child must build
such originals, with the same tf-slim objects the public paths give.
"""

from __future__ import annotations

CASE = """
import importlib


def run():
    from tf1migrate.verify import contrib_reference
    import tf_slim

    contrib_reference.install(tf.compat.v1)
    found = {}
    for path, name, genuine in [
        ("tensorflow.contrib.framework.python.ops", "arg_scope", tf_slim.arg_scope),
        ("tensorflow.contrib.framework.python.ops", "add_arg_scope", tf_slim.add_arg_scope),
        ("tensorflow.contrib.layers.python.layers", "fully_connected", tf_slim.fully_connected),
        ("tensorflow.contrib.layers.python.layers.layers", "conv2d", tf_slim.conv2d),
        ("tensorflow.contrib.layers.python.layers.initializers", "xavier_initializer",
         tf_slim.xavier_initializer),
        ("tensorflow.contrib.layers.python.layers.regularizers", "l2_regularizer",
         tf_slim.l2_regularizer),
        ("tensorflow.contrib.rnn.python.ops.rnn_cell", "LSTMCell",
         tf.compat.v1.nn.rnn_cell.LSTMCell),
        ("tensorflow.contrib.training.python.training.hparam", "HParams",
         contrib_reference.HParams),
    ]:
        module = importlib.import_module(path)
        found[f"{path}.{name}"] = getattr(module, name) is genuine
    # the getattr route (the oracle's legacy-tree importer walks attributes)
    found["attribute chain"] = (
        tf.compat.v1.contrib.framework.python.ops.arg_scope is tf_slim.arg_scope
    )
    return found
"""

ORACLE_CASES = {"verify/contrib-reference-implementation-modules": CASE}


def test_implementation_modules_are_the_genuine_tf_slim_objects(oracle):
    found = oracle["verify/contrib-reference-implementation-modules"]
    assert found and all(found.values()), {k: v for k, v in found.items() if not v}
