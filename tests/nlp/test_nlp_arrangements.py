"""Shared-service arrangements (spec §4)."""

from __future__ import annotations

import pytest

from councilwatch.nlp.analyse import analyse_texts
from councilwatch.nlp.pipeline import build_pipeline


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline()


def arrangements(nlp, text: str) -> list[dict]:
    [rec] = analyse_texts(nlp, [(text, None)])
    for a in rec["arrangements"]:
        assert text[a["start"] : a["end"]] == a["sentence"]
    return rec["arrangements"]


def test_proposed_merger_with_yearly_saving(nlp):
    [a] = arrangements(
        nlp,
        "In the Autumn, Islington and Camden Councils unveiled proposals to merge their ICT "
        "services by April 2016 to save £4 million a year.",
    )
    assert a["councils"] == ["ISL", "CMD"] and a["services"] == ["ict"]
    assert (a["saving_gbp"], a["period"], a["status"]) == (4e6, "year", "proposed")


def test_live_arrangement_with_vehicle_and_saving_from_previous_sentence(nlp):
    [a] = arrangements(
        nlp,
        "Citrix cited three Kent councils, which opted to share IT services as part of a "
        "four-year goal to save £2.7m. Canterbury, Dover and Thanet District Councils "
        "consolidated their three separate IT systems into one shared mobile workspace via East "
        "Kent Services (EKS), a shared services provider for customer services.",
    )
    assert a["councils"] == ["CAT", "DOV", "THA"]
    assert a["services"] == ["ict", "workplace"]
    assert a["vehicle"] == "East Kent Services"
    assert (a["saving_gbp"], a["period"], a["status"]) == (2.7e6, "total", "live")


def test_statuses(nlp):
    [a] = arrangements(nlp, "Havering and Newham have brought together 21 services.")
    assert a["councils"] == ["HAV", "NWM"] and a["status"] == "live"
    [a] = arrangements(nlp, "Kingston and Sutton councils agreed to share legal services.")
    assert a["status"] == "agreed" and a["services"] == ["legal"]
    [a] = arrangements(nlp, "Hackney Council and Tower Hamlets Council scrapped their shared IT.")
    assert a["status"] == "ended"


def test_no_arrangement_without_sharing_or_two_councils(nlp):
    assert arrangements(nlp, "Camden Council and Islington Council both raised council tax.") == []
    assert arrangements(nlp, "Camden Council shares its data centre with a charity.") == []
