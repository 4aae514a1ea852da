"""tf1migrate: a codemod that wraps TF1 graph-building code into TF2 layers."""

__version__ = "0.1.0"
