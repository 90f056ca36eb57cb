"""Council linking on real-style sentences (spec §1)."""

from __future__ import annotations

import pytest

from councilwatch.nlp.analyse import analyse_texts
from councilwatch.nlp.language import build_pipeline


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline()


def codes(nlp, text: str, published: str | None = None) -> list[str]:
    [rec] = analyse_texts(nlp, [(text, published)])
    for c in rec["councils"]:
        assert text[c["start"] : c["end"]] == c["text"]
    return [c["code"] for c in rec["councils"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Islington and Camden Councils unveiled proposals to merge ICT.", ["ISL", "CMD"]),
        ("Canterbury, Dover and Thanet District Councils consolidated IT.", ["CAT", "DOV", "THA"]),
        ("Kingston and Sutton councils run a shared service.", ["KTT", "STN"]),
        ("Cambridgeshire and Northamptonshire county councils agreed.", ["CAM", "NTH"]),
        ("Havering and Newham have brought together 21 services.", ["HAV", "NWM"]),
        (
            "Hammersmith & Fulham, RBKC and Westminster council run a tri-borough.",
            ["HMF", "KEC", "WSM"],
        ),
        ("H&F and Westminster have shared services since 2011.", ["HMF", "WSM"]),
        ("Camden's IT chief said the move was overdue.", ["CMD"]),
        ("the London boroughs of Camden and Islington", ["CMD", "ISL"]),
        ("Kent County Council's IT team", ["KEN"]),
        ("Greater Manchester Combined Authority signed up.", ["GMCA"]),
        (
            "Newcastle upon Tyne City Council and Newcastle-under-Lyme Borough Council",
            ["NET", "NEC"],
        ),
        ("Herts County Council and Notts CC signed.", ["HRT", "NTT"]),
        ("East Herts Council and LBRuT agreed.", ["EHE", "RIC"]),
        ("Salford and Bolton will pilot a shared platform.", ["SLF", "BOL"]),
        ("Ashford has been recruiting developers.", ["ASF"]),
        ("Babergh and Mid Suffolk have had a similar arrangement since 2011.", ["BAB", "MSU"]),
        # names set off by dashes after a council noun, and a partner after "alongside"
        (
            "It serves the four district councils - Mendip, Sedgemoor, South Somerset and "
            "Taunton Deane - alongside West Somerset.",
            ["MEN", "SEG", "SSO", "TAU", "WSO"],
        ),
        # a place and a council joined by a comma alone are no list
        ("Elsewhere in Kent, Ashford has been recruiting for IT staff.", ["ASF"]),
        # the subject of a clause whose verb is left out
        (
            "Powys was fined £130,000 when a report was sent to the wrong address, and "
            "Midlothian £140,000 for similar errors.",
            ["POW", "MLN"],
        ),
        (
            "Cardiff, Bridgend and the Vale of Glamorgan councils share regulatory services.",
            ["CRF", "BGE", "VGL"],
        ),
    ],
)
def test_councils_named_as_organisations(nlp, text, expected):
    assert codes(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The mayor of Camden, New Jersey, signed a deal with Camden County Council.",
        "Perth has awarded a contract to a local supplier.",
        "Kent and Durham have had a wet winter.",
        "A Kent-based firm won work from councils in Kent.",
        "Citrix provided the example of three Kent councils.",
        "East Kent Services is a shared services provider.",
        "We had a pint in Camden Town.",
        "Kent Police and Kent Fire and Rescue Service worked with the LGA.",
        "The council said the three councils would share staff.",
        "a Kent council has signed a deal.",
        "Reading is a town in Berkshire.",
        "A Kent-based firm and a Surrey - based one bid.",
        # the area whose councils are meant, not its county council
        "The arrangement ended when Northamptonshire's councils were reorganised.",
        "Kent's district councils have agreed to share a payroll team.",
        "Fuel cost £1.50 a litre in Kent and Midlothian £1.60 last winter.",
    ],
)
def test_places_and_other_bodies_are_not_councils(nlp, text):
    assert codes(nlp, text) == []


