"""The demo's random draws: one seeded stream, and lean versions of random's helpers.

Drawing is the bulk of the work for a large book. Every builder of the demo draws from the same
`random.Random`, so the order of the draws is part of the seed: the same calls in the same order
give the same book.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from datetime import date
from typing import TypeVar

_T = TypeVar("_T")


class Draw:
    """Draws from one random stream for a book whose reference date is `today`."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today

    def between(self, lo: int, hi: int) -> int:
        return lo + int(self.rng.random() * (hi - lo + 1))

    def below(self, n: int) -> int:
        return int(self.rng.random() * n)

    def one_of(self, items: Sequence[_T]) -> _T:
        return items[int(self.rng.random() * len(items))]

    def pick(self, items: tuple[_T, ...], cum: tuple[float, ...]) -> _T:
        """One of `items`, weighted by the cumulative weights `cum`."""
        return items[bisect(cum, self.rng.random() * cum[-1])]
