"""Settings from the `Inställningar` sheet, with every default from the domain in one place.

Each setting has a Swedish key, a default, a description for officers and a parser. A bad value
is a finding and falls back to the default; an unknown key is a warning. Nothing an
organisation might want to change is a constant elsewhere in the code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from . import cells, datecells, indexcells
from .book import SheetInput
from .findings import Finding, make
from .overview import STEP_NAMES_DEFAULT
from .schema import INSTALLNINGAR, INSTALLNINGAR_SHEET, SEVERITIES, header_lookup, normalize_header


@dataclass(frozen=True)
class Step:
    """One step of the escalation ladder: its number, name and days to the next check."""

    number: int
    name: str
    days: int | None


@dataclass(frozen=True)
class Settings:
    """Everything the engine needs to know about the organisation's choices."""

    today: date | None = None
    #: when the book began: a contract with no follow-up is scheduled from this date if it
    #: started before it (an adopted register's contracts are not overdue on day one)
    counted_from: date | None = None
    tier1_share: float = 10.0
    tier2_share: float = 30.0
    interval_months: tuple[int, int, int] = (4, 12, 24)
    standstill_days: int = 10
    startup_window_months: int = 12
    extension_lead_days: int = 30
    expiry_warning_days: int = 90
    procurement_lead_months: int = 12
    evaluation_window_months: int = 6
    evaluation_lead_days: int = 60
    price_threshold: float = 0.0
    soon_days: int = 30
    high_risk_threshold: int = 9
    #: sample audits proposed a year, the lowest risk value of a candidate, and how long an
    #: audit or joint follow-up of a supplier counts (issue #13)
    samples_per_year: int = 5
    sample_min_risk: int = 9
    audit_valid_months: int = 36
    plan_days: tuple[int, int, int, int] = (60, 30, 14, 7)
    passivity_days: int = 60
    ladder: tuple[Step, ...] = (
        Step(0, STEP_NAMES_DEFAULT[0], 14),
        Step(1, STEP_NAMES_DEFAULT[1], 30),
        Step(2, STEP_NAMES_DEFAULT[2], 30),
        Step(3, STEP_NAMES_DEFAULT[3], 30),
        Step(4, STEP_NAMES_DEFAULT[4], None),
    )
    report_recipients: tuple[str, ...] = ()
    organisation: str = ""
    organisation_number: str = ""
    ocid_prefix: str = ""
    calendar_alarm_days: int = 7
    #: where replies to the book's report and reminders go (the e-mail `Reply-To`)
    reply_to: tuple[str, ...] = ()
    #: the organisation's own help page, linked from `Instruktioner`
    help_link: str = ""

    @property
    def tier3_share(self) -> float:
        return max(0.0, 100.0 - self.tier1_share - self.tier2_share)

    def plan_days_for(self, severity: str | None) -> int:
        """Default days to remedy for a severity (Medel when unknown)."""
        if severity in SEVERITIES:
            return self.plan_days[SEVERITIES.index(severity)]
        return self.plan_days[1]

    def step_label(self, step: int) -> str:
        """`2 Skriftlig varning`: how a step is written in the book and the log."""
        return f"{step} {self.ladder[step].name}"


class _Bad(Exception):
    """A setting value that cannot be used."""


#: `Idag` from Excel's first date to the last one that still has twelve months of plan after it.
_TODAY_RANGE = (date(1900, 1, 1), date(9998, 12, 31))


def _date(v: Any) -> date:
    d = datecells.parse_date(v)[0]
    if d is None or not _TODAY_RANGE[0] <= d <= _TODAY_RANGE[1]:
        raise _Bad
    return d


def _share(v: Any) -> float:
    """A share in percent: `10`, `10 %`, or a fraction such as 0,1 (a cell formatted as %)."""
    percent = isinstance(v, str) and v.strip().endswith("%")
    n = cells.parse_amount(v.strip().removesuffix("%") if percent else v)[0]
    if n is None:
        raise _Bad
    if n < 1 and not percent:  # below 0 it stays below 0
        n *= 100
    if not 0 <= n <= 100:
        raise _Bad
    return round(n, 4)


