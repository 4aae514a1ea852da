"""Every way TF1 code binds TensorFlow resolves to the same canonical symbol."""

from __future__ import annotations

import libcst as cst
import pytest

from tf1migrate.resolve import Resolver, absolute_module, canonical_tf1_name


def _resolve(source: str, expression: str, **kwargs) -> tuple[str | None, str | None, Resolver]:
    module = cst.parse_module(source)
    resolver = Resolver.from_module(module, **kwargs)
    node = cst.parse_expression(expression)
    return resolver.qualify(node), resolver.tf1_symbol(node), resolver


ALIAS_FORMS = [
    # (id, imports, expression, qualified name, canonical TF1 symbol, uses_compat_v1)
    ("import-as", "import tensorflow as tf", "tf.get_variable",
     "tensorflow.get_variable", "tf.get_variable", False),
    ("import-plain", "import tensorflow", "tensorflow.layers.dense",
     "tensorflow.layers.dense", "tf.layers.dense", False),
    ("import-compat-v1", "import tensorflow.compat.v1 as tf", "tf.get_variable",
     "tensorflow.compat.v1.get_variable", "tf.get_variable", True),
    ("from-compat-import-v1", "from tensorflow.compat import v1 as tf", "tf.nn.rnn_cell.LSTMCell",
     "tensorflow.compat.v1.nn.rnn_cell.LSTMCell", "tf.nn.rnn_cell.LSTMCell", True),
    ("tf1-beside-tf", "import tensorflow as tf\nimport tensorflow.compat.v1 as tf1",
     "tf1.layers.conv2d", "tensorflow.compat.v1.layers.conv2d", "tf.layers.conv2d", True),
    ("tf-beside-tf1", "import tensorflow as tf\nimport tensorflow.compat.v1 as tf1",
     "tf.nn.relu", "tensorflow.nn.relu", "tf.nn.relu", True),
    ("from-tf-import-layers", "from tensorflow import layers", "layers.dense",
     "tensorflow.layers.dense", "tf.layers.dense", False),
    ("from-layers-import-dense", "from tensorflow.layers import dense", "dense",
     "tensorflow.layers.dense", "tf.layers.dense", False),
    ("from-layers-import-as", "from tensorflow.layers import dense as fc", "fc",
     "tensorflow.layers.dense", "tf.layers.dense", False),
    ("from-contrib-import-slim", "from tensorflow.contrib import slim", "slim.conv2d",
     "tensorflow.contrib.slim.conv2d", "tf.contrib.slim.conv2d", False),
    ("import-contrib-slim-as", "import tensorflow.contrib.slim as slim", "slim.fully_connected",
     "tensorflow.contrib.slim.fully_connected", "tf.contrib.slim.fully_connected", False),
    ("private-variable-scope", "from tensorflow.python.ops import variable_scope as vs",
     "vs.get_variable", "tensorflow.python.ops.variable_scope.get_variable",
     "tf.get_variable", False),
    ("private-rnn-cell", "from tensorflow.python.ops import rnn_cell_impl",
     "rnn_cell_impl.GRUCell", "tensorflow.python.ops.rnn_cell_impl.GRUCell",
     "tf.nn.rnn_cell.GRUCell", False),
    ("from-compat-v1-import-fn", "from tensorflow.compat.v1 import get_variable", "get_variable",
     "tensorflow.compat.v1.get_variable", "tf.get_variable", True),
    ("module-level-attribute-alias", "import tensorflow as tf\nslim = tf.contrib.slim",
     "slim.conv2d", "tensorflow.contrib.slim.conv2d", "tf.contrib.slim.conv2d", False),
    ("rebound-to-compat", "import tensorflow as tf\ntf = tf.compat.v1", "tf.get_variable",
     "tensorflow.compat.v1.get_variable", "tf.get_variable", True),
    ("try-except-first-wins",
     "try:\n    import tensorflow.compat.v1 as tf\n"
     "except ImportError:\n    import tensorflow as tf",
     "tf.placeholder", "tensorflow.compat.v1.placeholder", "tf.placeholder", True),
    ("inside-if", "if True:\n    import tensorflow as tf", "tf.Session",
     "tensorflow.Session", "tf.Session", False),
    ("inside-function", "def build():\n    import tensorflow as tf\n", "tf.get_variable",
     "tensorflow.get_variable", "tf.get_variable", False),
    ("not-tensorflow", "import numpy as np", "np.zeros", None, None, False),
    ("unbound", "import tensorflow as tf", "torch.zeros", None, None, False),
    ("rebound-to-non-tf", "import tensorflow as tf\ntf = object()", "tf.get_variable",
     None, None, False),
]


