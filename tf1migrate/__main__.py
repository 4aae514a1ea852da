"""`python -m tf1migrate …` runs the same CLI as the `tf1migrate` script."""

from __future__ import annotations

from tf1migrate.cli import main

if __name__ == "__main__":
    main(prog_name="tf1migrate")
