"""``tf.contrib.training``: ``HParams``."""

from __future__ import annotations

from tf1compat.contrib.training.hparam import HParams, parse_values

__all__ = ["HParams", "parse_values"]
