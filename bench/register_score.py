"""Scores of the register-driven evaluation and their Markdown tables.

A document's prediction is the set of council codes the pipeline linked in it. On a positive
document (``expect`` not empty) every expected code is found or missed, and every other code
is an *extra* (a false positive); on a negative document (``kind == "negative"``) any code at
all is a false link. Recall is micro-averaged over expected codes.

Example:
    >>> docs = [{"id": "a", "expect": ["CMD"], "form": "lb", "frame": "agreed-1",
    ...          "family": "agreed", "kind": "form", "type": "LBO", "text": "LB Camden agreed."},
    ...         {"id": "b", "expect": [], "form": "police", "frame": "police-1",
    ...          "family": "negative", "kind": "negative", "type": "CTY", "text": "Kent Police"}]
    >>> s = score(docs, {"a": ["CMD", "ISL"], "b": ["KEN"]}, {"CMD": ("London borough", "England")})
    >>> s.forms[("form", "lb")].recall, s.forms[("form", "lb")].extra, s.negatives["police"].links
    (1.0, 1, 1)
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

RECALL_TARGET = 0.99


@dataclass
class CodeTally:
    """Expected codes and how many of them were found (per council type and nation)."""

    expected: int = 0
    found: int = 0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "recall": round(self.recall, 4)}


@dataclass
class Tally(CodeTally):
    """Expected codes found and extra codes over a set of positive documents."""

    docs: int = 0
    extra: int = 0
    docs_with_extra: int = 0

    def add(self, expect: set[str], got: set[str]) -> None:
        self.docs += 1
        self.expected += len(expect)
        self.found += len(expect & got)
        self.extra += len(got - expect)
        self.docs_with_extra += bool(got - expect)


@dataclass
class NegativeTally:
    """Links made on documents that name no council."""

    docs: int = 0
    docs_linked: int = 0
    links: int = 0
    codes: Counter = field(default_factory=Counter)

    def add(self, got: set[str]) -> None:
        self.docs += 1
        self.docs_linked += bool(got)
        self.links += len(got)
        self.codes.update(got)

    def as_dict(self) -> dict[str, Any]:
        return {"docs": self.docs, "docs_linked": self.docs_linked, "links": self.links,
                "codes": dict(self.codes.most_common())}  # fmt: skip


@dataclass
class Scores:
    """All figures of one run."""

    positive: Tally = field(default_factory=Tally)
    negative: NegativeTally = field(default_factory=NegativeTally)
    forms: dict[tuple[str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))
    families: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    kinds: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    types: dict[str, CodeTally] = field(default_factory=lambda: defaultdict(CodeTally))
    nations: dict[str, CodeTally] = field(default_factory=lambda: defaultdict(CodeTally))
    negatives: dict[str, NegativeTally] = field(default_factory=lambda: defaultdict(NegativeTally))
    misses: dict[str, list[tuple[dict, list[str]]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def below_target(self) -> list[str]:
        """Positive forms under the recall target and negative kinds with any link."""
        low = [
            f"{kind}/{form}" for (kind, form), t in self.forms.items() if t.recall < RECALL_TARGET
        ]
        return low + [f"negative/{k}" for k, t in self.negatives.items() if t.links]

    def as_dict(self) -> dict[str, Any]:
        return {
            "positive": self.positive.as_dict(),
            "negative": self.negative.as_dict(),
            "forms": {f"{k}/{f}": t.as_dict() for (k, f), t in sorted(self.forms.items())},
            "families": {k: t.as_dict() for k, t in sorted(self.families.items())},
            "kinds": {k: t.as_dict() for k, t in sorted(self.kinds.items())},
            "types": {k: t.as_dict() for k, t in sorted(self.types.items())},
            "nations": {k: t.as_dict() for k, t in sorted(self.nations.items())},
            "negatives": {k: t.as_dict() for k, t in sorted(self.negatives.items())},
            "targets": {"recall_per_form": RECALL_TARGET, "negative_links": 0,
                        "below_target": self.below_target()},
        }  # fmt: skip


def score(
    docs: Iterable[Mapping[str, Any]],
    predictions: Mapping[str, Iterable[str]],
    councils: Mapping[str, tuple[str, str]],
) -> Scores:
    """Score ``predictions`` (document id -> linked codes) against the documents.

    ``councils`` maps a code to its (type name, nation) for the per-type and per-nation
    tables. A document without a prediction counts as one that linked nothing.
    """
    out = Scores()
    for doc in docs:
        got = set(predictions.get(doc["id"], ()))
        expect = set(doc["expect"])
        if expect != got:
            out.misses[doc["form"]].append((dict(doc), sorted(got)))
        if doc["kind"] == "negative":
            out.negative.add(got)
            out.negatives[doc["form"]].add(got)
            continue
        for tally in (out.positive, out.forms[(doc["kind"], doc["form"])],
                      out.families[doc["family"]], out.kinds[doc["kind"]]):  # fmt: skip
            tally.add(expect, got)
        for code in expect:
            type_name, nation = councils.get(code, ("unknown", "unknown"))
            for tally in (out.types[type_name], out.nations[nation]):
                tally.expected += 1
                tally.found += code in got
    return out


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _table(head: list[str], rows: Iterable[list[object]]) -> list[str]:
    return [_row(*head), _row(*["---"] * len(head)), *(_row(*r) for r in rows)]


def _recall(value: float, target: float | None = RECALL_TARGET) -> str:
    text = f"{value:.3f}"
    return f"**{text}**" if target is not None and value < target else text


def _tally_cells(t: Tally) -> list[object]:
    return [
        f"{t.docs:,}",
        f"{t.expected:,}",
        _recall(t.recall),
        f"{t.extra:,}",
        f"{t.docs_with_extra:,}",
    ]


TALLY_HEAD = ["documents", "codes expected", "recall", "extra codes", "documents with extra"]


def report(scores: Scores) -> list[str]:
    """The Markdown tables of a run (recall under the target in bold)."""
    lines = ["#### All documents", ""]
    neg = scores.negative
    lines += _table(
        ["", *TALLY_HEAD],
        [["positive (a council is named)", *_tally_cells(scores.positive)],
         ["negative (no council is named)", f"{neg.docs:,}", "–", "–", f"{neg.links:,} linked",
          f"{neg.docs_linked:,}"]],
    )  # fmt: skip
    at_target = sum(t.recall >= RECALL_TARGET for t in scores.forms.values())
    clean = sum(not t.links for t in scores.negatives.values())
    lines += ["", f"Positive forms at the recall target: {at_target} of {len(scores.forms)}; "
              f"negative kinds with no link: {clean} of {len(scores.negatives)}."]  # fmt: skip
    lines += ["", "#### Recall per form (target ≥ 0.99)", ""]
    lines += _table(
        ["category", "form", *TALLY_HEAD],
        ([k, f, *_tally_cells(t)] for (k, f), t in sorted(scores.forms.items(), key=_form_order)),
    )
    lines += ["", "#### Recall per frame family", ""]
    lines += _table(
        ["family", *TALLY_HEAD], ([k, *_tally_cells(t)] for k, t in sorted(scores.families.items()))
    )
    for title, table in (("council type", scores.types), ("nation", scores.nations)):
        lines += ["", f"#### Recall per {title} (every expected code, all positive documents)", ""]
        lines += _table(
            [title, "codes expected", "found", "recall"],
            (
                [k, f"{t.expected:,}", f"{t.found:,}", _recall(t.recall)]
                for k, t in sorted(table.items())
            ),
        )
    lines += ["", "#### Negative frames (target: no council linked)", ""]
    lines += _table(
        ["kind", "documents", "documents with a link", "links", "codes linked most"],
        ([k, f"{t.docs:,}", f"{t.docs_linked:,}", f"{t.links:,}",
          ", ".join(f"{c} {n}" for c, n in t.codes.most_common(3))]
         for k, t in sorted(scores.negatives.items())),
    )  # fmt: skip
    return lines


CATEGORY_ORDER = ("form", "lookalike", "list", "elliptical", "date")


def _form_order(item: tuple[tuple[str, str], Tally]) -> tuple[int, str]:
    (kind, form), _ = item
    return (CATEGORY_ORDER.index(kind) if kind in CATEGORY_ORDER else len(CATEGORY_ORDER), form)


def show_misses(scores: Scores, per_form: int) -> list[str]:
    """Up to ``per_form`` documents per form whose prediction differs from ``expect``."""
    lines: list[str] = []
    for form, misses in sorted(scores.misses.items()):
        lines += ["", f"#### Misses: {form} ({len(misses):,})", ""]
        for doc, got in misses[:per_form]:
            date = f" (published {doc['published']})" if doc.get("published") else ""
            lines.append(f"- {doc['text']!r}{date}: expected {doc['expect']}, linked {got}")
    return lines
