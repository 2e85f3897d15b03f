"""Cross-row checks: what a careful officer would catch by reading rows against each other."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from .calendar import add_months
from .findings import Finding
from .models import Contract, Deviation, FollowUp
from .validate import ColumnMap


def _duplicates(
    items: Iterable[tuple[str | None, int]], cmap: ColumnMap, key: str, code: str
) -> list[Finding]:
    rows_by_id: dict[str, list[int]] = defaultdict(list)
    for ident, row in items:
        if ident is not None:
            rows_by_id[ident].append(row)
    found: list[Finding] = []
    for ident, rows in rows_by_id.items():
        if len(rows) > 1:
            listed = ", ".join(str(r) for r in rows)
            found.extend(cmap.at(key, row, code, ident, rows=listed) for row in rows)
    return found


def check_contracts(contracts: list[Contract], cmap: ColumnMap, today: date) -> list[Finding]:
    """Duplicate ids, dates against each other, priority and call-off rules, risk pairs, an
    earlier follow-up not in the future."""
    found = _duplicates(
        ((c.contract_id, c.row) for c in contracts), cmap, "contract_id", "duplicate-contract-id"
    )
    for c in contracts:
        if c.start and c.end and c.end < c.start:
            found.append(cmap.at("end", c.row, "end-before-start", c.end, start=c.start))
        if c.award_date and c.start and c.award_date > c.start:
            found.append(
                cmap.at("award_date", c.row, "award-after-start", c.award_date, start=c.start)
            )
        if c.manual_priority is not None and not c.motivation:
            found.append(cmap.at("motivation", c.row, "manual-priority-without-motivation"))
        if c.manual_priority is None and c.motivation:
            found.append(cmap.at("motivation", c.row, "motivation-without-priority", c.motivation))
        if c.central_follows_up and not c.is_call_off:
            found.append(
                cmap.at(
                    "central_follows_up",
                    c.row,
                    "central-follow-up-not-call-off",
                    "Ja",
                    form=c.form or "tom",
                )
            )
        if c.earlier_follow_up and c.earlier_follow_up > today:
            found.append(
                cmap.at(
                    "earlier_follow_up", c.row, "earlier-follow-up-in-future", c.earlier_follow_up
                )
            )
        if (c.probability is None) != (c.consequence is None):
            missing = "probability" if c.probability is None else "consequence"
            found.append(cmap.at(missing, c.row, "risk-half-filled"))
        if (
            c.notice_months
            and c.start
            and c.end
            and c.start <= c.end
            and not _fits_in_term(c.notice_months, c.start, c.end)
        ):
            found.append(cmap.at("notice_months", c.row, "notice-exceeds-term", c.notice_months))
    return found


def _fits_in_term(months: int, start: date, end: date) -> bool:
    """Whether `months` whole calendar months, counted from `start` by Lag (1930:173), end by
    `end` (both days in the term): 1–31 March is one whole month, 31 December–1 January none."""
    try:
        return add_months(start, months) - timedelta(days=1) <= end
    except OverflowError:
        # They run to the year 10000: longer than any term, but for one from the 1st of a
        # month in the 9990s to 9999-12-31, which they would fill exactly (none is real).
        return False


def check_follow_ups(
    follow_ups: list[FollowUp],
    cmap: ColumnMap,
    contracts: dict[str, Contract],
    today: date,
) -> list[Finding]:
    """Follow-ups must name a known contract and lie within its term, not in the future."""
    found = []
    for f in follow_ups:
        contract = contracts.get(f.contract_id) if f.contract_id else None
        if f.contract_id and contract is None:
            found.append(cmap.at("contract_id", f.row, "unknown-contract", f.contract_id))
        if f.date is None:
            continue
        if f.date > today:
            found.append(cmap.at("date", f.row, "follow-up-in-future", f.date))
        elif contract and contract.start and contract.end and contract.start <= contract.end:
            # Start-up meetings are held before the start, after the standstill: allowed.
            earliest = contract.award_date or contract.start
            if not earliest <= f.date <= contract.end:
                found.append(
                    cmap.at(
                        "date",
                        f.row,
                        "follow-up-outside-term",
                        f.date,
                        start=contract.start,
                        end=contract.end,
                    )
                )
    return found


def check_deviations(
    deviations: list[Deviation],
    cmap: ColumnMap,
    contracts: dict[str, Contract],
    today: date,
) -> list[Finding]:
    """Deviation ids unique, known contract, dates in order, status and dates agree."""
    found = _duplicates(
        ((d.deviation_id, d.row) for d in deviations),
        cmap,
        "deviation_id",
        "duplicate-deviation-id",
    )
    for d in deviations:
        contract = contracts.get(d.contract_id) if d.contract_id else None
        if d.contract_id and contract is None:
            found.append(cmap.at("contract_id", d.row, "unknown-contract", d.contract_id))
        if d.detected:
            if d.detected > today:
                found.append(cmap.at("detected", d.row, "deviation-in-future", d.detected))
            if contract and contract.start and d.detected < contract.start:
                found.append(
                    cmap.at(
                        "detected",
                        d.row,
                        "deviation-before-start",
                        d.detected,
                        start=contract.start,
                    )
                )
            if d.remedied and d.remedied < d.detected:
                found.append(
                    cmap.at(
                        "remedied",
                        d.row,
                        "remedied-before-detected",
                        d.remedied,
                        detected=d.detected,
                    )
                )
            if d.plan_deadline and d.plan_deadline < d.detected:
                found.append(
                    cmap.at(
                        "plan_deadline",
                        d.row,
                        "plan-before-detected",
                        d.plan_deadline,
                        detected=d.detected,
                    )
                )
        if d.step_taken and d.step_taken > today:
            found.append(cmap.at("step_taken", d.row, "step-taken-in-future", d.step_taken))
        elif d.step_taken and d.detected and d.step_taken < d.detected:
            found.append(
                cmap.at(
                    "step_taken",
                    d.row,
                    "step-taken-before-detected",
                    d.step_taken,
                    detected=d.detected,
                )
            )
        if d.status in ("Åtgärdad", "Stängd") and d.remedied is None:
            found.append(cmap.at("remedied", d.row, "closed-without-date", d.status))
        if d.remedied and d.status is not None and d.status not in ("Åtgärdad", "Stängd"):
            found.append(cmap.at("status", d.row, "remedied-but-open", d.status))
        if d.step == 4 and d.severity in ("Låg", "Medel"):
            found.append(cmap.at("step", d.row, "termination-on-minor", 4, severity=d.severity))
    return found