def test_date_aware_linking(nlp):
    text = "Aylesbury Vale District Council and Buckinghamshire County Council share."
    assert codes(nlp, text, "2015-03-01") == ["AYL", "BKM"]
    assert codes(nlp, "Somerset and Dorset councils share.", "2015-03-01") == ["SOM", "DOR"]
    assert codes(nlp, "Somerset and Dorset councils share.", None) == ["SMT", "DST"]
    assert codes(nlp, "Bucks County Council and Wycombe agreed.", "2016-11-17") == ["BKM", "WYO"]
    assert codes(nlp, "Bucks Council signed the deal.", "2022-01-01") == ["BUC"]


def test_entities_carry_register_code(nlp):
    doc = nlp("Hackney Council and Tower Hamlets Council merged their IT.")
    ents = [(e.label_, e.kb_id_, e.ent_id_) for e in doc.ents]
    assert ents == [("COUNCIL", "HCK", "HCK"), ("COUNCIL", "TWH", "TWH")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Causeway Coast and Glens Borough Council, one of the new councils of Northern "
            "Ireland, said its payroll system was ready.",
            ["CCG"],
        ),
        (
            "Fermanagh and Omagh, and Antrim and Newtownabbey will buy IT jointly for the "
            "west of Northern Ireland.",
            ["FMO", "ANN"],
        ),
        ("Westminster City Council, from its offices in Victoria Street, said no.", ["WSM"]),
    ],
)
def test_a_uk_name_that_holds_a_foreign_one_is_not_abroad(nlp, text, expected):
    assert codes(nlp, text, "2016-05-01") == expected


def test_the_subject_of_a_headline_verb_in_a_story_about_councils(nlp):
    text = (
        "The council said the new system was live.\n\n"
        "More on this\n"
        "Wigan rebuilds its payroll after the outage\n"
        "- Telford and Wrekin counts the cost of a failed upgrade\n"
        "- Bury and Rochdale weigh a joint contact centre\n"
        "Kent residents face a rise in bills\n"
        "Worcestershire districts to pool their waste fleet\n"
        "Leeds schools close for snow\n"
    )
    assert codes(nlp, text) == ["WGN", "TFW", "BUR", "RCH"]


def test_a_headline_verb_needs_a_headline(nlp):
    text = "The council agreed. Wigan rebuilds trust slowly, a resident said."
    assert codes(nlp, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a place that opens the clause, then a comma, is its setting, not a list's first
        (
            "In Kent, Ashford and Swale district councils will share a planning team.",
            ["ASF", "SWL"],
        ),
        (
            "The councils agreed, while across Lancashire, Burnley and Pendle have merged "
            "their revenues teams.",
            ["BUN", "PEN"],
        ),
        ("Councils in Kent, Medway and Surrey face higher costs.", []),
        # names that end a list of other things are topics, not councils
        (
            "Wigan Council and Bolton Council agreed.\n\nTopics: payroll, local government, "
            "Wigan, Bolton, Lancashire",
            ["WGN", "BOL"],
        ),
    ],
)
def test_a_setting_or_a_list_of_topics_is_no_list_of_councils(nlp, text, expected):
    assert codes(nlp, text) == expected


def test_a_list_like_name_before_its_authority_existed_is_the_councils_it_merged(nlp):
    text = "Armagh, Banbridge and Craigavon councils moved their staff onto one payroll."
    assert codes(nlp, text, "2014-10-01") == ["NIR-O", "NIR-Q", "NIR-N"]
    text = "Armagh City, Banbridge and Craigavon Borough Council moved to one payroll."
    assert codes(nlp, text, "2016-10-01") == ["ABC"]


def test_an_undated_list_reads_a_shared_name_as_its_partners_contemporary(nlp):
    text = "Christchurch Borough Council joins Bournemouth and Poole in the new council."
    assert codes(nlp, text) == ["CHC", "BMH", "POL"]
    assert codes(nlp, "Bournemouth and Poole councils agreed.", "2016-01-01") == ["BMH", "POL"]
    # both names served two authorities: the current ones, as before
    assert codes(nlp, "Somerset and Dorset councils share.") == ["SMT", "DST"]
    assert codes(nlp, "Bournemouth and Dorset councils agreed.") == ["BPC", "DST"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the noun of one who speaks or sits for the organisation, after "a" too
        ("A Tameside spokeswoman said the data had been restored.", ["TAM"]),
        ("Dudley councillors rejected the outsourcing plan on Monday.", ["DUD"]),
        ("A Tameside resident said the bins were late.", []),
        ("A Tameside Police spokeswoman said nobody was hurt.", []),
        # a copula whose complement is a council noun
        ("Under the plan, Sandwell will be the lead authority for payroll.", ["SAW"]),
        ("Sandwell is the largest town in the county.", []),
    ],
)
def test_an_office_or_a_council_noun_makes_a_name_the_council(nlp, text, expected):
    assert codes(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The council agreed. It copies a similar scheme set up by Solihull in 2019.", ["SOL"]),
        ("The council agreed. The bid was backed last week by Walsall and Dudley.", ["WLL", "DUD"]),
        ("The council agreed. The village is surrounded by Solihull farmland.", []),
        ("The council agreed. The suspect was arrested by Walsall Police.", []),
    ],
)
def test_an_agent_after_by_in_a_story_about_councils(nlp, text, expected):
    assert codes(nlp, text) == expected


