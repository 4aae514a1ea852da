"""``slim.model_analyzer``: the variable summary TF1 training scripts print at start-up.

Model code calls ``slim.model_analyzer.analyze_vars(tf.trainable_variables(), print_info=True)``
next to the graph it builds (the GAN zoo's ``show_all_variables``); it holds no variables and
works on any variables, TF1 or tf1compat ones. Same text as tf-slim 1.1.0 prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["analyze_vars", "tensor_description"]


def tensor_description(var: Any) -> str:
    """``(float32 1x8x8x1024)``: dtype and shape (unknown dimensions as tf-slim 1.1.0 on TF 2
    prints them, ``None``)."""
    sizes = [str(size) for size in var.get_shape().as_list()]
    return f"({var.dtype.name} {'x'.join(sizes)})"


def analyze_vars(variables: Iterable[Any], print_info: bool = False) -> tuple[int, int]:
    """Print each variable's name, dtype, shape and size; return (total size, total bytes)."""
    if print_info:
        print("---------")
        print("Variables: name (type shape) [size]")
        print("---------")
    total_size = 0
    total_bytes = 0
    for var in variables:
        size = var.get_shape().num_elements() or 0  # unknown or scalar-less shapes count 0
        size_bytes = size * var.dtype.size
        total_size += size
        total_bytes += size_bytes
        if print_info:
            print(var.name, tensor_description(var), "[%d, bytes: %d]" % (size, size_bytes))
    if print_info:
        print("Total size of variables: %d" % total_size)
        print("Total bytes of variables: %d" % total_bytes)
    return total_size, total_bytes
