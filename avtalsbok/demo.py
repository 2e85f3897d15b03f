"""The demo avtalsbok: a realistic, seeded, deterministic contract book of a Swedish municipality.

`generate` builds the input sheets as an officer would have filled them in: about 700 contracts
with suppliers, follow-up history, deviations at every step of the escalation ladder, a partly
written event log, and (on request) a handful of typical officer mistakes listed in `MISTAKES`.
Same arguments → identical rows, so demo runs, tests and benchmarks are reproducible.
"""

from __future__ import annotations

import random
import unicodedata
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate, pairwise
from typing import Any, TypeVar

from avtalsbok.core import schema
from avtalsbok.core.book import BookInput
from avtalsbok.core.cells import luhn_digit
from avtalsbok.core.settings import DEFINITIONS, Settings

#: The demo's reference date: `Idag` on its settings sheet, so every demo run computes the same.
DEMO_TODAY = date(2026, 11, 2)
#: Largest book `generate` builds (names and numbers stay unique well beyond this).
MAX_CONTRACTS = 1_000_000
#: Smallest book that has room for every planted mistake.
MIN_CONTRACTS_WITH_MISTAKES = 100

EMAIL_DOMAIN = "exempelkommun.se"
REPORT_RECIPIENT = f"upphandlingschef@{EMAIL_DOMAIN}"

_T = TypeVar("_T")

_SETTINGS = Settings()
_DAY = timedelta(days=1)
_JA, _NEJ = schema.YES_NO


# ---------------------------------------------------------------------------------------------
# Planted officer mistakes


@dataclass(frozen=True)
class Mistake:
    """A mistake planted in the demo book, and the finding the engine must report for it."""

    sheet: str
    row: int  # Excel row (row 1 holds the headers)
    header: str
    code: str
    what: str


def _header(sheet: schema.SheetDef, key: str) -> str:
    return sheet.column(key).header


_A, _U, _D = schema.AVTAL_SHEET, schema.UPPFOLJNINGAR_SHEET, schema.AVVIKELSER_SHEET

# Excel rows of the planted mistakes (fixed, whatever the size of the book).
_DUPLICATE_ROW = 9  # copied from the row above without a new Avtals-ID
_ORG_ROW = 15
_END_ROW = 23
_TEXT_DATE_ROW = 31
_TEXT_AMOUNT_ROW = 42
_EMAIL_ROW = 50
_PRIORITY_ROW = 57
_CENTRAL_ROW = 64
_FOLLOW_UP_ROW = 12
_DEVIATION_ROW = 7

MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        schema.AVTAL,
        _DUPLICATE_ROW - 1,
        _header(_A, "contract_id"),
        "duplicate-contract-id",
        "the contract whose row was copied to the next row",
    ),
    Mistake(
        schema.AVTAL,
        _DUPLICATE_ROW,
        _header(_A, "contract_id"),
        "duplicate-contract-id",
        "row copied from the one above; the Avtals-ID was not changed",
    ),
    Mistake(
        schema.AVTAL,
        _ORG_ROW,
        _header(_A, "org_number"),
        "org-number-checksum",
        "organisation number with a mistyped check digit",
    ),
    Mistake(
        schema.AVTAL,
        _END_ROW,
        _header(_A, "end"),
        "end-before-start",
        "Slutdatum typed with the wrong year, before Startdatum",
    ),
    Mistake(
        schema.AVTAL,
        _TEXT_DATE_ROW,
        _header(_A, "start"),
        "date-as-text",
        "Startdatum typed as Swedish text, like '7 maj 2024'",
    ),
    Mistake(
        schema.AVTAL,
        _TEXT_AMOUNT_ROW,
        _header(_A, "annual_value"),
        "amount-as-text",
        "Årsvärde typed as text, like '1 200 000 kr'",
    ),
    Mistake(
        schema.AVTAL,
        _EMAIL_ROW,
        _header(_A, "email"),
        "invalid-email",
        "e-mail address without @",
    ),
    Mistake(
        schema.AVTAL,
        _PRIORITY_ROW,
        _header(_A, "motivation"),
        "manual-priority-without-motivation",
        "manual priority 1 with no motivation",
    ),
    Mistake(
        schema.AVTAL,
        _CENTRAL_ROW,
        _header(_A, "central_follows_up"),
        "central-follow-up-not-call-off",
        "Inköpscentral följer upp = Ja on an Eget avtal",
    ),
    Mistake(
        schema.UPPFOLJNINGAR,
        _FOLLOW_UP_ROW,
        _header(_U, "contract_id"),
        "unknown-contract",
        "follow-up logged on a contract not (yet) in the register",
    ),
    Mistake(
        schema.AVVIKELSER,
        _DEVIATION_ROW,
        _header(_D, "contract_id"),
        "unknown-contract",
        "deviation on a contract not (yet) in the register",
    ),
)

# ---------------------------------------------------------------------------------------------
# Column order of each sheet: the schema's input columns (a key missing there fails at import)

_AVTAL_KEYS = (
    "contract_id",
    "name",
    "supplier",
    "org_number",
    "category",
    "form",
    "central_follows_up",
    "award_date",
    "start",
    "end",
    "extension_option",
    "notice_months",
    "annual_value",
    "critical",
    "probability",
    "consequence",
    "sustainability",
    "price_index",
    "price_month",
    "owner",
    "email",
    "manual_priority",
    "motivation",
    "how_to_order",
)
_FOLLOW_UP_KEYS = (
    "contract_id",
    "date",
    "type",
    "method",
    "performed_by",
    "cost",
    "result",
    "comment",
)
_DEVIATION_KEYS = (
    "deviation_id",
    "contract_id",
    "detected",
    "area",
    "description",
    "severity",
    "plan_deadline",
    "remedied",
    "status",
    "step",
    "responsible",
)
_LOG_KEYS = (
    "timestamp",
    "deviation_id",
    "contract_id",
    "event",
    "from_value",
    "to_value",
    "source",
)
_SETTING_KEYS = ("key", "value", "description")


