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
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

_NEWLINE_RUN = re.compile(r"\n\s*")
# "£2.7m. Canterbury": the tokenizer keeps "m." whole, so punctuation rules miss the full stop
_ABBREV_STOP = re.compile(r"\d ?(?:m|p)\.\s+(?=[\"“‘(]?[A-Z])")


class LineSentencizer:
    """spaCy's rule-based sentencizer plus a sentence start after every line break."""

    def __init__(self, punct_chars: list[str] | None = None) -> None:
        self.sentencizer = Sentencizer(punct_chars=punct_chars)

    def __call__(self, doc: Doc) -> Doc:
        doc = self.sentencizer(doc)
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
