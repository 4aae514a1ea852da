"""tf-slim's ``ops``: ``arg_scope`` and the variable helpers."""
