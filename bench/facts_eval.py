"""Generated checks of money roles and arrangements: templates x amount forms x councils.

Money: each template of bench/facts_frames.json (a role cue as verb, of-phrase head or the
noun the amount modifies, before or after it, with misleading keywords of other roles in the
same sentence) is filled with every amount form and a council name; two-amount frames check
that each amount keeps its own clause. Arrangements: real neighbouring councils (nearest
current council of the same type, from the gazetteer's register points) in sharing, provider,
adjacent-sentence, joint-contract, shared-management and ended frames; negatives (a
reorganisation, no sharing) must give no arrangement and private suppliers no partner.

The frames are this script's own templates, not the gold sets' sentences nor the pipeline's
cue files. These are generated sentences, not real news.

Usage (from the repo root):
    .venv/bin/python bench/facts_eval.py                  # every frame, ~4,000 documents
    .venv/bin/python bench/facts_eval.py --pairs 5 --show-misses 3
    .venv/bin/python bench/facts_eval.py --json /tmp/facts-eval.json
"""

from __future__ import annotations

import argparse
import json
import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

from councilwatch.nlp.analyse import analyse_texts
from councilwatch.nlp.gazetteer import load_councils
from councilwatch.nlp.language import build_pipeline

FRAMES = Path(__file__).with_name("facts_frames.json")
#: council types that run services (not combined or strategic authorities)
SERVICE_TYPES = {
    "Non-metropolitan district", "Unitary authority", "Metropolitan district", "London borough",
    "Scottish unitary authority", "Welsh unitary authority", "County", "NI district",
}  # fmt: skip


def load_frames(path: Path = FRAMES) -> dict[str, Any]:
    """The templates.

    >>> sorted(load_frames())[:3]
    ['_doc', 'amounts', 'arrangement_negatives']
    """
    return json.loads(path.read_text(encoding="utf-8"))


def neighbours(councils: list[dict[str, str]], count: int, seed: int = 0) -> list[list[dict]]:
    """``count`` triples of current councils: a council, its nearest council of the same type
    and nation, and the next nearest (by the register's points).

    >>> cs = [{"code": c, "official_name": c, "type": "County", "nation": "E", "end_date": "",
    ...        "lat": str(x), "lon": "0"} for c, x in [("A", 50), ("B", 50.1), ("C", 51), ("D", 53)]]
    >>> [[c["code"] for c in t] for t in neighbours(cs, 1, seed=1)]
    [['B', 'A', 'C']]
    """
    live = [c for c in councils if not c["end_date"] and c["type"] in SERVICE_TYPES and c["lat"]]

    def dist(a: dict, b: dict) -> float:
        dlat = float(a["lat"]) - float(b["lat"])
        dlon = (float(a["lon"]) - float(b["lon"])) * math.cos(math.radians(float(a["lat"])))
        return dlat * dlat + dlon * dlon

    firsts = random.Random(seed).sample(live, min(count, len(live)))
    out = []
    for a in firsts:
        same = [
            c for c in live if c is not a and c["type"] == a["type"] and c["nation"] == a["nation"]
        ]
        same.sort(key=lambda c: dist(a, c))
        if len(same) >= 2:
            out.append([a, same[0], same[1]])
    return out


def money_docs(frames: dict[str, Any], councils: list[dict], pairs: int) -> Iterator[dict]:
    """Money documents: ``{"text", "family", "roles"}`` (one expected role per amount; a range
    counts as two amounts of one role)."""
    names = [c["official_name"] for c in councils]
    rng = random.Random(1)

    def roles_of(amount: str, role: str) -> list[str]:
        return [role, role] if "-" in amount else [role]

    for group in frames["money"]:
        for template in group["templates"]:
            for amount in frames["amounts"]:
                text = template.replace("{S}", rng.choice(names)).replace("{A}", amount)
                yield {"text": text, "family": f"{group['role']} / {group['family']}",
                       "roles": roles_of(amount, group["role"])}  # fmt: skip
    for group in frames["money_pairs"]:
        for template in group["templates"]:
            for amount in frames["amounts"][: max(2, pairs)]:
                second = rng.choice(frames["second_amounts"])
                text = template.replace("{S}", rng.choice(names))
                text = text.replace("{A}", amount).replace("{B}", second)
                first, other = group["roles"]
                yield {"text": text, "family": f"{first}+{other} / {group['family']}",
                       "roles": roles_of(amount, first) + [other]}  # fmt: skip


def arrangement_docs(frames: dict[str, Any], triples: list[list[dict]]) -> Iterator[dict]:
    """Arrangement documents: ``{"text", "family", "councils", "status"}``; negatives have
    ``councils`` None, supplier frames ``supplier``."""
    services = frames["services"]
    for i, (x, y, z) in enumerate(triples):
        values = {"{X}": x["official_name"], "{Y}": y["official_name"],
                  "{Z}": z["official_name"], "{svc}": services[i % len(services)]}  # fmt: skip
        fill = partial(_fill, values=values)
        for group in frames["arrangements"]:
            for template in group["templates"]:
                codes = [x["code"], y["code"]] + ([z["code"]] if "{Z}" in template else [])
                yield {"text": fill(template), "family": group["family"], "councils": codes,
                       "status": group["status"]}  # fmt: skip
        for group in frames["arrangement_negatives"]:
            for template in group["templates"]:
                yield {"text": fill(template), "family": f"negative: {group['family']}",
                       "councils": None, "status": None}  # fmt: skip
        for template in frames["supplier_frames"]:
            yield {"text": fill(template), "family": "private supplier",
                   "councils": [x["code"], y["code"]], "status": None,
                   "supplier": frames["suppliers"]}  # fmt: skip


