"""tf-slim's ``layers`` package: layer functions, initializers, regularizers (``from tf_slim.layers import *``)."""

from __future__ import annotations

from tf1compat.slim.layers.initializers import *
from tf1compat.slim.layers.initializers import __all__ as _initializers_all
from tf1compat.slim.layers.layers import *
from tf1compat.slim.layers.layers import __all__ as _layers_all
from tf1compat.slim.layers.regularizers import *
from tf1compat.slim.layers.regularizers import __all__ as _regularizers_all

__all__ = [*_initializers_all, *_layers_all, *_regularizers_all]
