"""What writing one article's facts costs: ``store.replace_facts`` per article, then again.

Generated facts in a fresh database with the reference data loaded: each article has six
council mentions and four pound figures spread over four sentences (a council named in
one, "the council" in another, a sector-wide one), so the summary triggers of migrations 6
and 8 all fire. One transaction per article, as ``councilwatch process`` commits a batch.

Usage (from the repo root; not part of ``make test``)::

    .venv/bin/python bench/facts_write.py --articles 2000
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from councilwatch.db import store
from councilwatch.db.schema import connect
from councilwatch.reference_data import load_reference_data

CODES = ["CMD", "ISL", "KEN", "BEN", "SRY", "ESX", "MAN", "BIR"]
SENTENCES = [
    "The council will save £1m a year.",
    "Camden and Islington will spend £2m.",
    "All councils face a £5bn gap.",
    "Kent County Council got £3m of funding.",
]


def facts(rng: random.Random) -> dict:
    """One article's generated facts."""
    councils = [
        {"code": rng.choice(CODES), "text": "X", "start": j * 10, "end": j * 10 + 3,
         "sentence": rng.choice(SENTENCES)}
        for j in range(6)
    ]  # fmt: skip
    money = [
        {"text": "£1m", "amount_gbp": 1e6 * (j + 1), "period": "once", "years": None,
         "role": rng.choice(["saving", "spend", "funding"]), "start": j * 7, "end": j * 7 + 3,
         "sentence": rng.choice(SENTENCES)}
        for j in range(4)
    ]  # fmt: skip
    return {"councils": councils, "money": money, "services": [], "arrangements": []}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as work:
        conn = connect(Path(work) / "facts.db")
        with conn:
            load_reference_data(conn)
            ids = [
                store.store_article(conn, {"url": f"http://x/{i}", "body": f"body {i}"})[1]
                for i in range(args.articles)
            ]
        batch = [(article_id, facts(rng)) for article_id in ids]
        for label in ("first write", "written again"):
            start = time.perf_counter()
            for article_id, article_facts in batch:
                with conn:
                    store.replace_facts(conn, article_id, article_facts, "bench")
            seconds = time.perf_counter() - start
            print(f"{label}: {args.articles:,} articles in {seconds:.2f} s, "
                  f"{1000 * seconds / args.articles:.2f} ms an article")  # fmt: skip
        conn.close()


if __name__ == "__main__":
    main()
