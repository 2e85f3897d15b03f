"""The text of the `Instruktioner` sheet, for the officers, in Swedish.

What it says is read against what the product does: the buttons and what each writes, the
sheets, the colours, the escalation ladder with its default days. It points to nothing an
officer does not have: for more help, to the organisation's own page (the `Hjälpsida` setting),
through a formula that finds that setting on `Inställningar`.
"""

from __future__ import annotations

from ..core import schema
from ..core.settings import HELP_LINK_KEY, Settings

#: The header comment of a required column.
REQUIRED_NOTE = "Obligatorisk"

#: What a step of the escalation ladder typically means (the names and days are settings).
_STEP_ACTIONS = (
    "avvikelsen noteras och tas upp i dialog med leverantören",
    "skriftligt påpekande; en åtgärdsplan med tidsplan begärs",
    "möte på ledningsnivå och skriftlig varning",
    "sanktion enligt avtalet (vite eller prisavdrag)",
    "uppsägning; hävning direkt bara vid en allvarlig avvikelse som leverantören inte "
    "åtgärdar omedelbart",
)

_SHEET_PURPOSES = {
    schema.INSTRUKTIONER: "det här bladet.",
    schema.OVERSIKT: "nyckeltal och diagram – avtal per prioritet, planerade och försenade "
    "uppföljningar, avtal som löper ut, öppna avvikelser per allvarlighetsgrad och steg, "
    "revisioner och hållbarhetsvillkor, och målen från bladet Mål med utfall. Skapas om när "
    "du klickar på Uppdatera.",
    schema.AVTAL: "avtalsregistret, ett avtal per rad. Du fyller i avtalets uppgifter; "
    "Uppdatera räknar fram prioritet, uppföljningsform, nästa uppföljning, sista dag för "
    "förlängningsbeslut, förlängningar kvar, när en ny upphandling måste börja, avtalsstatus, "
    "öppna avvikelser och nästa prisjustering med indexförändringen.",
    schema.UPPFOLJNINGAR: "loggen över genomförda uppföljningar, en uppföljning per rad.",
    schema.AVVIKELSER: "avvikelser hos leverantörerna, en avvikelse per rad, med åtgärdsplan "
    "och eskaleringssteg.",
    schema.UPPFOLJNINGSPLAN: "alla planerade uppföljningar de närmaste tolv månaderna, i "
    "datumordning och med ansvarig. Skapas om när du klickar på Uppdatera.",
    schema.UTVARDERING: "avtal vars förlängningsbeslut eller slut närmar sig, med underlaget "
    "för utvärderingen: uppföljningar, revisioner, avvikelser och förlängningar kvar. "
    "Skapas om när du klickar på Uppdatera.",
    schema.STICKPROV: "årets förslag till stickprov för revision: aktiva avtal med "
    "hållbarhetsvillkor och högt riskvärde, störst årsvärde först, ett per leverantör, och "
    "under dem de kandidater som inte föreslås och varför. Skapas om när du klickar på "
    "Uppdatera.",
    schema.INDEX: "publicerade indexvärden (t.ex. SCB:s KPI och AKI), ett värde per serie och "
    "månad, för avtalens prisjusteringar.",
    schema.MAL: "organisationens mål för nyckeltalen på Översikt, ett mål per rad: mått, "
    "målvärde, Minst eller Högst och period. Översikt visar utfallet och om målet är uppnått.",
    schema.FEL: "alla fel och varningar med blad, rad, kolumn och ett meddelande om vad som "
    "ska rättas. Skapas om när du klickar på Kontrollera eller Uppdatera.",
    schema.HANDELSELOGG: "varje ändring av en avvikelses status eller eskaleringssteg, med "
    "datum och vem som klickade på Uppdatera. Fylls bara på – ändra eller ta inte bort rader.",
    schema.INSTALLNINGAR: "organisationens val – referensdatum, andelar per prioritet, "
    "intervall, tidsgränser, eskaleringstrappan, rapportmottagare och hjälpsida. Tomt värde = "
    "standardvärdet.",
}


