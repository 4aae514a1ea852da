"""``tf1compat.contrib.slim`` is ``tf1compat.slim`` (as ``tf.contrib.slim`` was tf-slim)."""

from __future__ import annotations

import sys

import tf1compat.slim as _slim

sys.modules[__name__] = _slim
