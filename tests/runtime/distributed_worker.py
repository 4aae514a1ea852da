"""Child-process entry points for the distribution tests (run as ``python -m``).

Logical CPU devices and TF_CONFIG must be set before TensorFlow initialises, so these run in
fresh processes; each prints one JSON line of results (``RESULT {...}``) for the test.
"""

from __future__ import annotations

import json
import sys

import numpy as np


def mirrored() -> dict:
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    import keras

    import tf1compat
    from tests.runtime.migrated_example import HPARAMS, ModelLayer, functional_model

    v1 = tf.compat.v1
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    tokens = np.arange(24, dtype="int32").reshape(4, 6) % HPARAMS["n_vocab"]
    result: dict = {"replicas": strategy.num_replicas_in_sync}

    with strategy.scope():  # creation in cross-replica context
        layer = ModelLayer(HPARAMS)
        layer(tokens)
    result["cross_replica_mirrored"] = sorted(
        name for name, v in tf1compat.tf1_variables(layer).items()
        if isinstance(v, tf.distribute.DistributedValues))
    result["cross_replica_weights"] = len(layer.weights)

    # Name-based TF1 checkpoints work with mirrored variables in both directions.
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        prefix = tf1compat.save_tf1_checkpoint(layer, f"{directory}/model.ckpt")
        with strategy.scope():
            restored = ModelLayer(HPARAMS)
            restored(tokens)
        report = tf1compat.load_tf1_checkpoint(restored, prefix)
    result["checkpoint_loaded"] = sorted(report.loaded)
    result["checkpoint_outputs_equal"] = bool(np.allclose(restored(tokens), layer(tokens)))
    result["checkpoint_replicas_equal"] = all(
        np.array_equal(*[t.numpy() for t in strategy.experimental_local_results(v)])
        for v in tf1compat.tf1_variables(restored).values())

    class Stats(tf.Module):
        @tf1compat.track_tf1_style_variables
        def __call__(self, x):
            mean = v1.get_variable("stats/moving_mean", [], initializer=v1.zeros_initializer(),
                                   synchronization=tf.VariableSynchronization.ON_READ,
                                   aggregation=tf.VariableAggregation.MEAN)
            w = v1.get_variable("stats/w", [], initializer=v1.ones_initializer())
            mean.assign(tf.reduce_mean(x))
            return x * w

    with strategy.scope():
        stats = Stats()

    @tf.function
    def step(x):  # first call creates the variables in replica context
        return strategy.run(stats, args=(x,))

    per_replica = strategy.experimental_distribute_values_from_function(
        lambda ctx: tf.fill([2], float(ctx.replica_id_in_sync_group + 1)))
    step(per_replica)
    step(per_replica)
    variables = tf1compat.tf1_variables(stats)
    result["replica_created"] = sorted(
        (name, type(v).__name__) for name, v in variables.items())
    result["on_read_mean"] = float(variables["stats/moving_mean"].read_value())

    class RawModule(tf.Module):
        """TF1 code making weights with tf.Variable, mixed with get_variable."""

        @tf1compat.track_tf1_style_variables
        def __call__(self, x):
            with tf.name_scope("raw"):
                w = tf.Variable(tf.ones([2]) * 2.0, name="w")
                seen = tf.Variable(0.0, name="seen", trainable=False,
                                   synchronization=tf.VariableSynchronization.ON_READ,
                                   aggregation=tf.VariableAggregation.MEAN)
            with v1.variable_scope("raw"):
                g = v1.get_variable("w", [2], initializer=v1.ones_initializer())
            seen.assign(tf.reduce_mean(x))
            return x * w + g

    with strategy.scope():  # creation in cross-replica context
        raw = RawModule()
        raw(tf.ones([2]))
    result["raw_cross_replica"] = sorted(
        (name, type(v).__name__) for name, v in tf1compat.tf1_variables(raw).items())
    with strategy.scope():
        raw_in_replica = RawModule()

    @tf.function
    def raw_step(x):  # first call creates the raw variables in replica context
        return strategy.run(raw_in_replica, args=(x,))

    raw_step(per_replica)
    outputs = raw_step(per_replica)
    result["raw_replica_created"] = sorted(
        (name, type(v).__name__) for name, v in tf1compat.tf1_variables(raw_in_replica).items())
    result["raw_replica_outputs"] = [
        t.numpy().tolist() for t in strategy.experimental_local_results(outputs)]
    result["raw_replica_seen"] = float(
        tf1compat.tf1_variables(raw_in_replica)["raw/seen"].read_value())

    with strategy.scope():
        model = functional_model()
        model.compile(optimizer=keras.optimizers.Adam(0.05),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    before = {n: v.numpy().copy() for n, v in tf1compat.tf1_variables(model).items()}
    data = np.random.default_rng(0).integers(0, HPARAMS["n_vocab"], (16, 6)).astype("int32")
    losses = model.fit(data, np.roll(data, -1, 1), batch_size=8, epochs=3, verbose=0)
    result["fit_losses"] = losses.history["loss"]
    result["fit_all_changed"] = all(
        not np.allclose(v.numpy(), before[n]) for n, v in tf1compat.tf1_variables(model).items())
    result["fit_replicas_equal"] = all(
        np.array_equal(*[t.numpy() for t in strategy.experimental_local_results(v)])
        for v in tf1compat.tf1_variables(model).values())
    return result


def multi_worker(out_path: str) -> dict:
    """Custom training loop (Keras 3's ``fit`` does not support this strategy: keras#20585)."""
    import os

    import tensorflow as tf

    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    import keras

    import tf1compat
    from tests.runtime.migrated_example import HPARAMS, functional_model

    task = json.loads(os.environ["TF_CONFIG"])["task"]["index"]
    keras.utils.set_random_seed(100 + task)  # different local seeds: creation must sync
    with strategy.scope():
        model = functional_model()
        optimizer = keras.optimizers.SGD(0.5)
    initial = {n: v.numpy().copy() for n, v in tf1compat.tf1_variables(model).items()}

    global_batch = 8
    rng = np.random.default_rng(task)  # each worker sees different data
    data = rng.integers(0, HPARAMS["n_vocab"], (16, 6)).astype("int32")
    dataset = tf.data.Dataset.from_tensor_slices((data, np.roll(data, -1, 1)))
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.OFF
    dataset = dataset.batch(global_batch // strategy.num_replicas_in_sync).with_options(options)
    per_token = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=None)

    def replica_step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            loss = tf.nn.compute_average_loss(
                tf.reduce_mean(per_token(y, logits), axis=-1), global_batch_size=global_batch)
            loss += tf.nn.scale_regularization_loss(tf.add_n(model.losses))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    @tf.function
    def train_step(x, y):
        losses = strategy.run(replica_step, args=(x, y))
        return strategy.reduce(tf.distribute.ReduceOp.SUM, losses, axis=None)

    losses = [float(train_step(x, y))
              for _ in range(2) for x, y in strategy.experimental_distribute_dataset(dataset)]
    final = {n: v.numpy() for n, v in tf1compat.tf1_variables(model).items()}
    np.savez(out_path, **{f"initial/{n}": v for n, v in initial.items()},
             **{f"final/{n}": v for n, v in final.items()})
    return {"task": task, "variables": sorted(final), "losses": losses}


if __name__ == "__main__":
    mode = sys.argv[1]
    result = mirrored() if mode == "mirrored" else multi_worker(sys.argv[2])
    print("RESULT " + json.dumps(result), flush=True)