def _percent(v: Any) -> float:
    """A percentage as written: `2` or `2 %` is 2 % (thresholds below 1 % are common, so a
    fraction is not read as a percent-formatted cell)."""
    n = indexcells.parse_percent(v)[0]
    if n is None:
        raise _Bad
    return n


def _int(lo: int, hi: int) -> Callable[[Any], int]:
    def parse(v: Any) -> int:
        n = cells.parse_int(v, lo, hi)[0]
        if n is None:
            raise _Bad
        return n

    return parse


def _step(number: int) -> Callable[[Any], Step]:
    def parse(v: Any) -> Step:
        text = cells.parse_text(v)[0]
        if not text:
            raise _Bad
        name, _, days_text = text.partition(";")
        name = name.strip()
        if not name:
            raise _Bad
        days = None
        if days_text.strip():
            days = _int(1, 3650)(days_text.strip())
        elif number < 4:
            raise _Bad
        return Step(number, name, days)

    return parse


def _name(v: Any) -> str:
    """A name: text with at least one letter."""
    text = cells.parse_text(v)[0]
    if not text or not any(ch.isalpha() for ch in text):
        raise _Bad
    return text


def _org_number(v: Any) -> str:
    """An organisation's number (a personal identity number is no organisation's)."""
    number, warning = cells.parse_org_number(v)
    if number is None or warning is not None:
        raise _Bad
    return number


#: An OCDS prefix as the Open Contracting Partnership registers them: `ocds-` + 6 characters.
OCID_PREFIX = re.compile(r"ocds-[a-z0-9]{6}")


def _ocid_prefix(v: Any) -> str:
    text = (cells.parse_text(v)[0] or "").lower()
    if not OCID_PREFIX.fullmatch(text):
        raise _Bad
    return text


def _emails(v: Any) -> tuple[str, ...]:
    text = cells.parse_text(v)[0] or ""
    out = []
    for part in text.replace(";", ",").split(","):
        if part.strip():
            email = cells.parse_email(part)[0]
            if email:
                out.append(email)
    return tuple(out)


#: Schemes a help link may have: a web page, nothing that runs or opens a file.
_LINK_SCHEMES = ("https://", "http://")


def _link(v: Any) -> str:
    """A web address (`https://intranat.kommun.se/avtal`): one word, starting with http(s)://."""
    text = cells.parse_text(v)[0] or ""
    if (
        not text.lower().startswith(_LINK_SCHEMES)
        or len(text) > 255  # Excel's HYPERLINK takes at most 255 characters
        or any(ch.isspace() or not ch.isprintable() or ch in '"<>' for ch in text)
        or text.lower() in _LINK_SCHEMES
    ):
        raise _Bad
    return text


@dataclass(frozen=True)
class SettingDef:
    """One row of `Inställningar`: key, default as shown in the template, description, parser."""

    key: str
    default_text: Any
    description: str
    parse: Callable[[Any], Any]
    field: str
    index: int | None = None


_D = Settings()
#: The setting `Instruktioner` links to.
HELP_LINK_KEY = "Hjälpsida"
#: The setting `avtalsbok init` proposes today for.
COUNTED_FROM_KEY = "Uppföljningar räknas från"
_STEP_TEXT = [f"{s.name}; {s.days}" if s.days else s.name for s in _D.ladder]

