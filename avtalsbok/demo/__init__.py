"""The demo avtalsbok: a realistic, seeded, deterministic contract book of a Swedish municipality.

`generate` builds the input sheets as an officer would have filled them in: about 700 contracts
with suppliers (`register.py`), follow-up history, deviations at every step of the escalation
ladder and a partly written event log (`history.py`), drawn from the names and phrases of
`catalogue.py` and `phrases.py`, the extensions used, price adjustment terms and published index
values (`terms.py`), a few goals (`rows.py`), and (on request) a handful of typical officer mistakes
(`mistakes.py`, listed in `MISTAKES`). Same arguments → identical rows, so demo runs, tests and
benchmarks are reproducible.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from ..core import schema
from ..core.book import BookInput
from .catalogue import EMAIL_DOMAIN, REPORT_RECIPIENT
from .history import History
from .mistakes import MIN_CONTRACTS_WITH_MISTAKES, MISTAKES, Mistake, plant_mistakes
from .register import Register
from .rows import contract_row, deviation_row, follow_up_row, goal_rows, log_row, settings_rows
from .terms import index_rows

__all__ = [
    "DEMO_TODAY",
    "EMAIL_DOMAIN",
    "MAX_CONTRACTS",
    "MIN_CONTRACTS_WITH_MISTAKES",
    "MISTAKES",
    "REPORT_RECIPIENT",
    "Mistake",
    "demo_book",
    "generate",
]

#: The demo's reference date: `Idag` on its settings sheet, so every demo run computes the same.
DEMO_TODAY = date(2026, 11, 2)
#: Largest book `generate` builds (names and numbers stay unique well beyond this).
MAX_CONTRACTS = 1_000_000


def generate(
    contracts: int = 700,
    *,
    seed: int = 2026,
    today: date = DEMO_TODAY,
    mistakes: bool = True,
) -> dict[str, list[dict[str, Any]]]:
    """The demo book's input sheets: {sheet: [row as {header: value as Excel holds it}]}.

    Sheets `Avtal`, `Uppföljningar`, `Avvikelser`, `Händelselogg`, `Index`, `Mål` and
    `Inställningar`, input columns only (the engine computes the rest). Dates are `date`, log
    times `datetime`, amounts and whole numbers `float`, Ja/Nej text, blank cells None.
    `Inställningar` sets `Idag` to `today`. With `mistakes`, the rows in `MISTAKES` hold
    typical officer mistakes.
    """
    if not 1 <= contracts <= MAX_CONTRACTS:
        raise ValueError(f"contracts must be between 1 and {MAX_CONTRACTS}, not {contracts}")
    if mistakes and contracts < MIN_CONTRACTS_WITH_MISTAKES:
        raise ValueError(
            f"the planted mistakes need at least {MIN_CONTRACTS_WITH_MISTAKES} contracts; "
            "pass mistakes=False for a smaller book"
        )
    planted = MISTAKES if mistakes else ()
    # One random stream: the register is drawn first, then the history.
    rng = random.Random(seed)
    register = Register(rng, today).contracts(contracts)
    quiet = frozenset(m.row - 2 for m in planted if m.sheet == schema.AVTAL and not m.keeps_history)
    builder = History(rng, today, quiet)
    history = builder.follow_ups(register)
    deviations = builder.deviations(register, round(contracts * 0.085))
    # A deviation planted on an unknown contract was never followed up or logged.
    strays = {m.row - 2 for m in planted if m.sheet == schema.AVVIKELSER}
    traced = [d for i, d in enumerate(deviations) if i not in strays]
    history += builder.linked_follow_ups(traced)
    history.sort(key=lambda r: (r[1], r[0]))
    log = builder.log(traced)
    book = {
        schema.AVTAL: [contract_row(c, today) for c in register],
        schema.UPPFOLJNINGAR: [follow_up_row(r) for r in history],
        schema.AVVIKELSER: [deviation_row(d) for d in deviations],
        schema.HANDELSELOGG: [log_row(r) for r in log],
        schema.INDEX: index_rows(today),
        schema.MAL: goal_rows(today),
        schema.INSTALLNINGAR: settings_rows(today),
    }
    if mistakes:
        plant_mistakes(book)
    return book


def demo_book(
    contracts: int = 700,
    *,
    seed: int = 2026,
    today: date = DEMO_TODAY,
    mistakes: bool = True,
) -> BookInput:
    """The demo book as the engine's input (see `generate`)."""
    return BookInput.from_records(
        generate(contracts, seed=seed, today=today, mistakes=mistakes), name="demo"
    )
