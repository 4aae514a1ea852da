"""Verify tables in pyproject.toml: parsing, errors that name the key, and the snippet."""

from __future__ import annotations

import sys

import pytest

from tf1migrate.verify.model import CallSpec, Param, TensorSpec, WrapperTarget
from tf1migrate.verify.specs import (
    SpecError,
    load_verify_tables,
    missing_arguments,
    parse_call_spec,
    parse_tensor_spec,
    render_snippet,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TARGET = WrapperTarget(
    path="/repo/model.py", module="model", import_root="/repo", class_name="ModelLayer",
    wraps="model", line=10, method="call",
    init_params=(Param("hparams", True), Param("scope", False), Param("kwargs", False, True)),
    call_params=(Param("X", True), Param("past", False)),
    has_training=True, training_kwarg="is_training",
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("int32[2, 8]", TensorSpec("int32", (2, 8))),
        ("float[3]", TensorSpec("float32", (3,))),
        ("tf.float64[]", TensorSpec("float64", ())),
        ({"dtype": "int32", "shape": [2, 8], "minval": 0, "maxval": 50}, TensorSpec("int32", (2, 8), 0, 50)),
    ],
)
def test_tensor_spec_forms(value, expected):
    assert parse_tensor_spec(value, "here") == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("int32(2, 8)", "dtype[d0, d1, ...]"),
        ("int32[2, n]", "must be integers"),
        ("float8[2]", "unknown dtype"),
        ({"shape": [2]}, "needs dtype and shape"),
        ({"dtype": "int32", "shape": "2,8"}, "list of integers"),
    ],
)
def test_tensor_spec_errors_say_what_is_wrong(value, message):
    with pytest.raises(SpecError, match=message.replace("[", r"\[").replace("(", r"\(")):
        parse_tensor_spec(value, "inputs.X")


def test_call_spec_from_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.tf1migrate.verify."model:model"]\n'
        'args = { hparams = "default_hparams()", scope = "\'model\'" }\n'
        'inputs = { X = "int32[2, 8]" }\n'
        "training = [false, true]\n"
    )
    tables = load_verify_tables(tmp_path / "pyproject.toml")
    spec = parse_call_spec(tables["model:model"], "model:model")
    assert spec.args == {"hparams": "default_hparams()", "scope": "'model'"}
    assert spec.inputs == {"X": TensorSpec("int32", (2, 8))}
    assert spec.training == (False, True)
    assert missing_arguments(TARGET, spec) == []


def test_unknown_key_is_an_error_naming_the_table():
    with pytest.raises(SpecError, match=r'model:model.*unknown key\(s\) input'):
        parse_call_spec({"input": {}}, "model:model")


def test_snippet_is_valid_toml_and_lists_what_is_missing():
    partial = CallSpec(args={}, inputs={"X": TensorSpec("int32", (2, 8))}, source="call-site")
    assert missing_arguments(TARGET, partial) == ["hparams"]
    snippet = render_snippet(TARGET, partial)
    table = tomllib.loads(snippet)["tool"]["tf1migrate"]["verify"]["model:model"]
    assert table == {
        "args": {"hparams": "<python expression>"},
        "inputs": {"X": "int32[2, 8]"},
        "training": [False, True],
    }


def test_snippet_quotes_expressions_with_quotes():
    spec = CallSpec(args={"scope": "'model'", "name": 'f"x"'}, inputs={}, source="call-site")
    table = tomllib.loads(render_snippet(TARGET, spec))["tool"]["tf1migrate"]["verify"]["model:model"]
    assert table["args"]["scope"] == "'model'" and table["args"]["name"] == 'f"x"'


def test_snippet_for_a_method_builds_the_instance_as_self():
    method = WrapperTarget(
        path="/repo/model.py", module="model", import_root="/repo", class_name="GenLayer",
        wraps="DCGAN.generator", line=3, method="call",
        init_params=(Param("dcgan", True), Param("reuse", False), Param("kwargs", False, True)),
        call_params=(Param("z", True),),
    )
    snippet = render_snippet(method)
    assert snippet.splitlines()[1].startswith("# fill in the blanks: args.self, inputs.z (args: ")
    table = tomllib.loads(snippet)["tool"]["tf1migrate"]["verify"]["model:DCGAN.generator"]
    assert table == {"args": {"self": "<python expression>"}, "inputs": {"z": "<dtype[shape]>"}}
    spec = parse_call_spec({"args": {"self": "DCGAN()"}, "inputs": {"z": "float32[2, 8]"}}, "k")
    assert missing_arguments(method, spec) == []


RENAMED = WrapperTarget(
    path="/repo/nets.py", module="nets", import_root="/repo", class_name="ConvNetLayer",
    wraps="conv_net", line=3, method="call",
    init_params=(
        Param("depth", True), Param("tf1_name", False, default="'conv'"),
        Param("variable_scope", False, default="'model'"), Param("kwargs", False, True),
    ),
    call_params=(Param("images", True),),
    arguments=(("depth", "depth"), ("tf1_name", "name")),
    scope_param="variable_scope",
)


