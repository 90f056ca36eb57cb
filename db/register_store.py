"""Store the public register: OCDS releases, their flattened awards, the crawl's windows.

Every write is an upsert on the natural key, so a re-crawl of the same window changes
nothing: a release on ``(ocid, id)``; an award on ``(ocid, award_id)``, from the newest
release that carries it (an older release met later does not overwrite it), its
suppliers replaced with it.

>>> from councilwatch.db.schema import connect
>>> conn = connect(":memory:")
>>> row = {"ocid": "o-1", "id": "r-1", "source": "contracts-finder", "url": None,
...        "date": "2022-10-22T10:01:26+01:00", "date_utc": "2022-10-22T09:01:26Z",
...        "tag": '["award"]', "fetched_at": "2026-01-01T00:00:00+00:00", "raw": "{}"}
>>> award = {"ocid": "o-1", "award_id": "o-1-1", "source": "contracts-finder",
...          "release_id": "r-1", "release_date_utc": "2022-10-22T09:01:26Z",
...          "suppliers": [{"position": 0, "name": "Acme Ltd"}]}
>>> store_release(conn, row, [award]), store_release(conn, row, [award])
('new', 'unchanged')
>>> conn.execute("SELECT count(*) FROM award_suppliers").fetchone()[0]
1
>>> newest_release(conn, "contracts-finder")
'2022-10-22T09:01:26Z'
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

RELEASE_COLUMNS = ("ocid", "id", "source", "date", "date_utc", "tag", "url", "fetched_at", "raw")
AWARD_COLUMNS = (
    "ocid",
    "award_id",
    "source",
    "release_id",
    "release_date_utc",
    "buyer_id",
    "buyer_identifier",
    "buyer_name",
    "title",
    "description",
    "status",
    "value",
    "currency",
    "date",
    "date_published",
    "contract_start",
    "contract_end",
    "cpv",
    "cpv_description",
    "notice_url",
)
SUPPLIER_COLUMNS = (
    "ocid",
    "award_id",
    "position",
    "party_id",
    "name",
    "scheme",
    "identifier",
    "company_number",
)

_SAME_RELEASE = (
    "SELECT date_utc = :date_utc AND raw = :raw AND tag = :tag FROM ocds_releases "
    "WHERE ocid = :ocid AND id = :id"
)
_UPSERT_RELEASE = (
    f"INSERT INTO ocds_releases ({', '.join(RELEASE_COLUMNS)}) "
    f"VALUES ({', '.join(':' + c for c in RELEASE_COLUMNS)}) "
    "ON CONFLICT(ocid, id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in RELEASE_COLUMNS if c not in ("ocid", "id"))
)
# The award from the newest release wins; a release as new as the stored one replaces it.
_UPSERT_AWARD = (
    f"INSERT INTO awards ({', '.join(AWARD_COLUMNS)}) "
    f"VALUES ({', '.join(':' + c for c in AWARD_COLUMNS)}) "
    "ON CONFLICT(ocid, award_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in AWARD_COLUMNS if c not in ("ocid", "award_id"))
    + ", buyer_code = NULL, buyer_link = NULL"
    " WHERE excluded.release_date_utc >= awards.release_date_utc"
)
_INSERT_SUPPLIER = (
    f"INSERT INTO award_suppliers ({', '.join(SUPPLIER_COLUMNS)}) "
    f"VALUES ({', '.join(':' + c for c in SUPPLIER_COLUMNS)})"
)


def _utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def store_release(conn: sqlite3.Connection, release: Mapping, awards: Iterable[Mapping]) -> str:
    """Upsert one release and its awards in one transaction; ``new``, ``updated`` or
    ``unchanged``."""
    with conn:
        return _store_release(conn, release, awards)


def store_releases(
    conn: sqlite3.Connection, items: Iterable[tuple[Mapping, Iterable[Mapping]]]
) -> list[str]:
    """Upsert several ``(release, awards)`` in one transaction; their outcomes in order."""
    with conn:
        return [_store_release(conn, release, awards) for release, awards in items]


def _store_release(conn: sqlite3.Connection, release: Mapping, awards: Iterable[Mapping]) -> str:
    row = {c: release.get(c) for c in RELEASE_COLUMNS}
    same = conn.execute(_SAME_RELEASE, row).fetchone()
    if same is not None and same[0]:
        return "unchanged"
    conn.execute(_UPSERT_RELEASE, row)
    for award in awards:
        _store_award(conn, award)
    return "new" if same is None else "updated"


def _store_award(conn: sqlite3.Connection, award: Mapping) -> None:
    row = {c: award.get(c) for c in AWARD_COLUMNS}
    if conn.execute(_UPSERT_AWARD, row).rowcount == 0:
        return  # a newer release's version of this award is stored
    conn.execute(
        "DELETE FROM award_suppliers WHERE ocid = ? AND award_id = ?",
        (row["ocid"], row["award_id"]),
    )
    for supplier in award.get("suppliers") or []:
        values = {c: supplier.get(c) for c in SUPPLIER_COLUMNS}
        conn.execute(_INSERT_SUPPLIER, {**values, "ocid": row["ocid"], "award_id": row["award_id"]})


def newest_release(conn: sqlite3.Connection, source: str) -> str | None:
    """The UTC date of the newest stored release of ``source`` (None when there is none)."""
    return conn.execute(
        "SELECT max(date_utc) FROM ocds_releases WHERE source = ?", (source,)
    ).fetchone()[0]


def resume_point(conn: sqlite3.Connection, source: str) -> str | None:
    """Where the next crawl of ``source`` starts: the newest stored release, or the start
    of an earlier window a crawl left incomplete (or stopped in), whichever is older."""
    newest = newest_release(conn, source)
    (unfinished,) = conn.execute(
        "SELECT min(start) FROM ocds_crawl_windows "
        "WHERE source = ? AND status IN ('started', 'incomplete')",
        (source,),
    ).fetchone()
    return min(p for p in (newest, unfinished) if p) if (newest or unfinished) else None


def save_window(conn: sqlite3.Connection, run_id: int | None, window: Mapping) -> None:
    """Record a window's state; a complete window supersedes the unfinished ones it covers."""
    with conn:
        conn.execute(
            'INSERT INTO ocds_crawl_windows (source, start, "end", status, pages, releases, '
            "reason, run_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            'ON CONFLICT(source, start, "end") DO UPDATE SET status = excluded.status, '
            "pages = excluded.pages, releases = excluded.releases, reason = excluded.reason, "
            "run_id = excluded.run_id, updated_at = excluded.updated_at",
            (
                window["source"],
                window["start"],
                window["end"],
                window["status"],
                window.get("pages", 0),
                window.get("releases", 0),
                window.get("reason"),
                run_id or None,
                _utcnow(),
            ),
        )
        if window["status"] == "complete":
            conn.execute(
                "UPDATE ocds_crawl_windows SET status = 'superseded', updated_at = ? "
                "WHERE source = ? AND status IN ('started', 'incomplete') "
                'AND start >= ? AND "end" <= ? AND NOT (start = ? AND "end" = ?)',
                (_utcnow(), window["source"], window["start"], window["end"])
                + (window["start"], window["end"]),
            )


