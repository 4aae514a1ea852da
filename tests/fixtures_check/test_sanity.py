"""The fixtures build the TF1 variable layouts they claim to imitate.

The reference test only says "nothing changed"; these say the layouts are the right ones
(checkpoint-compatible names, reuse not duplicating variables, training-only update ops).
"""

from __future__ import annotations

import pytest

from tests.fixtures_check.cases import fixture_cases

ORACLE_CASES = fixture_cases()


def variables(oracle, case: str, label: str = "default") -> dict[str, tuple]:
    report = oracle[f"fixture:{case}"][label]
    return {
        name: (shape, dtype, trainable) for name, shape, dtype, trainable in report["variables"]
    }


def test_gpt2_uses_the_released_checkpoint_layout(oracle):
    names = variables(oracle, "gpt2:model:model")
    assert all(name.startswith("model/") for name in names)
    assert names["model/wte"][0] == [50, 16]
    assert names["model/wpe"][0] == [16, 16]
    assert names["model/h0/attn/c_attn/w"][0] == [1, 16, 48]
    assert names["model/h1/mlp/c_fc/w"][0] == [1, 16, 64]
    assert {"model/ln_f/g", "model/ln_f/b"} <= set(names)
    assert len(names) == 2 + 2 + 2 * 12  # wte/wpe, ln_f, 12 tensors per block


def test_bert_builds_the_same_variables_in_both_modes(oracle):
    train = variables(oracle, "bert:modeling:BertModel", "training=true")
    infer = variables(oracle, "bert:modeling:BertModel", "training=false")
    assert train == infer
    assert train["bert/embeddings/word_embeddings"][0] == [40, 16]
    assert "bert/embeddings/LayerNorm/gamma" in train
    assert train["bert/encoder/layer_1/attention/self/query/kernel"][0] == [16, 16]
    assert train["bert/encoder/layer_0/intermediate/dense/kernel"][0] == [16, 32]
    assert train["bert/pooler/dense/kernel"][0] == [16, 16]


def test_dcgan_scopes_and_batch_norm_statistics(oracle):
    generator = variables(oracle, "dcgan:model:DCGAN.generator", "training=true")
    discriminator = variables(oracle, "dcgan:model:DCGAN.discriminator")
    assert all(name.startswith("generator/") for name in generator)
    assert all(name.startswith("discriminator/") for name in discriminator)
    assert generator["generator/g_h0_lin/Matrix"][0] == [8, 4 * 8]
    assert generator["generator/g_bn0/moving_mean"][2] is False
    assert discriminator["discriminator/d_h0_conv/w"][0] == [5, 5, 3, 4]
    reports = oracle["fixture:dcgan:model:DCGAN.generator"]
    assert reports["training=true"]["update_ops"] == 8  # mean + variance for g_bn0..g_bn3
    assert reports["training=false"]["update_ops"] == 0


def test_cnn_layers_regularizer_and_updates(oracle):
    names = variables(oracle, "cnn:model:cnn_model", "training=true")
    assert "cnn/block1/conv2d/kernel" in names and "cnn/block1/conv2d/bias" not in names
    assert names["cnn/block2/batch_normalization/moving_variance"][2] is False
    assert names["cnn/fc1/kernel"][0] == [16, 32]
    assert names["cnn/logits/bias"][0] == [10]
    reports = oracle["fixture:cnn:model:cnn_model"]
    assert [reports[label]["update_ops"] for label in ("training=false", "training=true")] == [0, 4]
    assert reports["training=true"]["regularization_losses"] == 1


def test_lstm_cell_names_under_dynamic_rnn(oracle):
    names = variables(oracle, "lstm:model:seq_model", "training=false")
    assert names["seq_model/embedding"][0] == [30, 8]
    assert names["seq_model/rnn/multi_rnn_cell/cell_0/lstm_cell/kernel"][0] == [8 + 12, 4 * 12]
    assert names["seq_model/rnn/multi_rnn_cell/cell_1/lstm_cell/kernel"][0] == [12 + 12, 4 * 12]
    assert names["seq_model/softmax_w"][0] == [12, 5]


@pytest.mark.parametrize(
    "key, expected",
    [
        ("nets.plain:two_layer_mlp", ["mlp/w1", "mlp/b1", "mlp/w2", "mlp/b2"]),
        ("nets.mixed:residual_block", ["res/kernel", "res/proj/kernel"]),
        ("nets.reexport:bottleneck", ["bottleneck/squeeze/kernel", "bottleneck/squeeze/bias",
                                      "bottleneck/expand/kernel", "bottleneck/expand/bias"]),
        ("nets.shadowing:stack_from_specs",
         ["stack/a/kernel", "stack/a/bias", "stack/b/kernel", "stack/b/bias"]),
    ],
)
def test_alias_modules_all_reach_tensorflow(oracle, key, expected):
    assert list(variables(oracle, f"aliases:{key}")) == expected


def test_slim_vgg_uses_slim_checkpoint_names_and_end_points(oracle):
    names = variables(oracle, "slimnets:nets.vgg:vgg_small", "training=true")
    assert names["vgg_small/conv1/conv1_1/weights"][0] == [3, 3, 3, 8]
    assert "vgg_small/conv1/conv1_1/biases" not in names  # batch norm replaces the bias
    assert names["vgg_small/conv1/conv1_2/BatchNorm/moving_mean"][2] is False
    assert names["vgg_small/conv3/conv3_2/weights"][0] == [1, 1, 32, 32]
    assert names["vgg_small/fc/fc_1/weights"][0] == [2 * 2 * 32, 64]
    assert names["vgg_small/logits/biases"][0] == [5]
    reports = oracle["fixture:slimnets:nets.vgg:vgg_small"]
    assert [reports[label]["update_ops"] for label in ("training=false", "training=true")] == [0, 12]
    assert reports["training=true"]["regularization_losses"] == 6 + 3  # convs, fc_1, fc_2, logits
    outputs = reports["training=true"]["outputs"]
    assert outputs["0"] == [[2, 5], "float32"]
    assert {"1/vgg_small/conv1/conv1_2", "1/vgg_small/pool3", "1/predictions"} <= set(outputs)


def test_slim_resnet_stacks_units_with_projection_shortcuts(oracle):
    names = variables(oracle, "slimnets:nets.resnet:resnet_small", "training=true")
    assert names["resnet_small/conv1/weights"][0] == [3, 3, 3, 16]
    assert "resnet_small/block1/unit/unit_1/shortcut/weights" not in names  # same depth, stride 1
    assert names["resnet_small/block2/unit/unit_1/shortcut/weights"][0] == [1, 1, 16, 32]
    assert names["resnet_small/block2/unit/unit_2/conv2/BatchNorm/gamma"][2] is True
    assert names["resnet_small/logits/weights"][0] == [1, 1, 32, 10]
    reports = oracle["fixture:slimnets:nets.resnet:resnet_small"]
    assert [reports[label]["update_ops"] for label in ("training=false", "training=true")] == [0, 20]
