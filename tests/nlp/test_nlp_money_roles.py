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