def award_buyers(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Each distinct buyer of the stored awards (party id, identifier, name) with the date
    of its newest award, for linking to council codes."""
    return conn.execute(
        "SELECT buyer_id, buyer_identifier, buyer_name, max(release_date_utc) AS date "
        "FROM awards GROUP BY buyer_id, buyer_identifier, buyer_name"
    ).fetchall()


def set_buyer_codes(conn: sqlite3.Connection, links: Iterable[Mapping]) -> int:
    """Set ``buyer_code`` and ``buyer_link`` of the awards of each buyer in ``links``
    (``buyer_id``, ``buyer_identifier``, ``buyer_name``, ``code``, ``link``; a None code
    unlinks); return the awards changed."""
    changed = 0
    with conn:
        for link in links:
            changed += conn.execute(
                "UPDATE awards SET buyer_code = :code, buyer_link = :link "
                "WHERE buyer_id IS :buyer_id AND buyer_identifier IS :buyer_identifier "
                "AND buyer_name IS :buyer_name "
                "AND (buyer_code IS NOT :code OR buyer_link IS NOT :link)",
                dict(link),
            ).rowcount
    return changed


def link_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Awards, those whose buyer is linked to a council, suppliers, and those linked to
    the supplier table."""
    awards, buyers = conn.execute("SELECT count(*), count(buyer_code) FROM awards").fetchone()
    suppliers, linked = conn.execute(
        "SELECT count(*), count(supplier_id) FROM award_suppliers"
    ).fetchone()
    return {
        "awards": awards,
        "buyers_linked": buyers,
        "suppliers": suppliers,
        "suppliers_linked": linked,
    }


def check_outcomes(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows of ``contract_checks`` per outcome; empty while the view does not exist (no
    press contracts table yet)."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'view' AND name = 'contract_checks'"
    ).fetchone()
    if not exists:
        return {}
    rows = conn.execute(
        "SELECT outcome, count(*) FROM contract_checks GROUP BY outcome ORDER BY outcome"
    ).fetchall()
    return {outcome: count for outcome, count in rows}


def supplier_table(conn: sqlite3.Connection) -> list[dict]:
    """The supplier table's rows: ``id``, ``name``, ``company_number`` and ``variants``
    (the name it is published under on the register, and its press names)."""
    rows = conn.execute(
        "SELECT s.id, s.name, s.company_number, "
        "json_group_array(n.name) FILTER (WHERE n.name IS NOT NULL) AS names, "
        "s.register_name FROM suppliers s "
        "LEFT JOIN supplier_names n ON n.supplier_id = s.id GROUP BY s.id"
    ).fetchall()
    return [
        {
            "id": row["id"],
            "name": row["name"],
            "company_number": row["company_number"],
            "variants": [row["register_name"], *json.loads(row["names"] or "[]")],
        }
        for row in rows
    ]


def award_supplier_names(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Each distinct (name, company number) among the awards' suppliers."""
    return conn.execute("SELECT DISTINCT name, company_number FROM award_suppliers").fetchall()


def set_supplier_ids(conn: sqlite3.Connection, links: Iterable[Mapping]) -> int:
    """Set ``supplier_id`` and ``supplier_link`` of the award suppliers of each
    ``(name, company_number)`` in ``links``; return the rows changed."""
    changed = 0
    with conn:
        for link in links:
            changed += conn.execute(
                "UPDATE award_suppliers SET supplier_id = :supplier_id, supplier_link = :link "
                "WHERE name IS :name AND company_number IS :company_number "
                "AND (supplier_id IS NOT :supplier_id OR supplier_link IS NOT :link)",
                dict(link),
            ).rowcount
    return changed
