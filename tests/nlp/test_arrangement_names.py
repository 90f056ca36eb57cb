"""Short names found again in a document: the search without a regex per document."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from councilwatch.nlp.arrangement_names import whole_words

WORDS = ["Kent", "Kent County", "Mid", "Suffolk", "Mid Suffolk", "OCC", "&", "-", "x", "Kentish"]
texts = st.lists(st.sampled_from(WORDS), max_size=12).flatmap(
    lambda words: st.tuples(st.just(words), st.lists(st.sampled_from([" ", "", ", "]),
                                                     min_size=len(words), max_size=len(words)))
).map(lambda pair: "".join(w + sep for w, sep in zip(*pair, strict=True)))  # fmt: skip
names_of = st.lists(st.sampled_from(WORDS[:6]), min_size=1, max_size=4, unique=True)


@given(text=texts, names=names_of, bounds=st.tuples(st.integers(0, 8), st.integers(0, 80)))
def test_whole_words_finds_what_the_alternation_of_the_names_finds(text, names, bounds):
    names = sorted(names, key=len, reverse=True)
    lo, hi = bounds[0], min(len(text), bounds[0] + bounds[1])
    rx = re.compile(rf"(?<![\w&-])(?:{'|'.join(re.escape(n) for n in names)})(?![\w&-])")
    expected = [(m.start(), m.end(), m.group(0)) for m in rx.finditer(text, lo, hi)]
    assert whole_words(text, names, lo, hi) == expected