def _headers(sheet: schema.SheetDef, keys: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_header(sheet, k) for k in keys)


_AVTAL_H = _headers(_A, _AVTAL_KEYS)
_FOLLOW_UP_H = _headers(_U, _FOLLOW_UP_KEYS)
_DEVIATION_H = _headers(_D, _DEVIATION_KEYS)
_LOG_H = _headers(schema.HANDELSELOGG_SHEET, _LOG_KEYS)
_SETTING_H = _headers(schema.INSTALLNINGAR_SHEET, _SETTING_KEYS)

# ---------------------------------------------------------------------------------------------
# Who works with the contracts

_OWNERS = (
    "Anna Larsson",
    "Erik Johansson",
    "Maria Andersson",
    "Karin Nilsson",
    "Lars Eriksson",
    "Eva Karlsson",
    "Johan Persson",
    "Sara Svensson",
    "Mikael Gustafsson",
    "Lena Olsson",
    "Anders Pettersson",
    "Kristina Jonsson",
    "Per Lindberg",
    "Åsa Lindström",
    "Fredrik Holm",
    "Ingrid Sjöberg",
    "Magnus Forsberg",
    "Elin Åberg",
    "Jonas Öberg",
    "Linnéa Hedlund",
    "Björn Nyström",
    "Helena Ekström",
    "Mats Björk",
    "Sofia Wallin",
    "Oskar Lundqvist",
)