DEFINITIONS: tuple[SettingDef, ...] = (
    SettingDef(
        "Idag", None, "Referensdatum för alla beräkningar. Tomt = dagens datum.", _date, "today"
    ),
    SettingDef(
        COUNTED_FROM_KEY,
        None,
        "Dagen avtalsboken började användas. Ett avtal som startade före den dagen och saknar "
        "registrerad uppföljning planeras från den dagen i stället för från avtalsstarten. "
        "Tomt = från avtalsstarten.",
        _date,
        "counted_from",
    ),
    SettingDef(
        "Andel prioritet 1 (%)",
        _D.tier1_share,
        "Andel av de aktiva avtalen i prioritet 1 (verksamhetskritiska eller stora volymer). "
        "SKR: 10 %.",
        _share,
        "tier1_share",
    ),
    SettingDef(
        "Andel prioritet 2 (%)",
        _D.tier2_share,
        "Andel av de aktiva avtalen i prioritet 2 (mellanprioriterade). SKR: 30 %. "
        "Resten hamnar i prioritet 3.",
        _share,
        "tier2_share",
    ),
    SettingDef(
        "Intervall prioritet 1 (mån)",
        _D.interval_months[0],
        "Månader mellan uppföljningar i prioritet 1. SKR: statistikuppföljning och "
        "utvecklingsmöte 3 gånger per år = var 4:e månad.",
        _int(1, 60),
        "interval_months",
        0,
    ),
    SettingDef(
        "Intervall prioritet 2 (mån)",
        _D.interval_months[1],
        "Månader mellan uppföljningar i prioritet 2. SKR: uppföljningsmöte 1 gång per år.",
        _int(1, 60),
        "interval_months",
        1,
    ),
    SettingDef(
        "Intervall prioritet 3 (mån)",
        _D.interval_months[2],
        "Månader mellan uppföljningar i prioritet 3. SKR: vartannat år och vid behov.",
        _int(1, 120),
        "interval_months",
        2,
    ),
    SettingDef(
        "Avtalsspärr (dagar)",
        _D.standstill_days,
        "Dagar från tilldelningsbeslut till att avtalsspärren löpt ut (LOU: 10 dagar vid "
        "elektronisk underrättelse, annars 15). Uppstartsmötet planeras dagen efter.",
        _int(0, 60),
        "standstill_days",
    ),
    SettingDef(
        "Uppstartsmöte för avtal yngre än (mån)",
        _D.startup_window_months,
        "Ett uppstartsmöte föreslås bara för avtal som startat inom så här många månader "
        "och som inte har någon registrerad uppföljning.",
        _int(0, 120),
        "startup_window_months",
    ),
    SettingDef(
        "Framförhållning förlängningsbeslut (dagar)",
        _D.extension_lead_days,
        "Intern framförhållning: beslut om förlängning senast slutdatum − uppsägningstid − "
        "så här många dagar.",
        _int(0, 365),
        "extension_lead_days",
    ),
    SettingDef(
        "Varning före avtalsslut (dagar)",
        _D.expiry_warning_days,
        "Ett avtal får status Löper ut (eller Förlängningsbeslut krävs) så här många dagar "
        "före slutdatum respektive beslutsdag.",
        _int(0, 730),
        "expiry_warning_days",
    ),
    SettingDef(
        "Framförhållning ny upphandling (mån)",
        _D.procurement_lead_months,
        "Ny upphandling senast = senaste möjliga slutdatum (slutdatum + förlängningar som "
        "finns kvar) − så här många månader, flyttat till vardag.",
        _int(0, 120),
        "procurement_lead_months",
    ),
    SettingDef(
        "Utvärdering inom (mån)",
        _D.evaluation_window_months,
        "Bladet Utvärdering visar aktiva avtal vars förlängningsbeslut (eller, utan förlängning "
        "kvar, slutdatum) infaller inom så här många månader.",
        _int(1, 60),
        "evaluation_window_months",
    ),
    SettingDef(
        "Utvärdering före beslut (dagar)",
        _D.evaluation_lead_days,
        "Uppföljningsplanen och påminnelserna tar upp utvärderingen så här många dagar före "
        "förlängningsbeslutet eller avtalsslutet, flyttat till vardag.",
        _int(0, 730),
        "evaluation_lead_days",
    ),
    SettingDef(
        "Tröskel prisjustering (%)",
        _D.price_threshold,
        "En indexförändring vars belopp är mindre än så här många procent tillämpas inte, "
        "när avtalets Tröskel (%) är tom.",
        _percent,
        "price_threshold",
    ),
    SettingDef(
        "Snart-gräns uppföljning (dagar)",
        _D.soon_days,
        "En uppföljning inom så här många dagar får status Inom N dagar.",
        _int(1, 365),
        "soon_days",
    ),
    SettingDef(
        "Hög risk från riskvärde",
        _D.high_risk_threshold,
        "Riskvärde = Sannolikhet × Konsekvens (1–16). Från detta värde räknas avtalet som "
        "hög risk och får minst prioritet 2.",
        _int(1, 16),
        "high_risk_threshold",
    ),
    SettingDef(
        "Stickprov per år",
        _D.samples_per_year,
        "Så många avtal föreslår bladet Stickprov för revision per år, högst ett per "
        "leverantör. 0 = inga förslag.",
        _int(0, 1000),
        "samples_per_year",
    ),
    SettingDef(
        "Stickprov från riskvärde",
        _D.sample_min_risk,
        "Lägsta riskvärde (Sannolikhet × Konsekvens, 1–16) för att ett aktivt avtal med "
        "hållbarhetsvillkor ska kunna föreslås för stickprov.",
        _int(1, 16),
        "sample_min_risk",
    ),
    SettingDef(
        "Revision gäller (mån)",
        _D.audit_valid_months,
        "En revision eller gemensam uppföljning av en leverantör som är yngre än så här många "
        "månader gäller alla leverantörens avtal: de föreslås inte för stickprov.",
        _int(1, 240),
        "audit_valid_months",
    ),
    *(
        SettingDef(
            f"Åtgärdsplan dagar – {sev}",
            _D.plan_days[i],
            f"Dagar från upptäckt till åtgärdsplanens tidsgräns när Åtgärdsplan senast är "
            f"tomt, för allvarlighetsgrad {sev}.",
            _int(1, 365),
            "plan_days",
            i,
        )
        for i, sev in enumerate(SEVERITIES)
    ),
    SettingDef(
        "Passivitet (dagar)",
        _D.passivity_days,
        "En öppen avvikelse utan ändrat eskaleringssteg på så här många dagar flaggas: "
        "passivitet kan kosta rätten till sanktioner.",
        _int(1, 3650),
        "passivity_days",
    ),
    *(
        SettingDef(
            f"Eskaleringssteg {i}",
            _STEP_TEXT[i],
            "Stegets namn; dagar till nästa kontroll (t.ex. “Dialog; 14”)."
            + (" Sista steget har inga dagar." if i == 4 else ""),
            _step(i),
            "ladder",
            i,
        )
        for i in range(5)
    ),
    SettingDef(
        "Rapportmottagare",
        "",
        "E-postadresser (kommaseparerade) som får den sammanställda rapporten.",
        _emails,
        "report_recipients",
    ),
    SettingDef(
        "Organisation",
        "",
        "Organisationens namn, som köpare i öppna data (avtalsbok ocds) och i avtalskatalogen.",
        _name,
        "organisation",
    ),
    SettingDef(
        "Organisationens organisationsnummer",
        "",
        "Organisationens organisationsnummer (NNNNNN-NNNN), som köparens id i öppna data.",
        _org_number,
        "organisation_number",
    ),
    SettingDef(
        "OCID-prefix",
        "",
        "Organisationens prefix för öppna data enligt OCDS (ocds- och sex tecken), som "
        "Open Contracting Partnership tilldelar. Varje avtals id blir prefix-Avtals-ID.",
        _ocid_prefix,
        "ocid_prefix",
    ),
    SettingDef(
        "Kalenderpåminnelse (dagar före)",
        _D.calendar_alarm_days,
        "Så här många dagar före en uppföljning eller ett beslut påminner kalendern "
        "(avtalsbok kalender och påminnelsernas .ics-fil). 0 = samma dag.",
        _int(0, 365),
        "calendar_alarm_days",
    ),
    SettingDef(
        "Svarsadress",
        "",
        "E-postadress (eller flera, kommaseparerade) som svar på rapporten och påminnelserna går "
        "till, t.ex. upphandlingsenheten. Tomt = svaren går till avsändaren.",
        _emails,
        "reply_to",
    ),
    SettingDef(
        HELP_LINK_KEY,
        "",
        "Adressen till organisationens egen sida om avtalsuppföljning (börjar med https://). "
        "Bladet Instruktioner länkar dit.",
        _link,
        "help_link",
    ),
)

