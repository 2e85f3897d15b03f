"""Settings from the `Inställningar` sheet, with every default from the domain in one place.

Each setting has a Swedish key, a default, a description for officers and a parser. A bad value
is a finding and falls back to the default; an unknown key is a warning. Nothing an
organisation might want to change is a constant elsewhere in the code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from . import cells
from . import settingvalues as read
from .book import SheetInput
from .findings import Finding, make
from .overview import STEP_NAMES_DEFAULT
from .schema import INSTALLNINGAR, INSTALLNINGAR_SHEET, SEVERITIES, header_lookup, normalize_header
from .settingvalues import Step


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
        "Idag", None, "Referensdatum för alla beräkningar. Tomt = dagens datum.", read.day, "today"
    ),
    SettingDef(
        COUNTED_FROM_KEY,
        None,
        "Dagen avtalsboken började användas. Ett avtal som startade före den dagen och saknar "
        "registrerad uppföljning planeras från den dagen i stället för från avtalsstarten. "
        "Tomt = från avtalsstarten.",
        read.day,
        "counted_from",
    ),
    SettingDef(
        "Andel prioritet 1 (%)",
        _D.tier1_share,
        "Andel av de aktiva avtalen i prioritet 1 (verksamhetskritiska eller stora volymer). "
        "SKR: 10 %.",
        read.share,
        "tier1_share",
    ),
    SettingDef(
        "Andel prioritet 2 (%)",
        _D.tier2_share,
        "Andel av de aktiva avtalen i prioritet 2 (mellanprioriterade). SKR: 30 %. "
        "Resten hamnar i prioritet 3.",
        read.share,
        "tier2_share",
    ),
    SettingDef(
        "Intervall prioritet 1 (mån)",
        _D.interval_months[0],
        "Månader mellan uppföljningar i prioritet 1. SKR: statistikuppföljning och "
        "utvecklingsmöte 3 gånger per år = var 4:e månad.",
        read.whole(1, 60),
        "interval_months",
        0,
    ),
    SettingDef(
        "Intervall prioritet 2 (mån)",
        _D.interval_months[1],
        "Månader mellan uppföljningar i prioritet 2. SKR: uppföljningsmöte 1 gång per år.",
        read.whole(1, 60),
        "interval_months",
        1,
    ),
    SettingDef(
        "Intervall prioritet 3 (mån)",
        _D.interval_months[2],
        "Månader mellan uppföljningar i prioritet 3. SKR: vartannat år och vid behov.",
        read.whole(1, 120),
        "interval_months",
        2,
    ),
    SettingDef(
        "Avtalsspärr (dagar)",
        _D.standstill_days,
        "Dagar från tilldelningsbeslut till att avtalsspärren löpt ut (LOU: 10 dagar vid "
        "elektronisk underrättelse, annars 15). Uppstartsmötet planeras dagen efter.",
        read.whole(0, 60),
        "standstill_days",
    ),
    SettingDef(
        "Uppstartsmöte för avtal yngre än (mån)",
        _D.startup_window_months,
        "Ett uppstartsmöte föreslås bara för avtal som startat inom så här många månader "
        "och som inte har någon registrerad uppföljning.",
        read.whole(0, 120),
        "startup_window_months",
    ),
    SettingDef(
        "Framförhållning förlängningsbeslut (dagar)",
        _D.extension_lead_days,
        "Intern framförhållning: beslut om förlängning senast slutdatum − uppsägningstid − "
        "så här många dagar.",
        read.whole(0, 365),
        "extension_lead_days",
    ),
    SettingDef(
        "Varning före avtalsslut (dagar)",
        _D.expiry_warning_days,
        "Ett avtal får status Löper ut (eller Förlängningsbeslut krävs) så här många dagar "
        "före slutdatum respektive beslutsdag.",
        read.whole(0, 730),
        "expiry_warning_days",
    ),
    SettingDef(
        "Framförhållning ny upphandling (mån)",
        _D.procurement_lead_months,
        "Ny upphandling senast = senaste möjliga slutdatum (slutdatum + förlängningar som "
        "finns kvar) − så här många månader, flyttat till vardag.",
        read.whole(0, 120),
        "procurement_lead_months",
    ),
    SettingDef(
        "Utvärdering inom (mån)",
        _D.evaluation_window_months,
        "Bladet Utvärdering visar aktiva avtal vars förlängningsbeslut (eller, utan förlängning "
        "kvar, slutdatum) infaller inom så här många månader.",
        read.whole(1, 60),
        "evaluation_window_months",
    ),
    SettingDef(
        "Utvärdering före beslut (dagar)",
        _D.evaluation_lead_days,
        "Uppföljningsplanen och påminnelserna tar upp utvärderingen så här många dagar före "
        "förlängningsbeslutet eller avtalsslutet, flyttat till vardag.",
        read.whole(0, 730),
        "evaluation_lead_days",
    ),
    SettingDef(
        "Tröskel prisjustering (%)",
        _D.price_threshold,
        "En indexförändring vars belopp är mindre än så här många procent tillämpas inte, "
        "när avtalets Tröskel (%) är tom.",
        read.percent,
        "price_threshold",
    ),
    SettingDef(
        "Snart-gräns uppföljning (dagar)",
        _D.soon_days,
        "En uppföljning inom så här många dagar får status Inom N dagar.",
        read.whole(1, 365),
        "soon_days",
    ),
    SettingDef(
        "Hög risk från riskvärde",
        _D.high_risk_threshold,
        "Riskvärde = Sannolikhet × Konsekvens (1–16). Från detta värde räknas avtalet som "
        "hög risk och får minst prioritet 2.",
        read.whole(1, 16),
        "high_risk_threshold",
    ),
    SettingDef(
        "Stickprov per år",
        _D.samples_per_year,
        "Så många avtal föreslår bladet Stickprov för revision per år, högst ett per "
        "leverantör. 0 = inga förslag.",
        read.whole(0, 1000),
        "samples_per_year",
    ),
    SettingDef(
        "Stickprov från riskvärde",
        _D.sample_min_risk,
        "Lägsta riskvärde (Sannolikhet × Konsekvens, 1–16) för att ett aktivt avtal med "
        "hållbarhetsvillkor ska kunna föreslås för stickprov.",
        read.whole(1, 16),
        "sample_min_risk",
    ),
    SettingDef(
        "Revision gäller (mån)",
        _D.audit_valid_months,
        "En revision eller gemensam uppföljning av en leverantör som är yngre än så här många "
        "månader gäller alla leverantörens avtal: de föreslås inte för stickprov.",
        read.whole(1, 240),
        "audit_valid_months",
    ),
    *(
        SettingDef(
            f"Åtgärdsplan dagar – {sev}",
            _D.plan_days[i],
            f"Dagar från upptäckt till åtgärdsplanens tidsgräns när Åtgärdsplan senast är "
            f"tomt, för allvarlighetsgrad {sev}.",
            read.whole(1, 365),
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
        read.whole(1, 3650),
        "passivity_days",
    ),
    *(
        SettingDef(
            f"Eskaleringssteg {i}",
            _STEP_TEXT[i],
            "Stegets namn; dagar till nästa kontroll (t.ex. “Dialog; 14”)."
            + (" Sista steget har inga dagar." if i == 4 else ""),
            read.step(i),
            "ladder",
            i,
        )
        for i in range(5)
    ),
    SettingDef(
        "Rapportmottagare",
        "",
        "E-postadresser (kommaseparerade) som får den sammanställda rapporten.",
        read.emails,
        "report_recipients",
    ),
    SettingDef(
        "Organisation",
        "",
        "Organisationens namn, som köpare i öppna data (avtalsbok ocds) och i avtalskatalogen.",
        read.name_text,
        "organisation",
    ),
    SettingDef(
        "Organisationens organisationsnummer",
        "",
        "Organisationens organisationsnummer (NNNNNN-NNNN), som köparens id i öppna data.",
        read.org_number,
        "organisation_number",
    ),
    SettingDef(
        "OCID-prefix",
        "",
        "Organisationens prefix för öppna data enligt OCDS (ocds- och sex tecken), som "
        "Open Contracting Partnership tilldelar. Varje avtals id blir prefix-Avtals-ID.",
        read.ocid_prefix,
        "ocid_prefix",
    ),
    SettingDef(
        "Kalenderpåminnelse (dagar före)",
        _D.calendar_alarm_days,
        "Så här många dagar före en uppföljning eller ett beslut påminner kalendern "
        "(avtalsbok kalender och påminnelsernas .ics-fil). 0 = samma dag.",
        read.whole(0, 365),
        "calendar_alarm_days",
    ),
    SettingDef(
        "Svarsadress",
        "",
        "E-postadress (eller flera, kommaseparerade) som svar på rapporten och påminnelserna går "
        "till, t.ex. upphandlingsenheten. Tomt = svaren går till avsändaren.",
        read.emails,
        "reply_to",
    ),
    SettingDef(
        HELP_LINK_KEY,
        "",
        "Adressen till organisationens egen sida om avtalsuppföljning (börjar med https://). "
        "Bladet Instruktioner länkar dit.",
        read.link,
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
        except (read.BadValue, cells.CellError):
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