def _ascii(text: str) -> str:
    """`Åsa Lindström` → `Asa Lindstrom`: how the municipality's mail addresses are spelt."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _user(name: str) -> str:
    return _ascii(name).lower().replace(" ", ".")


_OWNER_USERS = tuple(_user(n) for n in _OWNERS)
_OWNER_EMAILS = tuple(f"{u}@{EMAIL_DOMAIN}" for u in _OWNER_USERS)

# ---------------------------------------------------------------------------------------------
# What the municipality buys


def _items(text: str, sep: str | None = None) -> tuple[str, ...]:
    """A list of names written as one string, to keep the long lists below compact."""
    return tuple(item.strip() for item in text.split(sep))


@dataclass(frozen=True)
class _Category:
    """A purchasing category: its share of contracts, typical size, and how it looks in the book."""

    weight: float
    median_value: float
    critical: float  # chance a contract is business-critical
    index: str  # price index usually agreed
    trades: tuple[str, ...]  # words in suppliers' names
    names: tuple[str, ...]  # contract names


_CATEGORIES: dict[str, _Category] = {
    "Bygg och anläggning": _Category(
        10,
        2_500_000,
        0.05,
        "Byggkostnadsindex",
        ("Bygg", "Bygg & Fastighet", "Entreprenad", "Mark & Anläggning", "Måleri", "El", "Rör"),
        (
            "Ramavtal byggentreprenader norra området",
            "Ramavtal byggentreprenader södra området",
            "Markentreprenader och schakt",
            "Ramavtal måleriarbeten",
            "Ramavtal elinstallationer",
            "VVS-entreprenader kommunala fastigheter",
            "Takarbeten kommunala fastigheter",
            "Asfaltering och beläggning",
            "Ombyggnad förskolan Solrosen",
            "Nybyggnad idrottshall Västra skolan",
            "Tillbyggnad äldreboendet Björkhagen",
        ),
    ),
    "Fastighetsservice": _Category(
        7,
        900_000,
        0.08,
        "AKI",
        ("Fastighetsservice", "Fastighetsteknik", "Hiss", "Brandskydd", "Ventilation", "Lås"),
        (
            "Fastighetsskötsel centrala staden",
            "Fastighetsskötsel ytterområdena",
            "Snöröjning och halkbekämpning",
            "Hissar – service och underhåll",
            "Brandlarm och sprinkler – service",
            "Ventilationsservice och OVK",
            "Låsservice och passersystem",
            "Grönyteskötsel parker och skolgårdar",
        ),
    ),
    "Livsmedel": _Category(
        7,
        1_800_000,
        0.15,
        "KPI",
        ("Livs", "Mejeri", "Frukt & Grönt", "Chark", "Bageri", "Fisk", "Grossist"),
        (
            "Livsmedel – mejeriprodukter",
            "Livsmedel – frukt och grönt",
            "Livsmedel – kött och chark",
            "Livsmedel – bröd",
            "Livsmedel – fisk och skaldjur",
            "Livsmedel – kolonialvaror",
            "Livsmedel – frysvaror",
            "Livsmedel – ägg",
        ),
    ),
    "Måltidstjänster": _Category(
        3,
        2_000_000,
        0.2,
        "KPI",
        ("Måltider", "Catering", "Storkök"),
        (
            "Matdistribution hemtjänst",
            "Skolmåltider friluftsskolor",
            "Catering kommunala sammanträden",
            "Kylda matlådor äldreomsorg",
        ),
    ),
    "IT och telekom": _Category(
        10,
        1_200_000,
        0.12,
        "KPI",
        ("IT", "Data", "IT-konsult", "Nätverk", "Systemhus", "Telekom"),
        (
            "Mobiltelefoni och mobilt bredband",
            "Drift av serverhall",
            "Licenser kontorsprogram",
            "Ärendehanteringssystem socialtjänst",
            "E-tjänsteplattform",
            "Nätverksutrustning skolor",
            "Verksamhetssystem förskola och skola",
            "Växeltjänst och telefoni",
            "Support och förvaltning ekonomisystem",
        ),
    ),
    "Konsulttjänster": _Category(
        9,
        600_000,
        0.03,
        "AKI",
        ("Konsult", "Advokatbyrå", "Arkitekter", "Management", "Kommunikation", "Projektledning"),
        (
            "IT-konsulter",
            "Arkitekttjänster",
            "Juridiska tjänster",
            "Rekryteringstjänster",
            "Organisationsutveckling",
            "Kommunikationsbyrå",
            "Projektledning byggprojekt",
            "Miljökonsulter",
        ),
    ),
    "Kontorsmaterial": _Category(
        3,
        250_000,
        0.01,
        "KPI",
        ("Kontorsmaterial", "Kontor", "Tryckeri", "Papper"),
        (
            "Kontorsmaterial och förbrukning",
            "Kopieringspapper",
            "Trycksaker",
            "Pedagogiskt material",
        ),
    ),
    "Fordon och transporter": _Category(
        6,
        1_500_000,
        0.1,
        "NPI",
        ("Buss", "Taxi", "Bil", "Transport", "Åkeri", "Flytt", "Däck"),
        (
            "Skolskjuts norra området",
            "Skolskjuts södra området",
            "Färdtjänst",
            "Leasing personbilar",
            "Däckservice och verkstad",
            "Budtjänster internpost",
            "Flyttjänster",
        ),
    ),
    "Energi": _Category(
        3,
        4_000_000,
        0.15,
        "KPI",
        ("Energi", "Kraft", "Värme", "Sol", "Bioenergi"),
        (
            "Elenergi förnybar",
            "Fjärrvärme kommunala fastigheter",
            "Biobränsle värmeverk",
            "Solcellsanläggningar",
            "Energieffektivisering fastigheter",
        ),
    ),
    "Hälsa och sjukvård": _Category(
        5,
        700_000,
        0.1,
        "KPI",
        ("Hälsa", "Tolk", "Företagshälsa", "Labb", "Rehab"),
        (
            "Företagshälsovård",
            "Tolktjänster",
            "Hjälpmedel förskrivning",
            "Laboratorietjänster",
            "Sjukresor",
        ),
    ),
    "Läkemedel": _Category(
        3,
        900_000,
        0.15,
        "Fast pris",
        ("Farma", "Pharma", "Apotek"),
        (
            "Läkemedel – antibiotika",
            "Läkemedel – vacciner",
            "Läkemedel – dosdispensering",
            "Receptfria läkemedel",
        ),
    ),
    "Medicinteknik": _Category(
        4,
        600_000,
        0.08,
        "KPI",
        ("Medicinteknik", "Medical", "Hjälpmedel"),
        (
            "Medicintekniska förbrukningsartiklar",
            "Inkontinenshjälpmedel",
            "Sängar och lyftar",
            "Blodsockermätare",
            "Hörhjälpmedel",
        ),
    ),
    "Vård och omsorg": _Category(
        8,
        3_000_000,
        0.16,
        "AKI",
        ("Omsorg", "Vård", "Assistans", "Vård & Omsorg", "Familjestöd"),
        (
            "Hemtjänst i valfrihetssystem",
            "HVB-hem för ungdomar",
            "Familjehemsvård – konsulentstöd",
            "Personlig assistans",
            "Korttidsboende",
            "Särskilt boende Lindgården",
            "Boende enligt LSS",
        ),
    ),
    "Utbildning": _Category(
        5,
        400_000,
        0.03,
        "KPI",
        ("Utbildning", "Kompetens", "Språkskola", "Akademi"),
        (
            "Ledarutveckling chefer",
            "Vuxenutbildning yrkesutbildningar",
            "Svenska för invandrare",
            "Simundervisning",
            "Utbildning arbetsmiljö",
        ),
    ),
    "Städ och hygien": _Category(
        5,
        1_100_000,
        0.08,
        "AKI",
        ("Städ", "Städservice", "Fönsterputs", "Hygien", "Lokalvård"),
        (
            "Ramavtal städtjänster förskolor",
            "Städtjänster grundskolor",
            "Städtjänster äldreboenden",
            "Städtjänster kommunhuset",
            "Fönsterputs kommunala fastigheter",
            "Hygienartiklar och papper",
            "Städkemikalier",
        ),
    ),
    "Avfall och återvinning": _Category(
        3,
        2_200_000,
        0.12,
        "AKI",
        ("Återvinning", "Miljö", "Avfall", "Container", "Slamsugning"),
        (
            "Insamling av hushållsavfall",
            "Slamtömning",
            "Farligt avfall",
            "Containertjänster",
            "Drift av återvinningscentral",
        ),
    ),
    "Möbler och inredning": _Category(
        3,
        350_000,
        0.01,
        "KPI",
        ("Möbler", "Inredning", "Interiör"),
        ("Kontorsmöbler", "Skolmöbler", "Möbler vård och omsorg", "Textilier och gardiner"),
    ),
    "Arbetskläder och textil": _Category(
        2,
        300_000,
        0.03,
        "KPI",
        ("Textil", "Arbetskläder", "Tvätt", "Profil"),
        (
            "Arbetskläder vård och omsorg",
            "Skyddskläder och skyddsskor",
            "Tvätt och textilservice",
            "Profilkläder",
        ),
    ),
    "Övrigt": _Category(
        4,
        300_000,
        0.04,
        "KPI",
        ("Bevakning", "Försäkring", "Event", "Blommor", "Service"),
        (
            "Försäkringar",
            "Bevakning och larmcentral",
            "Evenemangstjänster",
            "Blommor och växter",
            "Annonsering",
            "Kaffe- och vattenautomater",
        ),
    ),
}

#: National framework agreements the municipality calls off from: category → (body, framework).
_FRAMEWORKS: dict[str, tuple[tuple[str, str], ...]] = {
    "IT och telekom": (
        ("Adda", "Datorer och surfplattor"),
        ("Kammarkollegiet", "Programvaror och tjänster"),
        ("Kammarkollegiet", "IT-konsulttjänster"),
        ("Adda", "Mobiltelefoni"),
        ("Kammarkollegiet", "Skrivare och utskriftstjänster"),
    ),
    "Fordon och transporter": (
        ("Kammarkollegiet", "Fordon"),
        ("Kammarkollegiet", "Leasing av fordon"),
        ("Adda", "Drivmedel"),
    ),
    "Kontorsmaterial": (("Adda", "Kontorsmaterial"), ("Kammarkollegiet", "Papper och toner")),
    "Energi": (("Adda", "Elenergi"),),
    "Möbler och inredning": (("Kammarkollegiet", "Möbler"), ("Adda", "Möbler och inredning")),
    "Livsmedel": (("Adda", "Livsmedel"),),
    "Konsulttjänster": (("Kammarkollegiet", "Managementkonsulter"), ("Adda", "Konsulttjänster")),
    "Hälsa och sjukvård": (("Adda", "Tolktjänster"),),
    "Arbetskläder och textil": (("Adda", "Arbetskläder"),),
}

_CATEGORY_NAMES = tuple(_CATEGORIES)
_CATEGORY_CUM = tuple(accumulate(c.weight for c in _CATEGORIES.values()))
_CALL_OFF_CATEGORIES = tuple(_FRAMEWORKS)
_CALL_OFF_CUM = tuple(accumulate(_CATEGORIES[c].weight for c in _FRAMEWORKS))
_FOOD = frozenset({"Livsmedel", "Måltidstjänster"})

_PLACES = _items(
    "Norrlands Sydvästra Västra Östra Mälardalens Roslagens Bergslagens Hallands Skånska "
    "Upplands Värmlands Dalarnas Smålands Gotlands Jämtlands Norrbottens Västerbottens "
    "Sörmlands Gästriklands Hälsinge Blekinge Öresunds Vätterns Vänerns Siljans Ådalens "
    "Höglandets Bohusläns Mittsvenska Norrländska Västsvenska Östgöta Nordiska Svenska"
)
_SURNAMES = _items(
    "Bergström Lindqvist Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson "
    "Svensson Gustafsson Pettersson Jonsson Hansson Bengtsson Lindberg Lindström Axelsson "
    "Holmberg Sandberg Forsberg Sjöberg Wallin Engström Lundgren Mattsson Berglund "
    "Fredriksson Henriksson Ekström Nyberg Holm Blom Åberg Öberg Hedlund Dahlberg Sundberg "
    "Falk"
)
_CITIES = _items(
    "Umeå Luleå Sundsvall Östersund Gävle Falun Borlänge Karlstad Örebro Västerås Uppsala "
    "Norrtälje Södertälje Eskilstuna Linköping Norrköping Jönköping Växjö Kalmar Karlskrona "
    "Kristianstad Helsingborg Malmö Lund Halmstad Borås Trollhättan Skövde Visby Kiruna"
)

# ---------------------------------------------------------------------------------------------
# Follow-ups and deviations as officers write them

_COMMENTS: dict[str, tuple[str, ...]] = {
    "Uppstartsmöte": (
        "Genomgång av avtalsvillkor, kontaktvägar och rapportering.",
        "Leveransrutiner och beställningsflöde gicks igenom.",
        "Kontaktpersoner utsedda, mall för statistik överlämnad.",
    ),
    "Statistikuppföljning": (
        "Köpstatistik inrapporterad, volymer enligt plan.",
        "Statistik granskad, god avtalstrohet.",
        "Volymerna lägre än beräknat; följs upp nästa period.",
        "Fakturaunderlag stämt av mot prislistan.",
    ),
    "Uppföljningsmöte": (
        "Årligt uppföljningsmöte, inga anmärkningar.",
        "Genomgång av kvalitet, leveranser och reklamationer.",
        "Leverantören redovisade sitt hållbarhetsarbete enligt avtalet.",
    ),
    "Utvecklingsmöte": (
        "Förbättringsförslag om leveransfönster diskuterades.",
        "Gemensam genomgång av nyckeltal och miljömål.",
        "Digital beställning och minskat svinn diskuterades.",
    ),
    "Revision": (
        "Revision på plats hos leverantören.",
        "Revision av underleverantör i leveranskedjan.",
        "Social revision: arbetsvillkor och arbetstider granskade.",
    ),
    "Utvärdering": (
        "Utvärdering inför beslut om förlängning.",
        "Slututvärdering: avtalet har fungerat väl.",
        "Utvärdering av måluppfyllelse och hållbarhetskrav.",
    ),
}
_MINOR_REMARKS = (
    "Mindre brist, åtgärdad direkt i dialog.",
    "Brister i statistikrapporteringen; kompletteras.",
)
_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "Uppförandekod": (
        "Underleverantör kan inte visa att arbetstidsreglerna följs.",
        "Brister i arbetsvillkor hos underleverantör i tillverkningsledet.",
        "Uppförandekoden har inte förts vidare till underleverantörerna.",
    ),
    "Tillbörlig aktsamhet": (
        "Leverantören saknar riskanalys av leveranskedjan.",
        "Ingen rutin för risker för mänskliga rättigheter i leveranskedjan.",
        "Begärd redovisning av tillbörlig aktsamhet har inte kommit in.",
    ),
    "Kvalitet": (
        "Upprepade reklamationer på levererade varor.",
        "Utfört arbete motsvarar inte avtalad kvalitetsnivå.",
        "Personalen saknar den utbildning som avtalet kräver.",
    ),
    "Leverans": (
        "Leveranser har vid flera tillfällen kommit för sent.",
        "Ofullständiga leveranser och många restnoteringar.",
        "Avtalade leveransfönster har inte hållits.",
    ),
    "Pris och fakturering": (
        "Fakturerat pris högre än avtalat.",
        "Prisjustering gjord utan stöd i avtalat index.",
        "Fakturor saknar referens och beställare.",
    ),
    "Miljö": (
        "Fordon uppfyller inte avtalad miljöklass.",
        "Miljöcertifieringen har löpt ut.",
        "Kemikalier levereras utan godkända säkerhetsdatablad.",
    ),
    "Övrigt": (
        "Kontaktpersonen har slutat och ersättare saknas.",
        "Leverantören svarar inte inom avtalad tid.",
        "Giltigt försäkringsbevis saknas.",
    ),
}
_AREA_CUM = tuple(accumulate((10, 8, 25, 25, 15, 10, 7)))
_SEVERITY_CUM = tuple(accumulate((30, 40, 20, 10)))
_STEP_CUM = tuple(accumulate((40, 30, 15, 10, 5)))
_OPTIONS = ("", "1+1", "12 mån", "2x12 mån", "2+1+1", "1+1+1")
_OPTION_CUM = tuple(accumulate((25, 35, 15, 15, 5, 5)))
_NOTICE = (0.0, 1.0, 2.0, 3.0, 4.0, 6.0)
_NOTICE_CUM = tuple(accumulate((10, 10, 10, 45, 5, 20)))
_RISK_CUM = tuple(accumulate((25, 40, 25, 10)))
_MOTIVATIONS = (
    "Nämndbeslut: prioriterat område.",
    "Tidigare allvarliga avvikelser hos leverantören.",
    "Stor påverkan på brukarna trots lågt årsvärde.",
    "Uppmärksammat i media; kräver tät uppföljning.",
    "Pilot för uppföljning av hållbarhetskrav.",
)
_LOW_MOTIVATION = "Inköpscentralen följer upp; låg egen insats räcker."

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

# Follow-up state of a contract
_NORMAL, _BEHIND, _NEVER = 0, 1, 2


# ---------------------------------------------------------------------------------------------
# Dates


def _add_months(d: date, months: int) -> date:
    """Same day `months` later, or the month's last day (Lag 1930:173)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    if d.day <= 28:
        return date(year, month, d.day)
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return min(date(year, month, 28) + (d.day - 28) * _DAY, nxt - _DAY)


