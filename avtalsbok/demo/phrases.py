"""What officers write in the demo book: follow-up comments, deviation descriptions, motivations.

Data only, drawn from by `register.py` (motivations) and `history.py` (the rest).
"""

from __future__ import annotations

COMMENTS: dict[str, tuple[str, ...]] = {
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
MINOR_REMARKS = (
    "Mindre brist, åtgärdad direkt i dialog.",
    "Brister i statistikrapporteringen; kompletteras.",
)
DESCRIPTIONS: dict[str, tuple[str, ...]] = {
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
MOTIVATIONS = (
    "Nämndbeslut: prioriterat område.",
    "Tidigare allvarliga avvikelser hos leverantören.",
    "Stor påverkan på brukarna trots lågt årsvärde.",
    "Uppmärksammat i media; kräver tät uppföljning.",
    "Pilot för uppföljning av hållbarhetskrav.",
)
LOW_MOTIVATION = "Inköpscentralen följer upp; låg egen insats räcker."
