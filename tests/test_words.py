"""Swedish wording in what the command line, a batch and the buttons show: counts with the noun
in the right number (`1 avtalsbok`, `1 varning`, `2 varningar`), typed values between Swedish
quotation marks (”i morgon”)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from helpers import contract

from avtalsbok.batch.progress import LineProgress
from avtalsbok.cli import main
from avtalsbok.core import schema
from avtalsbok.core.words import counted, findings_text, quoted
from avtalsbok.report.records import BookRecord, BookStatus
from avtalsbok.workbook.template import build_workbook

TODAY = "2026-11-02"


def test_a_count_takes_the_singular_for_one_only() -> None:
    assert [counted(n, "varning", "varningar") for n in (0, 1, 2)] == [
        "0 varningar",
        "1 varning",
        "2 varningar",
    ]
    assert findings_text(1, 1) == "1 fel, 1 varning"
    assert findings_text(0, 2) == "0 fel, 2 varningar"


def cli(*args: str) -> str:
    out = io.StringIO()
    main(list(args), out=out)
    return out.getvalue()


def test_check_of_a_book_with_one_warning_says_1_varning(tmp_path: Path) -> None:
    path = tmp_path / "bok.xlsx"
    # The amount written as text is the book's one warning; the contract runs until 2027.
    build_workbook(path, {schema.AVTAL: [contract(annual_value="1,2 mkr", end=date(2027, 12, 31))]})
    text = cli("check", str(path), "--today", TODAY)
    assert "0 fel, 1 varning\n" in text
    assert "1 avtal (1 aktivt)" in text


def test_a_batch_of_one_book_says_1_avtalsbok(tmp_path: Path) -> None:
    build_workbook(tmp_path / "bok.xlsx", {schema.AVTAL: [contract(end=date(2027, 12, 31))]})
    text = cli("batch", str(tmp_path), "--today", TODAY, "--dry-run")
    assert "1 avtalsbok: 1 utan fel, 0 med fel, 0 överhoppade (öppna), 0 kan inte läsas" in text
    assert "1 avtal · 1 försenad uppföljning · 0 öppna avvikelser" in text


def test_a_batch_log_counts_one_book_in_the_singular() -> None:
    out = io.StringIO()
    ticks = iter([0.0, 1.0, 2.0])
    lines = LineProgress(out, clock=lambda: next(ticks))
    lines.start(1)
    lines.retry(1)
    lines.advance(BookRecord("/e/a.xlsx", "", BookStatus.OK, written=True, contracts=1))
    lines.finish()
    assert out.getvalue().splitlines()[:2] == [
        "1 arbetsbok att köra",
        "Försöker en gång till med 1 arbetsbok som var öppen eller avbröts",
    ]


def test_typed_text_stands_between_swedish_quotation_marks() -> None:
    assert [quoted(v) for v in ("AV-1", 121, 2.5, None)] == ["”AV-1”", "121", "2,5", "None"]
    # A truth value as Excel shows it in Swedish, a whole number without its ".0"; a number no
    # cell shows whole (1e308, NaN) as it reads.
    assert [quoted(v) for v in (True, False, -1.0, 99999999.0, -0.5)] == [
        "SANT",
        "FALSKT",
        "-1",
        "99999999",
        "-0,5",
    ]
    assert [quoted(v) for v in (1e308, 1e15, float("nan"))] == [
        "1e+308",
        "1000000000000000.0",
        "nan",
    ]


def test_a_bad_reference_date_is_quoted_the_swedish_way(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["check", "bok.xlsx", "--today", "i morgon"], out=io.StringIO())
    assert exit_.value.code == 2
    assert "”i morgon” är inget datum (ÅÅÅÅ-MM-DD)" in capsys.readouterr().err
