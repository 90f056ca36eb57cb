"""Property-based tests: the NLP stage never raises on arbitrary
input, and every fact's offsets point inside the text it came from."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from councilwatch.nlp.analyse import analyse_texts
from councilwatch.nlp.language import build_pipeline

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

WORDS = st.sampled_from(
    [
        "Camden", "Council", "councils", "and", "Islington", "London", "Borough", "of", "£4m",
        "£1.2-1.5m", "£", "4", "million", "a", "year", "saving", "ICT", "shared", "services",
        "Kent", "County", "Thanet", "Dover", ",", ".", "\n", "\n\n", "$5m", "€3bn", "the",
        "Royal", "Kensington", "Chelsea", "RBKC", "H&F", "NHS", "trust", "over", "four", "years",
        "third", "billion", "pounds", "k", "bn", "'s", "’", "(", ")", "-", "–", "merge", "East",
    ]
)  # fmt: skip
NEWSY_TEXT = st.lists(WORDS, max_size=80).map(" ".join)
ANY_TEXT = st.text(max_size=400)


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline()


def check_offsets(text: str, facts: dict) -> None:
    for kind in ("councils", "money", "services"):
        for fact in facts[kind]:
            assert 0 <= fact["start"] <= fact["end"] <= len(text)
            assert text[fact["start"] : fact["end"]] == fact["text"]
            assert fact["sentence"] in text
    for arrangement in facts["arrangements"]:
        assert len(arrangement["councils"]) >= 2
        assert arrangement["sentence"] in text


@SETTINGS
@given(text=st.one_of(NEWSY_TEXT, ANY_TEXT))
def test_nlp_never_raises_and_offsets_point_into_the_text(nlp, text):
    (facts,) = list(analyse_texts(nlp, [(text, None)]))
    check_offsets(text, facts)


@SETTINGS
@given(
    texts=st.lists(NEWSY_TEXT, min_size=1, max_size=5),
    published=st.one_of(st.none(), st.dates().map(str)),
)
def test_batches_give_the_same_facts_as_single_documents(nlp, texts, published):
    batch = list(analyse_texts(nlp, [(t, published) for t in texts]))
    single = [next(iter(analyse_texts(nlp, [(t, published)]))) for t in texts]
    assert batch == single
    for text, facts in zip(texts, batch, strict=True):
        check_offsets(text, facts)


# The NLP stage's fast paths must find exactly what the plain patterns they stand for find.
FAST_PATH_WORDS = st.sampled_from(
    [
        "pounds", "Pounds", "POUNDS", "sterling", "Sterling", "4", "4,000", "1.5", "2.", ",",
        ".", ";", "-", "—", "£", "twenty-five", "a third of a", "million", "m", "bn", "four",
        "half", "an", "\n", "\u212a", "\u0130", "\u017f", "share", "SHARE", "time-share",
        "a share of", "market share", "shared  services", "merge", "Merged", "scrapped",
        "pull out", "pulled\nout", "’s share", "-share", "share-", "x", "!", "?", "...", "。",
    ]
)  # fmt: skip
FAST_PATH_TEXT = st.lists(FAST_PATH_WORDS, max_size=40).map(
    lambda words: "".join(w + (" " if i % 3 else "") for i, w in enumerate(words))
)


def spans(matches) -> list[tuple[int, int]]:
    return [m.span() for m in matches]


@SETTINGS
@given(text=st.one_of(FAST_PATH_TEXT, ANY_TEXT))
def test_pound_word_search_equals_the_plain_pattern(text):
    from councilwatch.nlp.money import _POUND_WORD, _pound_words

    fast, plain = list(_pound_words(text)), list(_POUND_WORD.finditer(text))
    assert spans(fast) == spans(plain)
    assert [m.groupdict() for m in fast] == [m.groupdict() for m in plain]


@SETTINGS
@given(text=st.one_of(FAST_PATH_TEXT, ANY_TEXT))
def test_word_phrases_equal_their_plain_pattern(text):
    from councilwatch.nlp.phrases import WordPhrases

    for phrases in (["share", "shared services", "merge", "merged"], ["pull out", "scrapped"],
                    ["a share of", "market share", "’s share"], ["ſhare", "\u212aent"]):  # fmt: skip
        finder = WordPhrases(phrases)
        assert spans(finder.finditer(text)) == spans(finder.pattern.finditer(text))
        assert finder.sub(" ", text) == finder.pattern.sub(" ", text)
        found, plain = finder.search(text), finder.pattern.search(text)
        assert (found and found.span()) == (plain and plain.span())


@SETTINGS
@given(text=st.one_of(FAST_PATH_TEXT, NEWSY_TEXT, ANY_TEXT))
def test_sentence_final_tokens_are_the_punctuation_tokens(nlp, text):
    from councilwatch.nlp.docindex import DocIndex

    sentencizer = nlp.get_pipe("line_sentencizer")
    doc = nlp.make_doc(text)
    expected = {i for i, token in enumerate(doc) if token.text in sentencizer.punct_chars}
    assert sentencizer._final_tokens(doc, DocIndex.of(doc)) == expected


@SETTINGS
@given(text=st.one_of(NEWSY_TEXT, FAST_PATH_TEXT, ANY_TEXT))
def test_token_texts_looked_up_on_demand_give_the_same_facts(nlp, text):
    from councilwatch.nlp import docindex

    expected = list(analyse_texts(nlp, [(text, None)]))
    saved = docindex.LAZY_FROM
    docindex.LAZY_FROM = 0  # every Doc counts as long
    try:
        assert list(analyse_texts(nlp, [(text, None)])) == expected
    finally:
        docindex.LAZY_FROM = saved
