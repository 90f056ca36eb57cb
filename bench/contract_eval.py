"""Generated contract check: the frames of contract_frames.json, filled with every supplier of
the supplier table in its name forms, councils and statuses, through the pipeline's API.

Each positive document states one contract (a council or two, a supplier, a status, and a
value and term where the frame has them) and expects exactly that contract back; each negative
document (a non-council buyer, a supplier only expected to bid, no supplier, no council) expects
no contract. Scored: the supplier linked in every document that names it, contracts found (council
set and supplier), status and value accuracy over those found, and negatives with a contract.
These are generated sentences, not real news: they check every supplier and status the same way,
so a supplier whose name the linker misses, or a status cue that stops working, shows up here.

Usage (from the repo root):
    .venv/bin/python bench/contract_eval.py                          # every supplier, ~6,000 documents
    .venv/bin/python bench/contract_eval.py --sample 10 --seed 3 --show-misses 5
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from councilwatch.nlp.analyse import analyse_texts
from councilwatch.nlp.language import build_pipeline
from councilwatch.nlp.supplier_table import load_suppliers

FRAMES = Path(__file__).with_name("contract_frames.json")
YEARS = ["two", "three", "four", "five", "seven", "ten", "twelve"]
WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "seven": 7, "ten": 10, "twelve": 12}


@dataclass
class Doc:
    """A generated document and what it states."""

    id: str
    text: str
    supplier: str
    name: str
    frame: str
    councils: list[str] = field(default_factory=list)
    status: str | None = None  # None: no contract expected
    value: float | None = None
    years: float | None = None
    names_supplier: bool = True


class Generator:
    """Documents from the frames, one per (supplier, frame), councils and forms drawn with a seed.

    >>> gen = Generator(json.loads(FRAMES.read_text(encoding="utf-8")), seed=1)
    >>> docs = gen.documents([{"id": "capita", "name": "Capita"}])
    >>> sum(d.status is not None for d in docs), sum(d.status is None for d in docs)
    (18, 6)
    >>> "Capita" in docs[0].text
    True
    """

    def __init__(self, frames: dict[str, Any], seed: int = 0) -> None:
        self.frames = frames
        self.rng = random.Random(seed)

    def documents(self, suppliers: Iterable[dict[str, Any]]) -> list[Doc]:
        docs = []
        for s in suppliers:
            for frame in self.frames["positive"] + self.frames["negative"]:
                docs.append(self._doc(s, frame))
        return docs

    def _doc(self, supplier: dict[str, Any], frame: dict[str, Any]) -> Doc:
        rng = self.rng
        (code, council), (code2, council2) = rng.sample(self.frames["councils"], 2)
        form = rng.choice(self.frames["forms"]) if " " not in supplier["name"] else "{name}"
        name = form.format(name=supplier["name"])
        millions = rng.choice([2, 5, 12, 24, 48, 96, 160, 320])
        years = rng.choice(YEARS)
        year = rng.randint(2010, 2022)
        text = frame["text"].format(
            council=council, council2=council2, supplier=name, value=f"£{millions}m",
            years=years, year=year,
        )  # fmt: skip
        text = text[0].upper() + text[1:]
        doc = Doc(f"{supplier['id']}/{frame['id']}", text, supplier["id"], name, frame["id"])
        if "status" in frame:
            doc.councils = sorted([code, code2] if frame.get("joint") else [code])
            doc.status = frame["status"]
            doc.value = millions * 1e6 if frame["value"] else None
            doc.years = WORDS[years] if frame["years"] else None
        else:
            doc.names_supplier = frame["supplier"]
        return doc


@dataclass
class Scores:
    """Counts of the check."""

    docs: int = 0
    named: int = 0
    linked: int = 0
    expected: int = 0
    found: int = 0
    status_ok: int = 0
    value_ok: int = 0
    years_ok: int = 0
    negatives: int = 0
    negatives_with_contract: int = 0
    misses: list[str] = field(default_factory=list)

    def line(self) -> str:
        def share(a: int, b: int) -> str:
            return f"{a / b:.3f}" if b else "-"

        return (
            f"{self.docs} documents: supplier linked {share(self.linked, self.named)} "
            f"({self.linked}/{self.named}); contracts found {share(self.found, self.expected)} "
            f"({self.found}/{self.expected}); over those found, status "
            f"{share(self.status_ok, self.found)}, value {share(self.value_ok, self.found)}, "
            f"term {share(self.years_ok, self.found)}; negatives with a contract "
            f"{self.negatives_with_contract}/{self.negatives}"
        )


def score(docs: list[Doc], records: Iterable[dict[str, Any]]) -> Scores:
    """Compare each document's record with what it states."""
    s = Scores()
    for doc, rec in zip(docs, records, strict=True):
        s.docs += 1
        ids = {m["id"] for m in rec["suppliers"]}
        if doc.names_supplier:
            s.named += 1
            s.linked += doc.supplier in ids
            if doc.supplier not in ids:
                s.misses.append(f"{doc.id}: {doc.name!r} not linked in {doc.text!r}")
        contracts = rec["contracts"]
        if doc.status is None:
            s.negatives += 1
            s.negatives_with_contract += bool(contracts)
            if contracts:
                s.misses.append(f"{doc.id}: unexpected contract in {doc.text!r}")
            continue
        s.expected += 1
        match = [
            c
            for c in contracts
            if sorted(c["councils"]) == doc.councils and c["supplier"] == doc.supplier
        ]
        if len(match) != 1 or len(contracts) != 1:
            s.misses.append(
                f"{doc.id}: {[(c['councils'], c['supplier']) for c in contracts]} in {doc.text!r}"
            )
            continue
        c = match[0]
        s.found += 1
        s.status_ok += c["status"] == doc.status
        s.value_ok += c["value_gbp"] == doc.value
        s.years_ok += doc.years is None or c["years"] == doc.years
        if c["status"] != doc.status or c["value_gbp"] != doc.value:
            s.misses.append(
                f"{doc.id}: status {c['status']} (want {doc.status}), value {c['value_gbp']} "
                f"(want {doc.value}) in {doc.text!r}"
            )
    return s


def run(sample: int | None = None, seed: int = 0) -> Scores:
    """Generate, analyse and score; ``sample`` suppliers drawn with ``seed`` (all when None)."""
    suppliers = load_suppliers()
    if sample is not None and sample < len(suppliers):
        suppliers = random.Random(seed).sample(suppliers, sample)
    docs = Generator(json.loads(FRAMES.read_text(encoding="utf-8")), seed).documents(suppliers)
    records = analyse_texts(build_pipeline(), [(d.text, "2021-06-01") for d in docs])
    return score(docs, records)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=None, help="suppliers to draw (default all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show-misses", type=int, default=0, metavar="N")
    parser.add_argument("--json", type=Path, help="write the counts here")
    args = parser.parse_args()
    started = time.perf_counter()
    scores = run(args.sample, args.seed)
    print(scores.line())
    print(f"({time.perf_counter() - started:.1f} s)")
    for miss in scores.misses[: args.show_misses]:
        print("  " + miss)
    if args.json:
        counts = {k: v for k, v in vars(scores).items() if k != "misses"}
        args.json.write_text(json.dumps(counts, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
