"""Printing to a terminal or a log: every text from a book, a path or the environment as text.

Rich would read `[red]` or `[/bold]` inside a contract name, an e-mail address or a folder name
as markup: it would hide the text, or crash with `MarkupError`. Nothing here parses markup.
A line is built from parts: plain strings are printed as they are, `(text, style)` pairs get a
style (a colour, `bold`, `dim`) that only the program chooses.
"""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.text import Text

#: One piece of a line: text as it is, or (text, style).
Part = str | tuple[str, str]


def console_for(stream: TextIO) -> Console:
    """A console that writes to `stream`, with no markup, no guessed highlighting, no wrapping."""
    return Console(file=stream, highlight=False, soft_wrap=True, markup=False, emoji=False)


def line(*parts: Part) -> Text:
    """One line from its parts; a part's text is never read as markup."""
    text = Text()
    for part in parts:
        if isinstance(part, str):
            text.append(part)
        else:
            text.append(part[0], style=part[1])
    return text


def say(console: Console, *parts: Part) -> None:
    """Print one line made of `parts` (see `line`)."""
    console.print(line(*parts))
