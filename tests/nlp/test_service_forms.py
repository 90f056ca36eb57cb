"""Number forms of taxonomy phrases (spec §3): a phrase's head noun in the other number."""

from __future__ import annotations

import pytest

from councilwatch.nlp.analyse import analyse_texts
from councilwatch.nlp.language import build_pipeline
from councilwatch.nlp.service_forms import number_variant, with_number_variants
from councilwatch.nlp.services import load_service_patterns


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline()


def ids(nlp, text: str) -> set[str]:
    [rec] = analyse_texts(nlp, [(text, None)])
    return {s["id"] for s in rec["services"]}


@pytest.mark.parametrize(
    ("phrase", "variant"),
    [
        ("care homes", "care home"),
        ("library service", "library services"),
        ("data warehouses", "data warehouse"),
        ("local authority", "local authorities"),
        ("phone switch", "phone switches"),
        # a lone word keeps its number: "finances" and "car park" are other senses
        ("finance", None),
        ("parks", None),
        # adjectives, -ing forms and words in -ss have no other number
        ("digital", None),
        ("cloud hosting", None),
        ("business process", None),
        ("trading standards", "trading standard"),
    ],
)
def test_number_variant(phrase, variant):
    assert number_variant(phrase) == variant


def test_variants_never_shadow_a_listed_phrase():
    patterns = load_service_patterns()
    listed = {p["pattern"].lower(): p["id"] for p in patterns}
    for p in with_number_variants(patterns)[len(patterns) :]:
        assert p["pattern"].lower() not in listed
        assert " " in p["pattern"] and not p["case"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A social worker visited the family twice.", {"adult_social_care"}),
        ("The county runs three care home sites.", {"adult_social_care"}),
        ("Both leisure centres reopen in May.", {"leisure_culture"}),
        ("It merged the two councils' legal teams.", {"legal"}),
        # the singular taxonomy phrase still needs its own sense
        ("Staff moved to a new fibre network.", {"infrastructure"}),
    ],
)
def test_other_numbers_are_found(nlp, text, expected):
    assert ids(nlp, text) == expected
