"""The demo avtalsbok at its fixed date: a golden summary, and every planted mistake found.

Regenerate the golden file after an intended change with `UPDATE_GOLDEN=1`, then read the diff.
"""

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from golden_diff import differences, report
from helpers import log_records

from avtalsbok import demo
from avtalsbok.core import schema
from avtalsbok.core.book import BookInput
from avtalsbok.core.engine import Result, evaluate
from avtalsbok.core.findings import display_value

GOLDEN = Path(__file__).parent / "golden" / "demo_summary.json"


@pytest.fixture(scope="module")
def result() -> Result:
    return evaluate(demo.demo_book())


def compact(r: Result) -> dict[str, Any]:
    """What a reviewer reads to see that the demo book still evaluates the same way."""
    return {
        "summary": r.summary(),
        "findings": dict(sorted(Counter(f.code for f in r.findings).items())),
        "tiers": [list(t) for t in r.figures.tiers],
        "months": [[m.isoformat(), n] for m, n in r.figures.months],
        "plan": [[display_value(v) for v in row.cells()] for row in r.plan[:20]],
        "goals": [list(g.cells()) for g in r.figures.goals],
        "samples": [[display_value(v) for v in s.cells()] for s in r.samples[:12]],
    }


def test_the_demo_is_evaluated_at_its_own_date(result: Result) -> None:
    assert result.today == demo.DEMO_TODAY


def test_the_demo_meets_some_of_its_goals_and_misses_others(result: Result) -> None:
    reached = Counter(g.achieved_text for g in result.figures.goals)
    assert reached["Ja"] >= 2 and reached["Nej"] >= 2
    # One exactly at its target: five deviations at risk of sanctions, at most five.
    assert ("Avvikelser med sanktionsrisk", 5, 5, "Ja", "2026") in [
        g.cells() for g in result.figures.goals
    ]


def test_the_demo_matches_its_golden_summary(result: Result) -> None:
    actual = compact(result)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        text = json.dumps(actual, ensure_ascii=False, indent=1)
        GOLDEN.write_text(text + "\n", encoding="utf-8")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert actual == expected, report("The demo's summary", differences(expected, actual))


def test_the_demo_has_sample_audits_joint_follow_ups_and_a_supplier_with_several_contracts(
    result: Result,
) -> None:
    statuses = Counter(s.status for s in result.samples)
    assert statuses["Föreslagen"] == result.figures.samples_proposed == 5
    assert statuses["Revision gäller"] > 0  # high risk, but the supplier was audited lately
    suppliers = result.suppliers.values()
    assert any(h.joint and h.latest_check for h in suppliers)
    assert any(h.contracts > 1 and h.deviations > 1 and h.open_deviations for h in suppliers)


@pytest.mark.parametrize("mistake", demo.MISTAKES, ids=lambda m: f"{m.sheet}-{m.row}-{m.code}")
def test_every_planted_mistake_is_reported(result: Result, mistake: demo.Mistake) -> None:
    where = [(f.sheet, f.row, f.header, f.code) for f in result.findings]
    assert (mistake.sheet, mistake.row, mistake.header, mistake.code) in where


def test_the_planted_mistakes_are_the_only_findings(result: Result) -> None:
    planted = Counter(m.code for m in demo.MISTAKES)
    planted["today-locked"] += 1  # the demo locks Idag to its own day
    assert Counter(f.code for f in result.findings) == planted


def test_a_second_run_over_the_demo_with_its_new_log_rows_logs_nothing(result: Result) -> None:
    assert result.log_rows
    sheets = demo.generate()
    sheets[schema.HANDELSELOGG] += log_records(result)
    second = evaluate(BookInput.from_records(sheets, name="demo"))
    assert second.log_rows == []
    assert second.computed == result.computed