def lines() -> list[tuple[str, str]]:
    """The `Instruktioner` sheet as (style, text) lines, in Swedish for the officers.

    Every line is checked against what the product does: the buttons and what each writes,
    the sheets, the colours. The style `link` is the line that links to the `Hjälpsida` setting.
    """
    defaults = Settings()
    avtal = schema.AVTAL_SHEET
    required = ", ".join(c.header for c in avtal.columns if c.required)
    return [
        ("title", "Avtalsbok – instruktioner"),
        (
            "text",
            "Avtalsboken är registret över era avtal och stödet för att följa upp dem. Du "
            "skriver in avtal, genomförda uppföljningar och avvikelser. När du klickar på "
            "Uppdatera kontrolleras uppgifterna, avtalen fördelas på SKR:s tre "
            "prioriteringsgrupper, och avtalsboken räknar fram när varje avtal ska följas upp "
            "och när förlängning måste beslutas, föreslår nästa steg för försenade avvikelser "
            "och sammanställer nyckeltalen.",
        ),
        ("heading", "Knapparna"),
        (
            "text",
            "Knapparna finns överst på Översikt och ovanför rubrikerna på Avtal, i den "
            "makroaktiverade avtalsboken (.xlsm). De arbetar i den öppna boken, också med det "
            "du har skrivit men inte sparat.",
        ),
        (
            "item",
            "• Uppdatera (den breda knappen, den du använder oftast): kontrollerar uppgifterna "
            "och räknar om allt – de grå kolumnerna, Översikt, Uppföljningsplan och Fel – och "
            "för in ändrade avvikelser i Händelselogg. Klicka på den när du har skrivit in "
            "något.",
        ),
        (
            "item",
            "• Kontrollera: bara kontrollen. Skriver kolumnen Kontroll och bladet Fel, men "
            "räknar inte om datum och nyckeltal och skriver inget i Händelselogg.",
        ),
        (
            "item",
            "• Skapa rapport: sparar en rapport över boken som en egen arbetsbok i samma mapp "
            "som avtalsboken. Avtalsboken måste vara sparad i en mapp.",
        ),
        (
            "item",
            "• Skicka rapport: gör rapporten och skickar den med e-post till Rapportmottagare "
            "på Inställningar.",
        ),
        ("item", "• Visa fel: visar bladet Fel."),
        (
            "strong",
            "Knapparna sparar inte boken. Spara själv med Ctrl+S när du är nöjd. Vill du ångra "
            "ett klick stänger du boken utan att spara.",
        ),
        (
            "text",
            "Efter varje klick står resultatet i Excels statusfält längst ned, till exempel "
            "”Uppdaterad 09:30: 700 avtal, 9 fel, 2 varningar – spara med Ctrl+S”. Har boken "
            "fel kommer också en ruta som säger var du hittar dem.",
        ),
        ("heading", "Bladen"),
        *(("item", f"• {name}: {_SHEET_PURPOSES[name]}") for name in schema.ALL_SHEETS),
        ("heading", "Dina kolumner och de beräknade kolumnerna"),
        (
            "item",
            "• Vita kolumner är dina: där skriver du. Grå kolumner med kursiv text räknas fram "
            "och skrivs över varje gång du klickar på Uppdatera. Deras rubriker har kommentaren "
            f"”{schema.COMPUTED_NOTE}”.",
        ),
        (
            "item",
            f"• Rubriker med kommentaren ”{REQUIRED_NOTE}” måste fyllas i. På Avtal gäller "
            f"det {required}.",
        ),
        (
            "item",
            "• Ändra inte rubrikernas text. Du får flytta kolumner, sortera, filtrera och lägga "
            "till egna kolumner: kolumnerna hittas på rubriken, och dina egna kolumner lämnas "
            "orörda.",
        ),
        (
            "item",
            "• Nya rader skriver du direkt under tabellen, så växer tabellen med. Tomma rader "
            "hoppas över.",
        ),
        (
            "item",
            "• Datum skrivs ÅÅÅÅ-MM-DD, till exempel 2025-03-31. Belopp skrivs i kronor "
            "exklusive moms.",
        ),
        (
            "item",
            "• Rullgardinslistorna visar de värden som gäller. I Kategori får du också skriva en "
            "egen kategori.",
        ),
        (
            "item",
            "• Färgerna: en röd rad har fel eller varningar – läs kolumnen Kontroll eller bladet "
            "Fel. Orange Uppföljningsstatus betyder att uppföljningen är försenad, gul att den "
            "är nära. Mörkgul Avtalsstatus betyder att avtalet löper ut eller att förlängning "
            "måste beslutas; ett upphört avtal har grå text. På Avvikelser är en försenad "
            "avvikelse röd och en avvikelse med sanktionsrisk orange. På Fel är fel röda och "
            "varningar gula.",
        ),
        ("heading", "Registrera en uppföljning"),
        (
            "text",
            "Lägg till en rad på Uppföljningar med Avtals-ID (samma som på Avtal), Datum, Typ, "
            "Metod, Genomförd av, Kostnad (kr) om uppföljningen kostade något (till exempel en "
            "revision) och Resultat. Blev resultatet Avvikelse registrerar du också avvikelsen "
            "på Avvikelser. Klicka på Uppdatera: då visar Avtal den nya Senaste uppföljning och "
            "Nästa uppföljning.",
        ),
        ("heading", "Registrera en avvikelse"),
        (
            "text",
            "Lägg till en rad på Avvikelser med ett eget Avvikelse-ID, Avtals-ID, Upptäckt, "
            "Område, Beskrivning och Allvarlighetsgrad. Begär alltid en åtgärdsplan med "
            "tidsplan och skriv dess sista dag i Åtgärdsplan senast (tomt = Upptäckt plus "
            "dagarna för allvarlighetsgraden på Inställningar). Uppdatera Status när "
            "leverantören svarar och skriv datumet i Åtgärdad när avvikelsen är åtgärdad.",
        ),
        (
            "text",
            "När du tar ett steg på eskaleringstrappan skriver du stegets nummer i "
            "Eskaleringssteg; ändringen förs in i Händelselogg nästa gång du klickar på "
            "Uppdatera. När åtgärdsplanen är försenad föreslår avtalsboken nästa steg i "
            "Föreslaget steg, men steget tar du själv.",
        ),
        ("heading", "Stickprov och leverantörens historik"),
        (
            "text",
            "Bladet Stickprov föreslår vilka avtal som ska granskas med revision i år: "
            f"{defaults.samples_per_year} avtal, högst ett per leverantör, bland de aktiva "
            "avtalen med Hållbarhetsvillkor Ja och ett riskvärde (Sannolikhet × Konsekvens) på "
            f"minst {defaults.sample_min_risk} – högst riskvärde först, sedan störst årsvärde. "
            "En leverantör som har haft en revision eller en gemensam uppföljning de senaste "
            f"{defaults.audit_valid_months} månaderna föreslås inte: den gäller alla "
            "leverantörens avtal. Antal, riskvärde och månader ändrar du på Inställningar.",
        ),
        (
            "text",
            "Skriv Ja i Gemensam uppföljning på Uppföljningar när uppföljningen gjordes i "
            "regionernas gemensamma process eller av inköpscentralen. Kolumnen Leverantörens "
            "historik på Avtal sammanfattar leverantörens alla avtal i boken: antal avtal och "
            "uppföljningar, senaste revision eller gemensamma uppföljning och avvikelserna.",
        ),
        ("heading", "Eskaleringstrappan"),
        (
            "text",
            "Standardtrappan nedan kan ändras på Inställningar. Dokumentera varje steg och hoppa "
            "inte över något – ett överhoppat steg ger en varning. Uppsägning är sista utvägen.",
        ),
        *(
            (
                "item",
                f"• Steg {step.number} {step.name}: {action}."
                + (f" Nästa kontroll efter {step.days} dagar." if step.days else ""),
            )
            for step, action in zip(defaults.ladder, _STEP_ACTIONS, strict=True)
        ),
        (
            "text",
            "En öppen avvikelse som inte har fått ett nytt steg på "
            f"{defaults.passivity_days} dagar markeras i Sanktionsrisk: passivitet kan kosta "
            "rätten till sanktioner.",
        ),
        ("heading", "Skriva ut"),
        (
            "text",
            "Bladen är inställda för utskrift på A4, en sida bred, med rubrikraden överst på "
            "varje sida. Avtal har många kolumner: dölj eller filtrera bort det du inte "
            "behöver, så blir texten större.",
        ),
        ("heading", "Mer hjälp"),
        (
            "text",
            "Frågor om avtalsboken besvarar den som förvaltar den i er organisation. Fel som "
            "gäller knapparna, Python eller e-posten är en sak för IT.",
        ),
        ("link", ""),
    ]


