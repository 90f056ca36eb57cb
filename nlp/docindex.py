"""Per-Doc character index shared by the components: token offsets and sentence bounds.

Iterating spaCy ``Token``/``Span`` objects from Python is the slow part of a pipeline; this
index is built once per Doc (by ``line_sentencizer``) as plain lists of character offsets,
so components look tokens and sentences up with list indexing and ``bisect`` instead.
It lives in ``doc.user_data`` as plain lists (msgpack-safe, so ``Doc.to_bytes`` still works).

Example:
    >>> import spacy
    >>> doc = spacy.blank("en")("Kent saved £2m. It goes on")
    >>> ix = DocIndex.of(doc)
    >>> ix.words[:3], ix.token_at(5)
    (['Kent', 'saved', '£'], 1)
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from typing import Any, TypeVar

from spacy.attrs import IDX, IS_PUNCT, LENGTH
from spacy.tokens import Doc

KEY = "councilwatch.index"
TEXT_KEY = "councilwatch.text"
# set by ``analyse_texts``, which reads the facts from ``user_data``: the components then skip
# the spaCy structures nobody will read (sentence starts, ``doc.ents``, ``doc.spans``)
RECORDS_ONLY_KEY = "councilwatch.records_only"

__all__ = ["DocIndex", "TokenTexts", "doc_text", "filter_ranges", "records_only"]

T = TypeVar("T")


def filter_ranges(items: list[tuple[int, int, T]]) -> list[tuple[int, int, T]]:
    """``spacy.util.filter_spans`` on ``(start, end, payload)`` token ranges: longest first,
    then earliest (ties keep their order), none sharing a token; result in text order.

    Example:
        >>> filter_ranges([(0, 1, "a"), (0, 2, "b"), (1, 3, "c"), (3, 4, "d")])
        [(0, 2, 'b'), (3, 4, 'd')]
    """
    ordered = sorted(items, key=lambda it: (it[1] - it[0], -it[0]), reverse=True)
    seen: set[int] = set()
    out = []
    for item in ordered:
        start, end = item[0], item[1]
        if start not in seen and end - 1 not in seen:
            out.append(item)
            seen.update(range(start, end))
    out.sort(key=lambda it: it[0])
    return out


def records_only(doc: Doc) -> bool:
    """Whether the Doc is processed for its records only (see ``RECORDS_ONLY_KEY``)."""
    return doc.user_data.get(RECORDS_ONLY_KEY, False)


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per Doc (spaCy rebuilds it from the tokens on every call)."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


# Docs with more tokens than this look token texts up one at a time: the components read only
# the few around their matches, and building the full lists would cost more
LAZY_FROM = 300


class TokenTexts:
    """The token texts of a Doc, looked up on demand, indexed and sliced like a list.

    >>> texts = TokenTexts("Kent saved £2m", [0, 5, 11, 12], [4, 10, 12, 14], str.upper)
    >>> texts[1], texts[-1], texts[1:3], len(texts)
    ('SAVED', '2M', ['SAVED', '£'], 4)
    """

    __slots__ = ("text", "starts", "ends", "convert")

    def __init__(
        self,
        text: str,
        starts: list[int],
        ends: list[int],
        convert: Callable[[str], str] | None = None,
    ) -> None:
        self.text, self.starts, self.ends, self.convert = text, starts, ends, convert

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, i: int | slice) -> str | list[str]:
        text, convert = self.text, self.convert
        if isinstance(i, slice):
            words = [text[s:e] for s, e in zip(self.starts[i], self.ends[i], strict=True)]
            return [convert(w) for w in words] if convert else words
        word = text[self.starts[i] : self.ends[i]]
        return convert(word) if convert else word


_last: tuple[dict[str, Any] | None, Any] = (None, None)  # see DocIndex.of


class DocIndex:
    """Token start/end characters, punctuation flags and sentence starts of one Doc."""

    __slots__ = ("text", "starts", "ends", "punct", "sent_tokens", "sent_chars", "_data")

    def __init__(self, text: str, data: dict[str, Any]) -> None:
        self.text = text
        self._data = data
        self.starts: list[int] = data["starts"]
        self.ends: list[int] = data["ends"]
        self.punct: list[int] = data["punct"]
        self.sent_tokens: list[int] = data.get("sent_tokens") or [0]
        self.sent_chars: list[int] = data.get("sent_chars") or [0]

    @classmethod
    def of(cls, doc: Doc) -> DocIndex:
        """The Doc's index, built (without sentence bounds beyond one) if missing.

        The components ask for the same Doc's index one after another, so the last one made
        is kept (with its data, whose identity marks the Doc it belongs to).
        """
        global _last
        data = doc.user_data.get(KEY)
        if data is None:
            arr = doc.to_array([IDX, LENGTH, IS_PUNCT])
            data = {
                "starts": arr[:, 0].tolist(),
                "ends": (arr[:, 0] + arr[:, 1]).tolist(),
                "punct": arr[:, 2].tolist(),
            }
            doc.user_data[KEY] = data
        else:
            last_data, last = _last
            if last_data is data:
                return last
        ix = cls(doc_text(doc), data)
        _last = (data, ix)
        return ix

    def set_sentences(self, sent_tokens: list[int]) -> None:
        """Record the sentence-start token indices (sorted, starting with 0)."""
        self.sent_tokens = sent_tokens
        self.sent_chars = [self.starts[i] for i in sent_tokens]
        self._data["sent_tokens"] = sent_tokens
        self._data["sent_chars"] = self.sent_chars

    @property
    def words(self) -> list[str] | TokenTexts:
        """Token texts: a list (computed once), or for long Docs a :class:`TokenTexts`."""
        words = self._data.get("words")
        if words is None:
            text = self.text
            if len(self.starts) > LAZY_FROM:  # kept too: a long Doc asks for it often
                words = self._data["words"] = TokenTexts(text, self.starts, self.ends)
                return words
            words = self._data["words"] = [
                text[s:e] for s, e in zip(self.starts, self.ends, strict=True)
            ]
        return words

    @property
    def lower(self) -> list[str] | TokenTexts:
        """Lower-cased token texts, as :attr:`words`."""
        lower = self._data.get("lower")
        if lower is None:
            low = self._data.get("text_lower")
            if low is None:
                low = self._data["text_lower"] = self.text.lower()
            # slices of the lower-cased text are the lower-cased tokens when lower-casing
            # keeps every offset and has no context rule (final sigma)
            sliced = len(low) == len(self.text) and "\u03a3" not in self.text
            if len(self.starts) > LAZY_FROM:  # kept, so the text is scanned once, not per call
                if sliced:
                    lower = TokenTexts(low, self.starts, self.ends)
                else:
                    lower = TokenTexts(self.text, self.starts, self.ends, str.lower)
            elif sliced:
                lower = [low[s:e] for s, e in zip(self.starts, self.ends, strict=True)]
            else:
                lower = [w.lower() for w in self.words]
            self._data["lower"] = lower
        return lower

    def __len__(self) -> int:
        return len(self.starts)

    def token_at(self, char: int) -> int:
        """Index of the token containing (or starting after whitespace before) ``char``."""
        return bisect_right(self.starts, char) - 1

    def sent_of_token(self, i: int) -> int:
        """Index of the sentence holding token ``i``."""
        return bisect_right(self.sent_tokens, i) - 1

    def sent_token_bounds(self, k: int) -> tuple[int, int]:
        """``(start token, end token)`` of sentence ``k``."""
        st = self.sent_tokens
        return st[k], st[k + 1] if k + 1 < len(st) else len(self.starts)

    def sent_char_bounds(self, k: int) -> tuple[int, int]:
        """``(start_char, end_char)`` of sentence ``k``, as ``Span.start_char``/``end_char``."""
        start, end = self.sent_token_bounds(k)
        return self.starts[start], self.ends[end - 1]

    def sent_text(self, k: int) -> str:
        """Text of sentence ``k`` (``Span.text``)."""
        a, b = self.sent_char_bounds(k)
        return self.text[a:b]

    def span_text(self, start: int, end: int) -> str:
        """Text of tokens ``start:end`` (``Span.text``); empty for an empty range."""
        if end <= start:
            return ""
        return self.text[self.starts[start] : self.ends[end - 1]]

    def char_span_expand(self, start: int, end: int) -> tuple[int, int] | None:
        """Token range ``(start, end)`` of ``Doc.char_span(start, end, alignment_mode="expand")``,
        or ``None`` where that returns ``None``."""
        n = len(self.text)
        first = bisect_right(self.starts, start) - 1 if 0 <= start < n else -1
        last = bisect_right(self.starts, end - 1) - 1 if 0 <= end - 1 < n else -1
        if first < 0 or last < 0:
            return None
        if start == self.ends[first]:  # trailing whitespace is not part of the token
            first += 1
        return first, last + 1
