"""A child's error is one line that names the user's file and line, then the traceback."""

from __future__ import annotations

import importlib.util
import sys

from tests.verify.repos import write
from tf1migrate.verify.child import describe_exception, user_location


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_error_raised_in_a_user_function_names_its_file(tmp_path):
    write(tmp_path / "pkg" / "model.py", '''
def helper(x):
    raise ValueError("width must be positive,\\ngot -1")


def model(x):
    return helper(x)
''')
    module = _load(tmp_path / "pkg" / "model.py", "verify_test_pkg_model")
    try:
        module.model(1)
    except ValueError as exc:
        text = describe_exception(exc, "calling ModelLayer", user_root=str(tmp_path), side="migrated")
    headline, second, *frames = text.splitlines()
    assert headline == "while calling ModelLayer: ValueError: width must be positive, (pkg/model.py:2)"
    assert second == "got -1"  # the rest of the message follows the one-line summary
    assert any("helper" in line for line in frames)


def test_syntax_error_names_the_file_it_is_about(tmp_path):
    write(tmp_path / "broken.py", "def f(:\n    pass\n")
    try:
        _load(tmp_path / "broken.py", "verify_test_broken")
    except SyntaxError as exc:
        assert user_location(exc, str(tmp_path)) == "broken.py:1"


def test_no_user_frame_no_location(tmp_path):
    try:
        int("x")
    except ValueError as exc:
        assert user_location(exc, str(tmp_path)) is None
        assert describe_exception(exc, "evaluating").splitlines()[0] == (
            "while evaluating: ValueError: invalid literal for int() with base 10: 'x'"
        )


def test_migrated_side_contrib_error_points_at_the_codemod(tmp_path):
    exc = ModuleNotFoundError("No module named 'tensorflow.contrib'")
    headline = describe_exception(exc, "importing nets", side="migrated").splitlines()[0]
    assert "the migrated code still uses tensorflow.contrib" in headline
    assert "tf1compat.contrib" in headline


def test_tf1compat_contrib_used_without_its_import_says_so():
    exc = AttributeError("module 'tf1compat' has no attribute 'contrib'")
    headline = describe_exception(exc, "calling GANLayer", side="migrated").splitlines()[0]
    assert headline.endswith("(tf1compat.contrib is a subpackage: the migrated module needs `import tf1compat.contrib`)")
    assert "still uses tensorflow.contrib" not in headline
