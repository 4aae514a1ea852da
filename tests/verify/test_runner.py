"""run_verify's decisions that need no child process: nothing to verify, no original,
a malformed or misspelled spec, a layer without spec."""

from __future__ import annotations

from tests.verify.repos import write, write_pair
from tf1migrate.verify import run_verify
from tf1migrate.verify.discover import discover_wrappers
from tf1migrate.verify.model import Status
from tf1migrate.verify.runner import unused_spec_messages


def test_no_wrappers_is_a_message_not_a_failure(tmp_path):
    write(tmp_path / "plain.py", "x = 1\n")
    result = run_verify([tmp_path])
    assert result.layers == [] and result.exit_code == 0
    assert result.messages == [f"no generated wrappers found under {tmp_path}"]


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


def test_layer_without_spec_is_not_verified_without_running_a_child(tmp_path):
    original, migrated = write_pair(tmp_path)
    result = run_verify([migrated], original=original, select=["net:HeadLayer"])
    (layer,) = result.layers
    assert layer.status is Status.NOT_VERIFIED and layer.snippet is not None
    assert layer.seconds == 0.0 and result.exit_code == 1
