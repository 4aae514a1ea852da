"""Variable comparison: each difference is one message naming the variable."""

from __future__ import annotations

from tf1migrate.verify.compare import compare_variables, compare_with_checkpoint
from tf1migrate.verify.model import VariableInfo


def var(name, shape, dtype="float32", trainable=True):
    return VariableInfo(name, tuple(shape), dtype, trainable)


REFERENCE = [
    var("model/dense/kernel", [4, 8]),
    var("model/dense/bias", [8]),
    var("model/bn/moving_mean", [8], trainable=False),
]


def test_identical_lists_are_ok():
    assert compare_variables(REFERENCE, list(reversed(REFERENCE))).ok


def test_off_by_one_uniquification_names_the_closest_counterpart():
    migrated = [var("model/dense_1/kernel", [4, 8]), REFERENCE[1], REFERENCE[2]]
    result = compare_variables(REFERENCE, migrated)
    assert result.missing == ["model/dense/kernel"] and result.unexpected == ["model/dense_1/kernel"]
    assert result.messages == [
        "missing variable model/dense/kernel [4, 8] (closest in the migrated layer: model/dense_1/kernel [4, 8])",
        "unexpected variable model/dense_1/kernel [4, 8] (closest in the reference: model/dense/kernel [4, 8])",
    ]


def test_shape_dtype_and_trainable_differences():
    migrated = [
        var("model/dense/kernel", [8, 4]),
        var("model/dense/bias", [8], dtype="float16"),
        var("model/bn/moving_mean", [8], trainable=True),
    ]
    result = compare_variables(REFERENCE, migrated)
    assert not result.missing and not result.unexpected
    assert result.messages == [
        "model/bn/moving_mean: not trainable in the reference, trainable migrated",
        "model/dense/bias: dtype float32 in the reference, float16 migrated",
        "model/dense/kernel: shape [4, 8] in the reference, [8, 4] migrated (transposed?)",
    ]


def test_checkpoint_ignores_other_layers_and_optimizer_slots_but_not_own_scope():
    checkpoint = [
        var("model/dense/kernel", [4, 8], trainable=None),
        var("model/dense/bias", [8], trainable=None),
        var("model/dense/kernel/Adam", [4, 8], trainable=None),
        var("model/bn/moving_mean", [8], trainable=None),
        var("global_step", [], dtype="int64", trainable=None),
        var("discriminator/w", [3], trainable=None),
    ]
    migrated = [REFERENCE[0], REFERENCE[2]]  # dropped bias
    result = compare_with_checkpoint(checkpoint, migrated)
    assert result.missing == [] and result.unexpected == ["model/dense/bias"]
    assert result.messages == [
        "unexpected checkpoint entry in the layer's scope: model/dense/bias [8] "
        "(closest in the migrated layer: model/dense/kernel [4, 8])"
    ]
    assert result.ignored == ["discriminator/w", "global_step", "model/dense/kernel/Adam"]


def test_layer_variable_absent_from_checkpoint_is_missing():
    checkpoint = [var("model/dense/kernel", [4, 8], trainable=None)]
    result = compare_with_checkpoint(checkpoint, REFERENCE[:2])
    assert result.missing == ["model/dense/bias"]
    assert result.messages == [
        "missing from the checkpoint: model/dense/bias [8] (closest checkpoint entry: model/dense/kernel [4, 8])"
    ]


def test_trainable_collection_that_disagrees_with_the_flag_is_a_note_not_a_mismatch():
    """facenet's squeezenet puts its batch-norm moving averages in TF1's trainable collection
    (variables_collections=[TRAINABLE_VARIABLES]) though they are created not trainable; a
    frozen variable is taken out of it. The migrated layer follows the created flag."""
    moving = VariableInfo("net/bn/moving_mean", (8,), "float32", False, in_trainable_collection=True)
    frozen = VariableInfo("net/dense/kernel", (4, 8), "float32", True, in_trainable_collection=False)
    migrated = [var("net/bn/moving_mean", [8], trainable=False), var("net/dense/kernel", [4, 8])]
    result = compare_variables([moving, frozen], migrated)
    assert result.ok
    assert result.notes == [
        (
            "1 variable created not trainable but in the TF1 graph's trainable collection "
            "(variables_collections?); the migrated layer keeps them not trainable: "
            "net/bn/moving_mean"
        ),
        (
            "1 variable created trainable but not in the TF1 graph's trainable collection "
            "(removed to freeze them?); the migrated layer trains them, freeze them there if "
            "that was meant: net/dense/kernel"
        ),
    ]
    many = [VariableInfo(f"bn{i}/moving_mean", (2,), "float32", False, True) for i in range(6)]
    (note,) = compare_variables(many, [var(v.name, [2], trainable=False) for v in many]).notes
    assert note.startswith("6 variables created not trainable") and note.endswith(
        "bn0/moving_mean, bn1/moving_mean, bn2/moving_mean, bn3/moving_mean and 2 more"
    )
    assert VariableInfo.from_json(
        {"name": "a", "shape": [1], "dtype": "float32", "trainable": False, "in_trainable_collection": True}
    ) == VariableInfo("a", (1,), "float32", False, True)