def _swedish_date(d: date) -> str:
    """`7 maj 2024`: a date as an officer types it in words."""
    return f"{d.day} {schema.MONTHS_SV[d.month - 1]} {d.year}"


def _swedish_amount(value: float) -> str:
    """`1 200 000 kr`: an amount as an officer types it as text."""
    return f"{round(value):,} kr".replace(",", " ")


# ---------------------------------------------------------------------------------------------
# The book


@dataclass(slots=True)
class _Contract:
    """One contract while the book is built; becomes a row of `Avtal`."""

    order: int
    category: str
    name: str
    form: str
    central: str | None
    award: date
    start: date
    end: date
    option: str | None
    notice: float
    value: float
    critical: bool
    probability: float | None
    consequence: float | None
    sustainability: bool
    price_index: str
    price_month: str | None
    owner: int
    contract_id: str = ""
    supplier: str = ""
    org_number: str = ""
    manual: float | None = None
    motivation: str | None = None
    tier: int = 3
    state: int = _NORMAL
    stop: date = date.min  # last day the follow-up history covers

    @property
    def risk(self) -> float:
        return (self.probability or 0) * (self.consequence or 0)


@dataclass(slots=True)
class _Deviation:
    contract: _Contract
    detected: date
    area: str
    description: str
    severity: str
    plan_deadline: date | None
    remedied: date | None
    status: str
    step: int
    deviation_id: str = ""


