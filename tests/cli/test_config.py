"""`[tool.tf1migrate]` is found by walking up, validated strictly, and CLI flags win."""

from __future__ import annotations

from pathlib import Path

import pytest

from tf1migrate.config import DEFAULT_EXCLUDE, Config, ConfigError, load_config


def _project(tmp_path: Path, table: str) -> Path:
    root = tmp_path / "proj"
    (root / "pkg" / "deep").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(f"[project]\nname = 'x'\n\n[tool.tf1migrate]\n{table}\n")
    return root


def test_found_by_walking_up_from_a_nested_path(tmp_path: Path) -> None:
    root = _project(tmp_path, 'target = "module"\nselect = ["TFM2"]\njobs = 3')
    config = load_config([root / "pkg" / "deep"])
    assert config.source == root / "pyproject.toml"
    assert (config.target, config.select, config.jobs) == ("module", ("TFM2",), 3)


def test_no_config_gives_defaults(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    assert load_config([tmp_path / "a.py"]) == Config()


def test_pyproject_without_our_table_is_skipped(tmp_path: Path) -> None:
    outer = _project(tmp_path, 'target = "module"')
    inner = outer / "pkg"
    (inner / "pyproject.toml").write_text("[tool.black]\nline-length = 80\n")
    assert load_config([inner]).target == "module"


def test_unknown_key_is_an_error_naming_the_key(tmp_path: Path) -> None:
    root = _project(tmp_path, 'target = "keras"\nselct = ["TFM1"]')
    with pytest.raises(ConfigError, match="unknown key 'selct'"):
        load_config([root])


@pytest.mark.parametrize(
    ("line", "needle"),
    [('target = "torch"', "target must be one of"), ("jobs = 0", "jobs must be a positive"),
     ("select = 3", "select must be a string"), ('per-file-ignores = ["x"]', "per-file-ignores")],
)
def test_bad_values_are_errors_naming_the_key(tmp_path: Path, line: str, needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        load_config([_project(tmp_path, line)])


def test_cli_flags_override_the_file_and_unset_flags_do_not(tmp_path: Path) -> None:
    root = _project(tmp_path, 'target = "module"\nignore = ["TFM401"]\njobs = 4')
    config = load_config([root]).with_overrides(target="keras", ignore=(), jobs=None, select=("TFM1",))
    assert config.target == "keras"  # flag wins
    assert config.ignore == ("TFM401",)  # no flag: file value stays
    assert config.jobs == 4
    assert config.options().select == ("TFM1",)


def test_extend_exclude_adds_while_exclude_replaces(tmp_path: Path) -> None:
    assert load_config([_project(tmp_path, 'extend-exclude = ["gen/"]')]).exclude == DEFAULT_EXCLUDE
    replaced = load_config([_project(tmp_path, 'exclude = ["gen/"]')])
    assert replaced.exclude == ("gen/",)


def test_rule_packs_are_relative_to_the_pyproject(tmp_path: Path) -> None:
    root = _project(tmp_path, 'rules = ["packs/house.toml"]')
    assert load_config([root / "pkg"]).rules == (str(root / "packs" / "house.toml"),)


def test_per_file_ignores_and_verify_table(tmp_path: Path) -> None:
    root = _project(tmp_path, '[tool.tf1migrate.per-file-ignores]\n"legacy/*.py" = ["TFM201"]\n'
                              '[tool.tf1migrate.verify.model]\ninputs = {x = "float32[2,3]"}')
    config = load_config([root])
    assert config.per_file_ignores == (("legacy/*.py", ("TFM201",)),)
    assert config.verify == {"model": {"inputs": {"x": "float32[2,3]"}}}


def test_rule_packs_from_the_command_line_add_to_the_file(tmp_path: Path) -> None:
    root = _project(tmp_path, 'rules = ["house.toml"]')
    config = load_config([root]).with_overrides(rules=(str(tmp_path / "extra.toml"),))
    assert config.rules == (str(root / "house.toml"), str(tmp_path / "extra.toml"))


def test_rule_ids_are_checked_in_the_file_and_on_the_command_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="'TFM40X' is not a rule id"):
        load_config([_project(tmp_path, 'ignore = ["TFM40X"]')])
    config = load_config([_project(tmp_path, 'select = ["tfm2"]')])
    assert config.select == ("TFM2",)
    with pytest.raises(ConfigError, match="--ignore: 'E501'"):
        config.with_overrides(ignore=("E501",))
