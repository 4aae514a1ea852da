"""A GPT-2-style language model written the TF1 way: functions that create their weights
with ``get_variable`` under ``variable_scope``s, as in the original GPT-2 release.

This is the code a migration leaves in place as helpers; ``runtime_overhead`` wraps
``model`` in the layer shape the codemod generates and times it against hand-written Keras.
Nothing here imports Keras, so the same functions also run under tf-keras's own decorator.
"""

from __future__ import annotations

import math

import tensorflow.compat.v1 as tf


def gelu(x):
    return 0.5 * x * (1 + tf.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * tf.pow(x, 3))))


def norm(x, scope, *, axis=-1, epsilon=1e-5):
    """Layer normalisation with a learned gain ``g`` and bias ``b``."""
    with tf.variable_scope(scope):
        n_state = x.shape[-1]
        g = tf.get_variable("g", [n_state], initializer=tf.constant_initializer(1))
        b = tf.get_variable("b", [n_state], initializer=tf.constant_initializer(0))
        mean, variance = tf.nn.moments(x, axes=[axis], keepdims=True)
        return (x - mean) * tf.rsqrt(variance + epsilon) * g + b


def conv1d(x, scope, nf, *, w_init_stdev=0.02):
    """A position-wise projection stored as a width-1 convolution kernel ``[1, nx, nf]``."""
    with tf.variable_scope(scope):
        nx = x.shape[-1]
        w = tf.get_variable("w", [1, nx, nf],
                            initializer=tf.random_normal_initializer(stddev=w_init_stdev))
        b = tf.get_variable("b", [nf], initializer=tf.constant_initializer(0))
        flat = tf.reshape(x, [-1, nx])
        out = tf.matmul(flat, tf.reshape(w, [nx, nf])) + b
        return tf.reshape(out, tf.concat([tf.shape(x)[:-1], [nf]], axis=0))


def split_heads(x, n_head):
    batch, length = tf.shape(x)[0], tf.shape(x)[1]
    x = tf.reshape(x, [batch, length, n_head, x.shape[-1] // n_head])
    return tf.transpose(x, [0, 2, 1, 3])


def merge_heads(x):
    x = tf.transpose(x, [0, 2, 1, 3])
    batch, length = tf.shape(x)[0], tf.shape(x)[1]
    return tf.reshape(x, [batch, length, x.shape[-2] * x.shape[-1]])


def attn(x, scope, n_state, hparams):
    with tf.variable_scope(scope):
        q, k, v = tf.split(conv1d(x, "c_attn", n_state * 3), 3, axis=2)
        q, k, v = (split_heads(t, hparams.n_head) for t in (q, k, v))
        w = tf.matmul(q, k, transpose_b=True) * tf.rsqrt(tf.cast(v.shape[-1], x.dtype))
        length = tf.shape(w)[-1]
        causal = tf.linalg.band_part(tf.ones([length, length], dtype=w.dtype), -1, 0)
        w = tf.nn.softmax(w * causal - 1e10 * (1 - causal), axis=-1)
        return conv1d(merge_heads(tf.matmul(w, v)), "c_proj", n_state)


def mlp(x, scope, n_state):
    with tf.variable_scope(scope):
        h = gelu(conv1d(x, "c_fc", n_state))
        return conv1d(h, "c_proj", x.shape[-1])


def block(x, scope, hparams):
    with tf.variable_scope(scope):
        nx = x.shape[-1]
        x = x + attn(norm(x, "ln_1"), "attn", nx, hparams)
        return x + mlp(norm(x, "ln_2"), "mlp", nx * 4)


def model(hparams, X, scope="model", reuse=False):
    """Token ids ``[batch, length]`` → logits ``[batch, length, n_vocab]``."""
    with tf.variable_scope(scope, reuse=reuse):
        wpe = tf.get_variable("wpe", [hparams.n_ctx, hparams.n_embd],
                              initializer=tf.random_normal_initializer(stddev=0.01))
        wte = tf.get_variable("wte", [hparams.n_vocab, hparams.n_embd],
                              initializer=tf.random_normal_initializer(stddev=0.02))
        length = tf.shape(X)[1]
        h = tf.gather(wte, X) + tf.gather(wpe, tf.range(length))[tf.newaxis]
        for layer in range(hparams.n_layer):
            h = block(h, f"h{layer}", hparams)
        h = norm(h, "ln_f")
        return tf.matmul(h, wte, transpose_b=True)
