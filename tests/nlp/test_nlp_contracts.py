"""Contracts as relations (extraction contract §7.2): pairing, joint and separate council
sets, parties and non-parties, value, term, dates and the status of a story."""

from __future__ import annotations

import pytest

from councilwatch.nlp.analyse import analyse_texts
from councilwatch.nlp.language import build_pipeline


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline()


def contracts(nlp, text: str, published: str | None = None) -> list[dict]:
    [rec] = analyse_texts(nlp, [(text, published)])
    return rec["contracts"]


def pairs(nlp, text: str, published: str | None = None) -> dict[tuple[str, ...], dict]:
    return {(*sorted(c["councils"]), c["supplier"]): c for c in contracts(nlp, text, published)}


def test_an_award_with_value_term_start_and_provenance(nlp):
    text = (
        "Barnet signs outsourcing deal\n"
        "Barnet Council has signed a ten-year, £320m contract with Capita to run its "
        "back-office services. Under the agreement, which starts on 1 September 2013, Capita plc "
        "will take over customer services, finance and payroll."
    )
    [c] = contracts(nlp, text)
    assert (c["councils"], c["supplier"], c["status"]) == (["BNE"], "capita", "awarded")
    assert (c["value_gbp"], c["period"], c["years"], c["start"]) == (
        320e6,
        "total",
        10,
        "2013-09-01",
    )
    assert {"customer_services", "finance", "hr_payroll"} <= set(c["services"])
    assert text[c["sentence_start"] : c["sentence_end"]] == c["sentence"]
    assert c["sentence"].startswith("Barnet Council has signed")


def test_joint_and_separate_council_sets(nlp):
    joint = pairs(nlp, "Babergh and Mid Suffolk District Councils will bring waste collection "
                       "back in-house from Serco when their joint contract ends in March 2022.")  # fmt: skip
    assert list(joint) == [("BAB", "MSU", "serco")]
    assert joint["BAB", "MSU", "serco"]["status"] == "insourced"
    separate = pairs(nlp, "Kier also holds highways contracts with Suffolk and Northamptonshire "
                          "county councils.")  # fmt: skip
    assert set(separate) == {("SFK", "kier"), ("NTH", "kier")}


def test_the_council_a_contract_was_moved_to_is_not_a_party(nlp):
    found = pairs(nlp, "Westminster City Council and the Royal Borough of Kensington and Chelsea "
                       "are to end their contract with BT four years early and move the services "
                       "to Hampshire County Council's business centre.")  # fmt: skip
    assert list(found) == [("KEC", "WSM", "bt")]
    assert found["KEC", "WSM", "bt"]["status"] == "terminated"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Cornwall Council and BT agreed to terminate their partnership after a dispute.", "terminated"),
        ("North Yorkshire County Council decided not to exercise a break clause in its contract "
         "with Amey.", "extended"),
        ("Wiltshire Council has renewed its agreement with Microsoft for three years.", "extended"),
        ("Southampton City Council's partnership with Capita expired in 2017.", "ended"),
        ("Birmingham City Council has won the latest round of its legal dispute with Amey.", "disputed"),
        ("Lincolnshire County Council will take its IT back in-house when its contract with Serco "
         "expires.", "insourced"),
        ("CGI and Atos have been shortlisted for Leeds City Council's hosting contract.", "tendered"),
        ("Swale Borough Council uses Biffa for waste collection.", "awarded"),
    ],
)  # fmt: skip
def test_statuses(nlp, text, status):
    assert [c["status"] for c in contracts(nlp, text)] == [status] * len(contracts(nlp, text))
    assert contracts(nlp, text)


def test_a_story_ends_with_its_latest_event(nlp):
    text = (
        "Cornwall Council signed a £160m deal with BT in 2013. Last year the council said BT was "
        "in breach of the contract and BT disputed the claims. Cornwall Council and BT have now "
        "agreed to terminate the partnership early."
    )
    [c] = contracts(nlp, text, "2016-03-02")
    assert (c["status"], c["value_gbp"], c["start"]) == ("terminated", 160e6, "2013")


