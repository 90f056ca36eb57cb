"""Press forms generated from the gazetteer's records (spec §1), and their linking.

The forms under test are made here from each record's common name and type, so that every
authority of a type is tried, not a few hand-picked ones.
"""

from __future__ import annotations

import pytest

from councilwatch.nlp.analyse import analyse_texts
from councilwatch.nlp.gazetteer import Gazetteer, load_councils
from councilwatch.nlp.language import build_pipeline
from councilwatch.nlp.name_forms import (
    FormRules,
    form_kind,
    press_forms,
    short_forms,
    short_places,
    stems,
)

COUNCILS = [c for c in load_councils()]
BY_CODE = {c["code"]: c for c in COUNCILS}


def plain(record: dict) -> str:
    """The common name as the press writes it bare ("Barnsley", "Vale of Glamorgan")."""
    name = record["nice_name"].strip().removeprefix("The ").removesuffix(" Council")
    return name.removeprefix("City of ")


def of_type(kind: str, official_has: str = "") -> list[dict]:
    return [
        c
        for c in COUNCILS
        if c["type"] == kind and official_has in c["official_name"] and "," not in c["nice_name"]
    ]


TYPE_FORMS = [
    ("County", "", ["{} County Council", "{} CC", "{} Council"]),
    (
        "Metropolitan district",
        "Metropolitan Borough",
        [
            "{} MBC",
            "{} Metropolitan Council",
            "{} Borough Council",
            "{} Metropolitan Borough Council",
        ],
    ),
    ("London borough", "", ["LB {}", "London Borough of {}", "{} Council"]),
    ("Non-metropolitan district", "District Council", ["{} District Council", "{} DC"]),
    ("Non-metropolitan district", "Borough Council", ["{} Borough Council", "{} BC"]),
    ("Welsh unitary authority", "County Borough", ["{} County Borough Council", "{} CBC"]),
]


@pytest.fixture(scope="module")
def rules() -> FormRules:
    return FormRules.load()


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


@pytest.mark.parametrize(("kind", "evidence", "patterns"), TYPE_FORMS)
def test_every_authority_of_a_type_gets_its_types_forms(rules, kind, evidence, patterns):
    councils = of_type(kind, evidence)
    assert len(councils) >= 8
    for rec in councils:
        made = {text for text, _ in press_forms(rec, [], rules)}
        for pattern in patterns:
            assert pattern.format(plain(rec)) in made, (rec["code"], pattern)


def test_cities_get_city_council_and_city_of_forms(rules):
    cities = [
        c
        for c in COUNCILS
        if c["official_name"].startswith("City of ") and c["type"] != "City corporation"
    ]
    assert len(cities) >= 5
    for rec in cities:
        made = dict(press_forms(rec, [], rules))
        assert made[f"{plain(rec)} City Council"] == "org"
        assert made[f"City of {plain(rec)} Council"] == "org"


def test_city_councils_get_the_bare_x_city_form(rules):
    cities = [c for c in COUNCILS if c["official_name"].endswith(" City Council")]
    assert len(cities) >= 10
    for rec in cities:
        base = stems(rec, rules)[-1]  # "Aberdeen" of "Aberdeen City Council"
        assert dict(press_forms(rec, [], rules)).get(f"{base} City") == "place", base
    assert "Derbyshire City" not in dict(press_forms(BY_CODE["DBY"], [], rules))


def test_names_that_join_places_are_written_as_lists(rules):
    ards = dict(press_forms(BY_CODE["AND"], [], rules))
    assert ards["North Down and Ards"] == "place"  # the other way round
    rct = dict(press_forms(BY_CODE["RCT"], [], rules))
    assert rct["Rhondda, Cynon, Taff"] == "place"  # commas between the places
    # no type word is swapped: "St Albans City and District" stays as it is
    assert "District and St Albans City" not in dict(press_forms(BY_CODE["SAL"], [], rules))


def test_a_qualified_town_names_its_council_only_where_it_is_no_other_authoritys(gaz, rules):
    assert gaz.place["Blackburn"] == ["BBD"] and gaz.place["Stoke"] == ["STE"]
    assert short_places(BY_CODE["RCC"], rules) == []  # "Redcar": a list-like name
    towns = [t for rec in COUNCILS for t in short_places(rec, rules)]
    assert towns.count("Kingston") == 2 and towns.count("Newcastle") == 2  # two authorities each
    # left to the other names of council_variants.csv: "Kingston", "Newcastle" (upon Tyne)
    assert gaz.place["Kingston"] == ["KTT"] and gaz.place["Newcastle"] == ["NET"]


def test_abbreviations_are_matched_as_written_and_other_forms_ignoring_case(rules):
    forms = dict(press_forms(BY_CODE["BNS"], [], rules))
    assert forms["Barnsley MBC"] == "cased" and forms["Barnsley Metropolitan Council"] == "org"
    assert forms["Barnsley"] == "place"
    assert form_kind("LB Camden") == "cased" and form_kind("Camden Council") == "org"


