"""Bare council names in an organisational role, and the false friends that are not (spec §1).

Every frame is tried over councils drawn from the gazetteer (one in four current councils with
a one-word or plain name), so a cue that works for one name works for all of them.
"""

from __future__ import annotations

import pytest

from councilwatch.nlp.analyse import analyse_texts
from councilwatch.nlp.gazetteer import Gazetteer, load_councils
from councilwatch.nlp.language import build_pipeline

GAZ = Gazetteer.load()


def plain(record: dict) -> str:
    return record["nice_name"].strip().removeprefix("The ").removesuffix(" Council")


def _usable(rec: dict) -> bool:
    """A current council whose bare name is its own alone and is no common word."""
    name = plain(rec)
    return (
        rec["end_date"] is None
        and rec["type"] not in ("Combined authority", "City corporation")
        and GAZ.place.get(name) == [rec["code"]]
        and "," not in name
    )


SAMPLE = [c for c in load_councils() if _usable(c)][::4]


@pytest.fixture(scope="module")
def link():
    nlp = build_pipeline()

    def codes(texts: list[str]) -> list[list[str]]:
        records = analyse_texts(nlp, [(t, None) for t in texts])
        return [sorted({c["code"] for c in rec["councils"]}) for rec in records]

    return codes


def check(link, frame: str, expect_council: bool) -> None:
    assert len(SAMPLE) >= 60
    texts = [frame.format(name=plain(c)) for c in SAMPLE]
    found = link(texts)
    wrong = [
        (t, f)
        for t, c, f in zip(texts, SAMPLE, found, strict=True)
        if f != ([c["code"]] if expect_council else [])
    ]
    assert not wrong, wrong[:5]


@pytest.mark.parametrize(
    "frame",
    [
        "{name}'s cabinet approved the new digital strategy on Tuesday.",
        "The move of {name}'s IT department to the new data centre will finish in March.",
        "A spokesperson for {name} said the new system would go live in the spring.",
        "From June the contact centre will also take calls on behalf of {name}.",
        "The pilot was led by {name}.",
        "{name} has agreed a five-year contract for a new revenues system.",
        "Last week {name} agreed to bring its housing repairs service back in-house.",
        "{name} signs cloud hosting deal",
        "The authority already shares a chief executive and a legal team with {name}.",
        "The framework was let by one authority ({name}) on behalf of the others.",
        "Officers at {name} told councillors that the move was behind schedule.",
        # compared with its peers, the answer to a question about an authority, the
        # complement of an agent, inside the words of a council's office holder
        "Unlike {name}, most councils still run their own payroll.",
        "Like {name}, the other members will move their email to the cloud.",
        "Which council will lead the procurement? {name}, according to the business case.",
        "The last council to join the scheme was {name}.",
        '"This is a big step for {name}," the council leader said.',
        "Calling it “the right deal for {name}”, the portfolio holder said costs would fall.",
    ],
)
def test_a_role_makes_a_bare_name_a_council(link, frame):
    check(link, frame, expect_council=True)


@pytest.mark.parametrize(
    "frame",
    [
        "The council said costs had risen. {name} will host the shared service from April.",
        "The council said costs had risen. In 2021 {name} issued a section 114 notice.",
        "Councils are watching. {name}, which runs its own data centre, will move first.",
        "The councils expect savings. {name}'s exit will be phased over 18 months.",
        "Councils in the region share staff. {name}, for example, has outsourced its payroll.",
    ],
)
def test_in_a_story_about_councils_weaker_cues_count(link, frame):
    check(link, frame, expect_council=True)


@pytest.mark.parametrize(
    "frame",
    [
        "The council said costs had risen. Residents in {name} will pay more.",
        "The council said costs had risen. A {name}-based supplier won the work.",
        "The council said costs had risen. {name}'s coastline attracts visitors.",
        "The council said costs had risen. {name} residents will pay more.",
        "The council said costs had risen. The {name} area has 12 libraries.",
        '"It is a first," Jo {name} said of the council\'s plan.',
        "Unlike {name}, the coast further north has few visitors.",
        '"This is a big day for {name}," said a visitor from abroad.',
        "Which town has the most visitors? {name}, according to the survey.",
        "The first stop on the tour was {name}.",
        '"We love living in {name}," the council leader said.',
    ],
)
def test_a_place_in_a_story_about_councils_is_still_a_place(link, frame):
    check(link, frame, expect_council=False)


@pytest.mark.parametrize(
    "frame",
    [
        "{name} Hospitals NHS Foundation Trust has awarded a £2m contract.",
        "NHS {name} Integrated Care Board has agreed to fund the scheme.",
        "The {name} Mental Health NHS Trust said the outage had been resolved.",
        "Researchers at the University of {name} said the study was the first of its kind.",
        "The {name} Chamber of Commerce has agreed to back the bid.",
        "{name} Police and Crime Commissioner has agreed to pay for cameras.",
    ],
)
def test_false_friends_name_no_council(link, frame):
    check(link, frame, expect_council=False)


def test_a_list_with_one_council_named_in_full_is_a_list_of_councils(link):
    [found] = link(["Kent County Council said the scheme would cover Kent and Medway."])
    assert found == ["KEN", "MDW"]
    [found] = link(["Kent County Council said hospitals in Kent and Medway were full."])
    assert found == ["KEN"]  # "in": places


def test_places_abroad_by_the_documents_own_evidence(link):
    texts = [
        "The mayor of Boston, Massachusetts, said the city would spend $2m.",
        "Newcastle City Council has awarded a $3.8 million contract for smart sensors.",
        "London city council has approved a $19m plan. The City of London will also move "
        "permits online, said the city manager.",
        "Richmond, Virginia, signed a $6.5m deal.\n\nRichmond and Wandsworth councils' shared "
        "staffing arrangement delivers £10m a year savings",
    ]
    assert link(texts) == [[], [], [], ["RIC", "WND"]]


def test_a_uk_story_that_mentions_dollars_keeps_its_councils(link):
    [found] = link(["Kent County Council has signed a £4m deal with a $50bn US supplier."])
    assert found == ["KEN"]


def test_a_uk_story_that_names_the_us_keeps_its_bare_councils(link):
    [found] = link(["Hackney will move its email to Google. The US firm said the council agreed."])
    assert found == ["HCK"]


def test_a_name_that_is_also_a_word_needs_a_cue_and_is_never_first(link):
    assert link(["Data breach at Down under investigation", "Exclusive: Down scraps its app"]) == [
        ["NIR-R"],
        ["NIR-R"],
    ]
    assert link(
        [
            "Down the road, the council agreed to share its ICT service.",
            "The council said its Down syndrome service would move.",
            "Prices went Down after the council agreed a deal.",
        ]
    ) == [[], [], []]


def test_x_city_is_the_council_in_its_role_and_the_club_in_a_story_about_sport(link):
    assert link(
        [
            "A spokesperson for Derby City said the new system would go live in the spring.",
            "Officers at Hull City told councillors that the move was behind schedule.",
            "Hull City signed a striker as the club's fans celebrated.",
            "A spokesperson for Leicester City said the match would go ahead.",
        ]
    ) == [["DER"], ["KHL"], [], []]


def test_a_city_name_before_a_type_run_or_another_city(link):
    assert link(
        [
            "A team serves St Albans City and District, Three Rivers District and Dacorum "
            "Borough Councils.",
            "The councils are Fife, Dundee City and City of Edinburgh.",
        ]
    ) == [["DAC", "SAL", "THE"], ["DND", "EDH", "FIF"]]