class _Builder:
    """Builds the demo book from one random stream; the order of the calls is part of the seed."""

    def __init__(self, rng: random.Random, today: date, quiet: frozenset[int]) -> None:
        self.rng = rng
        self.today = today
        self.quiet = quiet  # contracts with planted mistakes get no history: no other findings
        self.names: set[str] = set()
        self.org_numbers: set[str] = set()

    # Drawing is the bulk of the work for a large book; these are lean versions of
    # random's randint, randrange and choice.
    def between(self, lo: int, hi: int) -> int:
        return lo + int(self.rng.random() * (hi - lo + 1))

    def below(self, n: int) -> int:
        return int(self.rng.random() * n)

    def one_of(self, items: Sequence[_T]) -> _T:
        return items[int(self.rng.random() * len(items))]

    def pick(self, items: tuple[_T, ...], cum: tuple[float, ...]) -> _T:
        """One of `items`, weighted by the cumulative weights `cum`."""
        return items[bisect(cum, self.rng.random() * cum[-1])]

    # -- Avtal ------------------------------------------------------------------------------

    def contracts(self, count: int) -> list[_Contract]:
        contracts = [self.contract(i) for i in range(count)]
        self.suppliers(contracts)
        contracts.sort(key=lambda c: (c.award, c.order))
        width = max(4, len(str(count)))
        per_year: dict[int, int] = {}
        for c in contracts:
            seq = per_year[c.award.year] = per_year.get(c.award.year, 0) + 1
            c.contract_id = f"AV-{c.award.year}-{seq:0{width}d}"
        self.tiers(contracts)
        return contracts

    def contract(self, order: int) -> _Contract:
        rng, today = self.rng, self.today
        if rng.random() < 0.15:
            category = self.pick(_CALL_OFF_CATEGORIES, _CALL_OFF_CUM)
            body, framework = self.one_of(_FRAMEWORKS[category])
            name = f"Avrop {body} – {framework}"
            form = schema.CALL_OFF_FORM
            central: str | None = _JA if rng.random() < 0.85 else _NEJ
        else:
            category = self.pick(_CATEGORY_NAMES, _CATEGORY_CUM)
            name = self.one_of(_CATEGORIES[category].names)
            form = "Ramavtal" if rng.random() < 0.6 else "Eget avtal"
            central = None
        profile = _CATEGORIES[category]
        years = self.pick((2, 3, 4), (35, 75, 100))
        term = years * 365
        lead = self.between(14, 56)  # award decision to start
        phase = rng.random()
        if phase < 0.03:  # awarded, not yet started
            start = today + self.between(1, lead - 1) * _DAY
        else:
            if phase < 0.15:  # ended within the last six years
                back = term + int(rng.random() * (6 * 365 - term))
            else:
                back = int(rng.random() * term)
            start = today - back * _DAY
            if rng.random() < 0.6:
                start = start.replace(day=1)
        end = _add_months(start, 12 * years) - _DAY
        award = start - lead * _DAY
        value = rng.lognormvariate(0, 1.7) * profile.median_value
        value = min(max(value, 10_000.0), 200_000_000.0)
        value = float(round(value, -4 if value >= 1_000_000 else -3))
        critical = rng.random() < profile.critical
        probability = consequence = None
        if rng.random() < 0.9:
            probability = float(self.pick((1, 2, 3, 4), _RISK_CUM))
            consequence = float(self.pick((1, 2, 3, 4), _RISK_CUM) + (1 if critical else 0))
            consequence = min(consequence, 4.0)
        price_index, price_month = profile.index, None
        roll = rng.random()
        if roll < 0.12:
            price_index = "Fast pris"
        elif roll < 0.17:
            price_index = "Ingen"
        elif roll < 0.3:
            price_index = "KPI"
        if price_index not in ("Fast pris", "Ingen"):
            price_month = schema.MONTHS_SV[0 if rng.random() < 0.5 else self.below(12)]
        option = self.pick(_OPTIONS, _OPTION_CUM) or None
        return _Contract(
            order=order,
            category=category,
            name=name,
            form=form,
            central=central,
            award=award,
            start=start,
            end=end,
            option=option,
            notice=self.pick(_NOTICE, _NOTICE_CUM),
            value=value,
            critical=critical,
            probability=probability,
            consequence=consequence,
            sustainability=rng.random() < 0.4,
            price_index=price_index,
            price_month=price_month,
            owner=self.below(len(_OWNERS)),
        )

    def suppliers(self, contracts: list[_Contract]) -> None:
        """Suppliers per category: 6 in 10 have one contract, the rest two to six.

        In a very large book (a region-wide roll-up) a category's names run out; from then on
        its contracts go to suppliers it already has, as they would in reality.
        """
        groups: dict[tuple[str, bool], list[_Contract]] = {}
        for c in contracts:
            groups.setdefault((c.category, c.form == schema.CALL_OFF_FORM), []).append(c)
        for (category, national), members in groups.items():
            trades = _CATEGORIES[category].trades
            known: list[tuple[str, str]] = []
            i = 0
            while i < len(members):
                k = 1 if self.rng.random() < 0.6 else self.between(2, 6)
                name = self.supplier_name(trades, national, tries=50 if known else None)
                supplier = self.one_of(known) if name is None else (name, self.org_number(name))
                if name is not None:
                    known.append(supplier)
                for c in members[i : i + k]:
                    c.supplier, c.org_number = supplier
                i += k

    def supplier_name(
        self, trades: tuple[str, ...], national: bool, tries: int | None
    ) -> str | None:
        """A new supplier name composed from Swedish parts, or None after `tries` taken ones.

        Trade words belong to one category, so a category's first supplier always finds a
        free name (`tries` None: no limit).
        """
        rng = self.rng
        attempt = 0
        while tries is None or attempt < tries:
            attempt += 1
            trade = self.one_of(trades)
            kind = rng.random()
            if national:
                if kind < 0.4:
                    first = self.one_of(_PLACES)
                elif kind < 0.8:
                    first = self.one_of(_SURNAMES)
                else:
                    first = " & ".join(rng.sample(_SURNAMES, 2))
                name = f"{first} {trade} {self.one_of(('Sverige', 'Nordic', 'Group'))} AB"
            elif kind < 0.25:
                name = f"{self.one_of(_PLACES)} {trade} AB"
            elif kind < 0.45:
                name = f"{self.one_of(_SURNAMES)} {trade} AB"
            elif kind < 0.55:
                name = f"{self.one_of(_SURNAMES)}s {trade} AB"
            elif kind < 0.6:
                name = f"Bröderna {self.one_of(_SURNAMES)} {trade} AB"
            elif kind < 0.72:
                name = f"{trade} i {self.one_of(_CITIES)} AB"
            elif kind < 0.78:
                name = f"{self.one_of(_PLACES)} {trade} HB"
            elif kind < 0.9:
                name = f"{self.one_of(_SURNAMES)} {trade} i {self.one_of(_CITIES)} AB"
            else:
                first, second = rng.sample(_SURNAMES, 2)
                name = f"{first} & {second} {trade} AB"
            if name not in self.names:
                self.names.add(name)
                return name
        return None

    def org_number(self, name: str) -> str:
        """A new, valid organisation number: Aktiebolag 556…/559…, handelsbolag 969…/916…."""
        prefixes = ("969", "916") if name.endswith(" HB") else ("556", "556", "559")
        while True:
            nine = self.one_of(prefixes) + f"{self.below(1_000_000):06d}"
            org = f"{nine[:6]}-{nine[6:]}{luhn_digit(nine)}"
            if org not in self.org_numbers:
                break
        self.org_numbers.add(org)
        return org

    def tiers(self, contracts: list[_Contract]) -> None:
        """Roughly the tier the engine will give, so the history follows the right cadence.

        Also where the officer set a manual priority: a few contracts, each with a motivation.
        """
        rng = self.rng
        ranked = sorted(range(len(contracts)), key=lambda i: -contracts[i].value)
        big, mid = len(contracts) * 0.04, len(contracts) * 0.3
        for rank, i in enumerate(ranked):
            c = contracts[i]
            if c.critical or rank < big:
                c.tier = 1
            elif c.central == _JA:
                c.tier = 3
            elif c.risk >= _SETTINGS.high_risk_threshold or rank < mid:
                c.tier = 2
        for c in contracts:
            if rng.random() < 0.012:
                if c.central == _JA:
                    c.manual, c.motivation = 3.0, _LOW_MOTIVATION
                else:
                    c.manual, c.motivation = float(self.one_of((1, 2))), self.one_of(_MOTIVATIONS)
                c.tier = int(c.manual)

    # -- Uppföljningar ----------------------------------------------------------------------

    def follow_ups(self, contracts: list[_Contract]) -> list[tuple[Any, ...]]:
        """Each contract's history: start-up, meetings at its tier's cadence, audits, evaluation.

        About one contract in eight has fallen behind (its last follow-ups are missing), and
        about one in twenty has never been followed up at all.
        """
        rng, today = self.rng, self.today
        rows: list[tuple[Any, ...]] = []
        for index, c in enumerate(contracts):
            roll = rng.random()
            if index in self.quiet or roll < 0.05:
                c.state = _NEVER
                continue
            months = _SETTINGS.interval_months[c.tier - 1]
            stop = min(c.end, today)
            owner = _OWNERS[c.owner]
            if rng.random() < 0.95:
                day = c.award + (_SETTINGS.standstill_days + self.between(1, 10)) * _DAY
                if day <= stop:
                    rows.append(self.follow_up(c, day, "Uppstartsmöte", owner))
            if roll < 0.17 and c.start <= today <= c.end:
                # Started well, then the follow-ups stopped.
                c.state = _BEHIND
                stop = min(stop, today - (months * 30 + self.between(20, 200)) * _DAY)
            c.stop = stop
            k = 1
            while (day := _add_months(c.start, months * k) + self.between(-15, 20) * _DAY) <= stop:
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
        c: _Contract,
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
            elif c.category in _FOOD and roll < 0.3:
                method = "Ursprungsverifiering"
            elif roll > 0.95:
                method = "Myndighetsdatabas"
            else:
                method = "Dialog"
        if not result:
            chance = 0.3 if kind == "Revision" else 0.05
            if kind != "Uppstartsmöte" and rng.random() < chance:
                result, comment = "Avvikelse", self.one_of(_MINOR_REMARKS)
            else:
                result, comment = "Utan anmärkning", self.one_of(_COMMENTS[kind])
        return (c.contract_id, day, kind, method, by, cost, result, comment)

    # -- Avvikelser -------------------------------------------------------------------------

    def deviations(self, contracts: list[_Contract], count: int) -> list[_Deviation]:
        """Deviations at every step and status, then at random; in order of detection."""
        today = self.today
        eligible = [
            c
            for i, c in enumerate(contracts)
            if i not in self.quiet and c.start <= today - 30 * _DAY
        ]
        covering = [(step, status) for step, statuses in _LADDER.items() for status in statuses]
        found: list[_Deviation] = []
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

    def deviation(self, eligible: list[_Contract], step: int, status: str) -> _Deviation | None:
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
        return _Deviation(
            contract=c,
            detected=detected,
            area=area,
            description=self.one_of(_DESCRIPTIONS[area]),
            severity=severity,
            plan_deadline=plan,
            remedied=remedied,
            status=status,
            step=step,
        )

    def linked_follow_ups(self, deviations: list[_Deviation]) -> list[tuple[Any, ...]]:
        """Follow-ups where a deviation was found (the others were reported by the users)."""
        rows = []
        for d in deviations:
            c = d.contract
            if c.state == _NORMAL and d.detected <= c.stop and self.rng.random() < 0.4:
                if d.area in ("Uppförandekod", "Tillbörlig aktsamhet"):
                    kind = "Revision"
                else:
                    kind = "Utvecklingsmöte" if c.tier == 1 else "Uppföljningsmöte"
                comment = f"Avvikelse registrerad, se {d.deviation_id}."
                rows.append(
                    self.follow_up(c, d.detected, kind, _OWNERS[c.owner], "Avvikelse", comment)
                )
        return rows

    # -- Händelselogg -----------------------------------------------------------------------

    def log(self, deviations: list[_Deviation]) -> list[tuple[Any, ...]]:
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
            user = _OWNER_USERS[d.contract.owner]
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

    def events(self, d: _Deviation) -> list[tuple[str, str | None, str]]:
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


