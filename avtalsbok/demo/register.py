"""The demo's contract register (`Avtal`): contracts, their suppliers and roughly their tiers.

Contracts are drawn per purchasing category of `catalogue.py`, with terms, values, risks and
price indexes as a municipality's contracts have them; suppliers get Swedish names and valid
organisation numbers, and about one contract in a hundred a manual priority with a motivation.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from ..core import schema
from ..core.calendar import add_months
from ..core.cells import luhn_digit
from ..core.settings import Settings
from .catalogue import (
    CALL_OFF_CATEGORIES,
    CALL_OFF_CUM,
    CATEGORIES,
    CATEGORY_CUM,
    CATEGORY_NAMES,
    CITIES,
    FRAMEWORKS,
    OWNERS,
    PLACES,
    SURNAMES,
)
from .draw import Draw
from .phrases import LOW_MOTIVATION, MOTIVATIONS

_SETTINGS = Settings()
_DAY = timedelta(days=1)
_JA, _NEJ = schema.YES_NO
_OPTIONS = ("", "1+1", "12 mån", "2x12 mån", "2+1+1", "1+1+1")
_OPTION_CUM = tuple(accumulate((25, 35, 15, 15, 5, 5)))
_NOTICE = (0.0, 1.0, 2.0, 3.0, 4.0, 6.0)
_NOTICE_CUM = tuple(accumulate((10, 10, 10, 45, 5, 20)))
_RISK_CUM = tuple(accumulate((25, 40, 25, 10)))

# Follow-up state of a contract, set by `history.py`
NORMAL, BEHIND, NEVER = 0, 1, 2


@dataclass(slots=True)
class Contract:
    """One contract while the book is built; becomes a row of `Avtal`."""

    order: int
    category: str
    name: str
    form: str
    central: str | None
    award: date
    start: date
    end: date
    option: str | None
    notice: float
    value: float
    critical: bool
    probability: float | None
    consequence: float | None
    sustainability: bool
    price_index: str
    price_month: str | None
    owner: int
    contract_id: str = ""
    supplier: str = ""
    org_number: str = ""
    manual: float | None = None
    motivation: str | None = None
    tier: int = 3
    state: int = NORMAL
    stop: date = date.min  # last day the follow-up history covers

    @property
    def risk(self) -> float:
        return (self.probability or 0) * (self.consequence or 0)


class Register(Draw):
    """Draws the contracts, then their suppliers and tiers (`contracts`)."""

    def __init__(self, rng: random.Random, today: date) -> None:
        super().__init__(rng, today)
        self.names: set[str] = set()
        self.org_numbers: set[str] = set()

    def contracts(self, count: int) -> list[Contract]:
        """`count` contracts with suppliers and tiers, numbered per award year, in award order."""
        contracts = [self.contract(i) for i in range(count)]
        self.suppliers(contracts)
        contracts.sort(key=lambda c: (c.award, c.order))
        width = max(4, len(str(count)))
        per_year: dict[int, int] = {}
        for c in contracts:
            seq = per_year[c.award.year] = per_year.get(c.award.year, 0) + 1
            c.contract_id = f"AV-{c.award.year}-{seq:0{width}d}"
        self.tiers(contracts)
        return contracts

    def contract(self, order: int) -> Contract:
        rng, today = self.rng, self.today
        if rng.random() < 0.15:
            category = self.pick(CALL_OFF_CATEGORIES, CALL_OFF_CUM)
            body, framework = self.one_of(FRAMEWORKS[category])
            name = f"Avrop {body} – {framework}"
            form = schema.CALL_OFF_FORM
            central: str | None = _JA if rng.random() < 0.85 else _NEJ
        else:
            category = self.pick(CATEGORY_NAMES, CATEGORY_CUM)
            name = self.one_of(CATEGORIES[category].names)
            form = "Ramavtal" if rng.random() < 0.6 else "Eget avtal"
            central = None
        profile = CATEGORIES[category]
        years = self.pick((2, 3, 4), (35, 75, 100))
        term = years * 365
        lead = self.between(14, 56)  # award decision to start
        phase = rng.random()
        if phase < 0.03:  # awarded, not yet started
            start = today + self.between(1, lead - 1) * _DAY
        else:
            if phase < 0.15:  # ended within the last six years
                back = term + int(rng.random() * (6 * 365 - term))
            else:
                back = int(rng.random() * term)
            start = today - back * _DAY
            if rng.random() < 0.6:
                start = start.replace(day=1)
        end = add_months(start, 12 * years) - _DAY
        award = start - lead * _DAY
        value = rng.lognormvariate(0, 1.7) * profile.median_value
        value = min(max(value, 10_000.0), 200_000_000.0)
        value = float(round(value, -4 if value >= 1_000_000 else -3))
        critical = rng.random() < profile.critical
        probability = consequence = None
        if rng.random() < 0.9:
            probability = float(self.pick((1, 2, 3, 4), _RISK_CUM))
            consequence = float(self.pick((1, 2, 3, 4), _RISK_CUM) + (1 if critical else 0))
            consequence = min(consequence, 4.0)
        price_index, price_month = profile.index, None
        roll = rng.random()
        if roll < 0.12:
            price_index = "Fast pris"
        elif roll < 0.17:
            price_index = "Ingen"
        elif roll < 0.3:
            price_index = "KPI"
        if price_index not in ("Fast pris", "Ingen"):
            price_month = schema.MONTHS_SV[0 if rng.random() < 0.5 else self.below(12)]
        option = self.pick(_OPTIONS, _OPTION_CUM) or None
        return Contract(
            order=order,
            category=category,
            name=name,
            form=form,
            central=central,
            award=award,
            start=start,
            end=end,
            option=option,
            notice=self.pick(_NOTICE, _NOTICE_CUM),
            value=value,
            critical=critical,
            probability=probability,
            consequence=consequence,
            sustainability=rng.random() < 0.4,
            price_index=price_index,
            price_month=price_month,
            owner=self.below(len(OWNERS)),
        )

    def suppliers(self, contracts: list[Contract]) -> None:
        """Suppliers per category: 6 in 10 have one contract, the rest two to six.

        In a very large book (a region-wide roll-up) a category's names run out; from then on
        its contracts go to suppliers it already has, as they would in reality.
        """
        groups: dict[tuple[str, bool], list[Contract]] = {}
        for c in contracts:
            groups.setdefault((c.category, c.form == schema.CALL_OFF_FORM), []).append(c)
        for (category, national), members in groups.items():
            trades = CATEGORIES[category].trades
            known: list[tuple[str, str]] = []
            i = 0
            while i < len(members):
                k = 1 if self.rng.random() < 0.6 else self.between(2, 6)
                name = self.supplier_name(trades, national, tries=50 if known else None)
                supplier = self.one_of(known) if name is None else (name, self.org_number(name))
                if name is not None:
                    known.append(supplier)
                for c in members[i : i + k]:
                    c.supplier, c.org_number = supplier
                i += k

    def supplier_name(
        self, trades: tuple[str, ...], national: bool, tries: int | None
    ) -> str | None:
        """A new supplier name composed from Swedish parts, or None after `tries` taken ones.

        Trade words belong to one category, so a category's first supplier always finds a
        free name (`tries` None: no limit).
        """
        rng = self.rng
        attempt = 0
        while tries is None or attempt < tries:
            attempt += 1
            trade = self.one_of(trades)
            kind = rng.random()
            if national:
                if kind < 0.4:
                    first = self.one_of(PLACES)
                elif kind < 0.8:
                    first = self.one_of(SURNAMES)
                else:
                    first = " & ".join(rng.sample(SURNAMES, 2))
                name = f"{first} {trade} {self.one_of(('Sverige', 'Nordic', 'Group'))} AB"
            elif kind < 0.25:
                name = f"{self.one_of(PLACES)} {trade} AB"
            elif kind < 0.45:
                name = f"{self.one_of(SURNAMES)} {trade} AB"
            elif kind < 0.55:
                name = f"{self.one_of(SURNAMES)}s {trade} AB"
            elif kind < 0.6:
                name = f"Bröderna {self.one_of(SURNAMES)} {trade} AB"
            elif kind < 0.72:
                name = f"{trade} i {self.one_of(CITIES)} AB"
            elif kind < 0.78:
                name = f"{self.one_of(PLACES)} {trade} HB"
            elif kind < 0.9:
                name = f"{self.one_of(SURNAMES)} {trade} i {self.one_of(CITIES)} AB"
            else:
                first, second = rng.sample(SURNAMES, 2)
                name = f"{first} & {second} {trade} AB"
            if name not in self.names:
                self.names.add(name)
                return name
        return None

    def org_number(self, name: str) -> str:
        """A new, valid organisation number: Aktiebolag 556…/559…, handelsbolag 969…/916…."""
        prefixes = ("969", "916") if name.endswith(" HB") else ("556", "556", "559")
        while True:
            nine = self.one_of(prefixes) + f"{self.below(1_000_000):06d}"
            org = f"{nine[:6]}-{nine[6:]}{luhn_digit(nine)}"
            if org not in self.org_numbers:
                break
        self.org_numbers.add(org)
        return org

    def tiers(self, contracts: list[Contract]) -> None:
        """Roughly the tier the engine will give, so the history follows the right cadence.

        Also where the officer set a manual priority: a few contracts, each with a motivation.
        """
        rng = self.rng
        ranked = sorted(range(len(contracts)), key=lambda i: -contracts[i].value)
        big, mid = len(contracts) * 0.04, len(contracts) * 0.3
        for rank, i in enumerate(ranked):
            c = contracts[i]
            if c.critical or rank < big:
                c.tier = 1
            elif c.central == _JA:
                c.tier = 3
            elif c.risk >= _SETTINGS.high_risk_threshold or rank < mid:
                c.tier = 2
        for c in contracts:
            if rng.random() < 0.012:
                if c.central == _JA:
                    c.manual, c.motivation = 3.0, LOW_MOTIVATION
                else:
                    c.manual, c.motivation = float(self.one_of((1, 2))), self.one_of(MOTIVATIONS)
                c.tier = int(c.manual)
