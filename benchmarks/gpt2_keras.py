"""The GPT-2-style model of ``gpt2_tf1`` written by hand as plain Keras 3 layers.

Same architecture, same parameter count, same TensorFlow ops in the same order; only the
weight plumbing differs (``add_weight`` in ``build`` instead of ``get_variable`` in a tracked
``call``). It is the baseline a migrated layer must not be slower than.
"""

from __future__ import annotations

import math

import keras
import tensorflow as tf

from benchmarks.gpt2_config import HParams


def gelu(x):
    return 0.5 * x * (1 + tf.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * tf.pow(x, 3))))


class Norm(keras.layers.Layer):
    def __init__(self, epsilon: float = 1e-5, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def build(self, input_shape):
        n_state = input_shape[-1]
        self.g = self.add_weight(name="g", shape=(n_state,), initializer="ones")
        self.b = self.add_weight(name="b", shape=(n_state,), initializer="zeros")

    def call(self, x):
        mean, variance = tf.nn.moments(x, axes=[-1], keepdims=True)
        return (x - mean) * tf.math.rsqrt(variance + self.epsilon) * self.g + self.b


class Conv1D(keras.layers.Layer):
    """Position-wise projection; kernel ``[nx, nf]`` (same parameters as TF1's ``[1, nx, nf]``)."""

    def __init__(self, nf: int, **kwargs):
        super().__init__(**kwargs)
        self.nf = nf

    def build(self, input_shape):
        nx = input_shape[-1]
        self.w = self.add_weight(name="w", shape=(nx, self.nf),
                                 initializer=keras.initializers.RandomNormal(stddev=0.02))
        self.b = self.add_weight(name="b", shape=(self.nf,), initializer="zeros")

    def call(self, x):
        nx = x.shape[-1]
        out = tf.matmul(tf.reshape(x, [-1, nx]), self.w) + self.b
        return tf.reshape(out, tf.concat([tf.shape(x)[:-1], [self.nf]], axis=0))


class Attention(keras.layers.Layer):
    def __init__(self, n_state: int, n_head: int, **kwargs):
        super().__init__(**kwargs)
        self.n_head = n_head
        self.c_attn = Conv1D(n_state * 3, name="c_attn")
        self.c_proj = Conv1D(n_state, name="c_proj")

    def _split(self, x):
        batch, length = tf.shape(x)[0], tf.shape(x)[1]
        x = tf.reshape(x, [batch, length, self.n_head, x.shape[-1] // self.n_head])
        return tf.transpose(x, [0, 2, 1, 3])

    def call(self, x):
        q, k, v = (self._split(t) for t in tf.split(self.c_attn(x), 3, axis=2))
        w = tf.matmul(q, k, transpose_b=True) * tf.math.rsqrt(tf.cast(v.shape[-1], x.dtype))
        length = tf.shape(w)[-1]
        causal = tf.linalg.band_part(tf.ones([length, length], dtype=w.dtype), -1, 0)
        w = tf.nn.softmax(w * causal - 1e10 * (1 - causal), axis=-1)
        a = tf.transpose(tf.matmul(w, v), [0, 2, 1, 3])
        batch, length = tf.shape(a)[0], tf.shape(a)[1]
        return self.c_proj(tf.reshape(a, [batch, length, a.shape[-2] * a.shape[-1]]))


class MLP(keras.layers.Layer):
    def __init__(self, n_state: int, n_out: int, **kwargs):
        super().__init__(**kwargs)
        self.c_fc = Conv1D(n_state, name="c_fc")
        self.c_proj = Conv1D(n_out, name="c_proj")

    def call(self, x):
        return self.c_proj(gelu(self.c_fc(x)))


class Block(keras.layers.Layer):
    def __init__(self, hparams: HParams, **kwargs):
        super().__init__(**kwargs)
        d = hparams.n_embd
        self.ln_1, self.ln_2 = Norm(name="ln_1"), Norm(name="ln_2")
        self.attn = Attention(d, hparams.n_head, name="attn")
        self.mlp = MLP(4 * d, d, name="mlp")

    def call(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT2(keras.layers.Layer):
    """Token ids ``[batch, length]`` → logits ``[batch, length, n_vocab]``."""

    def __init__(self, hparams: HParams, **kwargs):
        super().__init__(**kwargs)
        self.hparams = hparams
        self.blocks = [Block(hparams, name=f"h{i}") for i in range(hparams.n_layer)]
        self.ln_f = Norm(name="ln_f")

    def build(self, input_shape):
        hp = self.hparams
        self.wpe = self.add_weight(name="wpe", shape=(hp.n_ctx, hp.n_embd),
                                   initializer=keras.initializers.RandomNormal(stddev=0.01))
        self.wte = self.add_weight(name="wte", shape=(hp.n_vocab, hp.n_embd),
                                   initializer=keras.initializers.RandomNormal(stddev=0.02))

    def call(self, X):
        length = tf.shape(X)[1]
        h = tf.gather(self.wte, X) + tf.gather(self.wpe, tf.range(length))[tf.newaxis]
        for blk in self.blocks:
            h = blk(h)
        return tf.matmul(self.ln_f(h), self.wte, transpose_b=True)
