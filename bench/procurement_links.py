"""How much of the real public-register data links: award buyers to council codes, award
suppliers to the supplier table.

Reads every Contracts Finder release of ../shared/reference/ocds (the search pages, the
2025 releases, the bluetail packages), flattens and stores them in a throwaway database
exactly as a crawl does, runs the linking step, and reports the share of awards whose
buyer is linked, overall and for buyers that look like councils (the README's heuristic:
the name says Council, Borough, Metropolitan or Combined Authority, and is not a parish or
town council, an NHS body, a university, a school, a housing body or a trust). Then the
same over the distinct names of buyers_seen.csv (2,465 names, the tabular export's too).

Usage (from the repo root):
    .venv/bin/python bench/procurement_links.py [--show-misses N] [--json PATH]

Exits 0 with a one-line message when ../shared is not beside the checkout.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sqlite3
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from councilwatch.db import register_store
from councilwatch.db.schema import connect
from councilwatch.nlp.buyer_names import BuyerNames
from councilwatch.reference_data import load_reference_data
from councilwatch.register_links import link_register
from councilwatch.sample_site.procurement_data import Register, reference_folder
from councilwatch.spiders.ocds_awards import award_rows, release_row

COUNCIL_LIKE = re.compile(r"council|borough|metropolitan|combined authority", re.I)
NOT_COUNCIL = re.compile(
    r"parish|town council|nhs|university|school|academy|housing|homes|trust|college", re.I
)


def council_like(name: str | None) -> bool:
    return bool(name and COUNCIL_LIKE.search(name) and not NOT_COUNCIL.search(name))


def store_reference(conn: sqlite3.Connection, folder: Path) -> int:
    register = Register.from_folder(folder)
    fetched = datetime.now(UTC).isoformat(timespec="seconds")
    items = []
    for release in register.contracts_finder.releases:
        row = release_row(release, "contracts-finder", None, fetched)
        items.append((row, award_rows(release, "contracts-finder", row["date_utc"])))
    register_store.store_releases(conn, items)
    return len(items)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show-misses", type=int, default=0, metavar="N")
    parser.add_argument("--json", type=Path, metavar="PATH")
    args = parser.parse_args()
    folder = reference_folder()
    if not folder.is_dir():
        print(f"skipped: {folder} is not beside the checkout")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        conn = connect(Path(tmp) / "links.db")
        load_reference_data(conn)  # the gazetteer and the supplier table
        releases = store_reference(conn, folder)
        figures = link_register(conn)
        rows = conn.execute("SELECT buyer_name, buyer_code, buyer_link FROM awards").fetchall()
        supplier_links = dict(
            conn.execute(
                "SELECT supplier_link, count(*) FROM award_suppliers "
                "WHERE supplier_id IS NOT NULL GROUP BY 1"
            ).fetchall()
        )
        distinct_suppliers = conn.execute(
            "SELECT count(DISTINCT supplier_id) FROM award_suppliers"
        ).fetchone()[0]
        conn.close()
    like = [r for r in rows if council_like(r["buyer_name"])]
    by_identifier = sum(1 for r in rows if r["buyer_link"] == "identifier")
    names = BuyerNames.load()
    with (folder / "buyers_seen.csv").open(encoding="utf-8") as f:
        seen = sorted({row["name"] for row in csv.DictReader(f)})
    seen_like = [n for n in seen if council_like(n)]
    seen_linked = [n for n in seen_like if names.code(n)]
    result = {
        "releases": releases,
        "awards": figures.awards,
        "awards_buyer_linked": figures.buyers_linked,
        "awards_linked_by_identifier": by_identifier,
        "awards_council_like": len(like),
        "awards_council_like_linked": sum(1 for r in like if r["buyer_code"]),
        "buyer_names": len(seen),
        "buyer_names_council_like": len(seen_like),
        "buyer_names_council_like_linked": len(seen_linked),
        "buyer_names_linked": sum(1 for n in seen if names.code(n)),
        "award_suppliers": figures.suppliers,
        "award_suppliers_linked": figures.suppliers_linked,
        "award_suppliers_linked_by": supplier_links,
        "table_suppliers_seen": distinct_suppliers,
    }

    def share(part: int, whole: int) -> str:
        return f"{part}/{whole} = {part / whole:.1%}" if whole else f"{part}/0"

    print(f"{releases} Contracts Finder releases, {figures.awards} awards")
    print(f"awards, buyer linked:           {share(figures.buyers_linked, figures.awards)}")
    print(f"  of which by GB-LAE identifier: {by_identifier}")
    print(
        f"awards of council-like buyers:  {share(result['awards_council_like_linked'], len(like))}"
    )
    print(f"buyers_seen.csv names:          {len(seen)}; council-like {len(seen_like)}")
    print(f"council-like names linked:      {share(len(seen_linked), len(seen_like))}")
    print(
        f"names linked that are not council-like: {result['buyer_names_linked'] - len(seen_linked)}"
    )
    print(f"award suppliers linked:         {share(figures.suppliers_linked, figures.suppliers)}")
    print(
        f"  by company number {supplier_links.get('company_number', 0)}, by name "
        f"{supplier_links.get('name', 0)}; {distinct_suppliers} suppliers of the table seen"
    )
    for name in [n for n in seen_like if n not in set(seen_linked)][: args.show_misses]:
        print(f"  missed: {name}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
