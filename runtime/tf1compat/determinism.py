"""Make TF1-graph and eager random numbers match, for numerical-equivalence tests.

A TF1 graph and a TF2 eager run of the same model draw different random numbers: op seeds
come from graph op counts in one and from an eager counter in the other. Inside
:meth:`DeterministicRandomTestTool.scope` every stateful random op gets its seed from this
tool instead, so both runs initialise (and drop out) identically. This replaces tf-keras's
``tf.compat.v1.keras.utils.DeterministicRandomTestTool``, which Keras 3 does not have.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import tensorflow as tf

from tf1compat import _private

MODES = ("constant", "num_random_ops")


class DeterministicRandomTestTool:
    """Seeds every stateful random op from a counter (or a constant) inside ``scope()``.

    ``mode="constant"`` gives every op the same seed (simplest; equal shapes draw equal
    numbers). ``mode="num_random_ops"`` uses the number of random ops seen so far, so values
    depend on program order and two weights never share an initialization; reusing an
    operation seed raises ``ValueError``.

    Example::

        tool = DeterministicRandomTestTool(mode="num_random_ops")
        with tool.scope():
            graph_out = run_tf1_graph()          # in tf.Graph().as_default()
        tool = DeterministicRandomTestTool(mode="num_random_ops")
        with tool.scope():
            eager_out = migrated_layer(inputs)
        np.testing.assert_allclose(graph_out, eager_out)
    """

    def __init__(self, seed: int = 42, mode: str = "constant"):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        self._seed, self._mode = seed, mode
        self.operation_seed = 0
        self._used_seeds: set[int] = set()

    @contextlib.contextmanager
    def scope(self) -> Iterator[DeterministicRandomTestTool]:
        """Within the block, random ops take their seeds from this tool."""
        tf.random.set_seed(self._seed)
        module = _private.RANDOM_SEED_MODULE
        original = module.get_seed
        module.get_seed = self._get_seed
        try:
            yield self
        finally:
            module.get_seed = original

    def _get_seed(self, op_seed: int | None) -> tuple[int, int]:
        del op_seed  # the tool decides, whatever the op asked for
        seed = self.operation_seed
        if self._mode == "constant":
            # Reset eager's per-seed kernel cache so each op starts afresh, as in a graph.
            tf.random.set_seed(seed)
        else:
            if seed in self._used_seeds:
                raise ValueError(
                    f"DeterministicRandomTestTool is trying to re-use the already-used "
                    f"operation seed {seed}; random numbers would no longer match between "
                    "eager and graph runs. Was operation_seed set to an earlier value?"
                )
            self._used_seeds.add(seed)
            self.operation_seed += 1
        return self._seed, seed
