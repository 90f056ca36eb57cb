"""Which parts of a sentence give an arrangement's services (spec §4)."""

from __future__ import annotations

import pytest

from councilwatch.nlp.analyse import analyse_texts
from councilwatch.nlp.language import build_pipeline


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline()


def services_of(nlp, text: str, councils: set[str]) -> list[str]:
    [rec] = analyse_texts(nlp, [(text, None)])
    [a] = [a for a in rec["arrangements"] if set(a["councils"]) == councils]
    return a["services"]


def test_contrasted_clause_of_another_council_gives_no_service(nlp):
    text = (
        "Rother and Wealden district councils plan a shared building control service, "
        "while East Sussex County Council keeps its own payroll."
    )
    assert "hr_payroll" not in services_of(nlp, text, {"ROH", "WEA"})


def test_contrasted_clause_of_other_councils_before_the_sharing_one(nlp):
    text = (
        "Leeds and York will study new payroll software, whereas Barnsley and Rotherham "
        "are to share a legal team."
    )
    assert services_of(nlp, text, {"BNS", "ROT"}) == ["legal"]


def test_contrasted_clause_keeping_a_service_apart_gives_no_service(nlp):
    text = (
        "Rother and Wealden district councils will share an ICT service, although each "
        "council keeps its own planning team."
    )
    assert services_of(nlp, text, {"ROH", "WEA"}) == ["ict"]


def test_relative_clause_naming_other_councils_keeps_the_services(nlp):
    text = (
        "Kirklees, Calderdale and Wakefield councils, which with Leeds form a regional "
        "group, are sharing a new ICT service desk."
    )
    assert "ict" in services_of(nlp, text, {"KIR", "CLD", "WKF"})


def test_services_listed_after_a_vehicle_name_belong_to_the_arrangement(nlp):
    text = (
        "Rother and Wealden district councils share ICT, legal services through East "
        "Sussex Legal Services, payroll and internal audit."
    )
    assert {"hr_payroll", "audit"} <= set(services_of(nlp, text, {"ROH", "WEA"}))


def test_a_negated_later_sentence_adds_no_service(nlp):
    text = (
        "Rother and Wealden district councils share a legal team. "
        "The two councils' payroll was never merged."
    )
    assert services_of(nlp, text, {"ROH", "WEA"}) == ["legal"]


def test_a_first_part_keeping_things_apart_gives_no_service(nlp):
    text = (
        "Rother and Wealden district councils will each keep their own payroll software "
        "but share a legal team."
    )
    assert services_of(nlp, text, {"ROH", "WEA"}) == ["legal"]


def test_a_sentence_opening_with_the_team_continues_the_arrangement(nlp):
    text = (
        "Rother and Wealden district councils are to set up a joint digital team. "
        "The team will also take on payroll."
    )
    assert "hr_payroll" in services_of(nlp, text, {"ROH", "WEA"})


def test_a_later_sentence_naming_one_member_that_shares_adds_its_services(nlp):
    text = (
        "Rother and Wealden district councils share a legal team. "
        "Wealden will also host the joint payroll service from May."
    )
    assert services_of(nlp, text, {"ROH", "WEA"}) == ["legal", "hr_payroll"]


def test_a_later_sentence_naming_one_member_keeping_its_own_adds_nothing(nlp):
    text = (
        "Rother and Wealden district councils share a legal team. "
        "Wealden will keep its own shared payroll contract with a supplier."
    )
    assert services_of(nlp, text, {"ROH", "WEA"}) == ["legal"]


def test_a_part_sharing_with_councils_in_general_gives_no_service(nlp):
    text = (
        "Rother District Council shares its legal team with Wealden District Council, "
        "and its payroll with other councils in the county."
    )
    assert services_of(nlp, text, {"ROH", "WEA"}) == ["legal"]
