"""Money roles from the clause that governs the amount (spec §2), one test per mechanism."""

from __future__ import annotations

import pytest

from councilwatch.nlp.analyse import analyse_texts
from councilwatch.nlp.language import build_pipeline


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline()


def roles(nlp, text: str) -> list[str]:
    [rec] = analyse_texts(nlp, [(text, None)])
    return [m["role"] for m in rec["money"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the longest cue phrase of a compound is its head, not a shorter one inside it
        ("Work starts on the £420m Tay Cities Deal next month.", ["funding"]),
        ("The £2m Growth Deal bid was approved.", ["funding"]),
        # a relational head after a funding word is a cut in funding
        ("Welsh councils face a £90m grant cut.", ["funding"]),
        ("Districts brace for a £15m funding reduction next year.", ["funding"]),
        ("The board agreed a £3m staffing cut.", ["saving"]),
        # a service name that holds a cue word names no money
        ("They priced the move of the housing benefit service at £400,000.", ["spend"]),
        ("Its revenues and benefits team costs £2.1m a year.", ["spend"]),
        # a budget gap is neither spent nor saved
        ("The borough must close a £48m budget gap.", ["other"]),
        ("It warned of a budget shortfall of £12m by 2026.", ["other"]),
        # what a project ran over its budget by is a variance, neither spent nor saved
        ("The new payroll system came in £400,000 over budget.", ["other"]),
        ("The scheme finished £1.2m over its budget.", ["other"]),
        # a pension bill is a liability, not spending on a service
        ("The borough faces a £14m pension bill next year.", ["other"]),
    ],
)
def test_compound_heads(nlp, text, expected):
    assert roles(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a linking verb joins the amount to the subject, whose head says what it is
        ("The cost of replacing the county's ageing servers could exceed £3m.", ["spend"]),
        ("The price to each district of joining the scheme was about £90,000.", ["spend"]),
        ("Set-up costs, mostly for new laptops, are put at £250,000.", ["spend"]),
        ("The county's core grant from Whitehall fell to £41m.", ["funding"]),
        ("After an appeal the fine was reduced to £70,000.", ["fine"]),
        ("Officers said the projected savings would reach £1.4m by 2027.", ["saving"]),
        # a verb, its object, then "at" or "to" and the amount
        ("The report puts the cost of moving to the cloud at £6m.", ["spend"]),
        ("Ministers raised the grant for rural broadband to £30m.", ["funding"]),
    ],
)
def test_subject_and_object_heads(nlp, text, expected):
    assert roles(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a head that points back takes the role of the amount before it
        (
            "The merger was meant to save £6m a year. Auditors found the figure was nearer £2m.",
            ["saving", "saving"],
        ),
        (
            "The pair signed a £20m outsourcing deal. A smaller £12m version was dropped.",
            ["contract", "contract"],
        ),
        (
            "Sharing staff saved the boroughs £900,000. Adding a third would lift the total to "
            "£1.3m.",
            ["saving", "saving"],
        ),
        # with nothing before it, such a head governs nothing
        ("The total came to £4m.", ["other"]),
    ],
)
def test_heads_that_point_back(nlp, text, expected):
    assert roles(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a funder as the subject of a verb of giving makes the amount funding
        ("The Scottish Government has contributed £4m to the new data centre.", ["funding"]),
        ("Sport England, which backs leisure schemes, put in £750,000.", ["funding"]),
        ("The chancellor set aside £2bn for adult social care.", ["funding"]),
        # ... but not a funder elsewhere in the sentence, nor another giver
        ("Rutland, under pressure from government, will contribute £30,000.", ["spend"]),
        ("The supplier is putting in the remaining £2.5m.", ["spend"]),
        # a complement that names the money beats a verb of paying
        ("The combined authority is contributing £6m in funding.", ["funding"]),
        ("The trust has paid £1.2m in fines since 2019.", ["fine"]),
        ("They paid £3m in a settlement with the supplier.", ["spend"]),
        # paid under a contract, or to a supplier, is what the contract is worth
        ("The county pays £9m a year under its managed print contract.", ["contract"]),
        ("Fujitsu has invested a further £5m under the deal.", ["contract"]),
        ("The borough pays its network supplier £700,000 a year.", ["contract"]),
        # the amount as the subject of its verb
        ("Half of the £3m went on agency staff.", ["spend"]),
        ("About £1m of it went on licences.", ["spend"]),
        ("A further £2m will be made available next year.", ["funding"]),
        ("Another £400,000 would be needed to finish the work.", ["spend"]),
        # an underspend is not spend
        ("The shared service underspent by £85,000.", ["other"]),
    ],
)
def test_who_gives_and_what_it_pays_for(nlp, text, expected):
    assert roles(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a pot or a round of money is funding
        ("Ministers open a £12m pot for flood resilience.", ["funding"]),
        ("Nine councils will split £600,000 in the latest round.", ["funding"]),
        ("The second round, worth £2.2m, closes in May.", ["funding"]),
        # items of a list take the role of the amount before them
        (
            "The fund handed out £300,000 in grants. The winners were:\n"
            "Luton Borough Council – £120,000 (school admissions)\n"
            "Bedford – £95,000 (waste rounds)\n",
            ["funding", "funding", "funding"],
        ),
    ],
)
def test_pots_rounds_and_lists(nlp, text, expected):
    assert roles(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a funder's programme is funding
        ("Councils can bid into the government's £150m digital programme.", ["funding"]),
        ("It is paid for from the Department for Transport's £40m scheme.", ["funding"]),
        ("The county's £40m programme of road repairs starts in June.", ["spend"]),
        # money taken out of a budget is saved
        ("Since 2012 the borough has taken £90m out of its budget.", ["saving"]),
        # a price after "for" belongs to the verb before it
        ("The council is buying 400 laptops for £300,000.", ["spend"]),
        ("It awarded the cleaning work to a local firm for £2m.", ["contract"]),
    ],
)
def test_funders_removals_and_prices(nlp, text, expected):
    assert roles(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a cut in costs is a saving, a cut in funding is funding
        ("Officers expect a £400,000 reduction in hosting costs.", ["saving"]),
        ("The county warned of a £9m cut in its revenue support grant.", ["funding"]),
        # a funder that announces or offers money gives funding
        ("The Home Office announced £25m for police and council data sharing.", ["funding"]),
        ("Ministers have unveiled £60m to help districts go digital.", ["funding"]),
        ("The council announced £3m of new spending on roads.", ["spend"]),
        # money a funder provides, or money from government, is funding
        ("The Cabinet Office is providing £1.5m towards the pilot.", ["funding"]),
        ("The hub is backed by £2m of government money.", ["funding"]),
    ],
)
def test_cuts_and_what_funders_announce(nlp, text, expected):
    assert roles(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a cut whose object is funding is a cut in funding
        ("Ministers have cut council funding by £1bn.", ["funding"]),
        ("The county cut its printing bill by £90,000.", ["saving"]),
        # "from ... to": the object's head says what both ends are
        ("The regulator lowered the penalty from £1m to £400,000.", ["fine", "fine"]),
        # "IT" before the noun is not the pronoun
        ("The borough's £4m IT overhaul is running late.", ["spend"]),
        # "fund" is a verb of funding; money that comes from a fund is funding
        ("The Welsh Government will fund £1.2m of the cost.", ["funding"]),
        ("Some £6m of the money comes from the European Regional Development Fund.", ["funding"]),
    ],
)
def test_objects_of_cuts_and_sources(nlp, text, expected):
    assert roles(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # amounts joined by "and", "or" or a comma share their governor
        ("The two boroughs would save £1m and £1.5m respectively.", ["saving", "saving"]),
        ("Grants of £20,000, £35,000 or £50,000 are on offer.", ["funding"] * 3),
        # ... but not one that has its own
        ("It saved £2m and £3m was spent on laptops.", ["saving", "spend"]),
    ],
)
def test_joined_amounts_share_a_governor(nlp, text, expected):
    assert roles(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an award is funding when a funder gives it ...
        ("The district was awarded £400,000 by the Cabinet Office.", ["funding"]),
        ("Bolton won £1.2m from the Lottery for its libraries.", ["funding"]),
        ("Crewe was awarded £3m in government funding.", ["funding"]),
        # ... not when government is merely named in the clause
        ("The deal is worth £90m, one of the largest in local government.", ["contract"]),
        ("The county awarded Serco a £30m deal, with government approval.", ["contract"]),
    ],
)
def test_funders_as_agents(nlp, text, expected):
    assert roles(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a value set off by a comma describes the main noun phrase, not the nearest noun
        (
            "Sefton signed three contracts with the firm, under its digital programme, worth "
            "a combined £80m.",
            ["contract"],
        ),
        ("The second tranche of grants, worth £4m, opens in March.", ["funding"]),
    ],
)
def test_values_in_apposition(nlp, text, expected):
    assert roles(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a figure "at current exchange rates" converts the foreign amount before it
        (
            "The top penalty is €20m or 4% of turnover - roughly £17m at current exchange rates.",
            ["fine"],
        ),
        ("The US firm invested $8m, about £6.3m at today's rates.", ["spend"]),
    ],
)
def test_conversions_at_current_rates(nlp, text, expected):
    assert roles(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a funder as the subject of an award
        ("Innovate UK has awarded the consortium £800,000.", ["funding"]),
        ("The county has awarded Civica a £2m deal.", ["contract"]),
        # more verbs of spending, and "better off"
        ("It has already sunk £9m into the project.", ["spend"]),
        ("Cabinet signed off £3.5m for the new system.", ["spend"]),
        ("The borough expects to be £700,000 a year better off.", ["saving"]),
        # a verb that starts a compound noun does not end the subject ("pay package")
        ("The chief executive's pay package totals £250,000.", ["other"]),
    ],
)
def test_award_subjects_and_more_verbs(nlp, text, expected):
    assert roles(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "hands" gives funding; a complement naming contracts beats a verb of funding
        ("Government hands councils £20m for cyber security", ["funding"]),
        ("The firm secured £14m of contracts last year.", ["contract"]),
    ],
)
def test_handing_and_securing(nlp, text, expected):
    assert roles(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a verb of achieving takes the role of the amount before it
        (
            "The deal promised savings of £50m. So far it has delivered £12m.",
            ["saving", "saving"],
        ),
        ("Officers set a £4m savings target and have achieved £3.1m.", ["saving", "saving"]),
        # with nothing before, it governs nothing
        ("The council achieved £2m last year.", ["other"]),
    ],
)
def test_verbs_that_point_back(nlp, text, expected):
    assert roles(nlp, text) == expected
