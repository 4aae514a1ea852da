"""Paths → files: globs, .gitignore, symlinks only inside the tree, whole-project index."""

from __future__ import annotations

import os
from pathlib import Path

from tf1migrate.config import Config, load_config
from tf1migrate.discovery import discover, module_name


def _names(paths, root: Path) -> list[str]:
    return [p.relative_to(root.resolve()).as_posix() for p in paths]


def test_walks_py_and_ipynb_respecting_gitignore_and_default_excludes(make_repo) -> None:
    root = make_repo({
        "a.py": "", "nb.ipynb": "{}", "notes.txt": "", ".gitignore": "generated/\n*_pb2.py\n",
        "generated/x.py": "", "proto_pb2.py": "", ".venv/lib/site.py": "", "pkg/sub/.gitignore": "local.py\n",
        "pkg/sub/local.py": "", "pkg/sub/kept.py": "", "build/out.py": "",
    })
    found = discover([root], load_config([root]))
    assert _names(found.targets, root) == ["a.py", "nb.ipynb", "pkg/sub/kept.py"]
    assert found.findings == ()


def test_extend_exclude_from_config(make_repo) -> None:
    root = make_repo({"a.py": "", "legacy/b.py": "", "pyproject.toml": '[tool.tf1migrate]\nextend-exclude = ["legacy/"]\n'})
    assert _names(discover([root], load_config([root])).targets, root) == ["a.py"]


def test_single_file_is_the_only_target_but_the_whole_project_is_indexed(make_repo) -> None:
    root = make_repo({"pkg/__init__.py": "", "pkg/a.py": "", "pkg/b.py": "", "tools/c.py": ""})
    found = discover([root / "pkg" / "a.py"], Config())
    assert _names(found.targets, root) == ["pkg/a.py"]
    assert _names(found.project, root) == ["pkg/__init__.py", "pkg/a.py", "pkg/b.py", "tools/c.py"]
    assert found.root == root


def test_missing_path_is_a_finding_and_the_rest_goes_on(make_repo) -> None:
    root = make_repo({"a.py": ""})
    found = discover([root / "a.py", root / "nope.py"], Config())
    assert _names(found.targets, root) == ["a.py"]
    assert [(f.rule, f.message) for f in found.findings] == [("TFM007", "path does not exist")]
    assert found.findings[0].path.endswith("nope.py")


def test_symlinks_inside_followed_outside_and_loops_reported(make_repo, tmp_path: Path) -> None:
    root = make_repo({"real/a.py": "", "real/b.py": ""})
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text("")
    os.symlink(root / "real" / "a.py", root / "alias.py")  # inside: same file, indexed once
    os.symlink(root / "real", root / "linked_dir")  # inside dir: no duplicates
    os.symlink(outside / "secret.py", root / "out.py")
    os.symlink(root, root / "real" / "loop")  # points at an ancestor
    os.symlink(root / "self_a", root / "self_b")
    os.symlink(root / "self_b", root / "self_a")
    found = discover([root], Config())
    assert _names(found.targets, root) == ["real/a.py", "real/b.py"]
    messages = {Path(f.path).name: f.message for f in found.findings}
    assert "outside the project" in messages["out.py"]
    assert "loop" in messages["loop"]
    assert "loop" in messages["self_a"] and "loop" in messages["self_b"]
    assert {f.rule for f in found.findings} == {"TFM007"}


def test_explicit_files_obey_excludes(make_repo) -> None:
    root = make_repo({"build/gen.py": "", "a.py": ""})
    found = discover([root / "build" / "gen.py", root / "a.py"], Config())
    assert _names(found.targets, root) == ["a.py"]


def test_module_names_follow_packages(make_repo) -> None:
    root = make_repo({"src/pkg/__init__.py": "", "src/pkg/nets/__init__.py": "", "src/pkg/nets/gpt.py": "", "train.py": ""})
    assert module_name(root / "src/pkg/nets/gpt.py", root) == "pkg.nets.gpt"
    assert module_name(root / "src/pkg/nets/__init__.py", root) == "pkg.nets"
    assert module_name(root / "train.py", root) == "train"


def test_ignored_symlinks_are_neither_followed_nor_reported(make_repo, tmp_path: Path) -> None:
    root = make_repo({"a.py": "", ".gitignore": "vendor_link\n"})
    outside = tmp_path / "vendor"
    outside.mkdir()
    (outside / "v.py").write_text("")
    os.symlink(outside, root / "vendor_link")
    found = discover([root], load_config([root]))
    assert _names(found.targets, root) == ["a.py"] and found.findings == ()


def test_gitignore_can_be_switched_off_and_include_widened(make_repo) -> None:
    root = make_repo({"a.py": "", "gen/b.py": "", "tool.pyw": "", ".gitignore": "gen/\n",
                      "pyproject.toml": '[tool.tf1migrate]\nrespect-gitignore = false\ninclude = ["*.py", "*.pyw"]\n'})
    assert _names(discover([root], load_config([root])).targets, root) == ["a.py", "gen/b.py", "tool.pyw"]
