"""Money in pounds sterling: amount, period, span in years and role (spec §2).

Mentions are stored as dicts in ``doc._.money`` and as ``MONEY`` spans in ``doc.spans["money"]``.

Example:
    >>> from councilwatch.nlp.language import build_pipeline
    >>> doc = build_pipeline()("The councils aim to save £4 million a year.")
    >>> m = doc._.money[0]
    >>> m["text"], m["amount_gbp"], m["period"], m["role"]
    ('£4 million', 4000000.0, 'year', 'saving')
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

from spacy.language import Language
from spacy.tokens import Doc, Span

from .docindex import DocIndex, doc_text, records_only
from .extensions import register_extensions, set_extension
from .gazetteer import load_json
from .money_roles import ANAPHORIC, STRONG, RoleResolver
from .numwords import FRACTION_PATTERN, SCALE_PATTERN, WORD_PATTERN, parse_number, scale_of
from .phrases import Folded, fold, is_word, trie_alternation

T = TypeVar("T")

LABEL = "MONEY"
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = rf"(?:{SCALE_PATTERN})\b"
# "£2.7m", "£1.2-1.5m", "£10bn to £12bn", "GBP 500,000"
_AMOUNT = (
    rf"(?P<n1>{_NUM})(?:\s?(?P<s1>{_SCALE}))?"
    rf"(?:\s?(?:-|–|—|to)\s?(?P<p2>£)?(?P<n2>{_NUM})(?:\s?(?P<s2>{_SCALE}))?)?"
)
_POUND_SIGN = re.compile(rf"(?:£|\bGBP\s?){_AMOUNT}", re.IGNORECASE)
# the same without "GBP", for texts without it: ``re`` then skips straight to each "£"
_POUND_SIGN_ONLY = re.compile(rf"£{_AMOUNT}", re.IGNORECASE)
# "4 million pounds", "a third of a billion pounds", "ten million pounds sterling"
_POUND_WORD = re.compile(
    rf"\b(?:(?P<frac>{FRACTION_PATTERN})\s+)?(?P<n>{_NUM}|{WORD_PATTERN})?\s*(?P<s>{_SCALE})?"
    r"\s*(?:pounds(?:\s+sterling)?|sterling)\b",
    re.IGNORECASE,
)
_YEAR_ANCHOR = re.compile(r"year", re.IGNORECASE)
_POUND_ANCHOR = re.compile(r"pounds|sterling", re.IGNORECASE)
# what no _POUND_WORD match holds: it is word characters, whitespace and hyphens, with "." and
# "," only inside numbers
_NOT_POUND_WORD = re.compile(r"[^\w\s.,-]|[.,](?!\d)")
_CLAUSE_END = re.compile(r"[;:!?]|\.(?:\s|$)")
_RANGE_GAP = re.compile(r"\s*(?:-|–|—|to|and)\s*")
_BETWEEN = re.compile(r"\b(?:between|from)\s+$", re.IGNORECASE)
_CUT_BY = re.compile(
    r"\b(?:cut|cuts|cutting|reduce|reduced|reduces|reducing|lower|lowered|lowering|slash|slashed"
    r"|trim|trimmed|shave|shaved)\b[^.;£]{0,60}?\bby\s+(?:around\s+|about\s+|roughly\s+|some\s+"
    r"|up\s+to\s+|more\s+than\s+|almost\s+|nearly\s+|over\s+)?$",
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(r"\b(?:its|their)\s+$", re.IGNORECASE)
# amounts that share one governor: "£1m and £1.5m", "£2m, £3m or £4m"
_JOINED = re.compile(r"\s*(?:,|,?\s*and|,?\s*or)\s*")
# a list item: a short label, then a dash or a colon, then the amount ("Croydon – £61,500 (...)")
_LIST_LABEL = re.compile(
    r"\s*(?:[-•*\u2022]\s*)?[A-Z][^.!?;:£\n]{0,60}?\s*(?:[\u2013\u2014:]|\s-)\s*$"
)
_OF_ANNUAL = re.compile(r"\s+(?:of|in)\s+(?:annual|yearly|recurring)\b", re.IGNORECASE)
_OF_NOUN = re.compile(
    r"\s+(?:of|in)\s+(?:[\w-]+\s+){0,2}?(?P<cue>savings|funding|investment|grants?|fines?"
    r"|spending|cuts|efficiencies|contracts?)\b",
    re.IGNORECASE,
)


class MoneyExtractor:
    """Find pound amounts with regular expressions and classify them from nearby cue words."""

    def __init__(self, data_dir: str | None = None) -> None:
        cues = load_json("money_cues.json", Path(data_dir) if data_dir else None)
        phrases = [(p, role) for role, ps in cues["roles"].items() for p in ps]
        phrases.sort(key=lambda pr: -len(pr[0]))
        self.role_of = {p.lower(): role for p, role in reversed(phrases)}
        self.role_re = _phrase_regex([p for p, _ in phrases])
        self.role_fast = Folded(
            re.compile(rf"(?:{trie_alternation([p.lower() for p, _ in phrases])})(?![\w])"),
            self.role_re,
            lambda c: c == "£" or is_word(c),
        )
        self.max_cue_distance = int(cues["max_cue_distance"])
        self.roles = RoleResolver(cues)
        self.year_after = re.compile(
            r"^[\s,]*(?:-\s*)?(?:" + _alts(cues["year_after"]) + r")(?![a-z])", re.IGNORECASE
        )
        self.year_before = _phrase_regex(cues["year_before"])
        self.span_res = _span_patterns(cues, re.IGNORECASE)
        # the same patterns, lower-case, case-sensitive and without the leading \b (Folded)
        # each with a cheap search for text its matches must contain (skips the pattern,
        # whose first item is tried at every word, when that text is not in the window)
        needs = [re.compile(r"\syear"), re.compile(r"[\s-]years?[\s-]"), re.compile("-year")]
        self.span_fast = [
            Folded(re.compile(fast.pattern.removeprefix(r"\b")), slow, is_word, need)
            for fast, slow, need in zip(
                _span_patterns(cues, 0, lower=True), self.span_res, needs, strict=True
            )
        ]
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        low = fold(text)
        found = _find(text, low)
        mentions: list[dict] = []
        hows: list[str | None] = []
        spans = []
        ix = DocIndex.of(doc) if found else None
        for i, (start, end, amount, gstart, gend) in enumerate(found):
            tokens = ix.char_span_expand(start, end)
            if tokens is None:
                continue
            sent_lo, sent_hi = ix.sent_char_bounds(ix.sent_of_token(tokens[0]))
            prev = mentions[-1] if mentions and found[i - 1][3] == gstart else None
            if prev is not None:  # the second end of a range shares the first end's reading
                period, years, role = prev["period"], prev["years"], prev["role"]
                how = hows[-1]
            else:
                before = _nearest(found[j] for j in range(i - 1, -1, -1) if found[j][4] <= gstart)
                after = _nearest(found[j] for j in range(i + 1, len(found)) if found[j][3] >= gend)
                lo = max(sent_lo, before[4] if before else 0)
                hi = min(sent_hi, after[3] if after else len(text))
                after_amount = before is not None and before[4] > sent_lo
                period = self._period(text, gstart, gend, lo, hi, after_amount)
                years = self._years(text, low, gstart, gend, lo, hi)
                k = ix.sent_of_token(tokens[0])
                last = mentions[-1] if mentions else None
                recent = last is not None and last["start"] >= ix.sent_char_bounds(max(k - 1, 0))[0]
                antecedent = last["role"] if recent else None
                role, how = self._role(text, low, gstart, gend, lo, hi, antecedent)
                recent_lo = sent_lo
                if _POSSESSIVE.search(
                    text, max(0, gstart - 8), gstart
                ):  # "WMCA will use its £5.2m"
                    recent_lo = ix.sent_char_bounds(k - 1)[0] if k else sent_lo
                elif _LIST_LABEL.match(text, sent_lo, gstart):  # "Stockport MBC – £95,000 (...)"
                    recent_lo = ix.sent_char_bounds(max(k - 2, 0))[0]
                joined = mentions and _JOINED.fullmatch(text, found[i - 1][1], gstart)
                if joined and how not in STRONG:  # "would save £1m and £1.5m respectively"
                    role, how = mentions[-1]["role"], hows[-1]
                if role == "other" and how is None:  # "£2.8m, of which £1m ..."
                    last = mentions[-1] if mentions else None  # mentions run in text order
                    same_sent = last if last is not None and last["start"] >= recent_lo else None
                    if same_sent is not None:
                        role = same_sent["role"]
            mentions.append(
                {
                    "text": text[start:end],
                    "amount_gbp": amount,
                    "period": period,
                    "years": years,
                    "role": role,
                    "start": start,
                    "end": end,
                    "sentence": text[sent_lo:sent_hi],
                }
            )
            spans.append(tokens)
            hows.append(how)
        _share_roles(mentions, hows)
        set_extension(doc, "money", mentions)
        if not records_only(doc):
            doc.spans["money"] = [Span(doc, s, e, label=LABEL) for s, e in spans]
        return doc

    @staticmethod
    def find_amounts(text: str) -> list[tuple[int, int, float]]:
        """Return ``(start, end, amount_gbp)`` for each pound amount, in text order.

        Example:
            >>> MoneyExtractor.find_amounts("£1.2-1.5m, not $5m")
            [(0, 4, 1200000.0), (5, 9, 1500000.0)]
        """
        return [(start, end, amount) for start, end, amount, _, _ in _find(text)]

    def _period(
        self, text: str, start: int, end: int, lo: int, hi: int, after_amount: bool = False
    ) -> str:
        if self.year_after.match(text[end:hi]) or _OF_ANNUAL.match(text, end, hi):
            return "year"
        if after_amount:  # "save £4.6m a year once the costs of £3.2m": the rate is the first's
            rate = self.year_after.match(text[lo:start])
            lo = lo + rate.end() if rate else lo
        before = re.split(r"[,;:()]", text[max(lo, start - 40) : start])[-1]
        if self.year_before.search(before):
            return "year"
        return "total"

    def _years(
        self, text: str, low: str | None, start: int, end: int, lo: int, hi: int
    ) -> int | None:
        anchor = _YEAR_ANCHOR.search(text, lo, hi)
        if anchor is None:  # every span pattern has "year" in it
            return None
        best: tuple[int, int] | None = None
        for rx in self.span_fast:
            for m in rx.finditer(text, low, lo, hi):
                dist = start - m.end() if m.end() <= start else max(0, m.start() - end)
                years = parse_number(m["y"])
                if years and 1 <= years <= 50 and (best is None or dist < best[0]):
                    best = (dist, int(years))
        return best[1] if best else None

    def cue_role(self, cue: str) -> str:
        """The role a matched cue word signals, however the text cased it.

        >>> MoneyExtractor().cue_role("SAVINGS")
        'saving'
        """
        role = self.role_of.get(cue.lower())
        if role is None:  # "FİNED".lower() is not "fined": compare as the regex did
            role = next(
                (r for p, r in self.role_of.items() if re.fullmatch(re.escape(p), cue, re.I)),
                "other",
            )
        return role

    def _role(
        self,
        text: str,
        low: str | None,
        start: int,
        end: int,
        lo: int,
        hi: int,
        antecedent: str | None = None,
    ) -> tuple[str, str | None]:
        """``(role, how)``: ``how`` is one of :data:`~councilwatch.nlp.money_roles.STRONG`,
        ``"cut"``, ``"cue"``, ``"compound"``, or ``None`` when nothing governs the amount.
        ``antecedent`` is the role of the amount before, in this sentence or the one before:
        a head that points back ("the figure was closer to £40m") takes it."""
        cut_lo = max(lo, start - 80)
        # _CUT_BY ends in "by ...$": no "by" before the amount, no match (folded text only)
        maybe_cut = low is None or low.find("by", cut_lo, start) >= 0
        cut = maybe_cut and _CUT_BY.search(text, cut_lo, start)
        if cut:  # "cut its connectivity bill by £1.3m"; "its funding was cut by £160m"
            clo = self.roles.clause(text, start, end, lo, hi)[0]
            funding = self.roles.reduces_funding(text, clo, start)  # "cut council funding by"
            return ("funding" if funding else "saving"), "verb"
        governed = self.roles.governing(text, start, end, lo, hi)
        if governed is not None and governed[0] == ANAPHORIC:
            governed = (antecedent, governed[1]) if antecedent else None
        if governed is not None and governed[1] in STRONG:
            return governed
        of = _OF_NOUN.match(text, end, hi)
        if of:  # "£3.5m of government funding", "£10 billion in savings"
            return self.cue_role(of["cue"]), "noun"
        clo, chi = self.roles.clause(text, start, end, lo, hi)
        best: tuple[int, str] | None = None
        for m in self.role_fast.finditer(text, low, clo, chi):
            if m.start() < end and m.end() > start:
                continue
            if m.end() <= start:
                dist = start - m.end()
            else:
                dist = m.start() - end + 5
            if dist <= self.max_cue_distance and (best is None or dist < best[0]):
                best = (dist, self.cue_role(m.group(0)))
        if best is not None:
            return best[1], "cue"
        if governed is not None:
            return governed
        return "other", None


class _Taken:
    """Character ranges already read as amounts; whether a new match overlaps one, in log
    time (a text with many amounts stays linear).

    >>> taken = _Taken([(10, 14), (2, 5)])
    >>> taken.overlaps(4, 8), taken.overlaps(5, 10), taken.overlaps(12, 20)
    (True, False, True)
    """

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        ranges = sorted(ranges)
        self.starts = [a for a, _ in ranges]
        self.reach: list[int] = []  # the furthest end of the ranges up to each one
        for _, b in ranges:
            self.reach.append(max(b, self.reach[-1]) if self.reach else b)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self.starts, end) - 1  # the last range that starts before ``end``
        return i >= 0 and self.reach[i] > start


def _nearest(candidates: Iterator[T]) -> T | None:
    """The first of ``candidates`` (a scan outward from one amount, so the nearest one),
    or None: the scan stops there, and a text with many amounts stays linear.

    >>> _nearest(x for x in (3, 2, 1) if x < 3)
    2
    """
    return next(candidates, None)


def _share_roles(mentions: list[dict], hows: list[str | None]) -> None:
    """An amount that nothing strong governs takes the role of the same amount where
    something does ("Councils join forces on £4.8m system" ... "a £4.8m contract")."""
    known: dict[float, str] = {}
    for m, how in zip(mentions, hows, strict=True):
        if how in STRONG:
            known.setdefault(round(m["amount_gbp"], 2), m["role"])
    for m, how in zip(mentions, hows, strict=True):
        role = known.get(round(m["amount_gbp"], 2))
        if how not in STRONG and role is not None:
            m["role"] = role


def _find(text: str, low: str | None = None) -> list[tuple[int, int, float, int, int]]:
    """``(start, end, amount, group start, group end)``; a range's two ends share a group.
    ``low`` is ``fold(text)`` when the caller has it."""
    out: list[tuple[int, int, float, int, int]] = []
    folded = text.lower() if low is None else low
    if "£" not in text and "GBP" not in text and "pound" not in folded:
        return out
    sign = _POUND_SIGN if "gbp" in folded else _POUND_SIGN_ONLY
    for m in sign.finditer(text):
        if text[m.end() : m.end() + 1] == "%":
            continue
        n1, s1, n2, s2 = m["n1"], m["s1"], m["n2"], m["s2"]
        if n2 is None:
            out.append((m.start(), m.end(), _value(n1, s1), m.start(), m.end()))
            continue
        if s1 is None and s2 is not None and not m["p2"]:
            s1 = s2  # "£1.2-1.5m": the first end borrows the scale
        first_end = m.end("s1") if m["s1"] else m.end("n1")
        out.append((m.start(), first_end, _value(n1, s1), m.start(), m.end()))
        second = m.start("p2") if m["p2"] else m.start("n2")
        out.append((second, m.end(), _value(n2, s2), m.start(), m.end()))
    taken = _Taken([(a, b) for a, b, *_ in out])
    # the word pattern is slow (everything before "pounds" is optional): run it only when
    # its anchor word is there
    if low is not None:  # folded: a plain substring test is the IGNORECASE search
        anchored = "pounds" in low or "sterling" in low
    else:
        anchored = _POUND_ANCHOR.search(text) is not None
    words = _pound_words(text) if anchored else ()
    for m in words:
        if taken.overlaps(m.start(), m.end()):
            continue
        if not (m["n"] or m["s"]) or (m["n"] is None and not m["frac"]):
            continue
        base = parse_number(m["n"]) if m["n"] else 1.0
        if base is None:
            continue
        frac = parse_number(m["frac"]) if m["frac"] else 1.0
        start = m.start("frac") if m["frac"] else m.start("n")
        value = round(base * (frac or 1.0) * scale_of(m["s"]), 2)
        out.append((start, m.end(), value, start, m.end()))
    out.sort()
    # "between £600,000 and £700,000": two amounts joined by "and"/"to" form one range
    for i in range(1, len(out)):
        gap = text[out[i - 1][1] : out[i][0]]
        if _RANGE_GAP.fullmatch(gap) and _BETWEEN.search(
            text, max(0, out[i - 1][0] - 12), out[i - 1][0]
        ):
            gstart = out[i - 1][3]
            out[i - 1] = (*out[i - 1][:3], gstart, out[i][1])
            out[i] = (*out[i][:3], gstart, out[i][1])
    return out


def _pound_words(text: str) -> Iterator[re.Match[str]]:
    """``_POUND_WORD.finditer(text)``, searching only the stretch around each "pounds"/"sterling".

    Every match holds an anchor word, and no character of ``_NOT_POUND_WORD``, so the next
    match is the first one in the stretch from the last such character before the next
    anchor to the first one after it (``re`` otherwise tries the pattern, whose every part
    before "pounds" is optional, at every position of the text).

    >>> [m.group(0) for m in _pound_words("It cost four million pounds; Kent paid 4 pounds.")]
    ['four million pounds', '4 pounds']
    """
    stops = [m.start() for m in _NOT_POUND_WORD.finditer(text)]
    pos = 0
    for anchor in _POUND_ANCHOR.finditer(text):
        if anchor.start() < pos:
            continue  # inside the last match, or in a stretch already searched
        i = bisect_left(stops, anchor.start())
        lo = max(pos, stops[i - 1] + 1 if i else 0)
        hi = stops[i] if i < len(stops) else len(text)
        m = _POUND_WORD.search(text, lo, hi)  # at ``hi`` a non-word character: \b unchanged
        if m is not None:
            yield m
        pos = m.end() if m is not None else hi


def _span_patterns(cues: dict, flags: int, lower: bool = False) -> list[re.Pattern[str]]:
    """Patterns for a span of years: "over four years", "a five-year deal", "10-year"."""
    preps, nouns = cues["span_preps"], cues["span_nouns"]
    if lower:
        preps, nouns = [p.lower() for p in preps], [n.lower() for n in nouns]
    nw = rf"(?:\d+|{WORD_PATTERN})"
    return [
        re.compile(
            rf"\b(?:{_alts(preps)})\s+(?:the\s+)?(?:next\s+|past\s+|last\s+|"
            rf"coming\s+|first\s+|following\s+)?(?P<y>{nw})\s+years?\b",
            flags,
        ),
        re.compile(rf"\b(?P<y>{nw})[\s-]years?[\s-](?:{_alts(nouns)})\b", flags),
        re.compile(rf"\b(?P<y>{nw})-year\b", flags),
    ]


def _alts(phrases: list[str]) -> str:
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len)[::-1])


def _phrase_regex(phrases: list[str]) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w£])(?:{_alts(phrases)})(?![\w])", re.IGNORECASE)


def _value(number: str, scale: str | None) -> float:
    return round(float(number.replace(",", "")) * scale_of(scale), 2)


@Language.factory("money_extractor", default_config={"data_dir": None})
def make_money_extractor(nlp: Language, name: str, data_dir: str | None) -> MoneyExtractor:
    """Factory for :class:`MoneyExtractor`."""
    return MoneyExtractor(data_dir)