def test_a_line_of_a_list_of_councils_opens_with_a_council(nlp):
    text = (
        "The fund's awards:\n"
        "Wigan Council – £70,000 (bin rounds)\n"
        "Oldham – £52,000 (library app)\n"
        "Bolton MBC – £60,000 (payroll)\n\n"
        "Results:\nKent County Council - 40%\nSurrey - sunny\n"
    )
    assert codes(nlp, text) == ["WGN", "OLD", "BOL", "KEN"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the buyer or seller of a service
        (
            "The council agreed. The firm supplies payroll services to Halton and Knowsley.",
            ["HAL", "KWL"],
        ),
        ("The council agreed. Halton buys its legal service from Knowsley.", ["HAL", "KWL"]),
        ("The council agreed. The firm offers a fast train to Halton.", []),
        ("The council agreed. The firm received letters from Knowsley residents.", []),
        # cues with a comma, an apposition after a council noun, an office before a person
        ("Other councils, such as Halton and Knowsley, have signed up.", ["HAL", "KWL"]),
        ("The authority, Knowsley, said the work was done.", ["KWL"]),
        ("Knowsley leader Graham Morgan said the work was done.", ["KWL"]),
        ("Officials from Halton will meet the minister.", ["HAL"]),
    ],
)
def test_a_service_partner_and_more_cues_before_and_after_a_name(nlp, text, expected):
    assert codes(nlp, text) == expected


def test_press_names_of_the_western_isles_and_rhondda_cynon_taf(nlp):
    text = "The council agreed. Western Isles and RCT have signed the framework."
    assert codes(nlp, text) == ["ELS", "RCT"]
    assert codes(nlp, "An RCT of the app found no effect.") == []
    assert codes(nlp, "Ferries to the Western Isles were cancelled.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The council agreed. The bid is backed by Medway.", ["MDW"]),
        ("The council agreed. The bid is backed by Medway businesses.", []),
        ("The council agreed. It follows complaints raised by Medway residents.", []),
    ],
)
def test_a_name_before_a_noun_of_its_people_or_things_is_the_place(nlp, text, expected):
    assert codes(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The council agreed. The partners - Barnet, Brent and Harrow - will share.",
            ["BNE", "BEN", "HRW"],
        ),
        ("The council agreed. The Barnet deal with Capita was criticised.", ["BNE"]),
        ("The council agreed. The move will save Barnet £2m a year.", ["BNE"]),
        ("The council agreed. The trip will cost Barnet families £200 each.", []),
        ("The council agreed. Barnet last year signed a deal with Capita.", ["BNE"]),
        ("The council agreed. Barnet in 2019 signed a deal with Capita.", ["BNE"]),
        ("The council agreed. Barnet too has signed up.", ["BNE"]),
        ("The council agreed. Capita will run the IT service for Barnet from June.", ["BNE"]),
        ("The council agreed. The West Suffolk councils share a chief executive.", []),
    ],
)
def test_more_ways_of_naming_a_council_in_a_story_about_councils(nlp, text, expected):
    assert codes(nlp, text) == expected


def test_a_single_name_before_partnership_names_the_partnership(nlp):
    text = "The council agreed. The two councils form the West Suffolk partnership."
    assert codes(nlp, text) == []


def test_a_headline_that_puts_its_subject_in_an_amount_or_a_deal(nlp):
    text = (
        "The council said the deal was signed.\n\n"
        "Read next\n"
        "Oldham in £4m payroll deal\n"
        "Kent in pictures\n"
        "Oldham in the snow\n"
    )
    assert codes(nlp, text) == ["OLD"]
