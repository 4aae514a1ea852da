"""tf1compat.contrib.layers.embed_sequence / embedding_lookup_unique against TF 1.15's.

Neither function is in tf-slim (TF 1.15 had them in ``contrib/layers/python/layers/
encoders.py`` and ``embedding_ops.py``), so the oracle child transcribes those two functions
(``REFERENCE``) onto the genuine pieces they called: tf-slim's ``model_variable`` (TF 1.15's
``contrib.framework`` variables module, moved to tf-slim unchanged) and TensorFlow's own
``embedding_lookup`` / ``unique`` / ``gather``. Names, shapes, trainability, creation order,
regularization losses and outputs are compared in a TF1 graph and inside a decorated Keras 3
layer (eager and ``tf.function``).
"""

from __future__ import annotations

import pytest

import tf1compat.contrib.layers
from tests.runtime_contrib.harness import GENUINE_SLIM, Case, compare_decorated, compare_graph
from tests.runtime_layers.harness import PRELUDE

REFERENCE = '''
import types


def embedding_lookup_unique(params, ids, partition_strategy="mod", name=None):
    with tf.compat.v1.name_scope(name, "EmbeddingLookupUnique", [params, ids]):
        ids = tf.convert_to_tensor(ids)
        shape = tf.shape(ids)
        ids_flat = tf.reshape(ids, tf.reduce_prod(shape, keepdims=True))
        unique_ids, idx = tf.unique(ids_flat)
        unique_embeddings = tf.compat.v1.nn.embedding_lookup(params, unique_ids,
                                                             partition_strategy)
        embeds_flat = tf.gather(unique_embeddings, idx)
        embed_shape = tf.concat([shape, tf.shape(unique_embeddings)[1:]], 0)
        embeds = tf.reshape(embeds_flat, embed_shape)
        embeds.set_shape(ids.get_shape().concatenate(unique_embeddings.get_shape()[1:]))
        return embeds


def reference_layers():
    slim = genuine_slim()

    def embed_sequence(ids, vocab_size=None, embed_dim=None, unique=False, initializer=None,
                       regularizer=None, trainable=True, scope=None, reuse=None):
        if not (reuse or (vocab_size and embed_dim)):
            raise ValueError("Must specify vocab size and embedding dimension when not reusing.")
        with tf.compat.v1.variable_scope(scope, "EmbedSequence", [ids], reuse=reuse):
            shape = [vocab_size, embed_dim]
            if reuse and vocab_size is None or embed_dim is None:
                shape = None
            embeddings = slim.model_variable("embeddings", shape=shape, initializer=initializer,
                                             regularizer=regularizer, trainable=trainable)
            if unique:
                return embedding_lookup_unique(embeddings, ids)
            return tf.compat.v1.nn.embedding_lookup(embeddings, ids)

    return types.SimpleNamespace(embed_sequence=embed_sequence,
                                 embedding_lookup_unique=embedding_lookup_unique,
                                 l2_regularizer=slim.l2_regularizer)
'''

IDS = "tf.constant(np.array([[1, 3, 3, 0], [2, 1, 4, 4]], np.int32))"

CASES: dict[str, Case] = {
    "embed-sequence-names-and-sharing": Case(
        f"""
def model(layers):
    ids = {IDS}
    a = layers.embed_sequence(ids, vocab_size=6, embed_dim=3)
    b = layers.embed_sequence(ids, vocab_size=6, embed_dim=3)            # EmbedSequence_1
    c = layers.embed_sequence(ids, vocab_size=6, embed_dim=3, scope="shared")
    d = layers.embed_sequence(ids[:, :2], scope="shared", reuse=True)     # decoder reuses
    with tf.compat.v1.variable_scope("decoder"):
        e = layers.embed_sequence(ids, 5, 2, unique=True, trainable=False,
                                  initializer=tf.compat.v1.random_uniform_initializer(-1, 1))
    return {{"a": a, "b": b, "c": c, "d": d, "e": e}}
"""
    ),
    "embed-sequence-regularized": Case(
        f"""
def model(layers):
    ids = {IDS}
    a = layers.embed_sequence(ids, 6, 4, regularizer=layers.l2_regularizer(0.3), scope="emb")
    b = layers.embed_sequence(ids, 6, 4, unique=True, regularizer=layers.l2_regularizer(0.1))
    return {{"a": a, "b": b}}
"""
    ),
    "embedding-lookup-unique-any-rank": Case(
        """
def model(layers):
    params = tf.compat.v1.get_variable("params", [7, 2, 3])
    ids3 = tf.constant(np.array([[[1, 1], [6, 0]], [[2, 2], [1, 5]]], np.int64))
    a = layers.embedding_lookup_unique(params, ids3)                    # [2, 2, 2, 2, 3]
    b = layers.embedding_lookup_unique(const(5, 4, seed=1), tf.constant([4, 0, 4, 4]))
    c = layers.embedding_lookup_unique(params, tf.constant(3), name="scalar_id")
    return {"a": a, "b": b, "c": c}
"""
    ),
}


def _oracle_code(case: Case) -> str:
    return (
        PRELUDE
        + GENUINE_SLIM
        + REFERENCE
        + case.source
        + "\n\ndef run():\n    return graph_report(lambda: model(reference_layers()))\n"
    )


ORACLE_CASES = {f"runtime_contrib/encoders/{n}": _oracle_code(c) for n, c in CASES.items()}


@pytest.mark.parametrize("name", sorted(CASES))
def test_tf1_graph_matches_tf115(oracle, name):
    reference = oracle[f"runtime_contrib/encoders/{name}"]
    compare_graph(CASES[name], reference, slim=tf1compat.contrib.layers)


@pytest.mark.parametrize("in_function", [False, True], ids=["eager", "tf_function"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_decorated_keras3_layer_matches_tf115(oracle, name, in_function):
    reference = oracle[f"runtime_contrib/encoders/{name}"]
    compare_decorated(
        CASES[name], reference, in_function=in_function, slim=tf1compat.contrib.layers
    )


def test_names_are_tf115s(oracle):
    reference = oracle["runtime_contrib/encoders/embed-sequence-names-and-sharing"]
    names = [name for name, *_ in reference["variables"]]
    assert names == [
        "EmbedSequence/embeddings",
        "EmbedSequence_1/embeddings",
        "shared/embeddings",
        "decoder/EmbedSequence/embeddings",
    ]


def test_missing_sizes_without_reuse_fail_like_tf115():
    import tensorflow as tf

    with pytest.raises(ValueError, match="Must specify vocab size and embedding dimension"):
        tf1compat.contrib.layers.embed_sequence(tf.constant([[1]]), vocab_size=3)
