"""The fixtures' training-side code builds (and where cheap, runs) in a TF1 graph.

The codemod only reports on this code, so no other test executes it; building it here
keeps the "genuine TF1 code" claim true for the whole fixture, and shows that model code
and training code agree (reuse across towers, checkpoint names the training code writes).
"""

from __future__ import annotations

from tests.fixtures_check.specs import REPOS, tree_digest

_PRELUDE = """
def names(report):
    return [name for name, *_ in report["variables"]]


def shapes(report):
    return {key: list(value.shape) for key, value in report["outputs"].items()}
"""


def training_case(fixture: str, module: str, body: str) -> str:
    """Code for one oracle case: ``build(mod)`` runs under TF1 in a fresh graph.

    ``body`` defines ``build(mod)`` and may define ``FEED`` (placeholder name -> value).
    """
    return (
        f"# {fixture} tree {tree_digest(fixture)}\n{_PRELUDE}\n{body}\n\n"
        "def run():\n"
        "    with tf1_behavior():\n"
        f"        mod = import_tf1_module({str(REPOS / fixture)!r}, {module!r})\n"
        "        report = graph_report(lambda: build(mod), feed=globals().get('FEED'))\n"
        "    small = {k: v.tolist() for k, v in report['outputs'].items() if v.size <= 16}\n"
        "    return {'variables': names(report), 'outputs': shapes(report), 'values': small}\n"
    )


ORACLE_CASES = {
    "fixtures-train-gpt2-sample": training_case("gpt2", "sample", """
def build(mod):
    hparams = mod.model.default_hparams()
    tokens = mod.sample_sequence(hparams=hparams, length=3, start_token=0, batch_size=2, top_k=5)
    return {"tokens": tokens}
"""),
    "fixtures-train-dcgan-build-model": training_case("dcgan", "model", """
FEED = {"z:0": np.zeros([2, 8], np.float32), "real_images:0": np.zeros([2, 16, 16, 3], np.float32)}


def build(mod):
    gan = mod.DCGAN(batch_size=2, output_height=16, output_width=16, z_dim=8, gf_dim=4, df_dim=4)
    gan.build_model()
    return {"d_loss": gan.d_loss, "g_loss": gan.g_loss, "sampler": gan.sampler}
"""),
    "fixtures-train-cnn-graph": training_case("cnn", "train", """
def build(mod):
    images, labels, loss, train_op = mod.build_train_graph()
    return {}
"""),
    **{
        f"fixtures-train-slimnets-{model}": training_case("slimnets", "train", f"""
FEED = {{"images:0": np.ones([2, 16, 16, 3], np.float32), "labels:0": np.array([0, 1], np.int32)}}


def build(mod):
    _, _, loss, _ = mod.build_train_graph(model={model!r}, batch_size=2)
    return {{"loss": loss}}
""")
        for model in ("resnet", "vgg")
    },
    "fixtures-train-bert-classifier": training_case("bert", "run_classifier", """
def build(mod):
    config = mod.modeling.tiny_config()
    ids = tf.compat.v1.placeholder_with_default(np.ones([2, 8], np.int32), [2, 8])
    ones = tf.ones([2, 8], tf.int32)
    labels = tf.constant([0, 1])
    loss, _, logits, _ = mod.create_model(config, True, ids, ones, ones * 0, labels, 2)
    mod.create_optimizer(loss, 1e-4, 10)
    return {"logits": logits}
"""),
}


def test_gpt2_sampling_loop_runs_and_reuses_the_model(oracle):
    result = oracle["fixtures-train-gpt2-sample"]
    assert result["outputs"] == {"tokens": [2, 4]}  # start token + 3 sampled
    assert all(0 <= t < 50 for row in result["values"]["tokens"] for t in row)
    assert result["variables"][:2] == ["model/wpe", "model/wte"]
    assert len(result["variables"]) == 28  # the while_loop reuses; nothing created twice


def test_dcgan_training_graph_shares_generator_and_discriminator(oracle):
    result = oracle["fixtures-train-dcgan-build-model"]
    names = result["variables"]
    assert len(names) == len(set(names))
    assert {n.split("/")[0] for n in names} == {"generator", "discriminator"}
    assert not any(n.startswith(("generator_1", "discriminator_1")) for n in names)
    assert result["outputs"]["sampler"] == [2, 16, 16, 3]


def test_cnn_training_graph_adds_optimizer_state_to_the_model(oracle):
    names = oracle["fixtures-train-cnn-graph"]["variables"]
    assert "cnn/fc1/kernel" in names and "global_step" in names
    assert "cnn/fc1/kernel/Momentum" in names


def test_bert_classifier_builds_head_and_adam_slots(oracle):
    result = oracle["fixtures-train-bert-classifier"]
    names = result["variables"]
    assert {"output_weights", "output_bias", "global_step"} <= set(names)
    assert {"bert/pooler/dense/kernel/Adam", "bert/pooler/dense/kernel/Adam_1"} <= set(names)
    assert result["outputs"] == {"logits": [2, 2]}


def test_slimnets_training_graph_has_momentum_slots_and_weight_decay(oracle):
    resnet = oracle["fixtures-train-slimnets-resnet"]["variables"]
    vgg = oracle["fixtures-train-slimnets-vgg"]["variables"]
    assert "resnet_small/block2/unit/unit_1/shortcut/weights/Momentum" in resnet
    assert "vgg_small/fc/fc_1/weights/Momentum" in vgg
    for names in (resnet, vgg):
        assert "global_step" in names
        assert not any(n.endswith("moving_mean/Momentum") for n in names)  # statistics: no slots
    assert oracle["fixtures-train-slimnets-vgg"]["outputs"] == {"loss": []}  # a scalar
