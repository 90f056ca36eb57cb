"""Shared-service arrangements (spec §4)."""

from __future__ import annotations

import pytest

from councilwatch.nlp.analyse import analyse_texts
from councilwatch.nlp.language import build_pipeline


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


def codes(nlp, text: str) -> list[tuple[set[str], str]]:
    return [(set(a["councils"]), a["status"]) for a in arrangements(nlp, text)]


def test_councils_named_in_one_sentence_and_shared_in_the_next(nlp):
    text = (
        "Wealden District Council and Rother District Council met on Monday. "
        "The two councils have shared a chief executive since 2014."
    )
    assert codes(nlp, text) == [({"WEA", "ROH"}, "live")]
    # a number picks that many, back through the sentences; "those" the last-named ones
    text = (
        "Wiltshire Council said Swindon Borough Council and Bath and North East Somerset "
        "Council were interested. Those two councils already share a legal team."
    )
    assert codes(nlp, text) == [({"SWD", "BAS"}, "live")]
    text = (
        "Hertfordshire County Council backed the bid. Watford Borough Council and Three Rivers "
        "District Council agreed. The three councils will share a data centre."
    )
    assert codes(nlp, text)[0][0] == {"HRT", "WAT", "THE"}


def test_one_council_providing_a_service_to_another(nlp):
    for text in (
        "Leeds City Council will run payroll for Bradford Council from April.",
        "Telford & Wrekin Council provides ICT support to Shropshire Council.",
        "Rutland County Council buys its ICT service from Leicestershire County Council.",
        "Adopt North East is run by Newcastle City Council on behalf of Gateshead Council.",
    ):
        [(councils, _)] = codes(nlp, text)
        assert len(councils) == 2, text


def test_owned_companies_and_joint_contracts(nlp):
    text = "Strata, the IT company owned by Exeter City Council and Teignbridge District Council."
    assert codes(nlp, text) == [({"EXE", "TEI"}, "live")]
    text = (
        "Nottingham City Council and Nottinghamshire County Council have jointly let a framework."
    )
    assert codes(nlp, text) == [({"NGM", "NTT"}, "agreed")]


def test_ended_arrangements(nlp):
    text = "Cherwell District Council and South Northamptonshire Council have agreed to end their partnership."
    assert codes(nlp, text) == [({"CHR", "SNR"}, "ended")]
    text = (
        "Havering Council, Newham Council and Bexley Council share oneSource. "
        "Bexley Council is to withdraw from oneSource next year."
    )
    assert codes(nlp, text) == [({"HAV", "NWM", "BEX"}, "ended")]
    text = "Surrey County Council and East Sussex County Council will continue to share IT."
    assert codes(nlp, text) == [({"SRY", "ESX"}, "live")]


def test_successor_councils_of_a_reorganisation_are_not_its_partners(nlp):
    text = (
        "Cumberland Council took over from Allerdale Borough Council on Saturday, while "
        "Westmorland and Furness Council replaced Eden District Council. "
        "The new councils will run a shared disaster recovery site."
    )
    assert [c for c, _ in codes(nlp, text)] == [{"CBD", "WAF"}]


def test_an_indefinite_number_introduces_councils_named_next(nlp):
    text = (
        "Islington Council and Camden Council share ICT. Three Kent councils opted to share IT "
        "services. Canterbury City Council, Dover District Council and Thanet District Council "
        "signed the deal."
    )
    assert [c for c, _ in codes(nlp, text)] == [{"ISL", "CMD"}, {"CAT", "DOV", "THA"}]


def test_a_council_and_a_number_of_others_named_next(nlp):
    text = (
        "Belfast City Council and two neighbouring councils have agreed to set up a joint "
        "digital team. The councils involved are Antrim and Newtownabbey, and Lisburn and "
        "Castlereagh."
    )
    assert [c for c, _ in codes(nlp, text)] == [{"BFS", "ANN", "LBC"}]


