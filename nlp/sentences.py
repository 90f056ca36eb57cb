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

import numpy as np
from spacy.attrs import IDX, IS_PUNCT, ORTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

_NEWLINE_RUN = re.compile(r"\n\s*")
# "£2.7m. Canterbury": the tokenizer keeps "m." whole, so punctuation rules miss the full stop
_ABBREV_STOP = re.compile(r"\d ?(?:m|p)\.\s+(?=[\"“‘(]?[A-Z])")


class LineSentencizer:
    """spaCy's rule-based sentencizer plus a sentence start after every line break."""

    def __init__(self, punct_chars: list[str] | None = None) -> None:
        self.punct_chars = list(punct_chars or Sentencizer.default_punct_chars)
        self._punct_orths: np.ndarray | None = None

    def _sentencize(self, doc: Doc) -> Doc:
        """spaCy's Sentencizer rule, vectorised: a sentence starts at the first token that is
        not punctuation after a sentence-final character ("." "!" "?" ...)."""
        if self._punct_orths is None:
            strings = doc.vocab.strings
            self._punct_orths = np.array([strings.add(c) for c in self.punct_chars], "uint64")
        arr = doc.to_array([ORTH, IS_PUNCT])
        is_final = np.isin(arr[:, 0], self._punct_orths)
        candidates = np.flatnonzero(~(is_final | (arr[:, 1] == 1)))
        ends = np.flatnonzero(is_final)
        idx = np.searchsorted(candidates, ends, side="right")
        starts = candidates[idx[idx < len(candidates)]]
        sent_starts = np.full(len(doc), -1, dtype="int32")
        sent_starts[starts] = 1
        sent_starts[0] = 1
        doc.from_array([SENT_START], sent_starts.reshape(-1, 1).astype("uint64"))
        return doc

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0:
            return doc
        doc = self._sentencize(doc)
        text = doc.text
        if len(doc) < 2 or ("\n" not in text and "." not in text):
            return doc
        starts = doc.to_array([IDX]).reshape(-1).astype(np.int64)
        # a break before the first token after each line end or "£2.7m." full stop
        positions = [m.end() for m in _ABBREV_STOP.finditer(text)]
        positions += [m.end() for m in _NEWLINE_RUN.finditer(text)]
        if not positions:
            return doc
        idx = np.searchsorted(starts, np.asarray(positions, dtype=np.int64), side="left")
        idx = idx[(idx > 0) & (idx < len(doc))]
        if not len(idx):
            return doc
        sent_starts = doc.to_array([SENT_START]).reshape(-1)
        sent_starts[idx] = 1
        doc.from_array([SENT_START], sent_starts.reshape(-1, 1))
        return doc


@Language.factory("line_sentencizer", default_config={"punct_chars": None})
def make_line_sentencizer(
    nlp: Language, name: str, punct_chars: list[str] | None
) -> LineSentencizer:
    """Factory for :class:`LineSentencizer`."""
    return LineSentencizer(punct_chars)
