"""What the demo municipality buys and who buys it: the names the demo book is written with.

Data only: the contract officers, the purchasing categories with their typical size and price
index, the national framework agreements called off from, and the parts supplier names are made
of. `register.py` draws from them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from itertools import accumulate

EMAIL_DOMAIN = "exempelkommun.se"
REPORT_RECIPIENT = f"upphandlingschef@{EMAIL_DOMAIN}"

# ---------------------------------------------------------------------------------------------
# Who works with the contracts

OWNERS = (
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


OWNER_USERS = tuple(_user(n) for n in OWNERS)
OWNER_EMAILS = tuple(f"{u}@{EMAIL_DOMAIN}" for u in OWNER_USERS)

# ---------------------------------------------------------------------------------------------
# What the municipality buys


def _items(text: str, sep: str | None = None) -> tuple[str, ...]:
    """A list of names written as one string, to keep the long lists below compact."""
    return tuple(item.strip() for item in text.split(sep))


@dataclass(frozen=True)
class Category:
    """A purchasing category: its share of contracts, typical size, and how it looks in the book."""

    weight: float
    median_value: float
    critical: float  # chance a contract is business-critical
    index: str  # price index usually agreed
    trades: tuple[str, ...]  # words in suppliers' names
    names: tuple[str, ...]  # contract names


CATEGORIES: dict[str, Category] = {
    "Bygg och anläggning": Category(
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
    "Fastighetsservice": Category(
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
    "Livsmedel": Category(
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
    "Måltidstjänster": Category(
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
    "IT och telekom": Category(
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
    "Konsulttjänster": Category(
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
    "Kontorsmaterial": Category(
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
    "Fordon och transporter": Category(
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
    "Energi": Category(
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
    "Hälsa och sjukvård": Category(
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
    "Läkemedel": Category(
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
    "Medicinteknik": Category(
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
    "Vård och omsorg": Category(
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
    "Utbildning": Category(
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
    "Städ och hygien": Category(
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
    "Avfall och återvinning": Category(
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
    "Möbler och inredning": Category(
        3,
        350_000,
        0.01,
        "KPI",
        ("Möbler", "Inredning", "Interiör"),
        ("Kontorsmöbler", "Skolmöbler", "Möbler vård och omsorg", "Textilier och gardiner"),
    ),
    "Arbetskläder och textil": Category(
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
    "Övrigt": Category(
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
FRAMEWORKS: dict[str, tuple[tuple[str, str], ...]] = {
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

CATEGORY_NAMES = tuple(CATEGORIES)
CATEGORY_CUM = tuple(accumulate(c.weight for c in CATEGORIES.values()))
CALL_OFF_CATEGORIES = tuple(FRAMEWORKS)
CALL_OFF_CUM = tuple(accumulate(CATEGORIES[c].weight for c in FRAMEWORKS))
FOOD = frozenset({"Livsmedel", "Måltidstjänster"})

PLACES = _items(
    "Norrlands Sydvästra Västra Östra Mälardalens Roslagens Bergslagens Hallands Skånska "
    "Upplands Värmlands Dalarnas Smålands Gotlands Jämtlands Norrbottens Västerbottens "
    "Sörmlands Gästriklands Hälsinge Blekinge Öresunds Vätterns Vänerns Siljans Ådalens "
    "Höglandets Bohusläns Mittsvenska Norrländska Västsvenska Östgöta Nordiska Svenska"
)
SURNAMES = _items(
    "Bergström Lindqvist Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson "
    "Svensson Gustafsson Pettersson Jonsson Hansson Bengtsson Lindberg Lindström Axelsson "
    "Holmberg Sandberg Forsberg Sjöberg Wallin Engström Lundgren Mattsson Berglund "
    "Fredriksson Henriksson Ekström Nyberg Holm Blom Åberg Öberg Hedlund Dahlberg Sundberg "
    "Falk"
)
CITIES = _items(
    "Umeå Luleå Sundsvall Östersund Gävle Falun Borlänge Karlstad Örebro Västerås Uppsala "
    "Norrtälje Södertälje Eskilstuna Linköping Norrköping Jönköping Växjö Kalmar Karlskrona "
    "Kristianstad Helsingborg Malmö Lund Halmstad Borås Trollhättan Skövde Visby Kiruna"
)