def test_a_council_linked_elsewhere_counts_by_its_short_name(nlp):
    text = (
        "Surrey CC and East Sussex CC have launched Orbis, a shared service. "
        "Surrey County Council's leader and East Sussex County Council's chief executive spoke."
    )
    assert [c for c, _ in codes(nlp, text)] == [{"SRY", "ESX"}]
    # not inside a longer name, nor after a direction word
    text = (
        "Maidstone Borough Council and Swale Borough Council run Mid Kent Services. "
        "Kent County Council is not involved."
    )
    assert [c for c, _ in codes(nlp, text)] == [{"MAI", "SWL"}]


def test_a_council_joining_an_arrangement_and_a_clause_that_does_not_share(nlp):
    text = (
        "Surrey County Council and East Sussex County Council share IT through Orbis. "
        "Brighton and Hove City Council will join next year."
    )
    assert [c for c, _ in codes(nlp, text)] == [{"SRY", "ESX"}, {"SRY", "ESX", "BNH"}]
    text = (
        "Exeter City Council and Teignbridge District Council will share IT, while Devon County "
        "Council runs its own."
    )
    assert [c for c, _ in codes(nlp, text)] == [{"EXE", "TEI"}]
    text = "Exeter City Council and Teignbridge District Council, which share IT, met Devon County Council."
    assert [c for c, _ in codes(nlp, text)] == [{"EXE", "TEI", "DEV"}]


def test_the_county_is_the_one_county_council_the_document_links(nlp):
    text = (
        "Kent County Council approved its budget. Medway Council has a waste partnership with "
        "the county."
    )
    assert [c for c, _ in codes(nlp, text)] == [{"KEN", "MDW"}]
    text = (
        "Kent County Council approved its budget. Medway Council, which is not part of the "
        "partnership, will keep working with the county."
    )
    assert codes(nlp, text) == []
    # joined to a list of districts: the county council is a member with them
    text = (
        "The Somerset Waste Partnership manages waste services on behalf of the county council "
        "and the districts - Mendip, Sedgemoor and South Somerset. Somerset County Council's "
        "cabinet member welcomed the deal."
    )
    assert [c for c, _ in codes(nlp, text)] == [{"SOM", "MEN", "SEG", "SSO"}]
    # a county council named in a list sentence without being joined to it is not added
    text = (
        "Mendip and Sedgemoor share a waste team, which the county council audits. "
        "Somerset County Council's cabinet member welcomed the deal."
    )
    assert [c for c, _ in codes(nlp, text)] == [{"MEN", "SEG"}]


def test_a_sentence_continuing_the_arrangement_adds_its_services(nlp):
    text = (
        "Watford Borough Council and Three Rivers District Council share an ICT team. "
        "The partnership also runs legal services and payroll. "
        "The councils will keep separate planning teams."
    )
    [a] = arrangements(nlp, text)
    assert set(a["services"]) == {"ict", "legal", "hr_payroll"}
    # a sentence naming a council outside the arrangement is about something else
    text = (
        "Watford Borough Council and Three Rivers District Council share an ICT team. "
        "It also advises Hertfordshire County Council on legal services."
    )
    assert [a["services"] for a in arrangements(nlp, text)] == [["ict"]]


def test_a_council_that_will_not_join_stays_out(nlp):
    text = (
        "Watford Borough Council and Three Rivers District Council share an ICT team. "
        "Dacorum Borough Council said it had no plans to join."
    )
    assert codes(nlp, text) == [({"WAT", "THE"}, "live")]
    text = (
        "Watford Borough Council and Three Rivers District Council share an ICT team. "
        "Dacorum Borough Council will join next year."
    )
    assert {"DAC", "WAT", "THE"} in [c for c, _ in codes(nlp, text)]


