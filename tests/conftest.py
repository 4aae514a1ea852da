"""Shared test plumbing: the batched legacy oracle (see tests/oracle/__init__.py)."""

from __future__ import annotations

import os

import pytest
from hypothesis import Phase, settings

from tests.oracle import Oracle

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

# Hypothesis: a few dozen examples per property in CI; `--hypothesis-profile=long` for releases.
# CI skips the targeting phase: hypothesmith targets program size, and hill-climbing towards
# ever larger programs took one property 15+ minutes with hypothesis 6.155 (the longer
# profiles keep it, since the large programs are the point there).
_CI_PHASES = tuple(phase for phase in Phase if phase is not Phase.target)
settings.register_profile("ci", max_examples=40, deadline=None, phases=_CI_PHASES)
settings.register_profile("long", max_examples=10_000, deadline=None)
settings.register_profile("medium", max_examples=500, deadline=None)
settings.load_profile("ci")

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
