"""Service-type tagging (spec §3)."""

from __future__ import annotations

import pytest

from councilwatch.nlp.analyse import analyse_texts
from councilwatch.nlp.pipeline import build_pipeline


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline()


def ids(nlp, text: str) -> set[str]:
    [rec] = analyse_texts(nlp, [(text, None)])
    for s in rec["services"]:
        assert text[s["start"] : s["end"]] == s["text"]
    return {s["id"] for s in rec["services"]}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IT services such as telephony systems and IT support", {"ict", "telephony", "it_support"}),
        ("resident data in customer relationship management (CRM) systems", {"crm"}),
        ("adoption management, disaster recovery and mentoring young people",
         {"childrens_services", "disaster_recovery"}),
        ("one shared mobile workspace underpinned by virtualisation", {"workplace", "infrastructure"}),
        ("a provider of customer services, income and payments",
         {"customer_services", "revenues_benefits"}),
        ("4,236 separate data breaches", {"cyber_security"}),
        ("Revenues and benefits, HR and payroll, legal services and internal audit",
         {"revenues_benefits", "hr_payroll", "legal", "audit"}),
        ("waste collection, planning applications, libraries and public health",
         {"waste_environment", "planning", "leisure_culture", "public_health"}),
    ],
)  # fmt: skip
def test_services(nlp, text, expected):
    assert ids(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Councils are sharing services with their fellow authorities.",
        "It is no secret that it was a waste of money.",
        "They are planning to deliver enhanced frontline services.",
    ],
)
def test_generic_words_are_not_services(nlp, text):
    assert ids(nlp, text) == set()
