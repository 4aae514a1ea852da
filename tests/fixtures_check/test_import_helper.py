"""The oracle's import_tf1_module / tf1_behavior helpers, exercised on the fixture trees.

They decide what "the original TF1 code" means for every fixture test, so they must bind
each TensorFlow import form to tf.compat.v1, keep same-named modules of two trees apart,
leave no trace in the tree or in sys.modules, and hand TF2 behaviour back to later cases.
"""

from __future__ import annotations

from tests.fixtures_check.specs import REPOS, tree_digest

CHECK_CODE = f'''
# trees: aliases {tree_digest("aliases")}, gpt2 {tree_digest("gpt2")}, dcgan {tree_digest("dcgan")}
import os
import sys


def tree_files(root):
    return sorted(os.path.join(d, f) for d, _, files in os.walk(root) for f in files)


def run():
    aliases, gpt2, dcgan = {str(REPOS / "aliases")!r}, {str(REPOS / "gpt2")!r}, {str(REPOS / "dcgan")!r}
    before = tree_files(aliases)
    result = {{}}
    with tf1_behavior():
        result["v2_inside"] = tf.compat.v1.executing_eagerly()
        bound = {{}}
        for name in ("plain", "compat_v1", "from_compat", "mixed", "reexport", "shadowing"):
            module = import_tf1_module(aliases, "nets." + name)
            bound[name] = module.tf.get_variable is tf.compat.v1.get_variable
        layers_import = import_tf1_module(aliases, "nets.layers_import")
        bound["layers_import.dense"] = layers_import.dense is tf.compat.v1.layers.dense
        bound["layers_import.layers"] = layers_import.layers.batch_normalization is tf.compat.v1.layers.batch_normalization
        bound["layers_import.get_variable"] = layers_import.get_variable is tf.compat.v1.get_variable
        result["bound"] = bound
        try:
            import_tf1_module(aliases, "nets.slim_from")
            result["contrib"] = "imported"
        except ImportError as exc:
            result["contrib"] = type(exc).__name__
        result["gpt2_model"] = hasattr(import_tf1_module(gpt2, "model"), "default_hparams")
        result["dcgan_model"] = hasattr(import_tf1_module(dcgan, "model"), "DCGAN")
        result["left_in_sys_modules"] = sorted(k for k in sys.modules if k.split(".")[0] in ("nets", "model", "ops"))
    result["tree_unchanged"] = tree_files(aliases) == before
    result["eager_after"] = tf.executing_eagerly()
    result["tensorshape_v2_after"] = tf.TensorShape([3])[0] == 3 and not hasattr(tf.TensorShape([3])[0], "value")
    return result
'''

ORACLE_CASES = {"fixtures-import-helper": CHECK_CODE}


def test_every_import_form_is_bound_to_compat_v1(oracle):
    result = oracle["fixtures-import-helper"]
    assert result["v2_inside"] is False
    assert result["bound"] == {name: True for name in result["bound"]} and len(result["bound"]) == 9


def test_contrib_imports_fail_like_on_tf2(oracle):
    assert oracle["fixtures-import-helper"]["contrib"] == "ModuleNotFoundError"


def test_same_named_modules_of_two_trees_stay_apart(oracle):
    result = oracle["fixtures-import-helper"]
    assert result["gpt2_model"] and result["dcgan_model"]
    assert result["left_in_sys_modules"] == []


def test_no_trace_in_the_tree_and_tf2_behaviour_restored(oracle):
    result = oracle["fixtures-import-helper"]
    assert result["tree_unchanged"]
    assert result["eager_after"] and result["tensorshape_v2_after"]
