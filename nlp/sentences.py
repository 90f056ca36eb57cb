"""Sentence segmentation that also breaks at line ends (headlines, captions, paragraphs).

Example:
    >>> import spacy
    >>> from councilwatch.nlp import sentences  # noqa: F401  (registers the factory)
    >>> nlp = spacy.blank("en")
    >>> _ = nlp.add_pipe("line_sentencizer")
    >>> [s.text for s in nlp("A headline\\n\\nThe body. It goes on").sents]
    ['A headline\\n\\n', 'The body.', 'It goes on']
"""

from __future__ import annotations

import re
from bisect import bisect_left

import numpy as np
from spacy.attrs import ORTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

from .docindex import DocIndex, records_only

_NEWLINE_RUN = re.compile(r"\n\s*")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# "£2.7m. Canterbury": the tokenizer keeps "m." whole, so punctuation rules miss the full stop
_ABBREV_STOP = re.compile(r"\d ?(?:m|p)\.\s+(?=[\"“‘(]?[A-Z])")


class LineSentencizer:
    """spaCy's rule-based sentencizer plus a sentence start after every line break.

    Works on plain lists: sentence-final tokens are found by searching the text for the
    punctuation characters (single characters, as spaCy's defaults are; otherwise by ORTH),
    and only the tokens after them are looked at. The sentence starts are written to the
    Doc's :class:`~councilwatch.nlp.docindex.DocIndex` and, unless it is processed for its
    records only, to the Doc itself (``SENT_START``).
    """

    def __init__(self, punct_chars: list[str] | None = None) -> None:
        self.punct_chars = list(punct_chars or Sentencizer.default_punct_chars)
        self._final_orths: set[int] | None = None
        # single characters are found in the text (str.find) instead of reading every token
        self._single = all(len(c) == 1 for c in self.punct_chars)
        self._ascii_finals = [c for c in self.punct_chars if c.isascii()]
        self._other_finals = {c for c in self.punct_chars if not c.isascii()}

    def _final_tokens(self, doc: Doc, ix: DocIndex) -> set[int]:
        """Indices of the tokens that are sentence-final punctuation."""
        if not self._single:
            if self._final_orths is None:
                strings = doc.vocab.strings
                self._final_orths = {strings.add(c) for c in self.punct_chars}
            finals = self._final_orths
            return {i for i, orth in enumerate(doc.to_array(ORTH).tolist()) if orth in finals}
        text, starts, ends, n = ix.text, ix.starts, ix.ends, len(ix.starts)
        chars = self._ascii_finals
        if not text.isascii():
            chars = chars + sorted(set(_NON_ASCII.findall(text)) & self._other_finals)
        final = set()
        for char in chars:
            pos = text.find(char)
            while pos >= 0:
                i = bisect_left(starts, pos)
                if i < n and starts[i] == pos and ends[i] == pos + 1:
                    final.add(i)
                pos = text.find(char, pos + 1)
        return final

    def _sentence_starts(self, doc: Doc, ix: DocIndex) -> list[int]:
        """spaCy's Sentencizer rule: a sentence starts at the first token that is neither
        punctuation nor a sentence-final character after a sentence-final token."""
        text, starts, punct = ix.text, ix.starts, ix.punct
        n = len(starts)
        final = self._final_tokens(doc, ix)
        out = {0}
        for i in sorted(final):
            j = i + 1
            while j < n and (j in final or punct[j]):
                j += 1
            if j < n:
                out.add(j)
        # a break before the first token after each line end or "£2.7m." full stop
        if n >= 2 and ("\n" in text or "." in text):
            positions = [m.end() for m in _ABBREV_STOP.finditer(text)]
            positions += [m.end() for m in _NEWLINE_RUN.finditer(text)]
            for pos in positions:
                i = bisect_left(starts, pos)
                if 0 < i < n:
                    out.add(i)
        return sorted(out)

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0:
            return doc
        ix = DocIndex.of(doc)
        sent_starts = self._sentence_starts(doc, ix)
        ix.set_sentences(sent_starts)
        if records_only(doc):
            return doc
        flags = np.full((len(doc), 1), -1, dtype="int32")
        flags[sent_starts] = 1
        doc.from_array([SENT_START], flags.astype("uint64"))
        return doc


@Language.factory("line_sentencizer", default_config={"punct_chars": None})
def make_line_sentencizer(
    nlp: Language, name: str, punct_chars: list[str] | None
) -> LineSentencizer:
    """Factory for :class:`LineSentencizer`."""
    return LineSentencizer(punct_chars)
