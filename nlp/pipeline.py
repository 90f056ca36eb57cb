"""Build the councilwatch spaCy pipeline on ``spacy.blank("en")``.

Example:
    >>> nlp = build_pipeline()
    >>> nlp.pipe_names[0], nlp.pipe_names[-1]
    ('line_sentencizer', 'arrangement_extractor')
    >>> nlp.tokenizer.max_cache_size
    100000
"""

from __future__ import annotations

import spacy
from spacy.language import Language

from . import NLP_VERSION
from . import arrangements as _arrangements  # noqa: F401  (registers factories)
from . import councils as _councils  # noqa: F401
from . import money as _money  # noqa: F401
from . import sentences as _sentences  # noqa: F401
from . import services as _services  # noqa: F401

MAX_LENGTH = 20_000_000
# spaCy's tokenizer keeps the tokens of at most 10,000 distinct whitespace-separated chunks by
# default; over an archive that many are seen within a few hundred articles, and every chunk
# after that is split again with the prefix/suffix/infix rules each time it comes back.
# 100,000 chunks cost about 22 MB and make tokenizing news about twice as fast (BENCHMARKS.md).
TOKENIZER_CACHE = 100_000

__all__ = ["NLP_VERSION", "build_pipeline"]


def build_pipeline(data_dir: str | None = None) -> Language:
    """Return a blank English pipeline with the councilwatch components.

    ``data_dir`` overrides the package's ``nlp/data`` directory.
    """
    nlp = spacy.blank("en")
    nlp.max_length = MAX_LENGTH
    nlp.tokenizer.max_cache_size = TOKENIZER_CACHE
    nlp.add_pipe("line_sentencizer")
    nlp.add_pipe("council_linker", config={"data_dir": data_dir})
    nlp.add_pipe("money_extractor", config={"data_dir": data_dir})
    nlp.add_pipe("service_tagger", config={"data_dir": data_dir})
    nlp.add_pipe("arrangement_extractor", config={"data_dir": data_dir})
    return nlp
