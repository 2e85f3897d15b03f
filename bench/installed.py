"""The package as an installed one is: its bytecode compiled before any process is timed.

The benchmarks time new Python processes, as an officer's runs and button clicks are. An
installed package has its bytecode compiled (pip does it, and `scripts/setup.sh` for this
checkout). Where Python is told not to write bytecode (`PYTHONDONTWRITEBYTECODE`, or `-B` as
xlwings starts a click), a source file edited since would be compiled again in every timed
process, and the figures would show that instead of the product.
"""

from __future__ import annotations

import compileall
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "avtalsbok"


def compile_package() -> None:
    """Compile the package's sources whose bytecode is missing or out of date."""
    if not compileall.compile_dir(PACKAGE, quiet=1):
        raise SystemExit(f"{PACKAGE} kunde inte kompileras")