def _fill(template: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        template = template.replace(key, value)
    return template


def run(pairs: int = 60, seed: int = 0) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Generate, analyse and score every document; return ``(report, misses by family)``."""
    frames = load_frames()
    councils = load_councils()
    triples = neighbours(councils, pairs, seed)
    docs = list(money_docs(frames, councils, pairs)) + list(arrangement_docs(frames, triples))
    nlp = build_pipeline()
    records = analyse_texts(nlp, ((d["text"], None) for d in docs))
    money: dict[str, Counter] = defaultdict(Counter)
    confusion: Counter = Counter()
    arr: dict[str, Counter] = defaultdict(Counter)
    misses: dict[str, list[str]] = defaultdict(list)
    for doc, rec in zip(docs, records, strict=True):
        if "roles" in doc:
            got = [m["role"] for m in rec["money"]]
            c = money[doc["family"]]
            c["docs"] += 1
            c["amounts"] += len(doc["roles"])
            c["found"] += len(got) == len(doc["roles"])
            c["right"] += sum(g == w for g, w in zip(got, doc["roles"], strict=False))
            for g, w in zip(got, doc["roles"], strict=False):
                confusion[(w, g)] += 1
            if got != doc["roles"]:
                misses[doc["family"]].append(f"{got} {doc['text']!r}")
            continue
        _score_arrangement(doc, rec, arr[doc["family"]], misses)
    report = {
        "money": {f: dict(c) for f, c in sorted(money.items())},
        "money_confusion": {f"{w} -> {g}": n for (w, g), n in sorted(confusion.items()) if w != g},
        "arrangements": {f: dict(c) for f, c in sorted(arr.items())},
        "councils": len(triples),
    }
    return report, misses


def _score_arrangement(doc: dict, rec: dict, c: Counter, misses: dict[str, list[str]]) -> None:
    got = [(set(a["councils"]), a["status"], a["partners"]) for a in rec["arrangements"]]
    c["docs"] += 1
    if doc["councils"] is None:
        c["extra"] += len(got)
        if got:
            misses[doc["family"]].append(f"{[sorted(g[0]) for g in got]} {doc['text']!r}")
        return
    linked = {m["code"] for m in rec["councils"]}
    if not set(doc["councils"]) <= linked:
        c["councils not linked"] += 1
        return
    c["linked"] += 1
    want = set(doc["councils"])
    match = [g for g in got if g[0] == want]
    c["found"] += bool(match)
    c["extra"] += len(got) - len(match)
    if match and doc.get("status"):
        c["status right"] += match[0][1] == doc["status"]
    if match and doc.get("supplier"):
        c["supplier as partner"] += any(s in p for s in doc["supplier"] for p in match[0][2])
    if not match or (doc.get("status") and match[0][1] != doc["status"]):
        misses[doc["family"]].append(f"{[(sorted(g[0]), g[1]) for g in got]} {doc['text']!r}")


def format_report(report: dict[str, Any]) -> list[str]:
    """Markdown tables: money role accuracy per family, arrangement recall and status."""
    lines = ["| money frame family | documents | amounts | all found | role accuracy |",
             "|---|---|---|---|---|"]  # fmt: skip
    tot = Counter()
    for family, counts in report["money"].items():
        c = Counter(counts)
        tot.update(c)
        lines.append(f"| {family} | {c['docs']} | {c['amounts']} | {c['found'] / c['docs']:.3f} "
                     f"| {c['right'] / c['amounts']:.3f} |")  # fmt: skip
    if tot["amounts"]:
        lines.append(f"| **all** | {tot['docs']} | {tot['amounts']} | {tot['found'] / tot['docs']:.3f} "
                     f"| **{tot['right'] / tot['amounts']:.3f}** |")  # fmt: skip
    lines += ["", "wrong roles (expected -> got): " + (
        ", ".join(f"{k} {v}" for k, v in report["money_confusion"].items()) or "none")]  # fmt: skip
    lines += ["", f"arrangements over {report['councils']} councils with their two nearest neighbours:",
              "| arrangement frame family | documents | councils linked | found | status right "
              "| extra arrangements | supplier as partner |", "|---|---|---|---|---|---|---|"]  # fmt: skip
    for family, counts in report["arrangements"].items():
        c = Counter(counts)
        linked = c["linked"]
        found = f"{c['found'] / linked:.3f}" if linked else "-"
        status = f"{c['status right'] / c['found']:.3f}" if c["found"] and "negative" not in family \
            and family != "private supplier" else "-"  # fmt: skip
        lines.append(f"| {family} | {c['docs']} | {linked} | {found} | {status} | {c['extra']} "
                     f"| {c['supplier as partner']} |")  # fmt: skip
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=60, help="councils drawn (with neighbours)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show-misses", type=int, default=0, metavar="N")
    parser.add_argument("--json", metavar="FILE", help="write the report as JSON")
    args = parser.parse_args(argv)
    report, misses = run(args.pairs, args.seed)
    print("\n".join(format_report(report)))
    if args.show_misses:
        for family, items in sorted(misses.items()):
            print(f"\n== {family} ({len(items)} misses)")
            print("\n".join(f"  {m}" for m in items[: args.show_misses]))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