# ---------------------------------------------------------------------------------------------
# Rows as Excel holds them


def _how_to_order(c: _Contract) -> str:
    """How to order, by contract form (drawn from nothing random: the rest stays the same)."""
    if c.form == schema.CALL_OFF_FORM:
        return "Avropa enligt ramavtalets avropsvägledning; kontakta avtalsansvarig först."
    if c.form == "Ramavtal":
        return f"Beställ i e-handelssystemet, sök på avtal {c.contract_id}."
    return "Kontakta avtalsansvarig före beställning."


def _contract_row(c: _Contract) -> dict[str, Any]:
    return dict(
        zip(
            _AVTAL_H,
            (
                c.contract_id,
                c.name,
                c.supplier,
                c.org_number,
                c.category,
                c.form,
                c.central,
                c.award,
                c.start,
                c.end,
                c.option,
                c.notice,
                c.value,
                _JA if c.critical else _NEJ,
                c.probability,
                c.consequence,
                _JA if c.sustainability else _NEJ,
                c.price_index,
                c.price_month,
                _OWNERS[c.owner],
                _OWNER_EMAILS[c.owner],
                c.manual,
                c.motivation,
                _how_to_order(c),
            ),
            strict=True,
        )
    )


def _deviation_row(d: _Deviation) -> dict[str, Any]:
    return dict(
        zip(
            _DEVIATION_H,
            (
                d.deviation_id,
                d.contract.contract_id,
                d.detected,
                d.area,
                d.description,
                d.severity,
                d.plan_deadline,
                d.remedied,
                d.status,
                float(d.step),
                _OWNERS[d.contract.owner],
            ),
            strict=True,
        )
    )