def test_a_sentence_naming_all_the_councils_again_adds_its_services(nlp):
    text = (
        "Four councils have set up a company they jointly own. Publica Group was set up by "
        "Cotswold District Council, Forest of Dean District Council, West Oxfordshire "
        "District Council and Cheltenham Borough Council to deliver revenues and benefits and ICT."
    )
    [a] = arrangements(nlp, text)
    assert set(a["services"]) == {"revenues_benefits", "ict"}


def test_sharing_before_a_reorganisation_clause_is_an_arrangement_of_its_own_councils(nlp):
    text = (
        "Cherwell District Council shared a chief executive with South Northamptonshire "
        "Council, a partnership that ended in 2018 when Northamptonshire County Council's "
        "reorganisation was announced."
    )
    assert codes(nlp, text) == [({"CHR", "SNR"}, "ended")]
    # a reorganisation with no clause that shares apart from it is still none
    text = "Chiltern District Council and Wycombe District Council will merge into a new unitary."
    assert codes(nlp, text) == []


def test_councils_that_set_up_a_venture_share_and_a_tag_line_says_nothing(nlp):
    text = "Havering Council and Newham Council established the venture in 2014."
    assert codes(nlp, text) == [({"HAV", "NWM"}, "live")]
    assert codes(nlp, "Havering Council and Newham Council established a museum.") == []
    text = (
        "Surrey County Council and East Sussex County Council cut their budgets."
        "\n\nTags: shared services, Surrey, East Sussex\n"
    )
    assert codes(nlp, text) == []


def test_what_follows_a_vehicle_counts_when_it_shares_or_the_vehicle_is_the_subject(nlp):
    text = (
        "Cambridge City Council and Huntingdonshire District Council marked three years of "
        "3C Shared Services, the partnership through which the councils run joint ICT and "
        "legal services."
    )
    [a] = arrangements(nlp, text)
    assert set(a["services"]) == {"ict", "legal"} and a["vehicle"] == "3C Shared Services"
    text = (
        "Strata Service Solutions, the company owned by Exeter City Council and Teignbridge "
        "District Council, runs their networks and service desk."
    )
    [a] = arrangements(nlp, text)
    assert {"infrastructure", "it_support"} <= set(a["services"])


def test_a_sentence_opening_with_the_shared_teams_continues_the_arrangement(nlp):
    text = (
        "Oxfordshire County Council and Cherwell District Council are to end their joint "
        "working. The shared IT, HR and legal teams will be split up over the next year."
    )
    [a] = arrangements(nlp, text)
    assert {"ict", "hr_payroll", "legal"} <= set(a["services"])


def test_a_number_of_councils_gathered_from_scattered_mentions_means_the_arrangement(nlp):
    text = (
        "Inverclyde Council and West Dunbartonshire Council have agreed a joint roads service. "
        "Glasgow City Council declined. East Dunbartonshire Council said it was disappointed. "
        "The two remaining authorities said their partnership would succeed."
    )
    assert {frozenset(c) for c, _ in codes(nlp, text)} == {frozenset({"IVC", "WDU"})}
    # named together in one sentence, the last two named are meant
    text = (
        "Inverclyde Council and West Dunbartonshire Council have agreed a joint roads service. "
        "Glasgow City Council and East Dunbartonshire Council met on Monday. "
        "The two councils said they would share a payroll team."
    )
    assert frozenset({"GLG", "EDU"}) in {frozenset(c) for c, _ in codes(nlp, text)}


def test_a_sentence_about_the_arrangement_that_serves_more_councils_adds_them(nlp):
    text = (
        "Melton Borough Council buys its procurement from a unit hosted by Harborough District "
        "Council. The unit also handles procurement for Rutland County Council and Oadby and "
        "Wigston Borough Council."
    )
    sets = [c for c, _ in codes(nlp, text)]
    assert {"MEL", "HAO", "RUT", "OAD"} in sets
    # without a provider link the other councils are not served by it
    text = (
        "Melton Borough Council buys its procurement from a unit hosted by Harborough District "
        "Council. The unit was praised by Rutland County Council."
    )
    assert [c for c, _ in codes(nlp, text)] == [{"MEL", "HAO"}]


