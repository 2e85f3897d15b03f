"""Rule: which contracts to propose for this year's sample audits (`Stickprov`).

The regions' guidance picks samples by the risk of negative impact on people and environment
combined with high volume. Candidates are started contracts that have not ended, with
`Hållbarhetsvillkor` = Ja and a risk value at or above `Stickprov från riskvärde`. A supplier
whose audit or joint follow-up (of any of its contracts) is younger than `Revision gäller
(mån)` on today is covered: none of its contracts is proposed. The rest go in order of risk
(highest first), `Årsvärde (kr)` (highest first, blank last) and Avtals-ID; each supplier's
first contract is proposed until `Stickprov per år` are. The same book and `Idag` give the
same list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .calendar import add_months
from .models import Contract
from .schedule import ENDED, NOT_STARTED
from .settings import Settings
from .state import ContractState
from .suppliers import Check, SupplierHistory
from .tiers import format_kr

PROPOSED = "Föreslagen"
COVERED = "Revision gäller"
SAME_SUPPLIER = "Samma leverantör"
RESERVE = "Reserv"


@dataclass(frozen=True, slots=True)
class SampleRow:
    """A row of `Stickprov` (`schema.SAMPLE_HEADERS`): a proposal (`rank` 1, 2, ...) or a
    candidate left out, with its status and the reason in one line."""

    rank: int | None
    status: str
    contract_id: str
    name: str
    supplier: str
    org_number: str | None
    risk: int
    annual_value: float | None
    latest_check: date | None
    reason: str
    owner: str
    #: the supplier's identity (`suppliers.Identities`)
    supplier_key: str

    def cells(self) -> list[Any]:
        return [
            self.rank,
            self.status,
            self.contract_id,
            self.name,
            self.supplier,
            self.org_number,
            self.risk,
            self.annual_value,
            self.latest_check,
            self.reason,
            self.owner,
        ]


def counts_until(day: date, months: int) -> date:
    """The last day an audit or joint follow-up of `day` counts: the day before it is `months`
    (`Revision gäller (mån)`) old; the regions' office accepts a follow-up under three years
    old. The last day there is, for a follow-up dated so late that no such day exists."""
    try:
        return add_months(day, months) - timedelta(days=1)
    except OverflowError:
        return date.max


def covers(check: Check, today: date, months: int) -> bool:
    """Whether a supplier's latest audit or joint follow-up still counts on `today`."""
    return today <= counts_until(check.day, months)


def is_candidate(state: ContractState, settings: Settings) -> bool:
    """Started and not ended, with sustainability conditions and a risk value at or above
    the lowest."""
    c = state.contract
    risk = c.risk
    return (
        state.status not in (ENDED, NOT_STARTED)
        and bool(c.sustainability)
        and risk is not None
        and risk >= settings.sample_min_risk
    )


def _order(item: tuple[ContractState, str]) -> tuple[int, int, float, str, int]:
    c = item[0].contract
    value = c.annual_value
    return (-(c.risk or 0), value is None, -(value or 0.0), c.contract_id or "", c.row)


def propose(
    states: list[ContractState],
    suppliers: dict[str, SupplierHistory],
    today: date,
    settings: Settings,
) -> list[SampleRow]:
    """The rows of `Stickprov`: the proposals by rank, then the candidates left out in
    candidate order. A contract without a supplier identity (`ContractState.supplier`) is a
    supplier of its own."""
    candidates = sorted(
        ((s, s.supplier or f"rad:{s.row}") for s in states if is_candidate(s, settings)),
        key=_order,
    )
    months = settings.audit_valid_months
    wanted = settings.samples_per_year
    proposed: list[SampleRow] = []
    left_out: list[SampleRow] = []
    listed: dict[str, SampleRow] = {}
    for s, key in candidates:
        history = suppliers.get(key)
        check = history.latest_check if history else None
        c = s.contract
        if check is not None and covers(check, today, months):
            left_out.append(
                _row(
                    s,
                    key,
                    check,
                    None,
                    COVERED,
                    f"{check.kind.capitalize()} av leverantören {check.day.isoformat()} "
                    f"(avtal {check.contract_id}) gäller t.o.m. "
                    f"{counts_until(check.day, months).isoformat()}",
                )
            )
        elif (first := listed.get(key)) is not None:
            where = f"nr {first.rank}" if first.rank else "reserv"
            left_out.append(
                _row(
                    s,
                    key,
                    check,
                    None,
                    SAME_SUPPLIER,
                    f"Leverantören finns redan på listan med {first.contract_id} ({where})",
                )
            )
        elif len(proposed) < wanted:
            reason = f"{_volume(c)}; ingen revision av leverantören på {months} månader"
            listed[key] = found = _row(s, key, check, len(proposed) + 1, PROPOSED, reason)
            proposed.append(found)
        else:
            reason = f"{_volume(c)}; årets {wanted} stickprov är redan föreslagna"
            listed[key] = found = _row(s, key, check, None, RESERVE, reason)
            left_out.append(found)
    return proposed + left_out


def _volume(c: Contract) -> str:
    """`Riskvärde 16 och årsvärde 2 400 000 kr`, or `Riskvärde 16, årsvärde saknas`."""
    if c.annual_value is None:
        return f"Riskvärde {c.risk}, årsvärde saknas"
    return f"Riskvärde {c.risk} och årsvärde {format_kr(c.annual_value)} kr"


def _row(
    state: ContractState,
    key: str,
    check: Check | None,
    rank: int | None,
    status: str,
    reason: str,
) -> SampleRow:
    c = state.contract
    return SampleRow(
        rank,
        status,
        c.contract_id or "",
        c.name or "",
        c.supplier or "",
        c.org_number,
        c.risk or 0,
        c.annual_value,
        check.day if check else None,
        reason,
        c.owner or "",
        key,
    )
