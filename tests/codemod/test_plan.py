"""The plan stage: which variable-creating callables become wrappers, and the evidence why."""

from __future__ import annotations

from textwrap import dedent

import pytest

from tests.codemod.test_index import index_of, root_keys
from tf1migrate.passes import migrate_sources
from tf1migrate.plan import THRESHOLD

REGISTRY = {
    "nets.py": '''
import tensorflow as tf

def mlp(num_hidden=16):
    def network_fn(X):
        return tf.layers.dense(X, num_hidden, name="fc")
    return network_fn

def defaults():
    return dict(network=mlp(num_hidden=8), lr=1e-3)
''',
}

OPTIMIZER = {
    "opt.py": '''
import tensorflow as tf
train = tf.train

class Lamb(train.Optimizer):
    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        m = tf.get_variable("m", [3])
        return m
''',
}

CONFIG = {
    "pool.py": '''
import tensorflow as tf

def summarize(hidden, summary_type, use_proj=True, name="summary"):
    with tf.variable_scope(name):
        if summary_type == "last":
            hidden = hidden[:, -1]
        if use_proj:
            hidden = tf.layers.dense(hidden, 4, name="proj")
        return hidden

def make_table(summary_type, n_classes):
    table = {"last": 1}
    with tf.variable_scope("table"):
        return tf.get_variable("w", [table[summary_type], n_classes])
''',
}

HELPERS = {
    "inits.py": '''
import tensorflow as tf

def weight(shape, name=None):
    return tf.Variable(tf.zeros(shape), name=name)
''',
    "model.py": '''
import tensorflow as tf
from inits import weight

class Base(object):
    def build(self):
        with tf.variable_scope(self.name):
            self._build()
        self.outputs = tf.matmul(self.inputs, self.w)

class Net(Base):
    def __init__(self, inputs, input_dim, name="net"):
        self.name = name
        self.inputs = inputs
        self.input_dim = input_dim
        self.build()

    def _build(self):
        self.w = weight([self.input_dim, 2], name="w")
''',
}


def _files(files: dict[str, str]) -> dict[str, str]:
    return {path: dedent(source) for path, source in files.items()}


def test_builder_returning_a_closure_is_wrapped_and_its_dict_caller_is_not():
    index = index_of(REGISTRY)
    assert root_keys(index) == {"nets:mlp"}
    (root,) = index.roots_in("nets")
    assert root.kind == "closure"
    assert root.config_params == ("num_hidden",)
    assert root.tensor_params == ("X",)
    # the dict function only names a builder: it creates nothing when it runs
    assert "nets:defaults" not in index.creates_variables
    code = migrate_sources(_files(REGISTRY))["nets.py"].code
    assert "network = mlp(num_hidden=self.num_hidden)" in code
    assert "return network(X)" in code


def test_optimizer_subclass_through_an_alias_is_never_a_layer():
    index = index_of(OPTIMIZER)
    assert root_keys(index) == set()
    decision = index.decisions["opt:Lamb.apply_gradients"]
    assert not decision.wrapped and decision.verdict == "not-a-layer"
    assert "tf.train.Optimizer" in decision.explain()
    findings = migrate_sources(_files(OPTIMIZER))["opt.py"].findings
    assert [f.rule for f in findings if f.rule.startswith("TFM3")] == ["TFM305"]


def test_strings_and_flags_read_by_control_flow_are_configuration():
    index = index_of(CONFIG)
    roots = {root.qualname: root for root in index.roots_in("pool")}
    assert roots["summarize"].tensor_params == ("hidden",)
    assert set(roots["summarize"].config_params) == {"summary_type", "use_proj", "name"}
    # no tensor input at all: reported, not wrapped
    assert "make_table" not in roots
    decision = index.decisions["pool:make_table"]
    assert decision.verdict == "not-a-layer" and "no tensor input" in decision.explain()


def test_name_parameter_is_renamed_and_the_mapping_recorded():
    code = migrate_sources(_files(CONFIG))["pool.py"].code
    assert 'tf1migrate_renames = {"tf1_name": "name"}' in code
    assert "name=self.tf1_name" in code


def test_tf_variable_through_a_helper_under_the_callers_scope_creates_variables():
    index = index_of(HELPERS)
    # weight() -> Net._build (no scope: still a helper) -> Base.build's scope: creation,
    # reached from Net.__init__ through the inherited build() and the overriding _build()
    assert "model:Base.build" in index.creates_variables
    assert "model:Net.__init__" in index.creates_variables
    (root,) = index.roots_in("model")
    assert root.kind == "init" and root.tensor_params == ("inputs",)
    assert "outputs" in root.outputs  # kept on self by the inherited build()
    assert "input_dim" in root.config_params
    assert "inits:weight" not in index.creates_variables  # no scope of its own


def test_every_unwrapped_creator_gets_a_finding_with_its_evidence():
    results = migrate_sources(_files(HELPERS))
    findings = [f for r in results.values() for f in r.findings if f.rule in ("TFM304", "TFM305")]
    named = {f.message.split("`")[1] for f in findings}
    assert "Base.build" in named
    assert all("vetoed" in f.message or "below the threshold" in f.message for f in findings
               if f.rule == "TFM304")


@pytest.mark.parametrize("files", [REGISTRY, CONFIG, HELPERS])
def test_wrapped_callables_clear_the_threshold_without_a_veto(files):
    index = index_of(files)
    for decision in index.decisions.values():
        if decision.wrapped:
            assert decision.score >= THRESHOLD
            assert not any(item.veto for item in decision.evidence)


def test_root_init_file_is_not_a_prefix_for_a_flat_module():
    files = {
        "__init__.py": "",
        "xlnet.py": '''
import tensorflow as tf

def model(x, scope="xlnet"):
    with tf.variable_scope(scope):
        return tf.layers.dense(x, 2)
''',
        "run.py": '''
import xlnet

def main(x):
    return xlnet.model(x)
''',
    }
    index = index_of(files)
    assert "xlnet:model" in index.creates_variables
    assert "run:main" in index.creates_variables  # `xlnet.model` is the flat module's
    assert index.roots_in("") == ()