def test_two_clauses_that_each_share_are_two_arrangements(nlp):
    text = (
        "Angus Council and Dundee City Council share a roads service, while East Lothian "
        "Council and West Lothian Council are exploring a joint procurement team."
    )
    got = {frozenset(a["councils"]): a for a in arrangements(nlp, text)}
    assert set(got) == {frozenset({"ANS", "DND"}), frozenset({"ELN", "WLN"})}
    assert got[frozenset({"ELN", "WLN"})]["services"] == ["procurement"]
    assert got[frozenset({"ELN", "WLN"})]["status"] == "proposed"
    assert got[frozenset({"ANS", "DND"})]["services"] == ["transport_highways"]


def test_a_former_cue_before_a_list_makes_every_council_of_the_list_former(nlp):
    text = (
        "Cumberland Council, which now covers the former Allerdale, Carlisle and Copeland "
        "areas, hosts the shared services for Westmorland and Furness Council."
    )
    assert [c for c, _ in codes(nlp, text)] == [{"CBD", "WAF"}]
    text = (
        "East Suffolk Council, formed from the merger of Suffolk Coastal and Waveney, runs "
        "its revenues service with Ipswich Borough Council."
    )
    assert not any({"SUF", "WAV"} & c for c, _ in codes(nlp, text))
    # names joined in a list without such a cue are members as before
    text = "Allerdale, Carlisle and Copeland share a revenues team."
    assert [c for c, _ in codes(nlp, text)] == [{"ALL", "CAR", "COP"}]
    # nor are the former councils those a later plural reference points back to
    text = (
        "Cumberland Council, which covers the former Allerdale, Carlisle and Copeland areas, "
        "and Westmorland and Furness Council replaced Cumbria County Council in April. "
        "The two councils will go on sharing a number of services."
    )
    assert [c for c, _ in codes(nlp, text)] == [{"CBD", "WAF"}]


def test_a_possessive_share_is_a_part_not_a_sharing_verb(nlp):
    text = (
        "West Northamptonshire Council and North Northamptonshire Council will take over "
        "the county's share from April."
    )
    assert codes(nlp, text) == []
    text = "West Northamptonshire Council and North Northamptonshire Council share a payroll team."
    assert [c for c, _ in codes(nlp, text)] == [{"WNT", "NNT"}]


def test_a_council_buying_from_a_named_vehicle_joins_its_arrangement(nlp):
    text = (
        "oneSource, the back-office joint venture of Havering and Newham, has a third council. "
        "Havering and Newham share finance and HR through it. "
        "From this month Bexley Council will buy its ICT services from oneSource."
    )
    assert [c for c, _ in codes(nlp, text)][-1] == {"HAV", "NWM", "BEX"}
    # buying from a company the text does not call a vehicle is a contract, not joining
    text = (
        "Havering and Newham share finance and HR. "
        "From this month Bexley Council will buy its ICT services from Capita."
    )
    assert [c for c, _ in codes(nlp, text)] == [{"HAV", "NWM"}]


def test_a_council_that_only_funds_the_joint_work_is_no_member(nlp):
    text = (
        "Halton, Knowsley and Wirral councils will jointly procure the network, with the "
        "Liverpool City Region Combined Authority contributing £10m in funding."
    )
    assert [c for c, _ in codes(nlp, text)] == [{"HAL", "KWL", "WRL"}]
    text = "Halton and Knowsley councils will jointly procure the network with Wirral Council."
    assert [c for c, _ in codes(nlp, text)] == [{"HAL", "KWL", "WRL"}]


def test_relative_clause_that_shares_ends_at_its_closing_comma(nlp):
    # the main clause goes on to a reorganisation; the relative clause alone shares
    [a] = arrangements(
        nlp,
        "Chiltern and South Bucks, which already share a chief executive and staff, will merge "
        "those teams into the new council.",
    )
    assert sorted(a["councils"]) == ["CHN", "SBU"]


