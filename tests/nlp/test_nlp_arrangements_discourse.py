"""Shared-service arrangements told over several sentences (spec §4): continuations,
references back and the services said about an arrangement away from its sentence."""

from __future__ import annotations

import pytest

from .test_nlp_arrangements import arrangements, nlp

__all__ = ["nlp"]  # the pipeline fixture, shared with the sentence-level tests


def services(nlp, text: str) -> list[tuple[set[str], set[str]]]:
    return [(set(a["councils"]), set(a["services"])) for a in arrangements(nlp, text)]


def council_sets(nlp, text: str) -> list[set[str]]:
    return [set(a["councils"]) for a in arrangements(nlp, text)]


def test_paragraph_breaks_do_not_count_as_sentences_between(nlp):
    text = (
        "Rugby Borough Council and Daventry District Council have merged their ICT teams."
        "\n\nThe move was agreed in March.\n\nIt also runs payroll."
    )
    assert services(nlp, text) == [({"RUG", "DAV"}, {"ict", "hr_payroll"})]
    # three sentences of other matters in between: the story has moved on
    text = (
        "Rugby Borough Council and Daventry District Council have merged their ICT teams."
        "\n\nThe move was agreed in March.\n\nStaff were told on Monday.\n\nOfficers met "
        "in May.\n\nIt also runs payroll."
    )
    assert services(nlp, text) == [({"RUG", "DAV"}, {"ict"})]


def test_a_sentence_naming_the_arrangement_anywhere_adds_its_services(nlp):
    text = (
        "Mendip District Council and Sedgemoor District Council launched a joint team in May. "
        "Next year their payroll staff will move into the partnership."
    )
    assert services(nlp, text) == [({"MEN", "SEG"}, {"hr_payroll"})]
    text = (
        "Mendip District Council and Sedgemoor District Council share a chief executive. "
        "Officers now propose extending the arrangement to internal audit."
    )
    assert services(nlp, text) == [({"MEN", "SEG"}, {"audit"})]
    # a sentence that names neither the arrangement nor its councils says nothing of it
    text = (
        "Mendip District Council and Sedgemoor District Council share a chief executive. "
        "Officers now propose new internal audit software."
    )
    assert services(nlp, text) == [({"MEN", "SEG"}, set())]


def test_a_place_that_sets_the_scene_is_no_party(nlp):
    text = (
        "Kent County Council backed the plan. In Kent, Ashford Borough Council and Swale "
        "Borough Council now share a legal team."
    )
    assert services(nlp, text) == [({"ASF", "SWL"}, {"legal"})]
    text = (
        "Kent County Council backed the plan. Ashford Borough Council and Swale Borough "
        "Council now share a legal team based in Maidstone since May."
    )
    assert council_sets(nlp, text) == [{"ASF", "SWL"}]
    # people "in" a council are the council's: its name there is no mere place
    text = (
        "Swale Borough Council agreed on Monday. Ashford Borough Council's leader said: "
        '"Our colleagues in Swale share our legal team."'
    )
    assert council_sets(nlp, text) == [{"ASF", "SWL"}]


def test_a_number_made_up_by_the_council_the_sentence_names(nlp):
    text = (
        "Rugby Borough Council and Daventry District Council run a joint planning team. "
        "A shared service for all three councils was planned, but Harborough District Council "
        "pulled out last year."
    )
    assert {"RUG", "DAV", "HAO"} in council_sets(nlp, text)


def test_a_number_picked_from_a_longer_list_means_the_arrangement_of_that_many(nlp):
    text = (
        "Rugby Borough Council and Daventry District Council share a chief executive. "
        "Rugby is now expected to join Harborough District Council and Blaby District "
        "Council in a partnership. The joint team saved £2m for the two councils since 2015."
    )
    assert council_sets(nlp, text)[0] == {"RUG", "DAV"}
    assert {"RUG", "HAO"} not in council_sets(nlp, text)


def test_a_clause_that_merges_whole_councils_or_keeps_its_own_is_no_arrangement(nlp):
    text = (
        "Rugby Borough Council and Daventry District Council share a legal team, while "
        "Blaby District Council and Harborough District Council plan to merge into a single "
        "council."
    )
    assert council_sets(nlp, text) == [{"RUG", "DAV"}]
    text = (
        "Rugby Borough Council and Daventry District Council are drawing up plans to share "
        "planning, while Harborough District Council will provide its own planning service."
    )
    assert council_sets(nlp, text) == [{"RUG", "DAV"}]