@pytest.mark.parametrize(
    "imports, expression, qualified, symbol, compat",
    [case[1:] for case in ALIAS_FORMS],
    ids=[case[0] for case in ALIAS_FORMS],
)
def test_alias_forms(imports, expression, qualified, symbol, compat):
    got_qualified, got_symbol, resolver = _resolve(imports + "\n", expression)
    assert got_qualified == qualified
    assert got_symbol == symbol
    assert resolver.uses_compat_v1 is compat


def test_project_reexport_through_from_import():
    source = "from .tfutil import tf\nfrom .tfutil import layers as L\n"
    reexports = {"pkg.tfutil.tf": "tensorflow.compat.v1", "pkg.tfutil.layers": "tensorflow.layers"}
    _, symbol, resolver = _resolve(
        source, "tf.get_variable", module_name="pkg.model", reexports=reexports
    )
    assert symbol == "tf.get_variable"
    assert resolver.tf1_symbol(cst.parse_expression("L.dense")) == "tf.layers.dense"


def test_project_reexport_through_module_attribute():
    source = "import pkg.tfutil as U\n"
    _, symbol, _ = _resolve(source, "U.tf.get_variable", reexports={"pkg.tfutil.tf": "tensorflow"})
    assert symbol == "tf.get_variable"


def _function_call_heads(source: str) -> tuple[Resolver, dict[str, cst.BaseExpression]]:
    module = cst.parse_module(source)
    resolver = Resolver.from_module(module)
    heads: dict[str, cst.BaseExpression] = {}

    class Calls(cst.CSTVisitor):
        def __init__(self) -> None:
            self.function: list[str] = []

        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            self.function.append(node.name.value)

        def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
            self.function.pop()

        def visit_Call(self, node: cst.Call) -> None:
            heads[self.function[-1] if self.function else "<module>"] = node.func

    module.visit(Calls())
    return resolver, heads


def test_parameter_and_local_assignment_shadow_the_alias_inside_their_function_only():
    resolver, heads = _function_call_heads(
        "import tensorflow as tf\n"
        "def by_param(tf):\n    return tf.get_variable('w')\n"
        "def by_assignment():\n    tf = make()\n    return tf.get_variable('w')\n"
        "def by_loop():\n    for tf in things:\n        tf.get_variable('w')\n"
        "def by_local_import():\n    import numpy as tf\n    return tf.get_variable('w')\n"
        "def plain():\n    return tf.get_variable('w')\n"
    )
    for name in ("by_param", "by_assignment", "by_loop", "by_local_import"):
        assert resolver.qualify(heads[name]) is None, name
    assert resolver.tf1_symbol(heads["plain"]) == "tf.get_variable"


def test_canonical_names():
    assert canonical_tf1_name("tensorflow.compat.v1") == "tf"
    assert canonical_tf1_name("tensorflow.compat.v1.layers.dense") == "tf.layers.dense"
    assert canonical_tf1_name("tensorflow.python.layers.core.dense") == "tf.layers.dense"
    assert canonical_tf1_name("numpy.zeros") is None


