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
    assert layer.init_params == (
        Param("hparams", True), Param("scope", False, default='"model"'), Param("kwargs", False, True),
    )
    assert layer.arguments == (("scope", "scope"),)  # hparams is passed positionally, def unknown
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


MAPPED = '''
import tensorflow as tf
import tf1compat


def conv_net(images, depth, name=None, is_training=False):
    return images


def make_tower(width, name="tower"):
    def tower(x):
        return x
    return tower


class ConvNetLayer(tf1compat.MigratedLayer):
    tf1migrate_wraps = "conv_net"
    tf1migrate_renames = {"tf1_name": "name"}

    def __init__(self, depth, tf1_name="conv", variable_scope="model", **kwargs):
        super().__init__(**kwargs)

    @tf1compat.track_tf1_style_variables
    def call(self, images, training=None):
        with tf.compat.v1.variable_scope(self.variable_scope):
            return conv_net(images, self.depth, name=self.tf1_name, is_training=training)


class HandWrittenLayer(tf1compat.MigratedLayer):
    tf1migrate_wraps = "conv_net"

    def __init__(self, depth, layer_label=None, **kwargs):
        super().__init__(**kwargs)

    @tf1compat.track_tf1_style_variables
    def call(self, images, training=None):
        return conv_net(images, self.depth, self.layer_label, training)


class TowerLayer(tf1compat.MigratedLayer):
    tf1migrate_wraps = "make_tower"

    def __init__(self, width, **kwargs):
        super().__init__(**kwargs)

    @tf1compat.track_tf1_style_variables
    def call(self, x, training=None):
        network = make_tower(self.width)
        return network(x)
'''


def test_parameter_mapping_from_the_renames_attribute_and_from_call(tmp_path):
    """The wrapper's mapping is what verify reads: `tf1migrate_renames`, or the wrapped call's
    keywords and positions (today's generated classes), plus the scope `call` enters."""
    write(tmp_path / "nets.py", MAPPED)
    targets, _ = discover_wrappers([tmp_path])
    by_name = {t.class_name: t for t in targets}
    generated, hand, tower = by_name["ConvNetLayer"], by_name["HandWrittenLayer"], by_name["TowerLayer"]
    assert dict(generated.arguments) == {"depth": "depth", "tf1_name": "name"}
    assert generated.original_keyword("tf1_name") == "name"
    assert generated.scope_param == "variable_scope" and not generated.builder
    assert dict(hand.arguments) == {"depth": "depth", "layer_label": "name"}
    assert hand.training_position == 3 and hand.scope_param is None
    assert tower.builder and dict(tower.arguments) == {"width": "width"}
