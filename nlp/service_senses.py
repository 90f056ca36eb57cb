"""Word sense for service mentions (spec §3), as data (``service_senses.json``).

Three rules over the taxonomy's matches, each looking only at the tokens of the same sentence:

- *blocks*: a phrase does not count in a context that gives it another sense: "a council tax
  rise" (a tax level, not the revenues service), "the adoption of Microsoft 365", "the
  director of finance", "the Finance and Resources Committee", "Health and Social Care Trust";
- *systems*: finance, HR and payroll followed by a system noun are ``applications``
  ("finance and payroll software", "its core finance, rates and consenting systems");
- *bare words*: "planning", "legal", "property" ... name a service only before a service head
  noun or in a list with other services ("shared planning, housing and environmental health
  teams"), not in "they are planning to".

Example:
    >>> from councilwatch.nlp.pipeline import build_pipeline
    >>> nlp = build_pipeline()
    >>> def ids(text):
    ...     doc = nlp(text)
    ...     return [s.kb_id_ for s in doc.spans["services"]]
    >>> ids("A 4.99% council tax rise.") + ids("They collect council tax.")
    ['revenues_benefits']
    >>> ids("It runs finance and payroll software.")
    ['applications', 'applications']
    >>> ids("They share legal, housing and planning teams.")
    ['legal', 'housing', 'planning']
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .docindex import DocIndex
from .gazetteer import DATA_DIR
from .phrases import WordPhrases

__all__ = ["ServiceSenses"]

Found = list[tuple[int, int, str]]


def _tuples(phrases: list[str]) -> list[tuple[str, ...]]:
    return [tuple(p.lower().split()) for p in phrases]


def _has(
    words: list[str], phrases: list[tuple[str, ...]], window: int = 0, end: bool = False
) -> bool:
    """Whether one of ``phrases`` (token tuples) occurs in ``words``: with a ``window``,
    starting within its first ``window`` words (or, with ``end``, ending within its last)."""
    for p in phrases:
        n = len(p)
        part = words
        if window:
            reach = window + n - 1
            part = words[-reach:] if end else words[:reach]
        if any(tuple(part[i : i + n]) == p for i in range(len(part) - n + 1)):
            return True
    return False


class _Block:
    def __init__(self, rule: dict[str, Any]) -> None:
        self.ids = set(rule["ids"])
        self.phrases = {p.lower() for p in rule.get("phrases", [])}
        self.window = int(rule.get("window", 3))
        self.before = _tuples(rule.get("before", []))
        self.after = _tuples(rule.get("after", []))
        self.unless = _tuples(rule.get("unless", []))
        lengths = [len(p) for p in self.before + self.after + self.unless] or [1]
        self.reach = self.window + max(lengths) - 1

    def applies(self, sid: str, text: str) -> bool:
        return sid in self.ids and (not self.phrases or text in self.phrases)

    def blocks(self, lower: Any, s: int, e: int, sstart: int, send: int) -> bool:
        before = list(lower[max(sstart, s - self.reach) : s])
        after = list(lower[e : min(send, e + self.reach)])
        if "," in before:  # the context ends at a comma: "systems, and council tax bills"
            before = before[len(before) - before[::-1].index(",") :]
        if "," in after:
            after = after[: after.index(",")]
        hit = _has(before, self.before, self.window, end=True) or _has(
            after, self.after, self.window
        )
        return hit and not _has(before + after, self.unless)


class ServiceSenses:
    """The sense rules of ``service_senses.json``, applied to a Doc's service matches."""

    def __init__(self, data_dir: Path | None = None) -> None:
        path = Path(data_dir or DATA_DIR) / "service_senses.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        self.blocks = [_Block(rule) for rule in data["blocks"]]
        systems = data["systems"]
        self.system_ids = set(systems["ids"])
        self.system_nouns = set(systems["nouns"])
        self.system_through = set(systems["through"])
        self.attached = {w.lower() for w in systems["attached"]}
        bare = data["bare"]
        self.bare = {w.lower(): sid for w, sid in bare["words"].items()}
        self.bare_words = WordPhrases(list(bare["words"]))
        self.heads = set(bare["heads"])
        self.separators = set(bare["separators"])
        self.blocked_next = set(bare["blocked_by_next"])
        self.blocked_previous = set(bare["blocked_by_previous"])

    def apply(self, ix: DocIndex, found: Found) -> Found:
        """The matches that keep their sense, systems re-read as ``applications``, and the
        bare words that a head noun or a list makes services, in text order."""
        if not found and self.bare_words.search(ix.text) is None:
            return found
        lower = ix.lower
        covered = {t: sid for s, e, sid in found for t in range(s, e)}
        out: Found = []
        for s, e, sid in found:
            sstart, send = ix.sent_token_bounds(ix.sent_of_token(s))
            text = " ".join(lower[s:e])
            if text in self.attached and self._after_service(ix, s, sstart, covered):
                continue  # "a new CRM platform", "(CRM) systems": the platform is the CRM's
            if any(
                b.applies(sid, text) and b.blocks(lower, s, e, sstart, send) for b in self.blocks
            ):
                continue
            if sid in self.system_ids and self._before_system(lower, e, send, covered):
                sid = "applications"
            out.append((s, e, sid))
        out += self._bare(ix, covered)
        out.sort()
        return out

    @staticmethod
    def _after_service(ix: DocIndex, s: int, sstart: int, covered: dict[int, str]) -> bool:
        t = s - 1
        if t >= sstart and ix.words[t] == ")":
            t -= 1
            if t >= sstart and ix.words[t].isupper():
                t -= 1
            if t >= sstart and ix.words[t] == "(":
                t -= 1
        return t >= sstart and t in covered

    def _before_system(self, lower: Any, e: int, send: int, covered: dict[int, str]) -> bool:
        """Whether a system noun follows, through other services, list words and at most
        two other words in a row ("finance, payroll and property rating systems")."""
        unknown = 0
        for t in range(e, min(send, e + 10)):
            word = lower[t]
            if word in self.system_nouns:
                return True
            if t in covered or word in self.system_through or word in self.bare:
                unknown = 0
            elif word.isalpha() and unknown < 2:
                unknown += 1
            else:
                return False
        return False

    def _bare(self, ix: DocIndex, covered: dict[int, str]) -> Found:
        out: Found = []
        lower = ix.lower
        for m in self.bare_words.finditer(ix.text):
            t = ix.token_at(m.start())
            if t in covered or ix.starts[t] != m.start():
                continue
            sstart, send = ix.sent_token_bounds(ix.sent_of_token(t))
            if t + 1 < send and lower[t + 1] in self.blocked_next:
                continue
            if t > sstart and lower[t - 1] in self.blocked_previous:
                continue
            if self._in_service_list(lower, t, sstart, send, covered):
                out.append((t, t + 1, self.bare[lower[t]]))
        return out

    def _in_service_list(
        self, lower: Any, t: int, sstart: int, send: int, covered: dict[int, str]
    ) -> bool:
        """Whether token ``t`` is followed by a head noun, or sits in a list (items joined
        by separators) that holds another service or ends in a head noun."""
        if t + 1 < send and lower[t + 1] in self.heads:
            return True
        for step in (1, -1):
            j, separated = t + step, False
            while sstart <= j < send and abs(j - t) <= 14:
                word = lower[j]
                if word in self.separators:
                    separated = True
                elif j in covered or word in self.bare:
                    if separated:
                        return True
                elif word in self.heads and step == 1 and separated:
                    return True
                else:
                    break
                j += step
        return False
