"""The contracts as open data: an OCDS 1.1 release package, one release per contract.

Open Contracting Data Standard 1.1 (https://standard.open-contracting.org/1.1/): each
contract is a contracting process `ocid` = the organisation's OCID prefix + `-` + Avtals-ID,
with the buyer and the supplier as parties, an award naming the supplier, and the contract
with its period, annual value, status and milestones (follow-ups and extension decisions).
Risk, deviations, findings and personal identity numbers are never exported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..core.schedule import ENDED, NOT_STARTED
from .facts import BookExport, ContractFacts, Item

VERSION = "1.1"
#: org-id.guide's list of Swedish organisation numbers (Bolagsverket).
ORG_SCHEME = "SE-BLV"
CURRENCY = "SEK"


class PublishError(Exception):
    """Something the package needs is missing; `str()` says what in Swedish."""


@dataclass(frozen=True)
class Publisher:
    """Who publishes the package, and the prefix its ocids get when a book has none."""

    name: str
    ocid_prefix: str = ""
    uri: str = ""


def status_of(contract_status: str) -> str:
    """OCDS contract status from Avtalsstatus: not started → pending, ended → terminated."""
    if contract_status == NOT_STARTED:
        return "pending"
    if contract_status == ENDED:
        return "terminated"
    return "active"


def release_package(
    books: Sequence[BookExport], today: date, publisher: Publisher
) -> dict[str, Any]:
    """The release package (deterministic for the same books, date and publisher).

    Raises PublishError when a book with contracts has no OCID prefix (neither in its
    settings nor given), or no buyer name.
    """
    stamp = _moment(today)
    releases = []
    seen: set[str] = set()
    ordered = sorted(books, key=lambda b: (b.unit, b.file_name, b.path))
    for book in ordered:
        prefix = book.ocid_prefix or publisher.ocid_prefix
        buyer_name = book.organisation or publisher.name
        for c in book.contracts:
            if not c.contract_id:
                continue
            if not prefix:
                raise PublishError(
                    f"{book.label} har inget OCID-prefix: ange det under Inställningar "
                    "(OCID-prefix) eller med --ocid-prefix"
                )
            if not buyer_name:
                raise PublishError(
                    f"{book.label} saknar köparens namn: ange Organisation under "
                    "Inställningar eller --publisher"
                )
            ocid = f"{prefix}-{c.contract_id}"
            if ocid in seen:  # the same Avtals-ID in another book: one process, listed once
                continue
            seen.add(ocid)
            releases.append(_release(book, c, ocid, buyer_name, stamp))
    if not releases:
        raise PublishError("inga avtal med Avtals-ID att publicera")
    first_prefix = next((b.ocid_prefix for b in ordered if b.ocid_prefix), publisher.ocid_prefix)
    return {
        "uri": publisher.uri or f"urn:avtalsbok:{first_prefix}:{today.isoformat()}",
        "version": VERSION,
        "publishedDate": stamp,
        "publisher": {"name": publisher.name},
        "releases": releases,
    }


def _release(
    book: BookExport, c: ContractFacts, ocid: str, buyer_name: str, stamp: str
) -> dict[str, Any]:
    buyer = {"id": _buyer_id(book, buyer_name), "name": buyer_name}
    buyer_party: dict[str, Any] = {**buyer, "roles": ["buyer"]}
    if book.organisation_number:
        buyer_party["identifier"] = {"scheme": ORG_SCHEME, "id": book.organisation_number}
    supplier = {"id": _supplier_id(c), "name": c.supplier or "(okänd leverantör)"}
    supplier_party: dict[str, Any] = {**supplier, "roles": ["supplier"]}
    if c.org_number:  # blank for a sole trader: a personal identity number is not published
        supplier_party["identifier"] = {
            "scheme": ORG_SCHEME,
            "id": c.org_number,
            "legalName": c.supplier,
        }
    award_id = f"{c.contract_id}-tilldelning"
    contract: dict[str, Any] = {
        "id": c.contract_id,
        "awardID": award_id,
        "title": c.name or c.contract_id,
        "status": status_of(c.status),
        "period": _period(c),
        "implementation": {"milestones": _milestones(book, c)},
    }
    if c.category:
        contract["description"] = c.category
    if c.annual_value is not None:
        contract["value"] = {"amount": c.annual_value, "currency": CURRENCY}
    return {
        "ocid": ocid,
        "id": f"{ocid}-{stamp[:10]}",
        "date": stamp,
        "tag": ["contract"],
        "initiationType": "tender",
        "parties": [buyer_party, supplier_party],
        "buyer": buyer,
        "awards": [{"id": award_id, "suppliers": [supplier]}],
        "contracts": [contract],
    }


def _buyer_id(book: BookExport, name: str) -> str:
    if book.organisation_number:
        return f"{ORG_SCHEME}-{book.organisation_number}"
    return f"köpare-{name}"


def _supplier_id(c: ContractFacts) -> str:
    if c.org_number:
        return f"{ORG_SCHEME}-{c.org_number}"
    return f"leverantör-{c.contract_id}"


def _period(c: ContractFacts) -> dict[str, Any]:
    period: dict[str, Any] = {}
    if c.start:
        period["startDate"] = _moment(c.start)
    if c.end:
        period["endDate"] = _moment(c.end)
    if c.extensions.latest_end:
        period["maxExtentDate"] = _moment(c.extensions.latest_end)
    return period


def _milestones(book: BookExport, c: ContractFacts) -> list[dict[str, Any]]:
    """The last follow-up held (met), then the planned follow-ups and extension decisions
    (scheduled, or notMet once their date has passed)."""
    out: list[dict[str, Any]] = []
    if c.last_follow_up is not None:
        out.append(
            {
                "id": f"{c.contract_id}/genomford/{c.last_follow_up.isoformat()}",
                "title": "Senaste uppföljning",
                "type": "assessment",
                "dateMet": _moment(c.last_follow_up),
                "status": "met",
            }
        )
    for item in book.items:
        if item.row.contract_id == c.contract_id and item.kind.milestone:
            out.append(_milestone(item, book.today))
    return out


def _milestone(item: Item, today: date) -> dict[str, Any]:
    return {
        "id": item.key,
        "title": item.row.activity,
        "type": item.kind.milestone,
        "dueDate": _moment(item.row.date),
        "status": "notMet" if item.row.date < today else "scheduled",
    }


def _moment(d: date) -> str:
    """A date as OCDS writes it: midnight UTC of that day."""
    return f"{d.isoformat()}T00:00:00Z"