_BY_KEY = {normalize_header(d.key): d for d in DEFINITIONS}


def _shown(default: Any) -> str:
    """A default as a message shows it: `10`, not `10.0`; blank as `(tomt)`."""
    if default is None or default == "":
        return "(tomt)"
    return f"{default:g}" if isinstance(default, float) else str(default)


def parse_settings(sheet: SheetInput | None) -> tuple[Settings, list[Finding]]:
    """Settings from the `Inställningar` rows; defaults for whatever is blank or bad."""
    values: dict[str, Any] = {}
    lists: dict[str, list[Any]] = {
        "interval_months": list(_D.interval_months),
        "plan_days": list(_D.plan_days),
        "ladder": list(_D.ladder),
    }
    found: list[Finding] = []
    if sheet is None:
        return _D, found
    lookup = header_lookup(INSTALLNINGAR_SHEET)
    key_header = value_header = None
    key_letter = value_letter = None
    for letter, text in sheet.headers.items():
        col = lookup.get(normalize_header(text))
        if col == "key" and key_header is None:
            key_header, key_letter = text, letter
        elif col == "value" and value_header is None:
            value_header, value_letter = text, letter
    if key_header is None or value_header is None:
        missing = "Inställning" if key_header is None else "Värde"
        found.append(make("missing-column", sheet=INSTALLNINGAR, header=missing))
        return _D, found
    seen: set[str] = set()
    for row, rec in sheet.rows:
        try:
            key_text = cells.parse_text(rec.get(key_header))[0]
        except cells.CellError:  # an Excel error value, or a number no cell can hold
            bad = rec[key_header]
            found.append(
                make(
                    "invalid-text",
                    sheet=INSTALLNINGAR,
                    row=row,
                    column=key_letter,
                    header=key_header,
                    value=bad,
                )
            )
            continue
        if not key_text:
            continue
        norm = normalize_header(key_text)
        definition = _BY_KEY.get(norm)
        if definition is None or norm in seen:
            code = "unknown-setting" if definition is None else "duplicate-setting"
            found.append(
                make(
                    code,
                    sheet=INSTALLNINGAR,
                    row=row,
                    column=key_letter,
                    header=key_header,
                    value=key_text,
                )
            )
            continue
        seen.add(norm)
        raw = rec.get(value_header)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        try:
            parsed = definition.parse(raw)
        except (_Bad, cells.CellError):
            found.append(
                make(
                    "invalid-setting",
                    sheet=INSTALLNINGAR,
                    row=row,
                    column=value_letter,
                    header=definition.key,
                    value=raw,
                    default=_shown(definition.default_text),
                )
            )
            continue
        if definition.index is None:
            values[definition.field] = parsed
        else:
            lists[definition.field][definition.index] = parsed
    settings = Settings(
        **values,
        interval_months=tuple(lists["interval_months"]),
        plan_days=tuple(lists["plan_days"]),
        ladder=tuple(lists["ladder"]),
    )
    if settings.tier1_share + settings.tier2_share > 100:
        found.append(
            make(
                "invalid-setting",
                sheet=INSTALLNINGAR,
                header="Andel prioritet 2 (%)",
                value=settings.tier2_share,
                default=_shown(_D.tier2_share),
            )
        )
        settings = replace(settings, tier1_share=_D.tier1_share, tier2_share=_D.tier2_share)
    return settings, found