def test_councils_moving_onto_one_system_as_the_council_they_become_are_a_reorganisation(nlp):
    text = (
        "Staff of Lisburn City Council and Castlereagh Borough Council are moving payroll "
        "onto a single system before the new Lisburn and Castlereagh City Council takes over."
    )
    assert council_sets(nlp, text) == []
    # one of them merging into another council later leaves their sharing an arrangement
    text = (
        "Breckland District Council and Forest Heath District Council shared a revenues "
        "team until Forest Heath merged into the new West Suffolk Council."
    )
    assert council_sets(nlp, text) == [{"BRE", "FOR"}]


def test_a_participle_after_the_vehicle_goes_on_with_the_arrangement(nlp):
    text = (
        "Rugby Borough Council and Daventry District Council launched Avon Shared Services, "
        "bringing their payroll and legal teams together."
    )
    assert services(nlp, text) == [({"RUG", "DAV"}, {"hr_payroll", "legal"})]
    # a description of the vehicle after the comma is not the arrangement's scope
    text = (
        "Rugby Borough Council and Daventry District Council launched Avon Shared Services, "
        "a provider of payroll services to charities."
    )
    assert services(nlp, text) == [({"RUG", "DAV"}, set())]


def test_councils_that_form_a_named_vehicle_share_and_its_name_is_the_vehicle(nlp):
    text = "Rugby Borough Council and Daventry District Council formed oneWest to run payroll."
    [a] = arrangements(nlp, text)
    assert (set(a["councils"]), a["vehicle"], a["services"]) == (
        {"RUG", "DAV"},
        "oneWest",
        ["hr_payroll"],
    )
    text = (
        "Rugby Borough Council and Daventry District Council set up Westway in 2016. "
        "Harborough District Council now buys its payroll from Westway."
    )
    assert {"RUG", "DAV", "HAO"} in council_sets(nlp, text)
    # a month or a pronoun after the verb names no vehicle
    text = "Rugby Borough Council and Daventry District Council were formed in April 1974."
    assert council_sets(nlp, text) == []


def test_a_sentence_naming_some_of_an_arrangements_councils_apart_tells_of_it(nlp):
    text = (
        "Rugby Borough Council, Daventry District Council and Harborough District Council "
        "launched a shared service in May. The payroll team is hosted by Rugby, while legal "
        "services are hosted by Harborough District Council."
    )
    assert services(nlp, text) == [({"RUG", "DAV", "HAO"}, {"hr_payroll", "legal"})]
    # two of them sharing something of their own together are an arrangement of their own
    text = (
        "Rugby Borough Council, Daventry District Council and Harborough District Council "
        "launched a shared service in May. Rugby and Harborough also share a waste contract."
    )
    assert {"RUG", "HAO"} in council_sets(nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        "Rugby Borough Council and Daventry District Council have joined forces on waste.",
        "Rugby Borough Council has teamed up with Daventry District Council on waste.",
        "Similar partnerships already run between Rugby Borough Council and Daventry "
        "District Council.",
        "Rugby Borough Council and Daventry District Council will co-operate on waste.",
    ],
)
def test_words_the_press_uses_for_councils_working_as_one(nlp, text):
    assert council_sets(nlp, text) == [{"RUG", "DAV"}]


def test_a_councils_initials_name_it_again(nlp):
    text = (
        "Oxfordshire County Council and Cherwell District Council share a chief executive. "
        "OCC and CDC have also shared legal teams since 2019."
    )
    assert services(nlp, text) == [({"OXF", "CHR"}, {"legal"})]
    text = (
        "Cheshire East Council and Cheshire West and Chester Council share payroll. "
        "CWaC will also host the legal team for CEC."
    )
    assert services(nlp, text) == [({"CHE", "CHW"}, {"hr_payroll", "legal"})]


