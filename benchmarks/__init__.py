"""Benchmarks for tf1migrate and tf1compat: each module is one command that prints a Markdown
table and writes JSON to ``benchmarks/out/``. They report figures; they are not pass/fail tests.
"""
