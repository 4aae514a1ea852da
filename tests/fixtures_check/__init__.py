"""Proof that fixtures/repos/ holds genuine, working TF1 code (see fixtures/README.md)."""
