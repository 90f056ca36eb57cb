"""An OCDS release as rows: the release itself and its awards, flattened.

Pure functions of the parsed release; storing them is ``db/register_store.py``'s job.
Names and titles are HTML-unescaped (the register writes ``Adur &amp; Worthing``) and
their white space collapsed; the raw release is kept as published. Companies House
numbers (``GB-COH``) are normalised: digits zero-padded to 8, prefixes (``SC``,
``NI``, ``OC`` ...) upper-cased and their digits padded to 6.

>>> release = {"ocid": "ocds-b5fd17-1", "id": "r-1", "date": "2022-10-22T10:01:26+01:00",
...     "tag": ["award"], "buyer": {"id": "GB-LAE-IPS", "name": "Ipswich Borough Council"},
...     "parties": [{"id": "GB-COH-4142000", "name": "Acme Ltd", "roles": ["supplier"],
...                  "identifier": {"scheme": "GB-COH", "id": "4142000"}}],
...     "tender": {"title": "Payroll", "classification": {"scheme": "CPV", "id": "79211100"}},
...     "awards": [{"id": "ocds-b5fd17-1-1", "status": "active", "date": "2022-10-19",
...                 "value": {"amount": 53500, "currency": "GBP"},
...                 "suppliers": [{"id": "GB-COH-4142000", "name": "Acme Ltd"}]}]}
>>> [(a["award_id"], a["buyer_id"], a["title"], a["value"], a["cpv"]) for a in award_rows(release)]
[('ocds-b5fd17-1-1', 'GB-LAE-IPS', 'Payroll', 53500.0, '79211100')]
>>> [(s["name"], s["scheme"], s["company_number"]) for s in award_rows(release)[0]["suppliers"]]
[('Acme Ltd', 'GB-COH', '04142000')]
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from .ocds_windows import moment, stamp

_COMPANY_NUMBER = re.compile(r"([A-Z]{2})?(\d{1,8})")
_PARTY_SCHEME = re.compile(r"(GB-[A-Z]{3})-(.+)")
_FTS_NOTICE_ID = re.compile(r"\d{6}-\d{4}")
FTS_NOTICE = "https://www.find-tender.service.gov.uk/Notice/"


class NotARelease(ValueError):
    """A JSON object that lacks a release's ``ocid``, ``id`` or ``date``."""


def clean(value: Any) -> str | None:
    """Text as a person reads it: entities unescaped, white space collapsed, '' as None.

    >>> clean("  Adur &amp; Worthing\\r\\n Councils ")
    'Adur & Worthing Councils'
    """
    if value is None:
        return None
    text = " ".join(html.unescape(str(value)).split())
    return text or None


def company_number(value: Any) -> str | None:
    """A Companies House number in its 8-character form; None for junk.

    >>> company_number("4142000"), company_number("sc394005"), company_number("NI 12345")
    ('04142000', 'SC394005', 'NI012345')
    >>> company_number("n/a") is None
    True
    """
    text = re.sub(r"\s", "", str(value or "")).upper()
    match = _COMPANY_NUMBER.fullmatch(text)
    if not match or int(match.group(2)) == 0:
        return None
    prefix, digits = match.group(1) or "", match.group(2)
    if len(prefix) + len(digits) > 8:
        return None
    return prefix + digits.zfill(8 - len(prefix))


def utc_moment(value: Any) -> str:
    """An ISO 8601 date or datetime as ``YYYY-MM-DDTHH:MM:SSZ`` in UTC (naive: UTC).

    >>> utc_moment("2022-10-22T10:08:04+01:00"), utc_moment("2022-10-22")
    ('2022-10-22T09:08:04Z', '2022-10-22T00:00:00Z')
    """
    return stamp(moment(str(value)))


def release_row(release: dict, source: str, url: str | None, fetched_at: str) -> dict:
    """The ``ocds_releases`` row of a release; :class:`NotARelease` when it is not one."""
    ocid, release_id, date = release.get("ocid"), release.get("id"), release.get("date")
    if not (isinstance(ocid, str) and ocid and release_id not in (None, "") and date):
        raise NotARelease("a release needs an ocid, an id and a date")
    try:
        date_utc = utc_moment(date)
    except ValueError as exc:
        raise NotARelease(f"release {release_id}: date {date!r} is not ISO 8601") from exc
    tag = release.get("tag") or []
    return {
        "ocid": ocid,
        "id": str(release_id),
        "source": source,
        "date": str(date),
        "date_utc": date_utc,
        "tag": json.dumps([tag] if isinstance(tag, str) else list(tag)),
        "url": url,
        "fetched_at": fetched_at,
        "raw": json.dumps(release, ensure_ascii=False, separators=(",", ":")),
    }


