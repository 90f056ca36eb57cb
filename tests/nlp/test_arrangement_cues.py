"""Arrangements stated without a sharing word, negated sharing, and the names and services
that do not belong to an arrangement (spec §4)."""

from __future__ import annotations

import pytest

from councilwatch.nlp.analyse import analyse_texts
from councilwatch.nlp.arrangement_names import NamesInDoc
from councilwatch.nlp.language import build_pipeline


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline()


def arrangements(nlp, text: str) -> list[tuple[list[str], list[str]]]:
    [rec] = analyse_texts(nlp, [(text, None)])
    return [(sorted(a["councils"]), a["services"]) for a in rec["arrangements"]]


@pytest.mark.parametrize(
    ("text", "councils"),
    [
        ("Leeds City Council will run Bradford Council's payroll from April.", ["BRD", "LDS"]),
        (
            "Wychavon District Council now manages Malvern Hills District Council's building "
            "control team.",
            ["MAV", "WYC"],
        ),
    ],
)
def test_a_council_running_another_councils_service(nlp, text, councils):
    [(found, _)] = arrangements(nlp, text)
    assert found == councils


def test_a_council_named_as_a_possessor_elsewhere_is_no_customer(nlp):
    text = "Leeds City Council will run its payroll in-house, as Bradford Council's report urged."
    assert arrangements(nlp, text) == []


def test_a_contract_let_by_councils_together(nlp):
    [(found, _)] = arrangements(
        nlp, "Hertfordshire County Council and Essex County Council awarded a £30m framework."
    )
    assert found == ["ESS", "HRT"]
    text = (
        "Kent County Council and Medway Council signed a contract with Veolia for waste disposal."
    )
    assert arrangements(nlp, text) == [(["KEN", "MDW"], ["waste_environment"])]


def test_contracts_let_by_each_council_or_by_councils_apart_are_not_joint(nlp):
    text = "Barnet Council and Harrow Council signed separate contracts with Capita."
    assert arrangements(nlp, text) == []
    text = "Barnet Council said Harrow Council awarded a contract to Capita."
    assert arrangements(nlp, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Devon County Council and Torbay Council said they had no plans to share services.",
        "Devon County Council and Torbay Council will not share a chief executive.",
    ],
)
def test_negated_sharing_is_no_arrangement(nlp, text):
    assert arrangements(nlp, text) == []


def test_sharing_that_ended_or_goes_further_is_not_negated(nlp):
    text = "Devon County Council and Torbay Council no longer share a chief executive."
    assert [c for c, _ in arrangements(nlp, text)] == [["DEV", "TOB"]]
    text = "Devon County Council and Torbay Council not only share IT but also legal services."
    assert [c for c, _ in arrangements(nlp, text)] == [["DEV", "TOB"]]


def test_a_bare_name_the_linker_linked_counts_where_the_short_name_is_not_written():
    names = NamesInDoc({"KTT": "Kingston upon Thames", "STN": "Sutton"}, ["Council"], [])
    text = "Kingston Council and Sutton Council. Sutton and Kingston may merge legal teams."
    taken = [(0, 16), (21, 35)]
    found = names.find(text, {"KTT", "STN"}, 0, len(text), taken, {"Kingston": "KTT"})
    assert found == [(37, 43, "STN"), (48, 56, "KTT")]
    assert names.find(text, {"KTT", "STN"}, 0, len(text), taken) == [(37, 43, "STN")]


def test_a_county_name_that_places_a_plural_reference_is_no_party(nlp):
    text = (
        "Adur District Council and Worthing Borough Council share an officer team. "
        "West Sussex County Council set its budget. "
        "The two West Sussex councils will build a shared digital platform."
    )
    assert [c for c, _ in arrangements(nlp, text)] == [["ADU", "WOT"]]


@pytest.mark.parametrize(
    "text",
    [
        "News | Kent | Medway\n\nKent County Council",
        "News > Kent\n\nKent County Council",
        "Kent County Council. Staff at the University of Kent.",
    ],
)
def test_a_short_name_in_a_breadcrumb_or_after_of_is_a_place(text):
    names = NamesInDoc({"KEN": "Kent"}, ["County", "Council"], [])
    start = text.index("Kent County Council")
    assert names.find(text, {"KEN"}, 0, len(text), [(start, start + 19)]) == []


def test_a_university_of_a_county_shares_nothing(nlp):
    text = (
        "Kent County Council set its budget. The University of Kent and Medway Council will "
        "share a data centre."
    )
    assert arrangements(nlp, text) == []


def test_schools_served_are_customers_not_a_shared_service(nlp):
    text = (
        "Nottingham City Council and Leicestershire County Council share a payroll service, "
        "which pays staff at dozens of schools."
    )
    assert arrangements(nlp, text) == [(["LEC", "NGM"], ["hr_payroll"])]


def test_a_number_reference_after_the_councils_a_sentence_names_points_to_them(nlp):
    text = (
        "Harrow Council and Barnet Council share a legal practice. "
        "Brent Council also works with Ealing Council through Brent Ealing Care, the company "
        "the two boroughs set up in 2015 to run their adult social care."
    )
    found = [c for c, _ in arrangements(nlp, text)]
    assert found == [["BNE", "HRW"], ["BEN", "EAL"]]
