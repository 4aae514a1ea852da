"""Wrapper-class generation: constructor vs call split, defaults, training, scope, naming."""

from __future__ import annotations

from textwrap import dedent

import libcst as cst
import pytest

from tf1migrate.generate import class_name_for, generate_wrapper
from tf1migrate.index import RootInfo


def render(
    source: str, root: RootInfo, *, target: str = "keras", docstring: str | None = None
) -> str:
    module = cst.parse_module(dedent(source))
    parts = root.qualname.split(".")
    defs = [s for s in module.body if isinstance(s, (cst.FunctionDef, cst.ClassDef))]
    node = next(s for s in defs if s.name.value == parts[0])
    if len(parts) > 1:
        methods = [m for m in node.body.body if isinstance(m, cst.FunctionDef)]
        node = next(m for m in methods if m.name.value == parts[1])
    name = class_name_for(root, target, set())
    code = module.code_for_node(
        generate_wrapper(
            node, root, class_name=name, target=target, module=module, docstring=docstring
        )
    )
    compile(code, "<generated>", "exec")
    return code


def root(qualname: str, tensors=(), configs=(), **kwargs) -> RootInfo:
    kind = kwargs.pop("kind", "function")
    return RootInfo("m", qualname, kind, tuple(tensors), tuple(configs), **kwargs)


MODEL = '''
def model(hparams, X, past=None, scope='model', reuse=False):
    """Run the transformer.

    Long description that is not copied.
    """
'''


def test_function_wrapper_splits_configuration_and_tensors_and_keeps_defaults():
    code = render(MODEL, root("model", ["X", "past"], ["hparams", "scope", "reuse"]))
    assert "class ModelLayer(tf1compat.MigratedLayer):" in code
    assert 'tf1migrate_wraps = "model"' in code
    assert "def __init__(self, hparams, scope='model', reuse=False, **kwargs):" in code
    assert "config.update(hparams=self.hparams, scope=self.scope, reuse=self.reuse)" in code
    decorated = (
        "@tf1compat.track_tf1_style_variables\n    def call(self, X, past=None, training=None):"
    )
    assert decorated in code
    assert "return model(self.hparams, X, past=past, scope=self.scope, reuse=self.reuse)" in code
    assert "Run the transformer." in code and "Long description" not in code


def test_training_flag_maps_to_keras_training_keeping_its_default():
    source = "def net(x, is_training=True, rate=0.5):\n    pass\n"
    code = render(source, root("net", ["x"], ["rate"], training_param="is_training"))
    assert "def call(self, x, training=None):" in code
    assert "is_training=True if training is None else training" in code
    source = "def net(x, is_training):\n    pass\n"
    code = render(source, root("net", ["x"], [], training_param="is_training"))
    assert "return net(x, False if training is None else training)" in code
    assert "get_config" not in code  # nothing to keep


def test_names_the_base_class_already_uses_are_renamed():
    source = "def dense(x, units, name=None, dtype=None):\n    pass\n"
    code = render(source, root("dense", ["x"], ["units", "name", "dtype"]))
    assert "def __init__(self, units, tf1_name=None, tf1_dtype=None, **kwargs):" in code
    assert "name=self.tf1_name, dtype=self.tf1_dtype" in code


def test_common_call_site_scope_is_entered_around_the_call():
    source = "def generator(z):\n    pass\n"
    code = render(source, root("generator", ["z"], [], outer_scope="generator"))
    assert "def __init__(self, variable_scope='generator', **kwargs):" in code
    scoped = (
        "with tf.compat.v1.variable_scope(self.variable_scope):\n            return generator(z)"
    )
    assert scoped in code


def test_common_scope_keyword_replaces_the_default():
    source = "def tower(x, scope='tower'):\n    pass\n"
    code = render(source, root("tower", ["x"], ["scope"], scope_default="shared"))
    assert "def __init__(self, scope='shared', **kwargs):" in code


def test_module_target():
    code = render(MODEL, root("model", ["X"], ["hparams"]), target="module")
    assert "class ModelModule(tf1compat.MigratedModule):" in code
    assert "def __init__(self, hparams, name=None):\n        super().__init__(name=name)" in code
    assert "def __call__(self, X, training=None):" in code


def test_graph_building_init_returns_the_outputs():
    source = '''
    class Encoder(object):
        """Encodes."""
        def __init__(self, config, is_training, ids, scope=None):
            pass
    '''
    info = root("Encoder.__init__", ["ids"], ["config", "scope"], kind="init",
                training_param="is_training", outputs=("pooled", "sequence"))
    code = render(source, info, docstring="Encodes ids.")
    assert "class EncoderLayer(tf1compat.MigratedLayer):" in code
    assert 'tf1migrate_wraps = "Encoder"' in code
    flat = " ".join(code.replace("(\n", "(").replace(",\n", ", ").split())
    call = "built = Encoder( self.config, False if training is None else training, ids, "
    assert call + "scope=self.scope, )" in flat
    assert "return {'pooled': built.pooled, 'sequence': built.sequence}" in code
    assert "Encodes ids." in code


def test_method_wrapper_holds_the_owner_object():
    source = '''
    class DCGAN(object):
        def generator(self, z, y=None, train=True):
            pass
    '''
    info = root("DCGAN.generator", ["z", "y"], [], kind="method", training_param="train")
    code = render(source, info)
    assert "class DCGANGeneratorLayer(tf1compat.MigratedLayer):" in code
    assert "def __init__(self, dcgan, **kwargs):" in code
    # called through its class with the owner as self: the wrapped function itself, which
    # also runs on a stand-in owner (verify's `self = SimpleNamespace(batch_size=2)`)
    expected = (
        "return DCGAN.generator(self.dcgan, z, y=y, train=True if training is None else training)"
    )
    assert expected in code


def test_keyword_only_parameters_and_long_signatures():
    source = (
        "def f(inputs, *, num_units_in_the_first_layer=128, num_units_in_the_second=64, "
        "act=None):\n    pass\n"
    )
    configs = ["num_units_in_the_first_layer", "num_units_in_the_second", "act"]
    code = render(source, root("f", ["inputs"], configs))
    assert "        *,\n        num_units_in_the_first_layer=128," in code
    assert all(len(line) <= 99 for line in code.splitlines())


def test_docstring_with_quotes_and_backslashes_stays_valid():
    source = 'def f(x):\n    """Uses \\\\ and \\"\\"\\"quotes\\"\\"\\" in "text"."""\n'
    code = render(source, root("f", ["x"], []))
    assert "Uses" in code


def test_first_tensor_dtype_from_placeholders():
    info = root("model", ["X"], ["hparams"], placeholder_inputs=(("X", "int32[None, 8]"),))
    code = render(MODEL, info)
    assert 'tf1migrate_input_dtype = "int32"' in code


@pytest.mark.parametrize(
    "qualname, kind, expected",
    [
        ("model", "function", "ModelLayer"),
        ("create_generator", "function", "CreateGeneratorLayer"),
        ("BertModel.__init__", "init", "BertModelLayer"),
        ("DCGAN.discriminator", "method", "DCGANDiscriminatorLayer"),
    ],
)
def test_class_names(qualname, kind, expected):
    assert class_name_for(root(qualname, kind=kind), "keras", set()) == expected


def test_class_name_collision_gets_a_number():
    assert class_name_for(root("model"), "keras", {"ModelLayer"}) == "ModelLayer2"