def award_rows(release: dict, source: str = "", release_date_utc: str | None = None) -> list[dict]:
    """The release's awards as ``awards`` rows, each with its ``suppliers`` rows."""
    parties = {str(p.get("id")): p for p in release.get("parties") or [] if isinstance(p, dict)}
    tender = release.get("tender") if isinstance(release.get("tender"), dict) else {}
    buyer = release.get("buyer") if isinstance(release.get("buyer"), dict) else {}
    if not buyer:  # some releases name the buyer only among the parties
        buyer = next((p for p in parties.values() if "buyer" in (p.get("roles") or [])), {})
    classification = tender.get("classification") or {}
    cpv = classification if str(classification.get("scheme", "")).upper() == "CPV" else {}
    rows = []
    for award in release.get("awards") or []:
        if not isinstance(award, dict) or award.get("id") in (None, ""):
            continue
        value = award.get("value") or {}
        period = award.get("contractPeriod") or tender.get("contractPeriod") or {}
        rows.append(
            {
                "ocid": release["ocid"],
                "award_id": str(award["id"]),
                "source": source,
                "release_id": str(release["id"]),
                "release_date_utc": release_date_utc or utc_moment(release["date"]),
                "buyer_id": _text(buyer.get("id")),
                "buyer_identifier": party_identifier(parties.get(str(buyer.get("id")), buyer)),
                "buyer_name": clean(buyer.get("name")),
                "title": clean(award.get("title"))
                or clean(tender.get("title"))
                or clean(release.get("title")),
                "description": clean(award.get("description")) or clean(tender.get("description")),
                "status": _text(award.get("status")),
                "value": _amount(value.get("amount")),
                "currency": _text(value.get("currency")),
                "date": _text(award.get("date")),
                "date_published": _text(award.get("datePublished")),
                "contract_start": _text(period.get("startDate")),
                "contract_end": _text(period.get("endDate")),
                "cpv": _text(cpv.get("id")),
                "cpv_description": clean(cpv.get("description")),
                "notice_url": notice_url(award, tender) or fts_notice_url(release["id"]),
                "suppliers": supplier_rows(award, parties),
            }
        )
    return rows


def supplier_rows(award: dict, parties: dict[str, dict]) -> list[dict]:
    """An award's suppliers, with the identifiers their party entries give."""
    rows = []
    for position, supplier in enumerate(award.get("suppliers") or []):
        if not isinstance(supplier, dict):
            continue
        party_id = _text(supplier.get("id"))
        party = parties.get(str(party_id), {})
        name = clean(supplier.get("name")) or clean(party.get("name"))
        if not name:
            continue
        scheme, identifier = _scheme_and_id(party, party_id)
        rows.append(
            {
                "position": position,
                "party_id": party_id,
                "name": name,
                "scheme": scheme,
                "identifier": identifier,
                "company_number": _company_number_of(party, party_id),
            }
        )
    return rows


def party_identifier(party: dict) -> str | None:
    """``SCHEME-ID`` of a party's identifier (``GB-LAE-IPS``), else its id when that has
    a scheme's form; None for a party known only by name.

    >>> party_identifier({"id": "x", "identifier": {"scheme": "GB-LAE", "id": "IPS"}})
    'GB-LAE-IPS'
    >>> party_identifier({"id": "GB-CFS-93787", "identifier": {"legalName": "Defra"}})
    'GB-CFS-93787'
    """
    scheme, identifier = _scheme_and_id(party, _text(party.get("id")))
    return f"{scheme}-{identifier}" if scheme and identifier else None


def notice_url(award: dict, tender: dict) -> str | None:
    """The award notice's URL, else the first notice URL the award or tender gives."""
    documents = [d for d in (award.get("documents") or []) if isinstance(d, dict)]
    for doc in documents:
        if doc.get("documentType") == "awardNotice" and doc.get("url"):
            return str(doc["url"])
    for doc in documents + [d for d in (tender.get("documents") or []) if isinstance(d, dict)]:
        if "/Notice/" in str(doc.get("url", "")) and "/Attachment/" not in str(doc["url"]):
            return str(doc["url"])
    return None


def fts_notice_url(release_id: object) -> str | None:
    """Find a Tender's page for a notice id (``nnnnnn-yyyy``, the id of its releases).

    >>> fts_notice_url("021345-2024")
    'https://www.find-tender.service.gov.uk/Notice/021345-2024'
    >>> fts_notice_url("c3e5344a-741a-4f7e-92af-f401b5c8209a-583186") is None
    True
    """
    text = str(release_id)
    return f"{FTS_NOTICE}{text}" if _FTS_NOTICE_ID.fullmatch(text) else None


def _scheme_and_id(party: dict, party_id: str | None) -> tuple[str | None, str | None]:
    identifier = party.get("identifier") if isinstance(party.get("identifier"), dict) else {}
    if identifier.get("scheme") and identifier.get("id"):
        return str(identifier["scheme"]), str(identifier["id"])
    match = _PARTY_SCHEME.fullmatch(party_id or "")
    return (match.group(1), match.group(2)) if match else (None, None)


def _company_number_of(party: dict, party_id: str | None) -> str | None:
    identifiers = [party.get("identifier")] + list(party.get("additionalIdentifiers") or [])
    for identifier in identifiers:
        if isinstance(identifier, dict) and identifier.get("scheme") == "GB-COH":
            if number := company_number(identifier.get("id")):
                return number
    match = _PARTY_SCHEME.fullmatch(party_id or "")
    if match and match.group(1) == "GB-COH":
        return company_number(match.group(2))
    return None


def _text(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def _amount(value: Any) -> float | None:
    try:
        return float(str(value).replace(",", "")) if value not in (None, "") else None
    except ValueError:
        return None
