"""Tests of the codemod engine: resolution, index, generation, rewrite, goldens, end to end."""
