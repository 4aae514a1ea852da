"""The oracle's import_tf1_module / tf1_behavior helpers, exercised on the fixture trees.

They decide what "the original TF1 code" means for every fixture test, so they must bind
each TensorFlow import form to tf.compat.v1, keep same-named modules of two trees apart,
leave no trace in the tree or in sys.modules, and hand TF2 behaviour back to later cases.
"""

from __future__ import annotations

from tests.fixtures_check.specs import REPOS, tree_digest

#: Modules of the aliases fixture whose ``tf`` must be tf.compat.v1 however it was imported.
TF_ALIAS_MODULES = ("plain", "compat_v1", "from_compat", "mixed", "reexport", "shadowing")

CHECK_CODE = f"""
# trees: {tree_digest("aliases")} {tree_digest("gpt2")} {tree_digest("dcgan")}
import os
import sys

ALIASES = {str(REPOS / "aliases")!r}
GPT2 = {str(REPOS / "gpt2")!r}
DCGAN = {str(REPOS / "dcgan")!r}
TREE_MODULES = ("nets", "model", "ops")


def tree_files(root):
    return sorted(os.path.join(d, f) for d, _, files in os.walk(root) for f in files)


def bindings(v1):
    bound = {{}}
    for name in {TF_ALIAS_MODULES!r}:
        module = import_tf1_module(ALIASES, "nets." + name)
        bound[name] = module.tf.get_variable is v1.get_variable
    imported = import_tf1_module(ALIASES, "nets.layers_import")
    bound["dense"] = imported.dense is v1.layers.dense
    bound["layers"] = imported.layers.batch_normalization is v1.layers.batch_normalization
    bound["get_variable"] = imported.get_variable is v1.get_variable
    return bound


def run():
    v1 = tf.compat.v1
    before = tree_files(ALIASES)
    result = {{}}
    with tf1_behavior():
        result["eager_inside"] = v1.executing_eagerly()
        result["bound"] = bindings(v1)
        try:
            result["contrib"] = import_tf1_module(ALIASES, "nets.slim_from").slim.__name__
        except ImportError as exc:
            result["contrib"] = type(exc).__name__
        result["gpt2_model"] = hasattr(import_tf1_module(GPT2, "model"), "default_hparams")
        result["dcgan_model"] = hasattr(import_tf1_module(DCGAN, "model"), "DCGAN")
        result["left_over"] = sorted(k for k in sys.modules if k.split(".")[0] in TREE_MODULES)
    result["tree_unchanged"] = tree_files(ALIASES) == before
    result["eager_after"] = tf.executing_eagerly()
    result["v2_tensorshape_after"] = not hasattr(tf.TensorShape([3])[0], "value")
    return result
"""

ORACLE_CASES = {"fixtures-import-helper": CHECK_CODE}


def test_every_import_form_is_bound_to_compat_v1(oracle):
    result = oracle["fixtures-import-helper"]
    assert result["eager_inside"] is False
    expected = {name: True for name in (*TF_ALIAS_MODULES, "dense", "layers", "get_variable")}
    assert result["bound"] == expected


def test_contrib_binds_the_genuine_tf_slim_as_the_verify_reference_does(oracle):
    # TF 2 has no tf.contrib; the oracle builds legacy slim code on tf-slim, like verify.
    assert oracle["fixtures-import-helper"]["contrib"] == "tf_slim"


def test_same_named_modules_of_two_trees_stay_apart(oracle):
    result = oracle["fixtures-import-helper"]
    assert result["gpt2_model"] and result["dcgan_model"]
    assert result["left_over"] == []


def test_no_trace_in_the_tree_and_tf2_behaviour_restored(oracle):
    result = oracle["fixtures-import-helper"]
    assert result["tree_unchanged"]
    assert result["eager_after"] and result["v2_tensorshape_after"]
