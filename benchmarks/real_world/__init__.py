"""Real TF1 repositories as the yardstick: see benchmarks/README.md (real-world section)."""
