"""Findings: every problem the product reports, as an immutable record with a Swedish message.

Each finding has a stable kebab-case code from the catalogue below, a level (`error` or
`warning`), a location (book, sheet, Excel row, column letter, header as it stands in the book),
the offending value and a message a procurement officer understands. Bad user data and broken
files become findings; only programming errors raise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from .words import quoted


class Level(StrEnum):
    """How serious a finding is: errors make the run exit 1, warnings do not."""

    ERROR = "error"
    WARNING = "warning"

    @property
    def swedish(self) -> str:
        return "Fel" if self is Level.ERROR else "Varning"


E, W = Level.ERROR, Level.WARNING

#: code → (level, Swedish message template). Templates use str.format fields.
CATALOGUE: dict[str, tuple[Level, str]] = {
    # --- the file as a whole -------------------------------------------------------------
    "file-not-found": (E, "Filen finns inte: {path}."),
    "file-unreadable": (E, "Filen kan inte läsas: {reason}."),
    "file-empty": (E, "Filen är tom (0 byte) och är ingen arbetsbok."),
    "file-encrypted": (
        E,
        "Arbetsboken är lösenordsskyddad (krypterad). Ta bort lösenordet "
        "för öppning i Excel och spara igen.",
    ),
    "file-legacy-xls": (
        E,
        "Filen är i det gamla Excel 97–2003-formatet (.xls). Öppna den i "
        "Excel och spara som .xlsx eller .xlsm.",
    ),
    "file-xlsb": (
        E,
        "Filen är en binär Excel-arbetsbok (.xlsb), som inte stöds. Spara som .xlsx eller .xlsm.",
    ),
    "file-ods": (E, "Filen är ett OpenDocument-kalkylark (.ods). Spara som .xlsx eller .xlsm."),
    "file-csv": (E, "Filen är en textfil (CSV) med fel filändelse, inte en Excel-arbetsbok."),
    "file-html": (E, "Filen är en webbsida (HTML) med fel filändelse, inte en Excel-arbetsbok."),
    "file-not-workbook": (E, "Filen är ingen Excel-arbetsbok ({reason})."),
    "file-corrupt": (E, "Arbetsboken är skadad och kan inte läsas ({reason})."),
    "file-too-large": (E, "Arbetsboken är för stor att läsa säkert ({reason})."),
    "file-unsafe-zip": (
        E,
        "Arbetsboken kan inte läsas säkert: {reason}. Den lämnades orörd. Be om en fil sparad "
        "direkt från Excel.",
    ),
    "file-unsafe-xml": (
        E,
        "Arbetsboken innehåller egna XML-definitioner (<!DOCTYPE>/<!ENTITY>) i delen {part}. "
        "Sådant skriver Excel aldrig, och det kan användas för att få program att krascha, "
        "så filen läses inte. Be om en ny fil, sparad direkt från Excel.",
    ),
    "too-many-rows": (E, "Bladet har fler än {limit} rader; läsningen avbröts."),
    "file-locked": (E, "Arbetsboken är öppen hos {owner} och skrevs inte. Stäng den och kör igen."),
    "file-read-only": (
        E,
        "Arbetsboken är skrivskyddad och skrevs inte. Ta bort skrivskyddet (Egenskaper i "
        "Utforskaren) om den ska uppdateras, och kör igen.",
    ),
    "write-failed": (E, "Arbetsboken kunde inte sparas: {reason}. Originalet är orört."),
    "sheet-missing": (E, "Bladet {sheet} saknas i arbetsboken."),
    "sheet-not-worksheet": (
        E,
        "Bladet {sheet} kan inte användas: {reason}. Arbetsboken kan då varken läsas eller "
        "skrivas; byt namn på bladet eller ta bort det.",
    ),
    "missing-column": (E, "Kolumnen {header} saknas på bladet {sheet}."),
    "duplicate-column": (W, "Rubriken {header} finns två gånger; kolumn {used} används."),
    # --- one cell -------------------------------------------------------------------------
    "missing-value": (E, "{header} måste fyllas i."),
    "invalid-date": (E, "{quoted} är inget datum. Skriv ÅÅÅÅ-MM-DD, t.ex. 2025-03-31."),
    "date-as-text": (
        W,
        "Datumet är skrivet som text ({quoted}) och tolkades som {parsed}. "
        "Cellen är formaterad som text – ändra formatet till Datum och skriv om datumet.",
    ),
    "invalid-amount": (E, "{quoted} är inget belopp. Skriv ett tal i kronor, t.ex. 1200000."),
    "amount-as-text": (W, "Beloppet är skrivet som text ({quoted}) och tolkades som {parsed} kr."),
    "negative-amount": (E, "Beloppet får inte vara negativt ({quoted})."),
    "invalid-bool": (E, "{quoted} ska vara Ja eller Nej."),
    "invalid-integer": (E, "{quoted} ska vara ett heltal."),
    "out-of-range": (E, "{quoted} ligger utanför det tillåtna: {allowed}."),
    "months-as-text": (
        W,
        "Antalet månader är skrivet som text ({quoted}) och tolkades som {parsed}. "
        "Skriv bara talet.",
    ),
    "invalid-org-number": (E, "{quoted} är inget organisationsnummer. Skriv NNNNNN-NNNN."),
    "org-number-checksum": (E, "Organisationsnumret {quoted} har fel kontrollsiffra."),
    "org-number-personal": (
        W,
        "{quoted} är ett personnummer (enskild firma), inte ett organisationsnummer. "
        "Kontrollera att det stämmer: personnummer är personuppgifter.",
    ),
    "invalid-email": (E, "{quoted} är ingen giltig e-postadress."),
    "invalid-option": (
        E,
        "{quoted} är ingen förlängningsoption. Skriv t.ex. 1+1, 2+1+1, 12 mån eller 2x12 mån.",
    ),
    "invalid-month": (E, "{quoted} är ingen månad. Skriv ÅÅÅÅ-MM, t.ex. 2024-05, eller maj 2024."),
    "invalid-percent": (E, "{quoted} är ingen procentsats. Skriv ett tal 0–100, t.ex. 90."),
    "number-as-text": (W, "Talet är skrivet som text ({quoted}) och tolkades som {parsed}."),
    "invalid-index-value": (
        E,
        "{quoted} är inget indexvärde. Skriv ett positivt tal, t.ex. 412,37.",
    ),
    "unknown-choice": (W, "{quoted} finns inte i listan för {header}: {allowed}."),
    "invalid-text": (E, "{quoted} kan inte användas som {header}."),
    # --- rows against each other ------------------------------------------------------------
    "duplicate-contract-id": (E, "Avtals-ID {quoted} finns på flera rader ({rows})."),
    "duplicate-deviation-id": (E, "Avvikelse-ID {quoted} finns på flera rader ({rows})."),
    "unknown-contract": (E, "Avtals-ID {quoted} finns inte på bladet Avtal."),
    "end-before-start": (E, "Slutdatum {value} ligger före Startdatum {start}."),
    "award-after-start": (W, "Tilldelningsbeslutet ({value}) ligger efter Startdatum ({start})."),
    "manual-priority-without-motivation": (E, "Manuell prioritet kräver en motivering."),
    "motivation-without-priority": (W, "Motivering finns men ingen manuell prioritet."),
    "central-follow-up-not-call-off": (
        E,
        "Inköpscentral följer upp gäller bara avtalsformen "
        "Avrop nationellt ramavtal (här: {form}).",
    ),
    "risk-half-filled": (W, "Både Sannolikhet och Konsekvens behövs för ett riskvärde."),
    "notice-exceeds-term": (W, "Uppsägningstiden ({value} mån) är längre än hela avtalstiden."),
    "follow-up-in-future": (
        W,
        "Uppföljningen är daterad i framtiden ({value}); den räknas inte som genomförd.",
    ),
    "follow-up-outside-term": (
        W,
        "Uppföljningen ({value}) ligger utanför avtalets löptid ({start} – {end}).",
    ),
    "deviation-before-start": (W, "Avvikelsen upptäcktes ({value}) före avtalets start ({start})."),
    "deviation-in-future": (E, "Upptäckt-datumet {value} ligger i framtiden."),
    "remedied-before-detected": (E, "Åtgärdad ({value}) ligger före Upptäckt ({detected})."),
    "plan-before-detected": (E, "Åtgärdsplan senast ({value}) ligger före Upptäckt ({detected})."),
    "closed-without-date": (W, "Status {value} men inget datum i Åtgärdad."),
    "remedied-but-open": (W, "Åtgärdad är ifyllt men status är {value}."),
    "escalation-step-skipped": (
        W,
        "Eskaleringssteget gick från {from_step} till {value}; ett "
        "steg hoppades över. Varje steg ska dokumenteras.",
    ),
    "escalation-step-lowered": (W, "Eskaleringssteget sänktes från {from_step} till {value}."),
    "termination-on-minor": (
        W,
        "Steg 4 (uppsägning/hävning) på en avvikelse med allvarlighetsgrad {severity}.",
    ),
    "extensions-exceeded": (
        E,
        "{value} utnyttjade förlängningar, men förlängningsoptionen {option} har {periods}.",
    ),
    "index-conflict": (
        E,
        "Serien {series} har redan värdet {first} för {month} (rad {other}); här står {value}.",
    ),
    "index-missing": (
        W,
        "Indexvärde saknas för {series} {month} på bladet Index; Indexförändring (%) kan inte "
        "räknas.",
    ),
    "price-month-missing": (W, "Justeringsmånad saknas; Nästa prisjustering kan inte räknas."),
    "index-share-fraction": (
        W,
        "Andel av index {value} % ser ut som en bråkdel från en procentformaterad cell; "
        "skriv 90 för 90 %.",
    ),
    "below-threshold": (
        W,
        "Under tröskeln: indexförändringen {change} % är mindre än tröskeln {threshold} % "
        "och tillämpas inte.",
    ),
    "tier-overfilled": (
        W,
        "Prioritet {tier} har {count} avtal men målet är {target} ({share} %): {why}. "
        "Kontrollera de avtalens uppgifter, "
        "eller ändra andelen för prioriteten på Inställningar.",
    ),
    "invalid-setting": (
        E,
        "Inställningen {header} har ett ogiltigt värde {quoted}; standardvärdet {default} används.",
    ),
    "unknown-setting": (W, "Inställningen {quoted} är okänd och används inte."),
    "duplicate-setting": (W, "Inställningen {quoted} finns flera gånger; den första används."),
    "invalid-log-row": (W, "Raden i Händelseloggen kan inte tolkas och hoppas över."),
    "today-locked": (
        W,
        "Idag är låst till {value}: allt räknas för den dagen, inte för dagens datum. "
        "Töm Idag på bladet Inställningar när avtalsboken ska följa kalendern.",
    ),
    "earlier-follow-up-in-future": (
        W,
        "Senaste uppföljning före avtalsboken ({value}) ligger i framtiden; den räknas inte.",
    ),
    "step-taken-in-future": (
        W,
        "Steg taget ({value}) ligger i framtiden; loggen och sanktionsrisken räknar med "
        "dagens datum i stället.",
    ),
    "step-taken-before-detected": (
        W,
        "Steg taget ({value}) ligger före Upptäckt ({detected}); kontrollera datumet.",
    ),
    "typed-in-computed": (
        W,
        "{what} ersätts vid nästa uppdatering: kolumnen räknas fram av avtalsboken.{instead}",
    ),
    # --- goals (the Mål sheet) ----------------------------------------------------------
    "not-in-list": (E, "{quoted} finns inte i listan för {header}. Välj något av: {allowed}."),
    "invalid-number": (E, "{quoted} är inget tal. Skriv målet som ett tal, t.ex. 95."),
    "goal-percent-range": (
        E,
        "Målet {target} för {measure} är en andel i procent och måste ligga mellan 0 och 100.",
    ),
    "duplicate-goal": (
        W,
        "Det finns redan ett mål för {measure} med samma period på rad {first}. Båda visas på "
        "Översikt; ta bort det som inte gäller.",
    ),
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem, where it is, and what to do about it."""

    code: str
    level: Level
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    header: str | None = None
    value: Any = None
    book: str | None = None

    @property
    def is_error(self) -> bool:
        return self.level is Level.ERROR

    @property
    def location(self) -> str:
        """Where to go in the book, as Excel's Go To (F5) and Name Box take it: `Avtal!F12`, a
        whole row `Avtal!12:12`, a sheet `Avtal!A1`; a name other than letters is quoted
        (`'Mitt blad'!F12`). Blank for the book as a whole. Text, never a formula or link."""
        if not self.sheet:
            return ""
        name = self.sheet if self.sheet.isalpha() else "'" + self.sheet.replace("'", "''") + "'"
        if self.row is None:
            return f"{name}!A1"
        if self.column is None:
            return f"{name}!{self.row}:{self.row}"
        return f"{name}!{self.column}{self.row}"

    def with_book(self, book: str) -> Finding:
        return replace(self, book=book)

    def to_json(self) -> dict[str, Any]:
        """The `--json` form: value rendered as text when it is not plain JSON."""
        return {
            "code": self.code,
            "level": self.level.value,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "header": self.header,
            "value": display_value(self.value),
            "message": self.message,
        }


def display_value(value: Any) -> Any:
    """A finding's value as JSON and the `Fel` sheet show it: a number no cell can hold (`NaN`,
    an infinity, what a 400-digit number becomes) as text, since neither can take it as a number."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("-INF" if value < 0 else "INF")
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def make(
    code: str,
    *,
    sheet: str | None = None,
    row: int | None = None,
    column: str | None = None,
    header: str | None = None,
    value: Any = None,
    level: Level | None = None,
    **params: Any,
) -> Finding:
    """A finding with its catalogue message; `params` fill the message template."""
    default_level, template = CATALOGUE[code]
    shown = display_value(value)
    fields = {"header": header, "sheet": sheet, "value": shown, "quoted": quoted(shown), **params}
    return Finding(
        code=code,
        level=level or default_level,
        message=template.format(**fields),
        sheet=sheet,
        row=row,
        column=column,
        header=header,
        value=value,
    )


def sort_key(f: Finding) -> tuple[str, str, int, int, str]:
    """Findings in reading order: book, sheet, row, column, code."""
    from .schema import column_index

    return (
        f.book or "",
        f.sheet or "",
        f.row or 0,
        column_index(f.column) if f.column else 0,
        f.code,
    )
