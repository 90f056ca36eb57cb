"""Money roles from the clause that governs the amount (spec §2), one test per mechanism."""

from __future__ import annotations

import pytest

from councilwatch.nlp.analyse import analyse_texts
from councilwatch.nlp.language import build_pipeline


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline()


def roles(nlp, text: str) -> list[str]:
    [rec] = analyse_texts(nlp, [(text, None)])
    return [m["role"] for m in rec["money"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the longest cue phrase of a compound is its head, not a shorter one inside it
        ("Work starts on the £420m Tay Cities Deal next month.", ["funding"]),
        ("The £2m Growth Deal bid was approved.", ["funding"]),
        # a relational head after a funding word is a cut in funding
        ("Welsh councils face a £90m grant cut.", ["funding"]),
        ("Districts brace for a £15m funding reduction next year.", ["funding"]),
        ("The board agreed a £3m staffing cut.", ["saving"]),
        # a service name that holds a cue word names no money
        ("They priced the move of the housing benefit service at £400,000.", ["spend"]),
        ("Its revenues and benefits team costs £2.1m a year.", ["spend"]),
        # a budget gap is neither spent nor saved
        ("The borough must close a £48m budget gap.", ["other"]),
        ("It warned of a budget shortfall of £12m by 2026.", ["other"]),
    ],
)
def test_compound_heads(nlp, text, expected):
    assert roles(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a linking verb joins the amount to the subject, whose head says what it is
        ("The cost of replacing the county's ageing servers could exceed £3m.", ["spend"]),
        ("The price to each district of joining the scheme was about £90,000.", ["spend"]),
        ("Set-up costs, mostly for new laptops, are put at £250,000.", ["spend"]),
        ("The council's settlement from Whitehall fell to £41m.", ["funding"]),
        ("After an appeal the fine was reduced to £70,000.", ["fine"]),
        ("Officers said the projected savings would reach £1.4m by 2027.", ["saving"]),
        # a verb, its object, then "at" or "to" and the amount
        ("The report puts the cost of moving to the cloud at £6m.", ["spend"]),
        ("Ministers raised the grant for rural broadband to £30m.", ["funding"]),
    ],
)
def test_subject_and_object_heads(nlp, text, expected):
    assert roles(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a head that points back takes the role of the amount before it
        (
            "The merger was meant to save £6m a year. Auditors found the figure was nearer £2m.",
            ["saving", "saving"],
        ),
        (
            "The pair signed a £20m outsourcing deal. A smaller £12m version was dropped.",
            ["contract", "contract"],
        ),
        (
            "Sharing staff saved the boroughs £900,000. Adding a third would lift the total to "
            "£1.3m.",
            ["saving", "saving"],
        ),
        # with nothing before it, such a head governs nothing
        ("The total came to £4m.", ["other"]),
    ],
)
def test_heads_that_point_back(nlp, text, expected):
    assert roles(nlp, text) == expected