#: The `Instruktioner` line that links to the `Hjälpsida` setting: its value found by key on
#: `Inställningar` (where an officer can move a row), a link only for a web address.
_HELP_VALUE = (
    f"INDEX('{schema.INSTALLNINGAR}'!$B$1:$B$500,"
    f"MATCH(\"{HELP_LINK_KEY}\",'{schema.INSTALLNINGAR}'!$A$1:$A$500,0))"
)
_LINK_PREFIX = "Organisationens hjälpsida: "
#: The help line where no formula can stand (a book made an avtalsbok by `init`).
STATIC_HELP_LINE = f"Organisationens hjälpsida: se {HELP_LINK_KEY} på bladet Inställningar."
NO_HELP_LINK = f"Ingen hjälpsida är angiven ({HELP_LINK_KEY} på bladet Inställningar)."
HELP_FORMULA = (
    f'=IFERROR(IF(OR(LEFT({_HELP_VALUE},8)="https://",LEFT({_HELP_VALUE},7)="http://"),'
    f'HYPERLINK({_HELP_VALUE},"{_LINK_PREFIX}"&{_HELP_VALUE}),'
    f'"{NO_HELP_LINK}"),"{NO_HELP_LINK}")'
)


def link_text(help_link: str) -> str:
    """What the help line shows for a book whose `Hjälpsida` is `help_link` ("" for none)."""
    return _LINK_PREFIX + help_link if help_link else NO_HELP_LINK
