"""`python -m benchmarks.real_world --mirrors DIR [--only NAME] [--json OUT]`."""

from __future__ import annotations

from benchmarks.real_world.harness import main

raise SystemExit(main())
