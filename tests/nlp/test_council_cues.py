"""More organisational roles of a bare council name, and the look-alikes that stay places or
other bodies (spec §1): a part of the organisation "of" or "at" the name, a partner "worked
with", the name as the modifier of a deal, a list that the sentence then counts as councils.

Frames are tried over the councils of :mod:`.test_nlp_council_roles` (one in four current
councils with a plain name), so a cue that works for one name works for all of them.
"""

from __future__ import annotations

import pytest

from .test_nlp_council_roles import check, link

__all__ = ["link"]  # the fixture, used by name


@pytest.mark.parametrize(
    "frame",
    [
        # a part of the organisation before "of" or "at"
        "Capita took over the IT services at {name} in 2012.",
        "The work of {name} will pass to the new unitary next year.",
        "The finance team at {name} found the error.",
        "The budgets of {name} and its neighbours are under strain.",
        # a partner of working together
        "Since 2014 the borough has worked with {name} on children's services.",
        "The county will partner with {name} on a new data centre.",
        # the modifier of a deal, and a headline's deal for it, in a story about councils
        "Capita has won the {name} IT deal, the council said.",
        "Capita wins {name} payroll contract\nThe council signed the deal on Monday.",
        "Deal for {name}\nThe council has agreed a new payroll contract.",
        "New CIO for {name}\nThe council has appointed a chief information officer.",
        # the party in control, a complement that counts it among councils, finance verbs
        "Labour-run {name} has frozen all spending on new software.",
        "The Lib Dem-controlled {name} will vote on the plan in June.",
        "{name} is one of 12 councils to sign up to the scheme.",
        "{name}, one of the first authorities to sign up, will go live in May.",
        "{name} became the latest authority to move its email to the cloud.",
        "Bosses at {name} said the system would be replaced.",
        "The council said costs had risen. {name} borrowed £40m to buy a shopping centre.",
        "{name} postponed the switch to the new system until May.",
        "{name} denied that any residents' data had been lost.",
        # succession in a reorganisation
        "The new council took over from {name} in April.",
        "The new council, the successor to {name}, has a new CIO.",
        "The new council inherited the payroll contract from {name}.",
        "The new council switched off the legacy {name} system.",
        "The council said the {name} IT team had won an award.",
        "Capita to run {name} IT\nThe council signed the deal.",
        "{name} budget approved\nThe council said it would save £2m.",
        "{name} ceased to exist when the new council was formed.",
    ],
)
def test_more_roles_make_a_bare_name_a_council(link, frame):
    check(link, frame, expect_council=True)


@pytest.mark.parametrize(
    "frame",
    [
        "The history of {name} goes back to the Romans.",
        "The streets of {name} were busy on Saturday.",
        "Students at {name} College staged a protest.",
        "The charity works with {name} families on housing.",
        "The firm worked with {name} University on the study.",
        "The council said costs had risen. A {name} IT firm won the work.",
        "The council said costs had risen. Capita won the deal in {name} last year.",
        "Jobs boost for {name}\nThe council welcomed the new factory.",
        "The council signed a deal with {name} Analytics last year.",
        "Visit {name} said the council would fund the campaign.",
        "{name} is one of the sunniest places in England.",
        "{name} became a city in 2022.",
        "The council said the {name} bus service would be cut.",
        "The council said the {name} IT sector was growing.",
        "{name} coast erosion worsens\nThe council said it was worried.",
        "The council said the systems of {name}'s rivers were polluted.",
        "The council said {name} became the first place to host the games.",
        "The council worked with {name} farmers on the scheme.",
        "The council said the {name} cricket deal was done.",
        "New stadium deal for {name}\nThe council agreed the plan.",
    ],
)
def test_places_and_longer_names_stay_what_they_are(link, frame):
    check(link, frame, expect_council=False)


def test_a_list_the_sentence_counts_as_councils(link):
    assert link(
        [
            "Lorries took to the streets of Kingston, Sutton, Merton and Croydon this week as "
            "the boroughs' joint contract went live.",
            "Staff from Adur and Worthing moved to one office, and the two councils now share "
            "a chief executive.",
            "Residents of Mendip, Sedgemoor and Taunton Deane will be served by the three "
            "councils' new contact centre.",
        ]
    ) == [["CRY", "KTT", "MRT", "STN"], ["ADU", "WOT"], ["MEN", "SEG", "TAU"]]


def test_a_list_that_the_sentence_does_not_count_stays_places(link):
    assert link(
        [
            "Flooding hit Kent and Surrey last week, and the councils opened rest centres.",
            "The firm runs data centres in Kent and Medway, and both councils use them.",
            "The council said the road between Sefton and Knowsley would close for a month.",
            "The council said visitors from Kent, Surrey and Essex would pay more.",
            "Residents of Kingston, Sutton and Merton were joined by the two councils' leaders.",
        ]
    ) == [[], [], [], [], []]


def test_a_register_label_that_is_a_first_word_names_the_council_only_on_its_own(link):
    """The register's "Eilean" for Comhairle nan Eilean Siar: a bare place name like the
    others (a council in an organisational role), never the first word of a longer name."""
    found = link(
        [
            "Eilean has agreed to share its payroll service.",
            "Eilean's cabinet approved the budget on Monday.",
            "Eilean Donan Castle has agreed a new visitor deal.",
            "Visitors came to Eilean on the ferry.",
        ]
    )
    assert found == [["ELS"], ["ELS"], [], []]