def test_reorganisation_after_a_sharing_relative_clause_adds_no_councils(nlp):
    [a] = arrangements(
        nlp,
        "Christchurch and East Dorset councils, which have their own partnership, have opposed "
        "the reorganisation, which would merge Bournemouth, Poole and Weymouth into one council.",
    )
    assert sorted(a["councils"]) == ["CHC", "EDO"]


def test_named_vehicle_serving_a_list_of_councils_is_their_arrangement(nlp):
    [a] = arrangements(
        nlp,
        "Opposition members said the council should have looked at joining East Kent Services, "
        "which handles revenues for Canterbury, Dover and Thanet.",
    )
    assert sorted(a["councils"]) == ["CAT", "DOV", "THA"]


def test_supplier_serving_a_list_of_councils_is_no_arrangement(nlp):
    # no vehicle of theirs: a firm with three customers
    assert not arrangements(
        nlp, "Capita handles revenues for Canterbury, Dover and Thanet under separate contracts."
    )


def test_a_similar_arrangement_refers_to_sharing(nlp):
    # "a similar arrangement" points back to one described before: the councils share
    found = arrangements(
        nlp,
        "Forest Heath and St Edmundsbury councils have agreed to share a chief executive. "
        "Babergh and Mid Suffolk have had a similar arrangement since 2011.",
    )
    assert ["BAB", "MSU"] in [sorted(a["councils"]) for a in found]


def test_contrast_clause_with_councils_of_its_own_leaves_the_first_clause_out(nlp):
    [a] = arrangements(
        nlp,
        "Stockport MBC, Trafford Council and Wigan Council will lead work on digital inclusion, "
        "while Salford and Bolton will pilot a shared data platform for children's services.",
    )
    assert sorted(a["councils"]) == ["BOL", "SLF"]


def test_relative_clause_still_takes_its_subject_councils(nlp):
    [a] = arrangements(
        nlp, "Kent County Council and Medway Council, which share a data centre, said so."
    )
    assert sorted(a["councils"]) == ["KEN", "MDW"]


def test_councils_of_a_relative_clause_aside_are_not_in_the_arrangement(nlp):
    # "which with Leeds and Bradford make up ..." neither shares nor provides; the main
    # clause after it shares; "Combined Authority" in a name is no word for sharing
    [a] = arrangements(
        nlp,
        "Kirklees, Calderdale and Wakefield councils, which with Leeds and Bradford make up the "
        "West Yorkshire Combined Authority, are sharing a new cyber security operations centre.",
    )
    assert sorted(a["councils"]) == ["CLD", "KIR", "WKF"]


def test_both_refers_back_anywhere_in_the_sentence(nlp):
    first = "Babergh and Mid Suffolk district councils agreed to share a chief executive."
    found = codes(
        nlp, f"{first} Suffolk County Council provides some IT support to both districts."
    )
    assert ({"BAB", "MSU", "SFK"}, "live") in found


def test_a_successor_bodys_name_says_no_sharing(nlp):
    # "Combined Authority" in the name of a body yet to be created combines nothing
    text = (
        "North Yorkshire Council came into being on Saturday, replacing North Yorkshire County "
        "Council and the district councils of Craven and Selby. The City of York Council is not "
        "affected, although both councils are members of the new York and North Yorkshire "
        "Combined Authority, due to be created next year."
    )
    assert codes(nlp, text) == []


def test_reference_that_says_what_is_run_for_them_adds_services(nlp):
    [a] = arrangements(
        nlp,
        "LB Newham and LB Havering set up oneSource, a shared back-office service, in 2014. "
        "oneSource runs finance, HR and legal work for the two boroughs.",
    )
    assert {"finance", "hr_payroll", "legal"} <= set(a["services"])
