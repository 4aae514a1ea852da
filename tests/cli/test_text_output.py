"""People's output: colour and progress only on terminals, never with NO_COLOR."""

from __future__ import annotations

import io

from tf1migrate.reporters import text


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_without_no_color(monkeypatch) -> None:
    assert text.make_console(io.StringIO()).no_color
    assert not text.make_console(_Terminal()).no_color
    monkeypatch.setenv("NO_COLOR", "1")
    assert text.make_console(_Terminal()).no_color


def test_progress_bar_is_a_no_op_when_piped_or_quiet() -> None:
    piped = text.make_console(io.StringIO())
    with text.progress_bar(piped, enabled=True) as progress:
        progress("migrate", 5, 50)
    assert piped.file.getvalue() == ""
    with text.progress_bar(text.make_console(_Terminal()), enabled=False) as progress:
        progress("migrate", 5, 50)


def test_progress_bar_draws_on_a_terminal_for_many_files() -> None:
    terminal = _Terminal()
    console = text.make_console(terminal)
    with text.progress_bar(console, enabled=True) as progress:
        for done in range(1, 31):
            progress("migrate", done, 30)
    assert "30/30" in terminal.getvalue()
