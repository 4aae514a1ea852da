"""Every layer/cell mapping points at a name the tf1compat runtime really exports.

Read statically from the runtime's `__all__` (no TensorFlow import), so a renamed or
missing runtime class fails here rather than in a migrated user's code.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from tf1migrate.rulepacks import load_rule_packs

RUNTIME = Path(__file__).resolve().parents[2] / "runtime" / "tf1compat"
MODULE_FILES = {
    "tf1compat.layers": RUNTIME / "layers" / "__init__.py",
    "tf1compat.nn.rnn_cell": RUNTIME / "nn" / "rnn_cell.py",
}


def _exports(path: Path) -> set[str]:
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return set(ast.literal_eval(node.value))
    raise AssertionError(f"{path} has no __all__")


def test_every_mapping_target_is_exported_by_the_runtime() -> None:
    # TFM203's (tf.contrib, rules/contrib.toml) are generated from the imported runtime and
    # checked by tests/rules/test_sync.py; their __all__ is built, not a literal.
    rules = load_rule_packs()
    exports = {module: _exports(path) for module, path in MODULE_FILES.items()}
    contrib_modules = set(_contrib_pack()["modules"].values())
    for source, mapping in rules.layer_map.items():
        if mapping.rule == "TFM203":
            assert source in _contrib_pack()["contrib"]
            continue
        module, _, name = mapping.target.rpartition(".")
        assert module in exports, f"{source}: unknown runtime module {module}"
        assert name in exports[module], f"{source} -> {mapping.target} is not exported"
        assert mapping.import_ == "tf1compat"
    for module in rules.module_map.values():
        assert module in exports or module in contrib_modules


def _contrib_pack() -> dict:
    return tomllib.loads((RUNTIME.parents[1] / "rules" / "contrib.toml").read_text("utf-8"))


def test_tf1_layer_and_cell_families_are_fully_mapped() -> None:
    rules = load_rule_packs()
    layers = {name.rpartition(".")[2] for name in rules.layer_map if name.startswith("tf.layers.")}
    cells = {name.rpartition(".")[2] for name in rules.layer_map if name.startswith("tf.nn.rnn_cell.")}
    assert {"dense", "Dense", "conv2d", "batch_normalization", "dropout", "Layer"} <= layers
    assert cells == {
        "BasicLSTMCell", "BasicRNNCell", "DeviceWrapper", "DropoutWrapper", "GRUCell", "LSTMCell",
        "LSTMStateTuple", "MultiRNNCell", "RNNCell", "ResidualWrapper",
    }
