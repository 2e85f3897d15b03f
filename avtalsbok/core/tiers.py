"""Priority tiers (SKR's 10/30/60 % groups) with the reason each contract got its tier.

Rules, in order, first match wins: a manual priority; business-critical → 1; a call-off whose
central purchasing body follows up → 3; high risk → at least 2; the rest ranked by annual value
(ties: risk, then contract id) fill tier 1 up to its share of the active contracts, then tier 2;
the rest get tier 3. When forced rules overfill a tier, a warning says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from .findings import Finding, make
from .models import Contract
from .schedule import ENDED as ENDED_STATUS
from .schema import AVTAL
from .settings import Settings
from .state import ContractState, Tier

ENDED = Tier(None, "Upphört – ingår inte i prioriteringen")


def format_kr(value: float) -> str:
    """`1 200 000` – kronor with a space as thousands separator, as officers write them."""
    return f"{round(value):,}".replace(",", " ")


def _round(x: float) -> int:
    return int(Decimal(str(x)).to_integral_value(rounding=ROUND_HALF_UP))


def targets(active: int, settings: Settings) -> tuple[int, int, int]:
    """Contracts per tier the shares give; cumulative rounding keeps each within one contract."""
    t1 = _round(active * settings.tier1_share / 100)
    t12 = _round(active * (settings.tier1_share + settings.tier2_share) / 100)
    t12 = max(t12, t1)
    return t1, t12 - t1, active - t12


def assign_tiers(
    states: Sequence[ContractState], settings: Settings
) -> tuple[list[Tier], list[Finding]]:
    """The tier of each contract (in the order given; an ended one has `ENDED`), and warnings
    for tiers that forced rules overfilled."""
    result: dict[int, Tier] = {}
    active = [s.contract for s in states if s.status != ENDED_STATUS]
    for s in states:
        if s.status == ENDED_STATUS:
            result[s.row] = ENDED
    forced: Counter[int | None] = Counter()
    ranked: list[Contract] = []
    for c in active:
        tier = _forced(c)
        if tier is None:
            ranked.append(c)
        else:
            result[c.row] = tier
            forced[tier.tier] += 1
    ranked.sort(
        key=lambda c: (-(c.annual_value or 0.0), -(c.risk or 0), c.contract_id or "", c.row)
    )
    t1, t2, t3 = targets(len(active), settings)
    slots1 = max(0, t1 - forced[1])
    threshold = settings.high_risk_threshold
    high_risk = [c for c in ranked[slots1:] if (c.risk or 0) >= threshold]
    slots2 = max(0, t2 - forced[2] - len(high_risk))
    taken2 = 0
    for rank, c in enumerate(ranked, start=1):
        value = c.annual_value
        # The value, not the rank: a rank moves on most rows whenever one contract ends.
        place = f"årsvärde {format_kr(value)} kr" if value is not None else "årsvärde saknas"
        if rank <= slots1:
            result[c.row] = Tier(1, f"Stor volym: {place} ({settings.tier1_share:g} %-gruppen)")
        elif (c.risk or 0) >= threshold:
            result[c.row] = Tier(2, f"Hög risk: riskvärde {c.risk} (gräns {threshold}); {place}")
        elif taken2 < slots2:
            taken2 += 1
            result[c.row] = Tier(
                2, f"Mellanprioriterat: {place} ({settings.tier2_share:g} %-gruppen)"
            )
        else:
            result[c.row] = Tier(3, f"Mindre prioriterat: {place}")
    counts = Counter(result[c.row].tier for c in active)
    found: list[Finding] = []
    shares = (settings.tier1_share, settings.tier2_share, settings.tier3_share)
    why = {
        1: "verksamhetskritiska och manuellt prioriterade avtal tvingas dit",
        2: "avtal med hög risk och manuellt prioriterade avtal tvingas dit",
        3: "avrop där inköpscentralen följer upp och manuellt prioriterade avtal tvingas dit",
    }
    for level, target in enumerate((t1, t2, t3), start=1):
        # A share that gives no contract at all (a small book) is no quota to overfill.
        if 0 < target < counts[level]:
            found.append(
                make(
                    "tier-overfilled",
                    sheet=AVTAL,
                    tier=level,
                    count=counts[level],
                    target=target,
                    share=f"{shares[level - 1]:g}",
                    why=why[level],
                )
            )
    return [result[s.row] for s in states], found


def _forced(c: Contract) -> Tier | None:
    if c.manual_priority is not None:
        motivation = c.motivation or "motivering saknas"
        return Tier(c.manual_priority, f"Manuell prioritet {c.manual_priority}: {motivation}")
    if c.critical:
        return Tier(1, "Verksamhetskritiskt avtal")
    if c.is_call_off and c.central_follows_up:
        return Tier(3, "Avrop från nationellt ramavtal – inköpscentralen följer upp")
    return None