def _settings_rows(today: date) -> list[dict[str, Any]]:
    described = {d.key: d.description for d in DEFINITIONS}
    return [
        dict(zip(_SETTING_H, (key, value, described[key]), strict=True))
        for key, value in (("Idag", today), ("Rapportmottagare", REPORT_RECIPIENT))
    ]


def _unregistered(contract_id: str, known: set[str]) -> str:
    """The next Avtals-ID of the same year that is not in the register."""
    prefix, seq = contract_id.rsplit("-", 1)
    number = int(seq)
    while f"{prefix}-{number:0{len(seq)}d}" in known:
        number += 1
    return f"{prefix}-{number:0{len(seq)}d}"


def _plant_mistakes(book: dict[str, list[dict[str, Any]]]) -> None:
    """Make the officer mistakes listed in `MISTAKES`, in place."""
    avtal = book[schema.AVTAL]
    known = {r[_AVTAL_H[0]] for r in avtal}

    def cell(row: int, key: str) -> tuple[dict[str, Any], str]:
        return avtal[row - 2], _header(_A, key)

    rec, h = cell(_DUPLICATE_ROW, "contract_id")
    rec[h] = avtal[_DUPLICATE_ROW - 3][h]
    rec, h = cell(_ORG_ROW, "org_number")
    rec[h] = rec[h][:-1] + str((int(rec[h][-1]) + 5) % 10)
    rec, h = cell(_END_ROW, "end")
    start = rec[_header(_A, "start")]
    rec[h] = _add_months(rec[h], -12 * (rec[h].year - start.year + 1))
    rec, h = cell(_TEXT_DATE_ROW, "start")
    rec[h] = _swedish_date(rec[h])
    rec, h = cell(_TEXT_AMOUNT_ROW, "annual_value")
    rec[h] = _swedish_amount(rec[h])
    rec, h = cell(_EMAIL_ROW, "email")
    rec[h] = rec[h].replace("@", ".")
    rec, h = cell(_PRIORITY_ROW, "manual_priority")
    rec[h], rec[_header(_A, "motivation")] = 1.0, None
    rec, h = cell(_CENTRAL_ROW, "central_follows_up")
    rec[h], rec[_header(_A, "form")] = _JA, "Eget avtal"
    for sheet, row in ((_U, _FOLLOW_UP_ROW), (_D, _DEVIATION_ROW)):
        rec, h = book[sheet.name][row - 2], _header(sheet, "contract_id")
        rec[h] = _unregistered(rec[h], known)


