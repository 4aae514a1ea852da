"""End to end on a small original + migrated pair: every check runs in real children.

One run covers the faithful layer and module, five broken migrations, an inferred spec and
a missing spec; it runs in a fresh interpreter so the test can also prove that the parent process
never imports TensorFlow.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.verify.repos import write_pair
from tf1migrate.verify.model import ReferenceKind, Status, VerifyResult

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

RUN = """
import json, sys
from tf1migrate.verify import run_verify
result = run_verify([sys.argv[1]], original=sys.argv[2], jobs=2, emit_tests=sys.argv[3])
print(json.dumps({"result": json.loads(result.to_json()), "tensorflow_imported": "tensorflow" in sys.modules}))
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("pair")
    original, migrated = write_pair(root)
    emitted = migrated / "tests"
    proc = subprocess.run(
        [sys.executable, "-c", RUN, str(migrated), str(original), str(emitted)],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    result = VerifyResult.from_dict(data["result"])
    return {
        "result": result,
        "layers": {layer.layer: layer for layer in result.layers},
        "tensorflow_imported": data["tensorflow_imported"],
        "emitted": emitted,
    }


def test_parent_process_never_imports_tensorflow(run):
    assert run["tensorflow_imported"] is False


def test_faithful_layer_verifies_names_shapes_and_outputs(run):
    layer = run["layers"]["net:MlpLayer"]
    assert layer.status is Status.VERIFIED, layer.messages
    assert layer.reference is ReferenceKind.GRAPH_TF_KERAS
    assert (layer.variables, layer.params, layer.names_ok) == (5, 5 * 8 + 8 + 8 * 3 + 3 + 3, True)
    assert layer.max_abs_diff is not None and layer.max_abs_diff <= 1e-5
    assert layer.spec_source == "pyproject"


def test_module_target_verifies(run):
    module = run["layers"]["net:MlpModule"]
    assert module.status is Status.VERIFIED, module.messages
    assert module.variables == 5 and module.max_abs_diff is not None and module.max_abs_diff <= 1e-5


@pytest.mark.parametrize(
    ("name", "names_ok", "expected"),
    [
        ("RenamedScopeLayer", False,
         "missing variable mlp/fc1/kernel [5, 8] (closest in the migrated layer: mlp_v2/fc1/kernel [5, 8])"),
        ("SwappedKernelLayer", True,
         "mlp/fc1/kernel: shape [5, 8] in the reference, [8, 5] migrated (transposed?)"),
        ("DroppedBiasLayer", False, "missing variable mlp/fc2/bias [3]"),
        ("ExtraVariableLayer", False, "unexpected variable mlp/offset [3]"),
        ("WrongActivationLayer", True, "the output: max abs diff"),
    ],
)
def test_broken_migration_is_caught_naming_the_variable(run, name, names_ok, expected):
    layer = run["layers"][f"net:{name}"]
    assert layer.status is Status.MISMATCH
    assert layer.names_ok is names_ok
    assert any(message.startswith(expected) for message in layer.messages), layer.messages


def test_spec_inferred_from_placeholder_call_site(run):
    layer = run["layers"]["net:TowerLayer"]
    assert layer.status is Status.VERIFIED, layer.messages
    assert layer.spec_source == "call-site"


def test_layer_without_spec_gets_the_snippet_to_add(run):
    layer = run["layers"]["net:HeadLayer"]
    assert layer.status is Status.NOT_VERIFIED
    # `features` flows into tf.layers.dense (rank 2); nothing says what `classes` is
    assert layer.messages[0].startswith("not verified: no input spec (missing classes)")
    assert "# found in the code (body)" in layer.snippet
    table = tomllib.loads(layer.snippet)["tool"]["tf1migrate"]["verify"]["net:head"]
    assert table == {"args": {"classes": "<python expression>"}, "inputs": {"features": "float32[2, 8]"}}


def test_exit_code_and_emitted_test_file(run):
    assert run["result"].exit_code == 1
    emitted = run["emitted"] / "test_verify_net.py"
    text = emitted.read_text()
    compile(text, str(emitted), "exec")
    assert "MODULE_FILE = HERE / '../net.py'" in text
    assert "'net:MlpLayer'" in text and "'net:HeadLayer'" in text
    assert "original=str(HERE / " in text
