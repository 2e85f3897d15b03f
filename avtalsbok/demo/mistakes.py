"""The officer mistakes planted in the demo book: each one where it lies, how it is made, and the
finding the engine must report for it.

`PLANTED` lists them; each entry is declared beside the function that plants it. `MISTAKES` is
what a test checks the engine against: one `Mistake` per finding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..core import schema
from ..core.calendar import add_months

Row = dict[str, Any]
Book = dict[str, list[Row]]

#: Smallest book that has room for every planted mistake.
MIN_CONTRACTS_WITH_MISTAKES = 100

_A, _U, _D = schema.AVTAL_SHEET, schema.UPPFOLJNINGAR_SHEET, schema.AVVIKELSER_SHEET
_JA = schema.YES_NO[0]


@dataclass(frozen=True)
class Mistake:
    """A mistake planted in the demo book, and the finding the engine must report for it."""

    sheet: str
    row: int  # Excel row (row 1 holds the headers)
    header: str
    code: str
    what: str
    #: The contract keeps the follow-up history drawn for it (the mistake touches nothing the
    #: history depends on); otherwise its row is left without history.
    keeps_history: bool = False


@dataclass(frozen=True)
class Planting:
    """What a planting sees: the book's rows, and the Avtals-IDs registered before any mistake."""

    book: Book
    registered: frozenset[str]

    def row(self, mistake: Mistake, above: int = 0) -> Row:
        """The record of the mistake's row, or of the row `above` rows higher."""
        return self.book[mistake.sheet][mistake.row - 2 - above]


#: Changes the book, in place, so that it holds the mistake.
Plant = Callable[[Planting, Mistake], None]


@dataclass(frozen=True)
class PlantedMistake:
    """A mistake, the function that plants it, and any further finding the same change causes."""

    mistake: Mistake
    plant: Plant
    also: tuple[Mistake, ...] = ()

    @property
    def findings(self) -> tuple[Mistake, ...]:
        return (*self.also, self.mistake)


_REGISTERED: list[PlantedMistake] = []


def _planted(
    sheet: schema.SheetDef,
    row: int,
    key: str,
    code: str,
    what: str,
    *,
    also: str = "",
    keeps_history: bool = False,
) -> Callable[[Plant], Plant]:
    """Register the decorated function as the way to plant this mistake (Excel `row`, column
    `key`). `also` describes the row above when the same finding is reported there too."""
    mistake = Mistake(sheet.name, row, sheet.column(key).header, code, what, keeps_history)
    extra = (Mistake(sheet.name, row - 1, mistake.header, code, also),) if also else ()

    def register(plant: Plant) -> Plant:
        _REGISTERED.append(PlantedMistake(mistake, plant, extra))
        return plant

    return register


# Excel rows are fixed, whatever the size of the book.


@_planted(
    _A,
    9,
    "contract_id",
    "duplicate-contract-id",
    "row copied from the one above; the Avtals-ID was not changed",
    also="the contract whose row was copied to the next row",
)
def _copied_row(p: Planting, m: Mistake) -> None:
    p.row(m)[m.header] = p.row(m, above=1)[m.header]


@_planted(
    _A,
    15,
    "org_number",
    "org-number-checksum",
    "organisation number with a mistyped check digit",
)
def _mistyped_check_digit(p: Planting, m: Mistake) -> None:
    rec = p.row(m)
    rec[m.header] = rec[m.header][:-1] + str((int(rec[m.header][-1]) + 5) % 10)


@_planted(
    _A, 23, "end", "end-before-start", "Slutdatum typed with the wrong year, before Startdatum"
)
def _end_before_start(p: Planting, m: Mistake) -> None:
    rec = p.row(m)
    start = rec[_A.column("start").header]
    rec[m.header] = add_months(rec[m.header], -12 * (rec[m.header].year - start.year + 1))


@_planted(_A, 31, "start", "date-as-text", "Startdatum typed as Swedish text, like '7 maj 2024'")
def _date_in_words(p: Planting, m: Mistake) -> None:
    rec = p.row(m)
    day = rec[m.header]
    rec[m.header] = f"{day.day} {schema.MONTHS_SV[day.month - 1]} {day.year}"


@_planted(_A, 42, "annual_value", "amount-as-text", "Årsvärde typed as text, like '1 200 000 kr'")
def _amount_as_text(p: Planting, m: Mistake) -> None:
    rec = p.row(m)
    rec[m.header] = f"{round(rec[m.header]):,} kr".replace(",", " ")


@_planted(_A, 50, "email", "invalid-email", "e-mail address without @")
def _email_without_at(p: Planting, m: Mistake) -> None:
    rec = p.row(m)
    rec[m.header] = rec[m.header].replace("@", ".")


@_planted(
    _A,
    57,
    "motivation",
    "manual-priority-without-motivation",
    "manual priority 1 with no motivation",
)
def _priority_without_motivation(p: Planting, m: Mistake) -> None:
    rec = p.row(m)
    rec[_A.column("manual_priority").header], rec[m.header] = 1.0, None


@_planted(
    _A,
    64,
    "central_follows_up",
    "central-follow-up-not-call-off",
    "Inköpscentral följer upp = Ja on an Eget avtal",
)
def _central_on_own_contract(p: Planting, m: Mistake) -> None:
    rec = p.row(m)
    rec[m.header], rec[_A.column("form").header] = _JA, "Eget avtal"


#: The month the officer skipped when pasting AKI on `Index`: the base month of the contract
#: below, and of no other (the demo's other base months are all later).
_SKIPPED_INDEX_MONTH = "2012-06"


@_planted(
    _A,
    77,
    "base_month",
    "index-missing",
    f"AKI-tied contract whose base month {_SKIPPED_INDEX_MONTH} was skipped when pasting Index",
    keeps_history=True,
)
def _skipped_index_month(p: Planting, m: Mistake) -> None:
    rec = p.row(m)
    for key, value in (
        ("price_index", "AKI"),
        ("price_month", "juli"),
        ("last_price_adjustment", None),
        ("base_month", _SKIPPED_INDEX_MONTH),
    ):
        rec[_A.column(key).header] = value
    p.book[schema.INDEX] = [
        r for r in p.book[schema.INDEX] if (r["Serie"], r["Månad"]) != ("AKI", _SKIPPED_INDEX_MONTH)
    ]


def _unregistered(p: Planting, m: Mistake) -> None:
    """The row names a contract not in the register: the next free Avtals-ID of the same year."""
    rec = p.row(m)
    prefix, seq = rec[m.header].rsplit("-", 1)
    number = int(seq)
    while f"{prefix}-{number:0{len(seq)}d}" in p.registered:
        number += 1
    rec[m.header] = f"{prefix}-{number:0{len(seq)}d}"


_planted(
    _U,
    12,
    "contract_id",
    "unknown-contract",
    "follow-up logged on a contract not (yet) in the register",
)(_unregistered)
_planted(
    _D,
    7,
    "contract_id",
    "unknown-contract",
    "deviation on a contract not (yet) in the register",
)(_unregistered)

#: Every planted mistake, in the order they are planted.
PLANTED: tuple[PlantedMistake, ...] = tuple(_REGISTERED)
MISTAKES: tuple[Mistake, ...] = tuple(m for planted in PLANTED for m in planted.findings)


def plant_mistakes(book: Book) -> None:
    """Make every planted mistake, in place."""
    contract_id = _A.column("contract_id").header
    planting = Planting(book, frozenset(r[contract_id] for r in book[schema.AVTAL]))
    for planted in PLANTED:
        planted.plant(planting, planted.mistake)