def generate(
    contracts: int = 700,
    *,
    seed: int = 2026,
    today: date = DEMO_TODAY,
    mistakes: bool = True,
) -> dict[str, list[dict[str, Any]]]:
    """The demo book's input sheets: {sheet: [row as {header: value as Excel holds it}]}.

    Sheets `Avtal`, `Uppföljningar`, `Avvikelser`, `Händelselogg` and `Inställningar`, input
    columns only (the engine computes the rest). Dates are `date`, log times `datetime`,
    amounts and whole numbers `float`, Ja/Nej text, blank cells None. `Inställningar` sets
    `Idag` to `today`. With `mistakes`, the rows in `MISTAKES` hold typical officer mistakes.
    """
    if not 1 <= contracts <= MAX_CONTRACTS:
        raise ValueError(f"contracts must be between 1 and {MAX_CONTRACTS}, not {contracts}")
    if mistakes and contracts < MIN_CONTRACTS_WITH_MISTAKES:
        raise ValueError(
            f"the planted mistakes need at least {MIN_CONTRACTS_WITH_MISTAKES} contracts; "
            "pass mistakes=False for a smaller book"
        )
    quiet = frozenset(m.row - 2 for m in MISTAKES if m.sheet == schema.AVTAL and mistakes)
    builder = _Builder(random.Random(seed), today, quiet)
    register = builder.contracts(contracts)
    history = builder.follow_ups(register)
    deviations = builder.deviations(register, round(contracts * 0.085))
    # The deviation planted on an unknown contract was never followed up or logged.
    stray = deviations[_DEVIATION_ROW - 2] if mistakes else None
    traced = [d for d in deviations if d is not stray]
    history += builder.linked_follow_ups(traced)
    history.sort(key=lambda r: (r[1], r[0]))
    log = builder.log(traced)
    book = {
        schema.AVTAL: [_contract_row(c) for c in register],
        schema.UPPFOLJNINGAR: [dict(zip(_FOLLOW_UP_H, r, strict=True)) for r in history],
        schema.AVVIKELSER: [_deviation_row(d) for d in deviations],
        schema.HANDELSELOGG: [dict(zip(_LOG_H, r, strict=True)) for r in log],
        schema.INSTALLNINGAR: _settings_rows(today),
    }
    if mistakes:
        _plant_mistakes(book)
    return book


def demo_book(
    contracts: int = 700,
    *,
    seed: int = 2026,
    today: date = DEMO_TODAY,
    mistakes: bool = True,
) -> BookInput:
    """The demo book as the engine's input (see `generate`)."""
    return BookInput.from_records(
        generate(contracts, seed=seed, today=today, mistakes=mistakes), name="demo"
    )
