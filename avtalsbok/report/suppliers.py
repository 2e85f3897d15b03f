"""The report's supplier sheets: `Leverantörer`, one row per supplier over every book, and
`Stickprov`, each book's proposed sample audits beside an audit another book already has.

A supplier is the same in every book by the engine's identity (`core/suppliers.py`: the
organisation number, else the name without case and extra spaces), so one unit can see, and
reuse, the audit another unit made instead of repeating it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from ..core.samples import counts_until
from ..core.suppliers import Check, Identities, SupplierHistory
from .records import BookRecord

#: A cell of these sheets.
Value = str | int | float | date | None

SUPPLIERS = "Leverantörer"
SAMPLES = "Stickprov"

#: (header, width, kind) as the report's tables take them.
SUPPLIER_COLUMNS: tuple[tuple[str, int, str], ...] = (
    ("Leverantör", 32, ""),
    ("Organisationsnummer", 14, ""),
    ("Enheter", 36, ""),
    ("Böcker", 8, ""),
    ("Avtal", 8, ""),
    ("Aktiva avtal", 9, ""),
    ("Årsvärde aktiva avtal (kr)", 16, "money"),
    ("Uppföljningar", 11, ""),
    ("Revisioner", 10, ""),
    ("Senaste revision", 11, "date"),
    ("Gemensamma uppföljningar", 12, ""),
    ("Senaste revision eller gemensam uppföljning", 14, "date"),
    ("Gjord i enhet", 24, ""),
    ("Avvikelser", 10, ""),
    ("Öppna avvikelser", 10, ""),
    ("Högsta steg (öppna)", 9, ""),
    ("Föreslås för stickprov", 30, ""),
)
SAMPLE_COLUMNS: tuple[tuple[str, int, str], ...] = (
    ("Enhet", 24, ""),
    ("Fil", 24, ""),
    ("Nr", 5, ""),
    ("Avtals-ID", 12, ""),
    ("Avtalsnamn", 34, ""),
    ("Leverantör", 28, ""),
    ("Organisationsnummer", 14, ""),
    ("Riskvärde", 8, ""),
    ("Årsvärde (kr)", 14, "money"),
    ("Senaste revision eller gemensam uppföljning", 14, "date"),
    ("Motivering", 60, ""),
    ("Avtalsansvarig", 22, ""),
    ("Gäller redan i annan bok", 50, ""),
)


@dataclass
class _Supplier:
    """One supplier's figures added up over the books."""

    name: str
    number: str | None
    units: dict[str, None] = field(default_factory=dict)
    books: int = 0
    contracts: int = 0
    active: int = 0
    value: float = 0.0
    follow_ups: int = 0
    audits: int = 0
    latest_audit: date | None = None
    joint: int = 0
    deviations: int = 0
    open: int = 0
    step: int | None = None
    proposed_in: dict[str, None] = field(default_factory=dict)
    #: book index → that book's latest audit or joint follow-up
    checks: dict[int, Check] = field(default_factory=dict)

    def add(self, h: SupplierHistory, unit: str, book: int) -> None:
        self.units[unit] = None
        self.books += 1
        self.number = self.number or h.org_number
        self.contracts += h.contracts
        self.active += h.active
        self.value += h.annual_value
        self.follow_ups += h.follow_ups
        self.audits += h.audits
        self.joint += h.joint
        self.deviations += h.deviations
        self.open += h.open_deviations
        self.latest_audit = _later(self.latest_audit, h.latest_audit)
        if h.highest_step is not None:
            self.step = max(self.step if self.step is not None else -1, h.highest_step)
        if h.latest_check is not None:
            self.checks[book] = h.latest_check

    def latest(self, but: int | None = None) -> tuple[int, Check] | None:
        """The newest audit or joint follow-up and its book, leaving book `but` out."""
        found = [(c.day, i) for i, c in self.checks.items() if i != but]
        if not found:
            return None
        _day, book = max(found)
        return book, self.checks[book]


def _later(a: date | None, b: date | None) -> date | None:
    return b if a is None or (b is not None and b > a) else a


def _merged(records: Sequence[BookRecord]) -> tuple[dict[str, _Supplier], list[dict[str, str]]]:
    """Every supplier over the books by identity, and per book its own identities → the
    identity over all books (a name without a number in one book joins the number it carries
    in another)."""
    ids = Identities((h.name, h.org_number) for r in records for h in r.suppliers)
    merged: dict[str, _Supplier] = {}
    local: list[dict[str, str]] = []
    for i, r in enumerate(records):
        keys: dict[str, str] = {}
        for h in r.suppliers:
            key = keys[h.key] = ids.key(h.name, h.org_number)
            s = merged.get(key)
            if s is None:
                s = merged[key] = _Supplier(h.name, h.org_number)
            s.add(h, r.unit, i)
        for sample in r.samples:
            found = keys.get(sample.supplier_key)
            if found is not None:
                merged[found].proposed_in[r.unit] = None
        local.append(keys)
    return merged, local


def supplier_rows(records: Sequence[BookRecord]) -> list[list[Value]]:
    """`Leverantörer`: one row per supplier over every book, by name."""
    merged, _local = _merged(records)
    rows: list[list[Value]] = []
    for _key, s in sorted(merged.items(), key=lambda item: (item[1].name.casefold(), item[0])):
        latest = s.latest()
        rows.append(
            [
                s.name,
                s.number,
                ", ".join(s.units),
                s.books,
                s.contracts,
                s.active,
                s.value,
                s.follow_ups,
                s.audits,
                s.latest_audit,
                s.joint,
                latest[1].day if latest else None,
                records[latest[0]].unit if latest else None,
                s.deviations,
                s.open,
                s.step,
                "Ja – " + ", ".join(s.proposed_in) if s.proposed_in else "Nej",
            ]
        )
    return rows


def sample_rows(records: Sequence[BookRecord]) -> list[list[Value]]:
    """`Stickprov`: each book's proposals by rank, books in order, with an audit or joint
    follow-up of the same supplier in another book that still counts on the book's date."""
    merged, local = _merged(records)
    rows: list[list[Value]] = []
    for i, r in enumerate(records):
        for p in r.samples:
            key = local[i].get(p.supplier_key)
            other = merged[key].latest(but=i) if key is not None else None
            reuse = None
            if other is not None and r.today is not None:
                book, check = other
                until = counts_until(check.day, r.audit_valid_months)
                if r.today <= until:
                    reuse = (
                        f"{check.kind.capitalize()} {check.day.isoformat()} i "
                        f"{records[book].unit} ({records[book].file_name}), "
                        f"gäller t.o.m. {until.isoformat()}"
                    )
            rows.append(
                [
                    r.unit,
                    r.file_name,
                    p.rank,
                    p.contract_id,
                    p.name,
                    p.supplier,
                    p.org_number,
                    p.risk,
                    p.annual_value,
                    p.latest_check,
                    p.reason,
                    p.owner,
                    reuse,
                ]
            )
    return rows