def test_bidders_share_the_procurement_and_losers_drop_out(nlp):
    text = ("CGI, Computacenter and Sopra Steria have been shortlisted for Cheshire East Council's "
            "ICT managed service, worth up to £60m over seven years.")  # fmt: skip
    found = pairs(nlp, text)
    assert set(found) == {("CHE", s) for s in ("cgi", "computacenter", "sopra-steria")}
    assert {(c["value_gbp"], c["years"], c["status"]) for c in found.values()} == {
        (60e6, 7, "tendered")
    }
    awarded = text + " Cheshire East Council has since awarded the contract to CGI."
    assert {k: c["status"] for k, c in pairs(nlp, awarded).items()} == {("CHE", "cgi"): "awarded"}


def test_a_losers_challenge_disputes_the_winners_contract(nlp):
    text = (
        "Civica has launched a legal challenge against Peterborough City Council's decision to "
        "award its revenues software contract to NEC Software Solutions. The council chose NEC "
        "in a five-year deal worth £3.2m. Civica, which also bid, says the evaluation was flawed."
    )
    found = pairs(nlp, text)
    assert list(found) == [("PTE", "nec-software-solutions")]
    c = found["PTE", "nec-software-solutions"]
    assert (c["status"], c["value_gbp"], c["years"]) == ("disputed", 3.2e6, 5)


@pytest.mark.parametrize(
    "text",
    [
        "Somerset County Council has launched legal action against Southwest One, the joint "
        "venture it formed with IBM.",
        "Derby City Council ended its contract with Resource Recovery Solutions, a joint venture "
        "between Interserve and Renewi.",
        "Coventry City Council signed a print contract with Xerox. A rival bid from Ricoh was "
        "unsuccessful.",
        "Wiltshire Council renewed its deal with Microsoft; the council had considered Google.",
    ],
)
def test_owners_losers_and_the_considered_are_not_parties(nlp, text):
    suppliers = {c["supplier"] for c in contracts(nlp, text)}
    assert len(suppliers) == 1 and not suppliers & {
        "ibm",
        "interserve",
        "renewi",
        "ricoh",
        "google",
    }


def test_the_council_and_the_contract_refer_back(nlp):
    text = (
        "Swale Borough Council is planting an orchard. Biffa, the council's waste contractor, will "
        "collect the pulp.\n"
        "Bristol City Council has extended its highways contract with Amey to March 2026. The "
        "contract, signed in 2016, is worth £12m a year."
    )
    found = pairs(nlp, text, "2023-09-05")
    assert set(found) == {("SWL", "biffa"), ("BST", "amey")}
    amey = found["BST", "amey"]
    assert (amey["value_gbp"], amey["period"], amey["start"], amey["end"]) == (
        12e6, "year", "2016", "2026-03"
    )  # fmt: skip


def test_a_procurement_lends_its_councils_to_the_next_sentence(nlp):
    text = (
        "Adur and Worthing councils have appointed four suppliers to a four-year digital framework "
        "worth up to £8m. Jadu, Netcall, Granicus and Arcus Global can now bid for call-offs."
    )
    found = pairs(nlp, text)
    assert set(found) == {
        ("ADU", "WOT", s) for s in ("jadu", "netcall", "granicus", "arcus-global")
    }
    assert {(c["value_gbp"], c["years"], c["status"]) for c in found.values()} == {
        (8e6, 4, "awarded")
    }


def test_relative_dates_need_the_published_date(nlp):
    text = ("Birmingham City Council will switch off its finance system next April, when its "
            "support contract with SAP expires.")  # fmt: skip
    assert contracts(nlp, text, "2021-08-17")[0]["end"] == "2022-04"
    assert contracts(nlp, text)[0]["end"] is None


@pytest.mark.parametrize(
    "text",
    [
        "Capita has won a five-year, £80m contract from NHS England to run GP recruitment.",
        "Kent County Council saved £2m on its IT budget.",
        "Capita said its shares were flat.",
        "Southwest One was set up in 2007 by IBM and Somerset County Council.",
    ],
)
def test_no_contract_without_a_council_party(nlp, text):
    assert contracts(nlp, text) == []
