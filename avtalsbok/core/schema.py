"""The workbook contract: sheet names, columns, kinds, aliases, dropdown lists and formats.

One place describes what every sheet holds. The engine, the reader, the writer, the template
builder, the Excel buttons and the demo generator all take sheet and column names from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """Who owns a column: the officer (input) or the engine (computed)."""

    INPUT = "input"
    COMPUTED = "computed"


class ValueType(StrEnum):
    """How a cell is read, and which number format the template gives it."""

    TEXT = "text"
    DATE = "date"
    DATETIME = "datetime"
    AMOUNT = "amount"
    NUMBER = "number"
    INTEGER = "integer"
    BOOL = "bool"


@dataclass(frozen=True)
class Column:
    """One column of a data sheet."""

    header: str
    key: str
    kind: Kind = Kind.INPUT
    type: ValueType = ValueType.TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    width: float = 14.0
    note: str = ""
    #: What an officer might type here: the template's input message shows it (input columns).
    example: str = ""


@dataclass(frozen=True)
class SheetDef:
    """A data sheet: its name, its columns in template order, and its Excel table name."""

    name: str
    table: str
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = field(default=())

    def column(self, key: str) -> Column:
        """The column with this key."""
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    @property
    def input_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.kind is Kind.INPUT)

    @property
    def computed_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.kind is Kind.COMPUTED)


# ---------------------------------------------------------------------------------------------
# Sheet names
AVTAL = "Avtal"
UPPFOLJNINGAR = "Uppföljningar"
AVVIKELSER = "Avvikelser"
INSTALLNINGAR = "Inställningar"
HANDELSELOGG = "Händelselogg"
OVERSIKT = "Översikt"
UPPFOLJNINGSPLAN = "Uppföljningsplan"
FEL = "Fel"
INSTRUKTIONER = "Instruktioner"
INDEX = "Index"
UTVARDERING = "Utvärdering"
MAL = "Mål"
STICKPROV = "Stickprov"

#: Sheets the engine reads (in this order).
INPUT_SHEETS = (AVTAL, UPPFOLJNINGAR, AVVIKELSER, INDEX, MAL, INSTALLNINGAR, HANDELSELOGG)
#: Sheets the engine regenerates entirely on every run.
COMPUTED_SHEETS = (OVERSIKT, UPPFOLJNINGSPLAN, UTVARDERING, STICKPROV, FEL)
#: Sheet order of the template.
ALL_SHEETS = (
    INSTRUKTIONER,
    OVERSIKT,
    AVTAL,
    UPPFOLJNINGAR,
    AVVIKELSER,
    UPPFOLJNINGSPLAN,
    UTVARDERING,
    STICKPROV,
    FEL,
    HANDELSELOGG,
    INDEX,
    MAL,
    INSTALLNINGAR,
)

# ---------------------------------------------------------------------------------------------
# Choice lists (dropdowns in the template; values the engine understands)
YES_NO = ("Ja", "Nej")
CONTRACT_FORMS = ("Eget avtal", "Ramavtal", "Avrop nationellt ramavtal")
CALL_OFF_FORM = "Avrop nationellt ramavtal"
CATEGORIES = (
    "Bygg och anläggning",
    "Fastighetsservice",
    "Livsmedel",
    "Måltidstjänster",
    "IT och telekom",
    "Konsulttjänster",
    "Kontorsmaterial",
    "Fordon och transporter",
    "Energi",
    "Hälsa och sjukvård",
    "Läkemedel",
    "Medicinteknik",
    "Vård och omsorg",
    "Utbildning",
    "Städ och hygien",
    "Avfall och återvinning",
    "Möbler och inredning",
    "Arbetskläder och textil",
    "Övrigt",
)
PRICE_INDEXES = ("KPI", "AKI", "NPI", "Byggkostnadsindex", "Fast pris", "Ingen")
#: The choices of `Prisjustering` that are no index series: the price is not adjusted.
NO_PRICE_INDEX = ("Fast pris", "Ingen")
MONTHS_SV = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
FOLLOW_UP_TYPES = (
    "Uppstartsmöte",
    "Statistikuppföljning",
    "Uppföljningsmöte",
    "Utvecklingsmöte",
    "Revision",
    "Utvärdering",
)
STARTUP_TYPE = "Uppstartsmöte"
AUDIT_TYPE = "Revision"
FOLLOW_UP_METHODS = (
    "Dialog",
    "Egenrapportering",
    "Transparens i leveranskedjan",
    "Revision",
    "Ursprungsverifiering",
    "Öppen data",
    "Myndighetsdatabas",
)
FOLLOW_UP_RESULTS = ("Utan anmärkning", "Avvikelse")
DEVIATION_AREAS = (
    "Uppförandekod",
    "Tillbörlig aktsamhet",
    "Kvalitet",
    "Leverans",
    "Pris och fakturering",
    "Miljö",
    "Övrigt",
)
SEVERITIES = ("Låg", "Medel", "Hög", "Allvarlig")
DEVIATION_STATUSES = ("Öppen", "Åtgärdsplan begärd", "Åtgärdsplan godkänd", "Åtgärdad", "Stängd")
CLOSED_STATUSES = ("Åtgärdad", "Stängd")
#: The default name of each escalation step 0–4 (`Inställningar` may rename them).
STEP_NAMES = ("Dialog", "Åtgärdsplan", "Skriftlig varning", "Sanktion", "Uppsägning/hävning")
#: The Eskaleringssteg dropdown: the number with its name (`2 Skriftlig varning`); the engine
#: reads the number, so a label, a bare number and a number typed by hand all mean the step.
STEPS = tuple(f"{i} {name}" for i, name in enumerate(STEP_NAMES))
PRIORITIES = ("1", "2", "3")

#: The key figures of `Översikt` an organisation can set a goal for (`core/goals.py` says how
#: each is measured), and the direction a goal points in: at least, or at most, the target.
GOAL_MEASURES = (
    "Uppföljningstäckning (%)",
    "Försenade uppföljningar",
    "Försenade åtgärdsplaner",
    "Öppna avvikelser",
    "Avvikelser med sanktionsrisk",
    "Andel uppföljda avtal med hållbarhetsvillkor (%)",
    "Revisioner totalt",
    "Stickprov genomförda",
    "Avtal med revision",
    "Kostnad för revisioner (kr)",
    "Fel i arbetsboken",
)
GOAL_DIRECTIONS = ("Minst", "Högst")

# Computed values the template's conditional formats colour by (text the engine writes).
CHECK_OK = "OK"
STATUS_PLANNED = "Planerad"
STATUS_OVERDUE = "Försenad"
STATUS_NONE = "Ingen – avtalet upphör"
CONTRACT_STATUSES = (
    "Ej startat",
    "Aktivt",
    "Löper ut",
    "Förlängningsbeslut krävs",
    "Upphört",
    "Ny upphandling krävs",
)
#: What `Utvärdering` says is to be decided: an extension, or the contract's end.
DECISION_SUBJECTS = ("Förlängningsbeslut", "Avtalet upphör")
#: The mark in a row's `Kontroll` of an index change too small to apply.
BELOW_THRESHOLD = "Under tröskeln"

COMPUTED_NOTE = "Beräknas av avtalsbok – skriv inte här"

# ---------------------------------------------------------------------------------------------
# Data sheets
_C = Column
_K = Kind.COMPUTED
_T = ValueType

AVTAL_SHEET = SheetDef(
    name=AVTAL,
    table="Avtal",
    columns=(
        _C(
            "Avtals-ID",
            "contract_id",
            required=True,
            width=12,
            aliases=("Avtalsnummer", "Avtalsnr", "Avtals-nr", "Avtal-ID", "AvtalsID", "Avtalsid"),
            example="AV-2025-001",
        ),
        _C(
            "Avtalsnamn",
            "name",
            required=True,
            width=34,
            aliases=("Avtal", "Benämning"),
            example="Städtjänster skolor",
        ),
        _C(
            "Leverantör",
            "supplier",
            required=True,
            width=28,
            aliases=("Leverantörsnamn",),
            example="Städbolaget AB",
        ),
        _C(
            "Organisationsnummer",
            "org_number",
            width=16,
            aliases=("Org.nr", "Orgnr", "Org nr", "Org.nummer", "Organisationsnr"),
            example="556677-8899",
        ),
        _C(
            "Kategori",
            "category",
            choices=CATEGORIES,
            width=22,
            aliases=("Avtalskategori",),
            example="Städ och hygien",
        ),
        _C(
            "Avtalsform",
            "form",
            choices=CONTRACT_FORMS,
            width=24,
            aliases=("Avtalstyp",),
            example="Ramavtal",
        ),
        _C(
            "Inköpscentral följer upp",
            "central_follows_up",
            type=_T.BOOL,
            choices=YES_NO,
            width=12,
            example="Nej",
        ),
        _C(
            "Tilldelningsbeslut",
            "award_date",
            type=_T.DATE,
            width=12,
            aliases=("Tilldelningsbeslut skickat", "Datum tilldelningsbeslut"),
            example="2024-11-15",
        ),
        _C(
            "Startdatum",
            "start",
            type=_T.DATE,
            required=True,
            width=12,
            aliases=("Avtalsstart", "Start"),
            example="2025-01-01",
        ),
        _C(
            "Slutdatum",
            "end",
            type=_T.DATE,
            required=True,
            width=12,
            aliases=("Avtalsslut", "Slut"),
            example="2026-12-31",
        ),
        _C(
            "Förlängningsoption",
            "extension_option",
            width=14,
            aliases=("Förlängning", "Option"),
            example="1+1",
        ),
        _C(
            "Utnyttjade förlängningar",
            "extensions_used",
            type=_T.INTEGER,
            width=12,
            aliases=("Använda förlängningar", "Nyttjade förlängningar"),
            example="0",
        ),
        _C(
            "Uppsägningstid (mån)",
            "notice_months",
            type=_T.INTEGER,
            width=12,
            aliases=("Uppsägningstid", "Uppsägningstid mån"),
            example="3",
        ),
        _C(
            "Årsvärde (kr)",
            "annual_value",
            type=_T.AMOUNT,
            width=16,
            aliases=("Årsvärde", "Årsvärde kr", "Årligt värde", "Uppskattat årsvärde"),
            example="1200000",
        ),
        _C("Verksamhetskritisk", "critical", type=_T.BOOL, choices=YES_NO, width=12, example="Ja"),
        _C(
            "Sannolikhet (1-4)",
            "probability",
            type=_T.INTEGER,
            choices=("1", "2", "3", "4"),
            width=11,
            aliases=("Sannolikhet",),
            example="3",
        ),
        _C(
            "Konsekvens (1-4)",
            "consequence",
            type=_T.INTEGER,
            choices=("1", "2", "3", "4"),
            width=11,
            aliases=("Konsekvens", "Allvarlighet (1-4)"),
            example="2",
        ),
        _C(
            "Hållbarhetsvillkor",
            "sustainability",
            type=_T.BOOL,
            choices=YES_NO,
            width=12,
            aliases=("Kontraktsvillkor hållbarhet",),
            example="Ja",
        ),
        _C(
            "Prisjustering",
            "price_index",
            choices=PRICE_INDEXES,
            width=12,
            aliases=("Prisjusteringsindex", "Index"),
            example="KPI",
        ),
        _C(
            "Justeringsmånad",
            "price_month",
            choices=MONTHS_SV,
            width=12,
            aliases=("Prisjusteringsmånad",),
            example="januari",
        ),
        _C(
            "Basmånad",
            "base_month",
            width=12,
            aliases=("Basmånad index", "Indexbasmånad"),
            example="2024-05",
        ),
        _C(
            "Andel av index (%)",
            "index_share",
            type=_T.NUMBER,
            width=10,
            aliases=("Andel av index", "Indexandel (%)", "Indexandel"),
            example="90",
        ),
        _C(
            "Tröskel (%)",
            "price_threshold",
            type=_T.NUMBER,
            width=10,
            aliases=("Tröskel",),
            example="2",
        ),
        _C(
            "Senaste prisjustering",
            "last_price_adjustment",
            type=_T.DATE,
            width=12,
            aliases=("Senast prisjusterat", "Senaste indexjustering"),
            example="2025-01-01",
        ),
        _C("Avtalsansvarig", "owner", width=20, aliases=("Ansvarig",), example="Eva Andersson"),
        _C(
            "E-post",
            "email",
            width=26,
            aliases=("Epost", "E-postadress", "Mejl"),
            example="eva.andersson@kommun.se",
        ),
        _C(
            "Manuell prioritet",
            "manual_priority",
            type=_T.INTEGER,
            choices=PRIORITIES,
            width=10,
            example="1",
        ),
        _C(
            "Motivering",
            "motivation",
            width=26,
            aliases=("Motivering manuell prioritet",),
            example="Politiskt prioriterat område",
        ),
        _C(
            "Så beställer du",
            "how_to_order",
            width=40,
            aliases=("Beställning", "Hur beställer man", "Beställningsinformation"),
            note="Visas i avtalskatalogen för alla som får göra avrop.",
            example="Beställ i e-handelssystemet",
        ),
        _C(
            "Senaste uppföljning före avtalsboken",
            "earlier_follow_up",
            type=_T.DATE,
            width=14,
            aliases=("Senaste uppföljning före",),
            note="Frivillig: den senaste uppföljningen innan avtalsboken började användas.",
            example="2024-10-01",
        ),
        _C("Prioritet", "priority", kind=_K, type=_T.INTEGER, width=9),
        _C("Prioritetsgrund", "priority_reason", kind=_K, width=40),
        _C("Uppföljningsform", "follow_up_form", kind=_K, width=34),
        _C("Senaste uppföljning", "last_follow_up", kind=_K, type=_T.DATE, width=12),
        _C("Nästa uppföljning", "next_follow_up", kind=_K, type=_T.DATE, width=12),
        _C("Nästa uppföljningstyp", "next_follow_up_kind", kind=_K, width=32),
        _C("Uppföljningsstatus", "follow_up_status", kind=_K, width=20),
        _C("Förlängning beslut senast", "extension_deadline", kind=_K, type=_T.DATE, width=14),
        _C("Förlängningar kvar", "extensions_left", kind=_K, type=_T.INTEGER, width=11),
        _C("Senaste möjliga slutdatum", "latest_end", kind=_K, type=_T.DATE, width=14),
        _C("Ny upphandling senast", "procurement_deadline", kind=_K, type=_T.DATE, width=14),
        _C("Avtalsstatus", "contract_status", kind=_K, width=22),
        _C("Öppna avvikelser", "open_deviations", kind=_K, type=_T.INTEGER, width=10),
        _C("Högsta steg", "highest_step", kind=_K, type=_T.INTEGER, width=9),
        _C("Leverantörens historik", "supplier_history", kind=_K, width=48),
        _C("Nästa prisjustering", "next_price_adjustment", kind=_K, type=_T.DATE, width=14),
        _C("Indexförändring (%)", "index_change", kind=_K, type=_T.NUMBER, width=12),
        _C("Kontroll", "check", kind=_K, width=40),
    ),
)

#: The Avtals-ID column of the sheets that refer to a contract (must exist on Avtal).
_CONTRACT_REF = _C(
    "Avtals-ID",
    "contract_id",
    required=True,
    width=12,
    aliases=AVTAL_SHEET.column("contract_id").aliases,
    example="AV-2025-001",
)

UPPFOLJNINGAR_SHEET = SheetDef(
    name=UPPFOLJNINGAR,
    table="Uppfoljningar",
    columns=(
        _CONTRACT_REF,
        _C(
            "Datum",
            "date",
            type=_T.DATE,
            required=True,
            width=12,
            aliases=("Uppföljningsdatum", "Genomförd"),
            example="2025-03-14",
        ),
        _C(
            "Typ",
            "type",
            choices=FOLLOW_UP_TYPES,
            width=22,
            aliases=("Uppföljningstyp",),
            example="Uppföljningsmöte",
        ),
        _C("Metod", "method", choices=FOLLOW_UP_METHODS, width=24, example="Dialog"),
        _C(
            "Genomförd av",
            "performed_by",
            width=20,
            aliases=("Utförd av",),
            example="Eva Andersson",
        ),
        _C("Kostnad (kr)", "cost", type=_T.AMOUNT, width=14, aliases=("Kostnad",), example="15000"),
        _C("Resultat", "result", choices=FOLLOW_UP_RESULTS, width=16, example="Utan anmärkning"),
        _C(
            "Kommentar",
            "comment",
            width=40,
            aliases=("Anteckning",),
            example="Leveranserna följer avtalet",
        ),
        _C(
            "Gemensam uppföljning",
            "joint",
            type=_T.BOOL,
            choices=YES_NO,
            width=12,
            aliases=("Gemensam",),
            note="Ja: uppföljningen gjordes i regionernas gemensamma process eller av "
            "inköpscentralen och gäller alla avtal med leverantören. Tomt = Nej.",
            example="Nej",
        ),
        _C("Kontroll", "check", kind=_K, width=40),
    ),
)

AVVIKELSER_SHEET = SheetDef(
    name=AVVIKELSER,
    table="Avvikelser",
    columns=(
        _C(
            "Avvikelse-ID",
            "deviation_id",
            required=True,
            width=12,
            aliases=("Avvikelsenummer", "Avvikelsenr", "AvvikelseID"),
            example="AVV-001",
        ),
        _CONTRACT_REF,
        _C(
            "Upptäckt",
            "detected",
            type=_T.DATE,
            required=True,
            width=12,
            aliases=("Upptäckt datum", "Datum"),
            example="2025-02-03",
        ),
        _C("Område", "area", choices=DEVIATION_AREAS, width=20, example="Leverans"),
        _C("Beskrivning", "description", width=40, example="Sena leveranser tre veckor i rad"),
        _C(
            "Allvarlighetsgrad",
            "severity",
            choices=SEVERITIES,
            required=True,
            width=14,
            aliases=("Allvarlighet",),
            example="Medel",
        ),
        _C(
            "Åtgärdsplan senast",
            "plan_deadline",
            type=_T.DATE,
            width=14,
            aliases=("Åtgärdas senast", "Tidsplan"),
            example="2025-03-03",
        ),
        _C(
            "Åtgärdad",
            "remedied",
            type=_T.DATE,
            width=12,
            aliases=("Åtgärdad datum",),
            example="2025-03-20",
        ),
        _C("Status", "status", choices=DEVIATION_STATUSES, width=20, example="Åtgärdad"),
        _C(
            "Eskaleringssteg",
            "step",
            type=_T.INTEGER,
            choices=STEPS,
            width=20,
            aliases=("Steg",),
            example="2 Skriftlig varning",
        ),
        _C("Ansvarig", "responsible", width=20, example="Eva Andersson"),
        _C(
            "Steg taget",
            "step_taken",
            type=_T.DATE,
            width=12,
            aliases=("Steg taget datum",),
            note="Frivillig: dagen eskaleringssteget faktiskt togs. Följer med steget i loggen.",
            example="2025-03-10",
        ),
        _C("Dagar öppen", "days_open", kind=_K, type=_T.INTEGER, width=10),
        _C("Försenad", "overdue", kind=_K, width=10),
        _C("Föreslaget steg", "proposed_step", kind=_K, width=28),
        _C("Nästa kontroll", "next_check", kind=_K, type=_T.DATE, width=12),
        _C("Sanktionsrisk", "passivity", kind=_K, width=34),
        _C("Kontroll", "check", kind=_K, width=40),
    ),
)

HANDELSELOGG_SHEET = SheetDef(
    name=HANDELSELOGG,
    table="Handelselogg",
    columns=(
        _C("Tidpunkt", "timestamp", type=_T.DATETIME, width=17),
        _C("Avvikelse-ID", "deviation_id", width=12),
        _C("Avtals-ID", "contract_id", width=12),
        _C("Händelse", "event", width=26),
        _C("Från", "from_value", width=22),
        _C("Till", "to_value", width=22),
        _C("Källa", "source", width=30),
        _C("Steg taget", "step_taken", type=_T.DATE, width=12),
    ),
)

INSTALLNINGAR_SHEET = SheetDef(
    name=INSTALLNINGAR,
    table="Installningar",
    columns=(
        _C("Inställning", "key", required=True, width=44, aliases=("Nyckel", "Parameter")),
        _C("Värde", "value", width=34),
        _C("Beskrivning", "description", width=70),
    ),
)

INDEX_SHEET = SheetDef(
    name=INDEX,
    table="Indexvarden",
    columns=(
        _C("Serie", "series", required=True, width=18, aliases=("Index", "Indexserie")),
        _C("Månad", "month", required=True, width=12, aliases=("Period", "Indexmånad")),
        _C("Värde", "value", type=_T.NUMBER, required=True, width=12, aliases=("Indexvärde",)),
    ),
)

MAL_SHEET = SheetDef(
    name=MAL,
    table="Mal",
    columns=(
        _C(
            "Mått",
            "measure",
            required=True,
            choices=GOAL_MEASURES,
            width=44,
            aliases=("Nyckeltal", "Mätetal"),
            note="Nyckeltalet på Översikt som målet gäller.",
            example="Uppföljningstäckning (%)",
        ),
        _C(
            "Mål",
            "target",
            type=_T.NUMBER,
            required=True,
            width=10,
            aliases=("Målvärde",),
            example="95",
        ),
        _C(
            "Riktning",
            "direction",
            required=True,
            choices=GOAL_DIRECTIONS,
            width=10,
            note="Minst: målet är nått när utfallet är lika med eller större än målet. "
            "Högst: när det är lika med eller mindre.",
            example="Minst",
        ),
        _C("Period", "period", width=14, aliases=("Målperiod",), example="2026"),
        _C("Kommentar", "comment", width=40, example="Enligt verksamhetsplanen"),
    ),
)

DATA_SHEETS: dict[str, SheetDef] = {
    s.name: s
    for s in (
        AVTAL_SHEET,
        UPPFOLJNINGAR_SHEET,
        AVVIKELSER_SHEET,
        HANDELSELOGG_SHEET,
        INDEX_SHEET,
        MAL_SHEET,
        INSTALLNINGAR_SHEET,
    )
}

#: Sheets that must exist for a run; the others are optional (treated as empty).
REQUIRED_SHEETS = (AVTAL,)

# Columns of the regenerated list sheets (row 1 is the header).
PLAN_HEADERS = (
    "Datum",
    "Vecka",
    "Avtals-ID",
    "Avtalsnamn",
    "Leverantör",
    "Prioritet",
    "Aktivitet",
    "Avtalsansvarig",
    "E-post",
    "Status",
    "Dagar försenad",
    "Avtalsstatus",
)
FEL_HEADERS = (
    "Blad",
    "Rad",
    "Kolumn",
    "Rubrik",
    "Värde",
    "Nivå",
    "Meddelande",
    "Kod",
    "Gå till",
)
EVALUATION_HEADERS = (
    "Avtals-ID",
    "Avtalsnamn",
    "Leverantör",
    "Avtalsansvarig",
    "E-post",
    "Beslut",
    "Beslutsdatum",
    "Utvärdera senast",
    "Hållbarhetsvillkor",
    "Uppföljningar",
    "Senaste uppföljning",
    "Revisioner",
    "Kostnad revisioner (kr)",
    "Avvikelser totalt",
    "Öppna avvikelser",
    "Högsta steg någonsin",
    "Förlängningar kvar",
)
#: `Stickprov`: the proposed sample audits, then the candidates left out (`Status` says why).
SAMPLE_HEADERS = (
    "Nr",
    "Status",
    "Avtals-ID",
    "Avtalsnamn",
    "Leverantör",
    "Organisationsnummer",
    "Riskvärde",
    "Årsvärde (kr)",
    "Senaste revision eller gemensam uppföljning",
    "Motivering",
    "Avtalsansvarig",
)


# ---------------------------------------------------------------------------------------------
# Header matching
_STAR_SPACE = re.compile(r"[\s*]+$")
_SPACES = re.compile(r"\s+")


def normalize_header(text: object) -> str:
    """The form headers are compared in: case-folded, inner spaces collapsed, trailing `*` gone."""
    if text is None:
        return ""
    s = str(text).replace("\u00a0", " ").strip()
    s = _STAR_SPACE.sub("", s)
    return _SPACES.sub(" ", s).casefold()


def sheet_lookup() -> dict[str, str]:
    """Normalised sheet name → canonical sheet name (for sheets found by name)."""
    return {normalize_header(name): name for name in ALL_SHEETS}


def header_lookup(sheet: SheetDef) -> dict[str, str]:
    """Normalised header or alias → column key, for one sheet."""
    lookup: dict[str, str] = {}
    for col in sheet.columns:
        for name in (col.header, *col.aliases):
            lookup.setdefault(normalize_header(name), col.key)
    return lookup


def column_letter(index: int) -> str:
    """Excel column letter of a 1-based column index (1 → A, 27 → AA)."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letter: str) -> int:
    """1-based column index of an Excel column letter (A → 1, AA → 27)."""
    index = 0
    for ch in letter.upper():
        index = index * 26 + (ord(ch) - 64)
    return index
