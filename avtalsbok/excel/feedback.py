"""How a button tells the officer what happened: one line in Excel's status bar, a box for errors.

Every click ends with one line in the status bar (`Uppdaterad 09:30: 700 avtal, 9 fel, 2 varningar
– spara med Ctrl+S`). Excel keeps that text until the next click sets another or Excel is closed.
A message box comes on top only when the officer has something to act on; for errors in the book
it carries the warning icon. xlwings 0.37 knows two icons: `mode="info"` is Windows'
MB_ICONINFORMATION and `mode="critical"` is MB_ICONWARNING, the yellow triangle
(`xlwings/_xlwindows.py`, `App.alert`); there is no way to the red stop icon through xlwings.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ..core.words import counted, findings_text

if TYPE_CHECKING:
    from .livebook import App

#: `App.alert` modes by the icon Excel on Windows shows for them.
WARNING_ICON = "critical"
INFO_ICON = "info"
SAVE_HINT = "spara med Ctrl+S"


def result_line(done: str, now: datetime, contracts: int, errors: int, warnings: int) -> str:
    """The status-bar line after a run that wrote in the book, e.g. `Uppdaterad 09:30: …`."""
    return (
        f"{done} {now:%H:%M}: {counted(contracts, 'avtal', 'avtal')}, "
        f"{findings_text(errors, warnings)} – {SAVE_HINT}"
    )


def show(app: App, line: str) -> None:
    """Put one line in Excel's status bar."""
    app.status_bar = line


def warn(app: App, prompt: str, title: str) -> None:
    """A message box with the warning icon, for something the officer has to correct."""
    app.alert(prompt, title=title, mode=WARNING_ICON)