def test_and_ampersand_and_hyphens_both_ways(rules):
    hove = {t for t, _ in press_forms(BY_CODE["BNH"], [], rules)}
    assert {"Brighton & Hove City Council", "Brighton and Hove City Council"} <= hove
    thames = {t for t, _ in press_forms(BY_CODE["KTT"], [], rules)}
    assert {"Kingston-upon-Thames", "Kingston upon Thames Council"} <= thames
    derry = {t for t, _ in press_forms(BY_CODE["DRS"], [], rules)}
    assert "Derry and Strabane" in derry


def test_stems_strip_prefixes_and_suffixes(rules):
    assert stems(BY_CODE["WSM"], rules) == ["Westminster"]
    assert stems(BY_CODE["KIN"], rules)[-1] == "Kings Lynn and West Norfolk"
    assert "Newcastle" in stems(BY_CODE["NET"], rules)


def test_short_forms_only_where_no_other_authority_makes_them(gaz, rules):
    assert gaz.org["Redcar Council"] == ["RCC"] and gaz.org["Stoke Council"] == ["STE"]
    makers: dict[str, set[str]] = {}
    for rec in COUNCILS:
        for form in short_forms(rec, rules):
            makers.setdefault(form, set()).add(rec["code"])
    shared = [form for form, codes in makers.items() if len(codes) > 1]
    assert "Newcastle Council" in shared  # upon Tyne or under Lyme
    for form in shared:  # left to the other names of council_variants.csv ("Newcastle")
        assert len(gaz.org.get(form, [])) <= 1
    assert "Mid Council" not in gaz.org  # Mid and East Antrim
    assert short_forms(BY_CODE["GMCA"], rules) == []


def test_combined_authorities_get_no_place_forms(gaz):
    combined = {c["code"] for c in COUNCILS if c["type"] == "Combined authority"}
    assert combined and not any(set(codes) & combined for codes in gaz.place.values())


@pytest.fixture(scope="module")
def link():
    nlp = build_pipeline()

    def codes(text: str, published: str | None = None) -> list[str]:
        [rec] = analyse_texts(nlp, [(text, published)])
        return sorted({c["code"] for c in rec["councils"]})

    return codes


@pytest.mark.parametrize(("kind", "evidence", "patterns"), TYPE_FORMS)
def test_generated_forms_link_in_any_case(link, kind, evidence, patterns):
    # every third current authority of the type (an abolished county's "X Council" is its
    # successor's name: Somerset Council)
    councils = [c for c in of_type(kind, evidence) if c["end_date"] is None][::3]
    texts, expected = [], []
    for rec in councils:
        for pattern in patterns:
            name = pattern.format(plain(rec))
            variants = [name] if form_kind(name) == "cased" else [name, name.upper(), name.lower()]
            for variant in variants:
                texts.append(f"A spokesperson for {variant} said the contract had been signed.")
                expected.append(rec["code"])
    found = [link(t) for t in texts]
    wrong = [(t, e, f) for t, e, f in zip(texts, expected, found, strict=True) if f != [e]]
    assert not wrong, wrong[:5]


def test_abolished_councils_named_in_full_link_to_their_own_code_undated(link):
    abolished = [c for c in COUNCILS if c["end_date"] and c["type"] != "Combined authority"]
    assert len(abolished) > 60
    wrong = []
    for rec in abolished:
        text = f"{rec['official_name']} has agreed to share its ICT service."
        if link(text) != [rec["code"]]:
            wrong.append((text, link(text)))
    assert not wrong, wrong[:5]


def test_a_date_chooses_only_where_one_name_served_two(link):
    assert link("Somerset has agreed to outsource its IT.", "2019-05-01") == ["SOM"]
    assert link("Somerset has agreed to outsource its IT.", "2024-05-01") == ["SMT"]
    # the type words choose between them whatever the date
    text = "Taunton Deane Borough, Sedgemoor District and Somerset County Councils signed."
    assert link(text, "2024-05-01") == ["SEG", "SOM", "TAU"]


def test_names_in_capitals_that_tokenize_differently(link):
    assert link("The chief executive of ST. HELENS Council wrote to staff.") == ["SHN"]
    assert link("BARROW-IN-FURNESS BOROUGH COUNCIL HAS AGREED A DEAL") == ["BAR"]  # not Indiana


def test_a_joined_name_dated_before_its_authority_is_the_councils_it_merged(link):
    text = "North Down and Ards councils have agreed to share an ICT service."
    assert link(text, "2012-05-01") == ["NIR-W", "NIR-X"]  # before Ards and North Down
    assert link(text.replace(" councils", ""), "2019-05-01") == ["AND"]
    assert link(text.replace(" councils", "")) == ["AND"]  # undated: the current council


def test_the_official_prefix_fits_the_other_names_too():
    rules = FormRules.load()
    rec = {
        "official_name": "Borough Council of Kings Lynn and West Norfolk",
        "nice_name": "Kings Lynn and West Norfolk",
        "type": "Non-metropolitan district",
    }
    forms = dict(press_forms(rec, ["King's Lynn and West Norfolk"], rules))
    assert forms["Borough Council of King's Lynn and West Norfolk"] == "org"
    rec = {"official_name": "Somerset Council", "nice_name": "Somerset", "type": "Unitary"}
    assert not [t for t, _ in press_forms(rec, ["Zomerzet"], rules) if " of " in t]
