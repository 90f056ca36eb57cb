"""Word sense for service mentions (spec §3), as data (``service_senses.json``).

Three rules over the taxonomy's matches, each looking only at the tokens of the same sentence:

- *blocks*: a phrase does not count in a context that gives it another sense: "a council tax
  rise" (a tax level, not the revenues service), "the adoption of Microsoft 365", "the
  director of finance", "the Finance and Resources Committee", "Health and Social Care Trust";
- *systems*: finance, HR and payroll followed by a system noun are ``applications``
  ("finance and payroll software", "its core finance, rates and consenting systems");
- *bare words*: "planning", "legal", "property" ... name a service only before a service head
  noun or in a list with other services ("shared planning, housing and environmental health
  teams"), not in "they are planning to";
- *shared heads*: a modifier joined by "and" to a service phrase shares its head noun when the
  two make a taxonomy phrase: "children's and adult services" holds "children's services",
  "public and environmental health" holds "public health".

Example:
    >>> from councilwatch.nlp.language import build_pipeline
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
    >>> ids("It merges children's and adult services.")
    ['childrens_services', 'adult_social_care']
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .docindex import DocIndex
from .gazetteer import DATA_DIR
from .numwords import parse_number
from .phrases import WordPhrases, fold

__all__ = ["ServiceSenses"]

Found = list[tuple[int, int, str]]


def _tuples(phrases: list[str]) -> list[tuple[str, ...]]:
    """Phrases as lower-case token tuples, a hyphen inside a word its own token as the
    tokenizer has it.

    >>> _tuples(["Low-code", "per cent"])
    [('low', '-', 'code'), ('per', 'cent')]
    """
    return [tuple(re.sub(r"(?<=\w)-(?=\w)", " - ", p.lower()).split()) for p in phrases]


class _PhraseSet:
    """Token-tuple phrases looked up by their first word.

    >>> ps = _PhraseSet(["per cent", "rise"])
    >>> ps.within(["a", "4.9", "per", "cent"], 2, end=True), ps.within(["no", "rise"], 1)
    (True, False)
    """

    def __init__(self, phrases: list[str]) -> None:
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        for p in _tuples(phrases):
            self.by_first.setdefault(p[0], []).append(p)
        self.longest = max((len(p) for ps in self.by_first.values() for p in ps), default=1)

    def within(self, words: list[str], window: int = 0, end: bool = False) -> bool:
        """Whether a phrase occurs in ``words``: with a ``window``, starting within its first
        ``window`` words (or, with ``end``, ending within its last ``window``)."""
        n = len(words)
        for i, w in enumerate(words):
            for p in self.by_first.get(w, ()):
                k = len(p)
                if i + k > n or tuple(words[i : i + k]) != p:
                    continue
                if not window or (i + k > n - window if end else i < window):
                    return True
        return False


def _is_count(word: str) -> bool:
    """Whether ``word`` is a number that counts things: digits or a number word, not "a".

    >>> _is_count("60"), _is_count("twelve"), _is_count("a"), _is_count("schools")
    (True, True, False, False)
    """
    return word[:1].isdigit() or (word not in ("a", "an") and bool(parse_number(word)))


class _Block:
    def __init__(self, rule: dict[str, Any]) -> None:
        self.ids = set(rule["ids"])
        self.phrases = {p.lower() for p in rule.get("phrases", [])}
        self.window = int(rule.get("window", 3))
        self.before = _PhraseSet(rule.get("before", []))
        self.after = _PhraseSet(rule.get("after", []))
        self.unless = _PhraseSet(rule.get("unless", []))
        self.after_count = bool(rule.get("after_count", False))
        longest = max(self.before.longest, self.after.longest, self.unless.longest)
        self.reach = self.window + longest - 1

    def applies(self, sid: str, text: str) -> bool:
        return sid in self.ids and (not self.phrases or text in self.phrases)

    def blocks(self, lower: Any, s: int, e: int, sstart: int, send: int) -> bool:
        before = list(lower[max(sstart, s - self.reach) : s])
        after = list(lower[e : min(send, e + self.reach)])
        if "," in before:  # the context ends at a comma: "systems, and council tax bills"
            before = before[len(before) - before[::-1].index(",") :]
        if "," in after:
            after = after[: after.index(",")]
        hit = (
            self.before.within(before, self.window, end=True)
            or self.after.within(after, self.window)
            or (self.after_count and bool(before) and _is_count(before[-1]))
        )
        return hit and not self.unless.within(before + after)


class ServiceSenses:
    """The sense rules of ``service_senses.json``, applied to a Doc's service matches."""

    def __init__(
        self, data_dir: Path | None = None, phrases: list[tuple[list[str], str, bool]] = ()
    ) -> None:
        """``phrases``: the taxonomy's phrases as (tokens, id, case-sensitive), for the
        shared heads (none: no shared heads)."""
        path = Path(data_dir or DATA_DIR) / "service_senses.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        self.exact_ids = {tuple(t): sid for t, sid, case in phrases if case}
        self.lower_ids = {tuple(w.lower() for w in t): sid for t, sid, case in phrases if not case}
        shared = data["shared_heads"]
        self.joiners = set(shared["joiners"])
        self.modifier_ends = set(shared["modifier_ends"])
        self.blocks_of: dict[str, list[_Block]] = {}
        for rule in data["blocks"]:
            block = _Block(rule)
            for sid in block.ids:
                self.blocks_of.setdefault(sid, []).append(block)
        systems = data["systems"]
        self.system_ids = set(systems["ids"])
        self.system_nouns = set(systems["nouns"])
        self.system_through = set(systems["through"])
        self.attached = {w.lower() for w in systems["attached"]}
        bare = data["bare"]
        self.bare = {w.lower(): sid for w, sid in bare["words"].items()}
        self.bare_words = WordPhrases(list(bare["words"]))
        self.heads = set(bare["heads"])
        self.word_heads = {w.lower(): set(heads) for w, heads in bare["word_heads"].items()}
        self.separators = set(bare["separators"])
        self.blocked_next = set(bare["blocked_by_next"])
        self.blocked_previous = set(bare["blocked_by_previous"])

    def apply(self, ix: DocIndex, found: Found) -> Found:
        """The matches that keep their sense, systems re-read as ``applications``, and the
        bare words that a head noun or a list makes services, in text order."""
        low = fold(ix.text)
        bare = list(self.bare_words.finditer(ix.text, low))
        if not found and not bare:
            return found
        if self.joiners and found:
            found = sorted(found + self._shared_heads(ix, found))
        lower = ix.lower
        covered = {t: sid for s, e, sid in found for t in range(s, e)}
        out: Found = []
        for s, e, sid in found:
            sstart, send = ix.sent_token_bounds(ix.sent_of_token(s))
            text = " ".join(lower[s:e])
            if text in self.attached and self._after_service(ix, s, sstart, covered):
                continue  # "a new CRM platform", "(CRM) systems": the platform is the CRM's
            if any(
                b.applies(sid, text) and b.blocks(lower, s, e, sstart, send)
                for b in self.blocks_of.get(sid, ())
            ):
                continue
            if sid in self.system_ids and self._before_system(lower, e, send, covered):
                sid = "applications"
            out.append((s, e, sid))
        systems = {e - 1 for s, e, sid in out if sid == "applications"}
        out += self._bare(ix, covered, bare, systems)
        out.sort()
        return out

    def _shared_heads(self, ix: DocIndex, found: Found) -> Found:
        """Modifiers before "and" + a service phrase that make a taxonomy phrase with its
        head: "children's" in "children's and adult services" (a one-word modifier, or a
        word and "'s")."""
        words, lower = ix.words, ix.lower
        covered = {t for s, e, _ in found for t in range(s, e)}
        out: Found = []
        for s, e, _ in found:
            if e - s < 2 or s < 2 or lower[s - 1] not in self.joiners:
                continue
            sstart = ix.sent_token_bounds(ix.sent_of_token(s))[0]
            for width in (1, 2):
                ws = s - 1 - width
                if ws < sstart or ws in covered or not words[ws].isalpha():
                    continue
                if width == 2 and lower[ws + 1] not in self.modifier_ends:
                    continue
                sid = self._with_head(words, lower, ws, s, e)
                if sid:
                    out.append((ws, s - 1, sid))
                    covered.update(range(ws, s - 1))
                    break
        return out

    def _with_head(self, words: Any, lower: Any, ws: int, s: int, e: int) -> str | None:
        """The id of the modifier ``words[ws:s-1]`` followed by a tail of ``words[s:e]``."""
        for k in range(s + 1, e):
            exact = tuple(words[ws : s - 1]) + tuple(words[k:e])
            sid = self.exact_ids.get(exact) or self.lower_ids.get(tuple(w.lower() for w in exact))
            if sid:
                return sid
        return None

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

    def _bare(
        self,
        ix: DocIndex,
        covered: dict[int, str],
        matches: list[re.Match[str]],
        systems: set[int],
    ) -> Found:
        """Bare words that a head noun or a list makes services; one before a system noun is
        ``applications`` if its service is a system service or the list item before it is
        an application ("finance, payroll and property rating systems")."""
        out: Found = []
        lower = ix.lower
        for m in matches:
            t = ix.token_at(m.start())
            if t in covered or ix.starts[t] != m.start() or ix.ends[t] != m.end():
                continue
            sstart, send = ix.sent_token_bounds(ix.sent_of_token(t))
            if t + 1 < send and lower[t + 1] in self.blocked_next:
                continue
            if t > sstart and lower[t - 1] in self.blocked_previous:
                continue
            if self._in_service_list(lower, t, sstart, send, covered):
                sid = self.bare[lower[t]]
                if (
                    sid in self.system_ids or self._item_before(lower, t, sstart) in systems
                ) and self._before_system(lower, t + 1, send, covered):
                    sid = "applications"
                out.append((t, t + 1, sid))
        return out

    def _item_before(self, lower: Any, t: int, sstart: int) -> int:
        """The last token of the list item before token ``t`` (-1 if none)."""
        j = t - 1
        while j >= sstart and lower[j] in self.separators:
            j -= 1
        return j if j < t - 1 else -1

    def _in_service_list(
        self, lower: Any, t: int, sstart: int, send: int, covered: dict[int, str]
    ) -> bool:
        """Whether token ``t`` is followed by a head noun (a general one or one of its own
        word's), or sits in a list (items joined by separators) that holds another service or
        ends in a head noun."""
        if t + 1 < send and (
            lower[t + 1] in self.heads or lower[t + 1] in self.word_heads.get(lower[t], ())
        ):
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
