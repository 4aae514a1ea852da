"""Wrappers are found from the code alone: the marker plus the tracking decorator."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tf1migrate.verify.discover import discover_wrappers, import_location
from tf1migrate.verify.model import Param

SOURCE = '''
import tensorflow as tf
import tf1compat
from tf1compat import track_tf1_style_variables


class ModelLayer(tf1compat.MigratedLayer):
    tf1migrate_wraps = "model"

    def __init__(self, hparams, scope="model", **kwargs):
        super().__init__(**kwargs)

    @tf1compat.track_tf1_style_variables
    def call(self, X, past=None, training=None):
        return model(self.hparams, X, past=past, is_training=training, scope=self.scope)


class EncoderModule(tf1compat.MigratedModule):
    tf1migrate_wraps: str = "Encoder.build"

    @track_tf1_style_variables
    def __call__(self, tokens, training=None):
        return Encoder().build(tokens, training)


class NotDecorated(tf1compat.MigratedLayer):
    tf1migrate_wraps = "model"

    def call(self, X):
        return model(X)


class NoMarker(tf1compat.MigratedLayer):
    @tf1compat.track_tf1_style_variables
    def call(self, X):
        return model(X)
'''


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def test_finds_marked_and_decorated_wrappers_only(tmp_path):
    write(tmp_path / "pkg" / "__init__.py", "")
    write(tmp_path / "pkg" / "nets.py", SOURCE)
    write(tmp_path / "pkg" / "plain.py", "x = 1\n")
    targets, problems = discover_wrappers([tmp_path])
    assert problems == []
    assert [t.label for t in targets] == ["pkg.nets:ModelLayer", "pkg.nets:EncoderModule"]
    layer, module = targets
    assert layer.key == "pkg.nets:model"
    assert layer.import_root == str(tmp_path.resolve())
    assert layer.method == "call" and module.method == "__call__"
    assert layer.init_params == (Param("hparams", True), Param("scope", False), Param("kwargs", False, True))
    assert [p.name for p in layer.call_params] == ["X", "past"]
    assert [p.required for p in layer.call_params] == [True, False]
    assert layer.has_training and layer.training_kwarg == "is_training"
    assert module.wraps == "Encoder.build"
    assert module.training_kwarg is None and module.training_position == 1


def test_unparsable_file_is_reported_not_fatal(tmp_path):
    write(tmp_path / "bad.py", "tf1migrate_wraps = 'x'\ndef broken(:\n")
    write(tmp_path / "good.py", SOURCE)
    targets, problems = discover_wrappers([tmp_path])
    assert [t.class_name for t in targets] == ["ModelLayer", "EncoderModule"]
    assert len(problems) == 1 and "bad.py" in problems[0] and "does not parse" in problems[0]


def test_import_location_follows_packages(tmp_path):
    write(tmp_path / "src" / "pkg" / "__init__.py", "")
    file = write(tmp_path / "src" / "pkg" / "sub" / "__init__.py", "")
    leaf = write(tmp_path / "src" / "pkg" / "sub" / "leaf.py", "")
    assert import_location(leaf) == ("pkg.sub.leaf", (tmp_path / "src").resolve())
    assert import_location(file) == ("pkg.sub", (tmp_path / "src").resolve())


def test_class_wrapper_exposes_the_attributes_it_returns(tmp_path):
    write(tmp_path / "modeling.py", '''
        import tf1compat

        class BertModelLayer(tf1compat.MigratedLayer):
          tf1migrate_wraps = "BertModel"

          @tf1compat.track_tf1_style_variables
          def call(self, input_ids, input_mask=None, training=None):
            built = BertModel(self.config, False if training is None else training, input_ids,
                              input_mask=input_mask)
            return {"pooled_output": built.pooled_output, "sequence": built.sequence_output}
    ''')
    (target,), _ = discover_wrappers([tmp_path])
    assert target.training_kwarg is None and target.training_position == 1
    assert target.output_attributes == (("pooled_output", "pooled_output"), ("sequence", "sequence_output"))
