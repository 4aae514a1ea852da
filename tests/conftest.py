"""Shared test plumbing: the batched legacy oracle (see tests/oracle/__init__.py)."""

from __future__ import annotations

import os

import pytest

from tests.oracle import Oracle

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

_ORACLE = Oracle({})


def pytest_collection_modifyitems(session, config, items):
    """Gather every module's ORACLE_CASES so the first use computes them all in one child."""
    seen = set()
    for item in items:
        module = getattr(item, "module", None)
        if module is not None and id(module) not in seen:
            seen.add(id(module))
            _ORACLE.register(getattr(module, "ORACLE_CASES", {}))


@pytest.fixture(scope="session")
def oracle() -> Oracle:
    return _ORACLE
