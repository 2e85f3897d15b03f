"""The demo's history: follow-ups (`Uppföljningar`), deviations (`Avvikelser`) and the event log
(`Händelselogg`) of the contracts in the register, as earlier runs and officers left them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate, pairwise
from typing import Any

from ..core import schema
from ..core.calendar import add_months
from ..core.settings import Settings
from .catalogue import FOOD, OWNER_USERS, OWNERS
from .draw import Draw
from .phrases import COMMENTS, DESCRIPTIONS, MINOR_REMARKS
from .register import BEHIND, NEVER, NORMAL, Contract

_SETTINGS = Settings()
_DAY = timedelta(days=1)
_JA, _NEJ = schema.YES_NO
#: Who performs the joint audits of the regions (`Gemensam uppföljning` = Ja).
JOINT_AUDITOR = "Regionernas Kansli för Hållbar Upphandling"
_AREA_CUM = tuple(accumulate((10, 8, 25, 25, 15, 10, 7)))
_SEVERITY_CUM = tuple(accumulate((30, 40, 20, 10)))
_STEP_CUM = tuple(accumulate((40, 30, 15, 10, 5)))

#: Which statuses a deviation can have at each escalation step (termination closes the case).
_LADDER: dict[int, tuple[str, ...]] = {
    0: ("Öppen", "Åtgärdad", "Stängd"),
    1: ("Åtgärdsplan begärd", "Åtgärdsplan godkänd", "Åtgärdad", "Stängd"),
    2: ("Åtgärdsplan begärd", "Åtgärdsplan godkänd", "Åtgärdad", "Stängd"),
    3: ("Åtgärdsplan begärd", "Åtgärdsplan godkänd", "Åtgärdad", "Stängd"),
    4: ("Öppen", "Stängd"),
}
#: Days from detection to today for a deviation still open at each step.
_OPEN_AGE = {0: (5, 60), 1: (20, 150), 2: (60, 240), 3: (90, 300), 4: (120, 360)}
_EVENT_REGISTERED = "Avvikelse registrerad"
_EVENT_STATUS = "Status ändrad"
_EVENT_STEP = "Eskaleringssteg ändrat"


@dataclass(slots=True)
class Deviation:
    """One deviation while the book is built; becomes a row of `Avvikelser`."""

    contract: Contract
    detected: date
    area: str
    description: str
    severity: str
    plan_deadline: date | None
    remedied: date | None
    status: str
    step: int
    deviation_id: str = ""


class History(Draw):
    """Draws each contract's history, after the register and from the same stream."""

    def __init__(self, rng: random.Random, today: date, quiet: frozenset[int]) -> None:
        super().__init__(rng, today)
        self.quiet = quiet  # contracts with planted mistakes get no history: no other findings

    def follow_ups(self, contracts: list[Contract]) -> list[tuple[Any, ...]]:
        """Each contract's history: start-up, meetings at its tier's cadence, audits, evaluation.

        About one contract in eight has fallen behind (its last follow-ups are missing), and
        about one in twenty has never been followed up at all.
        """
        rng, today = self.rng, self.today
        rows: list[tuple[Any, ...]] = []
        for index, c in enumerate(contracts):
            roll = rng.random()
            if index in self.quiet or roll < 0.05:
                c.state = NEVER
                continue
            months = _SETTINGS.interval_months[c.tier - 1]
            stop = min(c.end, today)
            owner = OWNERS[c.owner]
            if rng.random() < 0.95:
                day = c.award + (_SETTINGS.standstill_days + self.between(1, 10)) * _DAY
                if day <= stop:
                    rows.append(self.follow_up(c, day, "Uppstartsmöte", owner))
            if roll < 0.17 and c.start <= today <= c.end:
                # Started well, then the follow-ups stopped.
                c.state = BEHIND
                stop = min(stop, today - (months * 30 + self.between(20, 200)) * _DAY)
            c.stop = stop
            k = 1
            while (day := add_months(c.start, months * k) + self.between(-15, 20) * _DAY) <= stop:
                if c.central == _JA:
                    kind = "Statistikuppföljning"
                elif c.tier == 1:
                    kind = "Utvecklingsmöte"
                elif c.tier == 2 or rng.random() < 0.4:
                    kind = "Uppföljningsmöte"
                else:
                    kind = "Statistikuppföljning"
                rows.append(self.follow_up(c, day, kind, owner))
                if c.tier < 3 and months * k % 12 == 0:
                    rows.append(self.follow_up(c, day - 7 * _DAY, "Statistikuppföljning", owner))
                k += 1
            span = (stop - c.start).days
            if (c.critical or c.risk >= 9) and span > 120 and rng.random() < 0.35:
                day = c.start + self.between(90, span) * _DAY
                rows.append(self.follow_up(c, day, "Revision", owner))
            if c.end - 150 * _DAY <= stop and rng.random() < 0.7:
                day = c.end - self.between(30, 120) * _DAY
                if c.start < day <= stop:
                    rows.append(self.follow_up(c, day, "Utvärdering", owner))
        return rows

    def follow_up(
        self,
        c: Contract,
        day: date,
        kind: str,
        by: str,
        result: str = "",
        comment: str = "",
    ) -> tuple[Any, ...]:
        rng = self.rng
        cost = None
        if kind == "Revision":
            method = "Revision"
            cost = float(self.between(40, 300) * 500)
        elif kind == "Uppstartsmöte":
            method = "Dialog"
        elif kind == "Statistikuppföljning":
            method = "Öppen data" if rng.random() < 0.2 else "Egenrapportering"
        else:
            roll = rng.random()
            if c.sustainability and roll < 0.15:
                method = "Transparens i leveranskedjan"
            elif c.category in FOOD and roll < 0.3:
                method = "Ursprungsverifiering"
            elif roll > 0.95:
                method = "Myndighetsdatabas"
            else:
                method = "Dialog"
        if not result:
            chance = 0.3 if kind == "Revision" else 0.05
            if kind != "Uppstartsmöte" and rng.random() < chance:
                result, comment = "Avvikelse", self.one_of(MINOR_REMARKS)
            else:
                result, comment = "Utan anmärkning", self.one_of(COMMENTS[kind])
        joint = None
        if kind == "Revision":
            # About one audit in three was the regions' joint one: chosen by its day, so the
            # random stream (and every other row of the demo) stays as it was.
            joint = _JA if day.toordinal() % 3 == 0 else _NEJ
            if joint == _JA:
                by, cost = JOINT_AUDITOR, None
        return (c.contract_id, day, kind, method, by, cost, result, comment, joint)

    # -- Avvikelser -------------------------------------------------------------------------

    def deviations(self, contracts: list[Contract], count: int) -> list[Deviation]:
        """Deviations at every step and status, then at random; in order of detection."""
        today = self.today
        eligible = [
            c
            for i, c in enumerate(contracts)
            if i not in self.quiet and c.start <= today - 30 * _DAY
        ]
        covering = [(step, status) for step, statuses in _LADDER.items() for status in statuses]
        found: list[Deviation] = []
        for n in range(count):
            if n < len(covering):
                step, status = covering[n]
            else:
                step = self.pick((0, 1, 2, 3, 4), _STEP_CUM)
                status = self.one_of(_LADDER[step])
            deviation = self.deviation(eligible, step, status) if eligible else None
            if deviation:
                found.append(deviation)
        found.sort(key=lambda d: (d.detected, d.contract.contract_id))
        width = max(3, len(str(count)))
        per_year: dict[int, int] = {}
        for d in found:
            seq = per_year[d.detected.year] = per_year.get(d.detected.year, 0) + 1
            d.deviation_id = f"AVV-{d.detected.year}-{seq:0{width}d}"
        return found

    def deviation(self, eligible: list[Contract], step: int, status: str) -> Deviation | None:
        rng, today = self.rng, self.today
        closed = status in schema.CLOSED_STATUSES
        lo, hi = (30 + 30 * step, 1000) if closed else _OPEN_AGE[step]
        for _ in range(100):
            c = self.one_of(eligible)
            if not closed and c.end < today:
                continue
            base = min(c.end, today)
            room = (base - c.start).days
            if room < lo:
                continue
            age = self.between(lo, min(hi, room))
            detected = base - age * _DAY
            break
        else:
            return None
        if step == 4:
            severity = self.one_of(("Hög", "Allvarlig"))
        elif step == 3:
            severity = self.one_of(("Medel", "Hög", "Allvarlig"))
        else:
            severity = self.pick(schema.SEVERITIES, _SEVERITY_CUM)
        plan = None
        if rng.random() < 0.8 and closed:
            days = _SETTINGS.plan_days_for(severity) + 30 * max(0, step - 1) + self.between(0, 7)
            plan = detected + days * _DAY
        elif rng.random() < 0.8:
            # Each new step sets a new deadline; about half of the open ones have passed it.
            plan = max(detected + 7 * _DAY, today + self.between(-60, 45) * _DAY)
        remedied = None
        if closed:
            took = self.between(5 + 25 * step, 60 + 45 * step)
            remedied = min(detected + took * _DAY, today)
        area = self.pick(schema.DEVIATION_AREAS, _AREA_CUM)
        return Deviation(
            contract=c,
            detected=detected,
            area=area,
            description=self.one_of(DESCRIPTIONS[area]),
            severity=severity,
            plan_deadline=plan,
            remedied=remedied,
            status=status,
            step=step,
        )

    def linked_follow_ups(self, deviations: list[Deviation]) -> list[tuple[Any, ...]]:
        """Follow-ups where a deviation was found (the others were reported by the users)."""
        rows = []
        for d in deviations:
            c = d.contract
            if c.state == NORMAL and d.detected <= c.stop and self.rng.random() < 0.4:
                if d.area in ("Uppförandekod", "Tillbörlig aktsamhet"):
                    kind = "Revision"
                else:
                    kind = "Utvecklingsmöte" if c.tier == 1 else "Uppföljningsmöte"
                comment = f"Avvikelse registrerad, se {d.deviation_id}."
                rows.append(
                    self.follow_up(c, d.detected, kind, OWNERS[c.owner], "Avvikelse", comment)
                )
        return rows

    # -- Händelselogg -----------------------------------------------------------------------

    def log(self, deviations: list[Deviation]) -> list[tuple[Any, ...]]:
        """Earlier runs' log rows: half the deviations fully logged, some missing their latest
        change (the next run logs it), some never logged."""
        rng = self.rng
        rows: list[tuple[Any, ...]] = []
        for d in deviations:
            roll = rng.random()
            if roll < 0.2:
                continue
            events = self.events(d)
            if roll < 0.5:
                events = events[:-1]
            if not events:
                continue
            last = (d.remedied or self.today - self.between(1, 10) * _DAY) - d.detected
            offsets = sorted(self.between(1, max(1, last.days)) for _ in events[1:])
            user = OWNER_USERS[d.contract.owner]
            source = f"avtalsbok ({user})"
            previous = datetime.min
            for (event, before, after), offset in zip(events, [0, *offsets], strict=True):
                moment = datetime.combine(
                    d.detected + offset * _DAY, time(self.between(8, 16), self.below(60))
                )
                if moment <= previous:
                    moment = previous + timedelta(minutes=self.between(2, 30))
                previous = moment
                rows.append(
                    (moment, d.deviation_id, d.contract.contract_id, event, before, after, source)
                )
        rows.sort(key=lambda r: (r[0], r[1]))
        return rows

    def events(self, d: Deviation) -> list[tuple[str, str | None, str]]:
        """How the deviation got where it is: registered, each step, each status on the way."""
        rng = self.rng
        statuses = ["Öppen"]
        final = schema.DEVIATION_STATUSES.index(d.status)
        for i in range(1, final + 1):
            status = schema.DEVIATION_STATUSES[i]
            if i == final or (0 < d.step < 4 and (i == 1 or rng.random() < 0.8)):
                statuses.append(status)
        steps = [
            (_EVENT_STEP, _SETTINGS.step_label(k - 1), _SETTINGS.step_label(k))
            for k in range(1, d.step + 1)
        ]
        changes = [(_EVENT_STATUS, before, after) for before, after in pairwise(statuses)]
        # The case is closed last; until then steps and statuses change in turn.
        tail = [e for e in changes if e[2] in schema.CLOSED_STATUSES]
        changes = [e for e in changes if e[2] not in schema.CLOSED_STATUSES]
        merged: list[tuple[str, str | None, str]] = [(_EVENT_REGISTERED, None, "Öppen")]
        while steps or changes:
            source = steps if steps and (not changes or rng.random() < 0.5) else changes
            merged.append(source.pop(0))
        return merged + tail