def test_a_renamed_parameter_reaches_each_side_under_its_own_name():
    from tf1migrate.verify.specs import (
        reference_args,
        reference_defaults,
        scope_expression,
        wrapper_args,
    )

    spec = CallSpec(args={"depth": "4", "name": "'enc'"}, inputs={})
    assert wrapper_args(RENAMED, spec) == {"depth": "4", "tf1_name": "'enc'"}
    assert reference_args(RENAMED, spec) == {"depth": "4", "name": "'enc'"}  # never tf1_name
    assert reference_defaults(RENAMED, spec) == {}
    assert scope_expression(RENAMED, spec) == "'model'"
    # the wrapper's own name is accepted in a spec too; its default reaches the original
    by_wrapper_name = CallSpec(args={"depth": "4", "tf1_name": "'x'"}, inputs={})
    assert reference_args(RENAMED, by_wrapper_name) == {"depth": "4", "name": "'x'"}
    unnamed = CallSpec(args={"depth": "4"}, inputs={})
    assert reference_defaults(RENAMED, unnamed) == {"name": "'conv'"}
    assert missing_arguments(RENAMED, unnamed) == ["images"]
    snippet = render_snippet(RENAMED)
    assert 'args = { depth = "<python expression>" }' in snippet and "tf1_name" not in snippet


def test_nested_inputs_and_literal_args_parse_and_render_back():
    from tf1migrate.verify.model import flatten_inputs

    table = tomllib.loads(
        'args = { depth = 2, hparams = "default_hparams()", sizes = [1, 2] }\n'
        'inputs = { features = { input_ids = "int32[2, 8]", input_mask = "int32[2, 8]" },'
        ' pair = ["float32[2, 4]", { dtype = "float32", shape = [2, 4] }] }\n'
    )
    spec = parse_call_spec(table, "model:model_fn")
    assert spec.args == {"depth": "2", "hparams": "default_hparams()", "sizes": "[1, 2]"}
    ids = TensorSpec("int32", (2, 8))
    assert spec.inputs == {
        "features": {"input_ids": ids, "input_mask": ids},
        "pair": [TensorSpec("float32", (2, 4)), TensorSpec("float32", (2, 4))],
    }
    leaves, structure = flatten_inputs(spec.inputs)
    assert sorted(leaves) == ["features/input_ids", "features/input_mask", "pair/0", "pair/1"]
    assert structure["features"] == {"input_ids": "features/input_ids", "input_mask": "features/input_mask"}
    target = WrapperTarget(
        path="/r/model.py", module="model", import_root="/r", class_name="ModelFnLayer",
        wraps="model_fn", line=1, method="call", call_params=(Param("features", True),),
    )
    snippet = render_snippet(target, CallSpec(args={}, inputs={"features": spec.inputs["features"]}))
    assert 'inputs = { features = { input_ids = "int32[2, 8]", input_mask = "int32[2, 8]" } }' in snippet
    reparsed = parse_call_spec(tomllib.loads(snippet.split("\n", 1)[1]), "model:model_fn")
    assert reparsed.inputs["features"] == spec.inputs["features"]
    with pytest.raises(SpecError, match=r"inputs\.features\.input_ids"):
        parse_call_spec({"inputs": {"features": {"input_ids": 3}}}, "model:model_fn")


def test_snippet_pasted_with_its_blanks_left_in_is_an_error_naming_each():
    """Ready to paste: valid TOML, what was found filled in, every blank marked; a pasted table
    still holding a blank says which one instead of failing inside the child."""
    partial = CallSpec(args={"scope": "'gpt'"}, inputs={"past": TensorSpec("float32", (2, 4))},
                       source="call-site")
    snippet = render_snippet(TARGET, partial)
    assert snippet.splitlines()[1:3] == [
        "# found in the code (call-site): check what is filled in",
        (
            "# fill in the blanks: args.hparams, inputs.X (args: a Python expression evaluated "
            'in model; inputs: "dtype[d0, d1, ...]", e.g. "float32[2, 8]")'
        ),
    ]
    table = tomllib.loads(snippet)["tool"]["tf1migrate"]["verify"]["model:model"]
    assert table["args"] == {"scope": "'gpt'", "hparams": "<python expression>"}
    assert table["inputs"] == {"past": "float32[2, 4]", "X": "<dtype[shape]>"}
    with pytest.raises(SpecError, match=r'"model:model"\] args\.hparams is still the blank <python expression>: fill it in'):
        parse_call_spec(table, "model:model")
    table["args"]["hparams"] = "default_hparams()"
    with pytest.raises(SpecError, match=r"inputs\.X is still the blank <dtype\[shape\]>"):
        parse_call_spec(table, "model:model")
    table["inputs"]["X"] = "int32[2, 8]"
    assert missing_arguments(TARGET, parse_call_spec(table, "model:model")) == []
