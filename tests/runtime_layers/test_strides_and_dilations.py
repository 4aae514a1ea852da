"""Every conv and pool layer with unequal strides and dilations, against tf-keras legacy.

One row of ``TABLE`` is a layer family, its input shape (channels_last) and its argument
variants: a stride or dilation above 1 in each dimension in turn, with ``valid`` and
``same`` padding. Each family runs as one model per data format in which every variant is
applied in both the class form (``layers.Conv2D(...)(x)``) and the functional form
(``layers.conv2d(x, ...)``). The models go through the three-way harness: tf-keras's legacy
layers in a TF1 graph (the oracle), tf1compat in a TF1 graph, and tf1compat in a decorated
Keras 3 layer, eager and in ``tf.function``. They must agree on variable names, shapes and
order, and on the outputs with the oracle's weights loaded.

Some of these have no kernel on some CPUs (NCHW, unequal depthwise strides, unequal
transposed-conv strides in some builds); see LAYERS.md "Channels-first and strides".
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.runtime_layers.harness import (
    Case,
    compare_decorated,
    compare_graph,
    oracle_cases,
    tracking_available,
)


@dataclass(frozen=True)
class Family:
    """A layer family: class and function names, input shape, leading args, variants."""

    class_name: str
    function: str
    shape: tuple[int, ...]  # channels_last
    leading: str  # positional arguments after the input: "2, 3" (filters, kernel)
    variants: tuple[str, ...]  # keyword arguments, one string per variant


def _per_dimension(keyword: str, rank: int, value: int = 2) -> list[str]:
    """``strides=(2, 1)``, ``strides=(1, 2)``: ``value`` in each dimension in turn."""
    variants = []
    for i in range(rank):
        spec = [1] * rank
        spec[i] = value
        variants.append(f"{keyword}={tuple(spec) if rank > 1 else spec[0]}")
    return variants


def _strided(rank: int) -> list[str]:
    return [
        f"{s}, padding={p!r}" for s in _per_dimension("strides", rank) for p in ("valid", "same")
    ]


def _dilated(rank: int) -> list[str]:
    return [
        f"{d}, padding={p!r}"
        for d in _per_dimension("dilation_rate", rank)
        for p in ("valid", "same")
    ]


def _pool_strides(rank: int) -> tuple[str, ...]:
    return tuple(
        f"{s}, padding={p!r}" for s in _per_dimension("strides", rank, 3) for p in ("valid", "same")
    )


TABLE: tuple[Family, ...] = (
    Family(
        "Conv1D",
        "conv1d",
        (2, 11, 3),
        "2, 3",
        (*_strided(1), *_dilated(1), "dilation_rate=3, padding='causal'"),
    ),
    Family("Conv2D", "conv2d", (2, 9, 8, 3), "2, (3, 2)", (*_strided(2), *_dilated(2))),
    Family("Conv3D", "conv3d", (1, 7, 6, 5, 2), "2, (3, 2, 2)", (*_strided(3), *_dilated(3))),
    Family(
        "SeparableConv1D",
        "separable_conv1d",
        (2, 11, 3),
        "2, 3",
        (
            *_strided(1),
            *_dilated(1),
            "strides=2, depth_multiplier=2",
            "dilation_rate=2, padding='causal'",
        ),
    ),
    Family(
        "SeparableConv2D",
        "separable_conv2d",
        (2, 9, 8, 3),
        "2, (3, 2)",
        (*_strided(2), *_dilated(2), "strides=(2, 3), depth_multiplier=2, padding='same'"),
    ),
    Family(
        "Conv2DTranspose",
        "conv2d_transpose",
        (2, 4, 5, 3),
        "2, 3",
        (*_strided(2), "strides=(3, 1), padding='valid'", "strides=(1, 3), padding='same'"),
    ),
    Family(
        "Conv2DTranspose",
        "conv2d_transpose",
        (2, 4, 5, 3),
        "2, (2, 3)",
        ("strides=(2, 1), padding='same'", "strides=(1, 2), padding='valid'"),
    ),
    Family(
        "Conv3DTranspose", "conv3d_transpose", (1, 3, 4, 2, 2), "2, (2, 3, 2)", tuple(_strided(3))
    ),
    *(
        Family(f"{mode}Pooling{rank}D", f"{function}_pooling{rank}d", shape, pool, variants)
        for mode, function in (("Average", "average"), ("Max", "max"))
        for rank, shape, pool, variants in (
            (1, (2, 11, 3), "3", ("strides=2, padding='valid'", "strides=2, padding='same'")),
            (2, (2, 9, 8, 3), "(3, 2)", _pool_strides(2)),
            (3, (1, 7, 6, 5, 2), "(2, 3, 2)", _pool_strides(3)),
        )
    ),
)


def _model_source(family: Family, data_format: str) -> str:
    shape = family.shape
    if data_format == "channels_first":
        shape = (shape[0], shape[-1], *shape[1:-1])
    lines = [
        "def model(layers, rnn_cell):",
        f"    x = const{shape}",
        "    out = {}",
    ]
    for i, variant in enumerate(family.variants):
        args = f"{variant}, data_format={data_format!r}"
        lines.append(
            f"    out['class_{i}'] = layers.{family.class_name}({family.leading}, {args})(x)"
        )
        lines.append(
            f"    out['function_{i}'] = layers.{family.function}(x, {family.leading}, {args})"
        )
    lines.append("    return out")
    return "\n".join(lines) + "\n"


CASES: dict[str, Case] = {}
for _family in TABLE:
    for _format in ("channels_last", "channels_first"):
        _key = f"{_family.function}-{_family.leading.replace(' ', '')}-{_format}"
        CASES[_key] = Case(_model_source(_family, _format))

ORACLE_CASES = oracle_cases(CASES, prefix="runtime_layers/strides/")

needs_tracking = pytest.mark.skipif(
    not tracking_available(),
    reason="tf1compat.tracking (the decorator) is not in this checkout yet",
)


def test_table_covers_every_conv_and_pool_layer():
    """A new conv or pool layer in tf1compat must get a row here."""
    import tf1compat

    names = {
        name
        for name in tf1compat.layers.__dict__
        if name[0].isupper() and ("Conv" in name or "Pool" in name)
    }
    aliases = ("Convolution", "Deconvolution", "AvgPool", "MaxPool")
    families = {family.class_name for family in TABLE}
    missing = {n for n in names if not n.startswith(aliases) and n not in families}
    assert not missing, f"no strides/dilation row for {sorted(missing)}"


def test_unequal_transposed_strides_from_the_issue():
    """The exact report: class and functional Conv2DTranspose(2, 3, strides=(2, 1), 'same')."""
    source = CASES["conv2d_transpose-2,3-channels_last"].source
    assert "layers.Conv2DTranspose(2, 3, strides=(2, 1), padding='same'" in source
    assert "layers.conv2d_transpose(x, 2, 3, strides=(2, 1), padding='same'" in source


@pytest.mark.parametrize("name", sorted(CASES))
def test_tf1_graph_matches_legacy_layers(oracle, name):
    compare_graph(CASES[name], oracle[f"runtime_layers/strides/{name}"])


@needs_tracking
@pytest.mark.parametrize("in_function", [False, True], ids=["eager", "tf_function"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_decorated_keras3_layer_matches_legacy_layers(oracle, name, in_function):
    compare_decorated(
        CASES[name], oracle[f"runtime_layers/strides/{name}"], in_function=in_function
    )
