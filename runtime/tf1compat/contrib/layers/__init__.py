"""``tf.contrib.layers`` on tf1compat: the tf-slim layer functions plus the encoders.

Same implementation as ``tf1compat.slim`` (TF 1.15's ``tf.contrib.layers`` *was* that
code). ``embed_sequence`` creates ``EmbedSequence/embeddings``, as TF 1.15 did.

Example::

    h = tf1compat.contrib.layers.layer_norm(x, begin_norm_axis=-1, begin_params_axis=-1)
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from tf1compat.slim.layers import *
from tf1compat.slim.layers import __all__ as _slim_layers_all
from tf1compat.slim.layers import utils  # noqa: F401
from tf1compat.slim.ops.arg_scope import add_arg_scope
from tf1compat.slim.ops.variables import model_variable

v1 = tf.compat.v1


def embedding_lookup_unique(
    params: Any, ids: Any, partition_strategy: str = "mod", name: str | None = None
) -> tf.Tensor:
    """``embedding_lookup`` that looks each distinct id up once (any-rank ``ids``)."""
    with v1.name_scope(name, "EmbeddingLookupUnique", [params, ids]):
        ids = tf.convert_to_tensor(ids)
        shape = tf.shape(ids)
        ids_flat = tf.reshape(ids, tf.reduce_prod(shape, keepdims=True))
        unique_ids, idx = tf.unique(ids_flat)
        unique_embeddings = v1.nn.embedding_lookup(params, unique_ids, partition_strategy)
        embeds_flat = tf.gather(unique_embeddings, idx)
        embed_shape = tf.concat([shape, tf.shape(unique_embeddings)[1:]], 0)
        embeds = tf.reshape(embeds_flat, embed_shape)
        embeds.set_shape(ids.shape.concatenate(unique_embeddings.shape[1:]))
        return embeds


@add_arg_scope
def embed_sequence(
    ids: Any,
    vocab_size: int | None = None,
    embed_dim: int | None = None,
    unique: bool = False,
    initializer: Any = None,
    regularizer: Any = None,
    trainable: bool = True,
    scope: Any = None,
    reuse: Any = None,
) -> tf.Tensor:
    """``[batch, time]`` ids -> ``[batch, time, embed_dim]`` (variable ``EmbedSequence/embeddings``)."""
    if not (reuse or (vocab_size and embed_dim)):
        raise ValueError(
            "Must specify vocab size and embedding dimension when not reusing. Got "
            f"vocab_size={vocab_size} and embed_dim={embed_dim}"
        )
    with v1.variable_scope(scope, "EmbedSequence", [ids], reuse=reuse):
        shape = [vocab_size, embed_dim]
        if reuse and (vocab_size is None or embed_dim is None):
            shape = None
        embeddings = model_variable(
            "embeddings",
            shape=shape,
            initializer=initializer,
            regularizer=regularizer,
            trainable=trainable,
        )
        if unique:
            return embedding_lookup_unique(embeddings, ids)
        return v1.nn.embedding_lookup(embeddings, ids)


__all__ = [*_slim_layers_all, "embed_sequence", "embedding_lookup_unique"]
