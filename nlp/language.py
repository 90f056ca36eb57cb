"""Build the councilwatch spaCy pipeline on ``spacy.blank("en")``.

Example:
    >>> nlp = build_pipeline()
    >>> nlp.pipe_names[0], nlp.pipe_names[-1]
    ('line_sentencizer', 'contract_extractor')
    >>> nlp.tokenizer.max_cache_size
    100000
    >>> [t.text for t in nlp.make_doc("£1.2m-£1.5m")]
    ['£', '1.2m', '-', '£1.5', 'm']
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import spacy
from spacy.language import Language
from spacy.util import compile_infix_regex

from . import NLP_VERSION
from . import arrangements as _arrangements  # noqa: F401  (registers factories)
from . import contracts as _contracts  # noqa: F401
from . import councils as _councils  # noqa: F401
from . import money as _money  # noqa: F401
from . import sentences as _sentences  # noqa: F401
from . import services as _services  # noqa: F401
from . import suppliers as _suppliers  # noqa: F401

MAX_LENGTH = 20_000_000
# spaCy's tokenizer keeps the tokens of at most 10,000 distinct whitespace-separated chunks by
# default; over an archive that many are seen within a few hundred articles, and every chunk
# after that is split again with the prefix/suffix/infix rules each time it comes back.
# 100,000 chunks cost about 22 MB and make tokenizing news about twice as fast (BENCHMARKS.md).
TOKENIZER_CACHE = 100_000
# spaCy keeps every string and word it meets in the vocabulary (about 350 bytes each), and an
# archive of real news has millions of distinct ones. Past this many, each batch runs in a
# memory zone, whose new strings are dropped at its end (and not cached by the tokenizer).
VOCAB_LIMIT = 300_000
#: A dash glued to a currency sign splits, so each amount of a range such as "£1.2m-£1.5m"
#: is its own tokens (spaCy's English infixes split a hyphen only before a letter).
CURRENCY_RANGE_INFIX = r"(?<=[0-9A-Za-z])[-\u2013\u2014](?=[£$€])"

__all__ = ["NLP_VERSION", "VOCAB_LIMIT", "bounded_vocabulary", "build_pipeline"]


def build_pipeline(data_dir: str | None = None) -> Language:
    """Return a blank English pipeline with the councilwatch components.

    ``data_dir`` overrides the package's ``nlp/data`` directory.
    """
    nlp = spacy.blank("en")
    nlp.max_length = MAX_LENGTH
    nlp.tokenizer.max_cache_size = TOKENIZER_CACHE
    infixes = [*nlp.Defaults.infixes, CURRENCY_RANGE_INFIX]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.add_pipe("line_sentencizer")
    nlp.add_pipe("council_linker", config={"data_dir": data_dir})
    nlp.add_pipe("money_extractor", config={"data_dir": data_dir})
    nlp.add_pipe("service_tagger", config={"data_dir": data_dir})
    nlp.add_pipe("supplier_linker", config={"data_dir": data_dir})
    nlp.add_pipe("arrangement_extractor", config={"data_dir": data_dir})
    nlp.add_pipe("contract_extractor", config={"data_dir": data_dir})
    return nlp


@contextmanager
def bounded_vocabulary(nlp: Language, limit: int | None = None) -> Iterator[None]:
    """Run the block in a spaCy memory zone once the vocabulary holds ``limit`` (default
    ``VOCAB_LIMIT``) strings, so
    that a long run's memory stops growing. Docs made in the block must not be used after it
    (take their records inside).

    Example:
        >>> from councilwatch.nlp.analyse import analyse_texts
        >>> nlp = build_pipeline()
        >>> with bounded_vocabulary(nlp, limit=0):
        ...     records = list(analyse_texts(nlp, [("Zorbleflux and Kent County Council", None)]))
        >>> records[0]["councils"][0]["code"], "Zorbleflux" in nlp.vocab.strings
        ('KEN', False)
    """
    if len(nlp.vocab.strings) < (VOCAB_LIMIT if limit is None else limit):
        yield
        return
    with nlp.memory_zone():
        yield
