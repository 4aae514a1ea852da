"""run_verify's decisions that need no child process: nothing to verify, no original,
a malformed or misspelled spec, a layer without spec."""

from __future__ import annotations

from tests.verify.repos import write, write_pair
from tf1migrate.verify import run_verify, schedule, workers
from tf1migrate.verify.discover import discover_wrappers
from tf1migrate.verify.model import Status
from tf1migrate.verify.runner import unused_spec_messages


def _no_child(*args, **kwargs):
    raise AssertionError("a layer that cannot run must not start a child process")


def test_empty_run_fails_unless_allowed(tmp_path):
    write(tmp_path / "plain.py", "x = 1\n")
    result = run_verify([tmp_path])
    assert result.layers == [] and result.exit_code == 1  # a CI gate must not pass on nothing
    assert result.messages == [
        f"nothing verified: no generated wrappers found under {tmp_path} "
        "(pass --allow-empty to accept an empty run)"
    ]
    allowed = run_verify([tmp_path], allow_empty=True)
    assert allowed.exit_code == 0
    assert allowed.messages == [f"nothing verified: no generated wrappers found under {tmp_path}"]


def test_every_layer_not_verified_says_nothing_was_verified(tmp_path):
    original, migrated = write_pair(tmp_path)
    result = run_verify([migrated], original=original, select=["net:HeadLayer"], allow_empty=True)
    assert result.exit_code == 1
    assert result.messages[-1] == "nothing verified: none of the 1 layer(s) could be checked"


def test_base_outside_git_is_an_error_for_every_layer(tmp_path):
    _, migrated = write_pair(tmp_path)
    result = run_verify([migrated], base="HEAD~1", select=["net:MlpLayer", "net:TowerLayer"])
    assert [layer.status for layer in result.layers] == [Status.ERROR, Status.ERROR]
    assert "not in a git repository" in result.layers[0].messages[0]
    assert result.exit_code == 2


def test_malformed_spec_names_its_table(tmp_path):
    original, migrated = write_pair(tmp_path)
    write(migrated / "pyproject.toml", '[tool.tf1migrate.verify."net:mlp"]\ninputs = { x = "float32(2, 5)" }\n')
    result = run_verify([migrated], original=original, select=["net:MlpLayer"])
    (layer,) = result.layers
    assert layer.status is Status.ERROR
    assert layer.messages[0].startswith('[tool.tf1migrate.verify."net:mlp"] inputs.x:')


def test_misspelled_spec_key_is_pointed_out(tmp_path):
    _, migrated = write_pair(tmp_path)
    write(migrated / "pyproject.toml", '[tool.tf1migrate.verify."net:mpl"]\ninputs = { x = "float32[2, 5]" }\n')
    targets, _ = discover_wrappers([migrated])
    (message,) = unused_spec_messages(migrated, targets)
    assert message.endswith('[tool.tf1migrate.verify."net:mpl"] matches no generated wrapper (closest: net:mlp)')


def test_layer_without_spec_is_not_verified_without_running_a_child(tmp_path, monkeypatch):
    original, migrated = write_pair(tmp_path)
    monkeypatch.setattr(schedule, "run_batch", _no_child)
    monkeypatch.setattr(workers, "run_batch", _no_child)
    monkeypatch.setattr(workers, "run_child", _no_child)
    result = run_verify([migrated], original=original, select=["net:HeadLayer"])
    (layer,) = result.layers
    assert layer.status is Status.NOT_VERIFIED and layer.snippet is not None
    assert layer.seconds == 0.0 and result.exit_code == 1


def test_repo_root_init_keeps_modules_relative_to_the_root(tmp_path):
    """A repository whose root holds an ``__init__.py`` is imported from its root, and the
    original mirrors that root (it used to be "outside the tree the original mirrors")."""
    original, migrated = write_pair(tmp_path)
    for root in (original, migrated):
        write(root / "__init__.py", "")
    targets, problems = discover_wrappers([migrated], migrated)
    assert problems == [] and {t.module for t in targets} == {"net"}
    assert {t.import_root for t in targets} == {str(migrated.resolve())}
    result = run_verify([migrated], original=original, select=["net:HeadLayer"])
    (layer,) = result.layers
    assert layer.status is Status.NOT_VERIFIED, layer.messages  # planned, not "outside"
    assert "outside" not in " ".join(layer.messages)


def test_spec_input_the_wrapper_does_not_take_is_named_without_a_child(tmp_path, monkeypatch):
    original, migrated = write_pair(tmp_path)
    write(migrated / "pyproject.toml", '[tool.tf1migrate.verify."net:mlp"]\n'
          'inputs = { pair = { x = "float32[2, 5]", y = "float32[2, 5]" } }\n')
    monkeypatch.setattr(schedule, "run_batch", _no_child)
    result = run_verify([migrated], original=original, select=["net:MlpLayer"])
    (layer,) = result.layers
    assert layer.status is Status.ERROR and result.exit_code == 2
    assert layer.messages == [
        '[tool.tf1migrate.verify."net:mlp"] inputs: MlpLayer.call takes no input pair (its inputs: x)'
    ]


def test_cli_exit_codes_of_runs_that_verify_nothing(tmp_path):
    """The real command (no stand-in): no wrappers -> 1 unless --allow-empty; layers that all
    cannot be checked -> 1 with a message saying nothing was verified."""
    from click.testing import CliRunner

    from tf1migrate.cli import main

    empty = tmp_path / "empty"
    write(empty / "plain.py", "x = 1\n")
    runner = CliRunner()
    result = runner.invoke(main, ["verify", str(empty)])
    assert result.exit_code == 1
    assert "nothing verified: no generated wrappers found under" in result.output
    assert "--allow-empty" in result.output
    assert runner.invoke(main, ["verify", str(empty), "--allow-empty"]).exit_code == 0
    original, migrated = write_pair(tmp_path / "pair")
    args = ["verify", str(migrated), "--original", str(original), "--select", "net:HeadLayer"]
    result = runner.invoke(main, args)
    assert result.exit_code == 1
    assert "nothing verified: none of the 1 layer(s) could be checked" in result.output
    assert 'add to' in result.output and '[tool.tf1migrate.verify."net:head"]' in result.output
