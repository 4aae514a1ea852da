"""The synthetic corpus: deterministic, valid Python 3, the requested size, and realistic in
the ways the benchmarks rely on (every import form, cross-module imports that resolve)."""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

import pytest

from benchmarks.corpus import IMPORT_STYLES, MIN_FILES, PACKAGE, generate_corpus


def _digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    generate_corpus(root, files=120, seed=3)
    return root


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path, corpus):
    generate_corpus(tmp_path / "again", files=120, seed=3)
    generate_corpus(tmp_path / "other", files=120, seed=4)
    assert _digest(tmp_path / "again") == _digest(corpus)
    assert _digest(tmp_path / "other") != _digest(corpus)


def test_every_file_is_valid_python3(corpus):
    for path in corpus.rglob("*.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")


@pytest.mark.parametrize("files", [MIN_FILES, 37, 450])
def test_file_count_is_what_was_asked(tmp_path, files):
    stats = generate_corpus(tmp_path, files=files, seed=0)
    assert stats.files == files == len(list(tmp_path.rglob("*.py")))
    if files == 450:  # the default is tensor2tensor-sized
        assert 125_000 <= stats.lines <= 155_000


def test_too_few_files_is_refused(tmp_path):
    with pytest.raises(ValueError, match="at least"):
        generate_corpus(tmp_path, files=MIN_FILES - 1)


def test_mix_of_import_forms_and_tf1_constructs(tmp_path):
    generate_corpus(tmp_path, files=450, seed=0)
    text = "\n".join(p.read_text(encoding="utf-8") for p in tmp_path.rglob("*.py"))
    for style in IMPORT_STYLES:
        assert all(line in text for line in style.header), style.name
    for construct in ("get_variable(", ".layers.dense(", "batch_normalization(", "slim.conv2d(",
                      "rnn_cell.", "tf.Session()", ".placeholder(", "AdamOptimizer(",
                      "tf.test.TestCase", "class ", '"""', "# "):
        assert construct in text, construct
    sizes = [p.read_text(encoding="utf-8").count("\n") for p in tmp_path.rglob("*.py")]
    assert max(sizes) > 2000  # a few very long files, as in real repos


def test_cross_module_imports_resolve(corpus):
    """Imports of corpus modules name real modules and functions, so a repo-wide index can
    follow helpers into the models that call them."""
    defined: dict[str, set[str]] = {}
    for path in corpus.rglob("*.py"):
        dotted = ".".join(path.relative_to(corpus).with_suffix("").parts).removesuffix(".__init__")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined[dotted] = {node.name for node in tree.body
                           if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    imports = 0
    for path in corpus.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PACKAGE):
                for alias in node.names:
                    submodule = f"{node.module}.{alias.name}"
                    assert submodule in defined or alias.name in defined[node.module], submodule
                    imports += 1
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith(PACKAGE):
                        assert alias.name in defined, alias.name
                        imports += 1
    assert imports > 50