def test_relative_module_names():
    assert absolute_module("pkg.sub.mod", 1, "ops", is_package=False) == "pkg.sub.ops"
    assert absolute_module("pkg.sub.mod", 2, "ops", is_package=False) == "pkg.ops"
    assert absolute_module("pkg.sub", 1, "ops", is_package=True) == "pkg.sub.ops"
    assert absolute_module("pkg.sub.mod", 1, None, is_package=False) == "pkg.sub"


def test_module_alias_for_generated_code():
    _, _, resolver = _resolve("import tensorflow.compat.v1 as tf1\n", "tf1")
    assert resolver.tf_module_alias() == "tf1"
    _, _, resolver = _resolve("import numpy\n", "numpy")
    assert resolver.tf_module_alias() is None


@pytest.mark.parametrize(
    "imports, expression, qualified, symbol, compat",
    [case[1:] for case in ALIAS_FORMS],
    ids=[case[0] for case in ALIAS_FORMS],
)
def test_ast_resolver_agrees_with_the_cst_resolver(imports, expression, qualified, symbol, compat):
    """The index reads files with `ast`, the rewrite with LibCST: both must bind the same."""
    import ast

    resolver = Resolver.from_ast(ast.parse(imports + "\n"))
    assert resolver.qualify_dotted(expression) == qualified
    assert resolver.uses_compat_v1 is compat


def test_ast_resolver_reports_function_locals_for_shadowing():
    import ast

    tree = ast.parse("import tensorflow as tf\ndef f(tf):\n    def g():\n        return tf.x\n")
    resolver = Resolver.from_ast(tree)
    outer = tree.body[1]
    inner = outer.body[0]
    assert resolver.qualify_dotted("tf.get_variable", resolver.locals_of(outer)) is None
    # a parameter of the enclosing function shadows the alias in the nested one too
    assert resolver.qualify_dotted("tf.get_variable", resolver.locals_of(inner)) is None
    assert resolver.qualify_dotted("tf.get_variable") == "tensorflow.get_variable"


CALL_CHAIN_BINDINGS = [
    "n = tf.Dimension(3).value",
    "n = tf.get_variable_scope().name",
    "n = tf.shape(x)[0]",
    "n: int = tf.Dimension(3).value",
    "n = tf.layers.dense(x, 3).shape",
]


@pytest.mark.parametrize("binding", CALL_CHAIN_BINDINGS)
def test_a_value_reached_through_a_call_or_subscript_is_not_an_alias(binding):
    """`n = tf.Dimension(3).value` binds a value: a later `n` is no TensorFlow name."""
    import ast

    source = f"import tensorflow as tf\nn = tf.contrib\n{binding}\n"
    qualified, symbol, resolver = _resolve(source, "n.foo")
    assert (qualified, symbol) == (None, None)
    assert "n" not in resolver.tf_aliases
    from_ast = Resolver.from_ast(ast.parse(source))
    assert from_ast.qualify_dotted("n.foo") is None
    assert "n" not in from_ast.tf_aliases


def test_plain_chains_still_alias_in_both_builders():
    import ast

    source = "import tensorflow as tf\nslim = tf.contrib.slim\nv1 = tf.compat.v1\n"
    assert _resolve(source, "slim.conv2d")[1] == "tf.contrib.slim.conv2d"
    assert _resolve(source, "v1.layers.dense")[1] == "tf.layers.dense"
    from_ast = Resolver.from_ast(ast.parse(source))
    assert from_ast.qualify_dotted("slim.conv2d") == "tensorflow.contrib.slim.conv2d"


def test_is_shadowed_names_heads_rebound_in_their_function():
    resolver, heads = _function_call_heads(
        "import tensorflow as tf\n"
        "def by_param(tf):\n    return tf.get_variable('w')\n"
        "def plain():\n    return tf.get_variable('w')\n"
    )
    assert resolver.is_shadowed(heads["by_param"])
    assert not resolver.is_shadowed(heads["plain"])
    assert not resolver.is_shadowed(cst.parse_expression("f(x).y"))  # no head name