def test_a_vehicle_named_in_apposition_carries_its_services_through_the_story(nlp):
    text = (
        "Rugby Borough Council and Daventry District Council settled a row over Westway, the "
        "joint venture which runs services for them.\n\nWestway was set up in 2009 with a "
        "supplier.\n\nThe deal was signed in May.\n\nStaff moved in June.\n\nBy 2012 "
        "Westway ran payroll and procurement too."
    )
    [a] = arrangements(nlp, text)
    assert a["vehicle"] == "Westway" and set(a["services"]) == {"hr_payroll", "procurement"}
    # a sentence opening with the vehicle's name and serving another council: a client
    text = (
        "Rugby Borough Council and Daventry District Council set up Westway in 2016. "
        "Westway will also provide legal advice to Harborough District Council."
    )
    assert council_sets(nlp, text) == [{"RUG", "DAV"}]


def test_the_short_form_in_brackets_names_the_vehicle_again(nlp):
    text = (
        "Rugby Borough Council and Daventry District Council run Westfield Legal Services "
        "(WLS), which handles legal work.\n\nThe deal was signed in May.\n\nStaff moved in "
        "June.\n\nOffices opened in July.\n\nWLS now also handles payroll."
    )
    assert services(nlp, text) == [({"RUG", "DAV"}, {"legal", "hr_payroll"})]


def test_the_contract_continues_a_joint_contract_and_unitaries_are_a_reorganisation(nlp):
    text = (
        "Rugby Borough Council and Daventry District Council let a joint contract with a "
        "waste firm. The contract covers bin collections and street cleaning."
    )
    assert services(nlp, text) == [({"RUG", "DAV"}, {"waste_environment"})]
    text = "Rugby Borough Council and Daventry District Council back a joint bid for two unitaries."
    assert council_sets(nlp, text) == []


def test_a_clause_keeping_something_apart_leaves_the_rest_of_the_sentence(nlp):
    text = (
        "Rugby Borough Council and Daventry District Council share a workforce. The "
        "arrangement covers finance and legal work, although each council keeps its own "
        "planning team."
    )
    assert services(nlp, text) == [({"RUG", "DAV"}, {"finance", "legal"})]


def test_a_reorganisation_the_sharing_dates_from_is_no_reorganisation(nlp):
    text = (
        "Rugby Borough Council and Daventry District Council renewed the services they have "
        "run together since local government reorganisation in 1974."
    )
    assert council_sets(nlp, text) == [{"RUG", "DAV"}]
    text = "Rugby Borough Council and Daventry District Council back a joint reorganisation."
    assert council_sets(nlp, text) == []


def test_a_number_before_two_or_three_words_and_a_council_noun_refers_back(nlp):
    text = (
        "Rugby Borough Council and Daventry District Council set up Westway in 2016. "
        "Its staff now run payroll and legal work for the two east Midlands councils."
    )
    assert services(nlp, text) == [({"RUG", "DAV"}, {"hr_payroll", "legal"})]


def test_a_sentence_that_shares_and_names_no_council_continues_the_arrangement(nlp):
    text = (
        "Rugby Borough Council and Daventry District Council agreed a single management "
        "team. Payroll and legal services will be the first to be combined."
    )
    assert services(nlp, text) == [({"RUG", "DAV"}, {"hr_payroll", "legal"})]
    # a share of something is no sharing, nor is what each council keeps for itself
    text = (
        "Rugby Borough Council and Daventry District Council agreed a single management "
        "team. Each council will keep its own payroll, while legal work is shared."
    )
    assert services(nlp, text) == [({"RUG", "DAV"}, set())]
    text = (
        "Rugby Borough Council and Daventry District Council agreed a single management "
        "team. Payroll took a share of the budget."
    )
    assert services(nlp, text) == [({"RUG", "DAV"}, set())]


def test_a_sentence_about_councils_in_general_continues_no_arrangement(nlp):
    named = "Rugby Borough Council and Daventry District Council have merged their ICT teams. "
    # a sharing sentence that names no council continues the arrangement...
    follows = "Payroll will remain a shared service."
    assert services(nlp, named + follows) == [({"RUG", "DAV"}, {"ict", "hr_payroll"})]
    # ...but not when it speaks of councils at large
    for general in (
        "Most councils now run payroll as a shared service.",
        "Shared payroll services are increasingly used by councils.",
        "Many local authorities will remain in shared payroll services.",
    ):
        assert services(nlp, named + general) == [({"RUG", "DAV"}, {"ict"})], general
