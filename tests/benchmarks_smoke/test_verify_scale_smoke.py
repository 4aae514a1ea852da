"""Smoke run of the verify-scale benchmark at a tiny size, nothing runnable: every layer is
"not verified" after inference read the whole tree, and no TensorFlow child ran."""

from __future__ import annotations

from benchmarks import verify_scale


def test_nothing_runnable_is_reported_per_layer(tmp_path, capsys):
    code = verify_scale.main(["--files", "12", "--layers", "3", "--only", "nothing runnable"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "| nothing runnable | 0 | 3 | 0 |" in out and "everything runnable" not in out


def test_the_models_say_nothing_about_how_they_are_fed(tmp_path):
    """The benchmark only measures the not-verified path if inference finds nothing: no
    placeholder, docstring shape or body fact for `x` (its rank is hidden behind a reshape)."""
    from tf1migrate.verify.discover import discover_wrappers
    from tf1migrate.verify.planning import resolve_spec

    original, migrated = verify_scale.write_repo(tmp_path, 12, 3, runnable=False)
    targets, _ = discover_wrappers([migrated], migrated)
    assert len(targets) == 3
    assert all(resolve_spec(t, migrated, original) is None for t in targets)
