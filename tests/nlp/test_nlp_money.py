"""Money mentions in pounds: amount, period, years, role (spec §2)."""

from __future__ import annotations

import pytest

from councilwatch.nlp.analyse import analyse_texts
from councilwatch.nlp.language import build_pipeline
from councilwatch.nlp.money import MoneyExtractor


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline()


def money(nlp, text: str) -> list[dict]:
    [rec] = analyse_texts(nlp, [(text, None)])
    for m in rec["money"]:
        assert text[m["start"] : m["end"]] == m["text"]
        assert m["text"] in m["sentence"]
    return rec["money"]


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("It costs £4 million.", [4e6]),
        ("It costs £2.7m.", [2.7e6]),
        ("A £10bn cut.", [1e10]),
        ("£10 billion of savings", [1e10]),
        ("a £500,000 fine", [5e5]),
        ("a £300k deal", [3e5]),
        ("some 4 million pounds", [4e6]),
        ("a contract worth £1.2-1.5m", [1.2e6, 1.5e6]),
        ("between £10bn and £12bn", [1e10, 1.2e10]),
        ("more than a third of a billion pounds", [1e9 / 3]),
        ("It cost $661 million, €5m and 40 percent.", []),
    ],
)
def test_amounts(text, amounts):
    found = [a for _, _, a in MoneyExtractor.find_amounts(text)]
    assert found == pytest.approx(amounts, rel=0.005)


def test_seed_sentences_period_years_role(nlp):
    text = (
        "Islington and Camden Councils unveiled proposals to merge their ICT services by April "
        "2016 to save £4 million a year. Councils have to achieve £10 billion of savings in the "
        "next two years, after they already delivered £10 billion in savings during the three "
        "year period from 2011/12. Three Kent councils opted to share IT services as part of a "
        "four-year goal to save £2.7m. Canterbury followed."
    )
    got = [(m["amount_gbp"], m["period"], m["years"], m["role"]) for m in money(nlp, text)]
    assert got == [
        (4e6, "year", None, "saving"),
        (1e10, "total", 2, "saving"),
        (1e10, "total", 3, "saving"),
        (2.7e6, "total", 4, "saving"),
    ]


@pytest.mark.parametrize(
    ("text", "role", "period"),
    [
        ("The ICO fined the council £500,000.", "fine", "total"),
        ("Capita won a £40m contract to run back-office services.", "contract", "total"),
        ("The council will spend £3m on new laptops.", "spend", "total"),
        ("Councils face a £2bn cut in funding from central government.", "funding", "total"),
        ("The scheme costs £250,000 per annum.", "spend", "year"),
        ("The council received a £1m grant.", "funding", "total"),
        ("It has annual savings of £1.5m.", "saving", "year"),
        ("A further £1.9m has been set aside for next year.", "spend", "total"),
        ("The roll-out used £7.5m from Broadband Delivery UK.", "funding", "total"),
        ("The council saved £2m from the department's budget.", "saving", "total"),
        ("The team survived cuts of £3.2m to the public health grant.", "funding", "total"),
        ("The team survived cuts of £3.2m to its own staff.", "saving", "total"),
    ],
)
def test_roles_and_periods(nlp, text, role, period):
    [m] = money(nlp, text)
    assert (m["role"], m["period"]) == (role, period)


def test_span_over_years(nlp):
    [m] = money(nlp, "The deal will save £12m over four years.")
    assert m["years"] == 4 and m["period"] == "total"


def test_cue_words_with_unusual_case_folding_do_not_crash(nlp):
    # "İ" lower-cases to two characters, so the cue must be looked up as the regex matched it
    (facts,) = analyse_texts(nlp, [("The ICO FİNED Camden Council £500,000 last year.", None)])
    assert [(m["amount_gbp"], m["role"]) for m in facts["money"]] == [(500000.0, "fine")]


@pytest.mark.parametrize(
    ("text", "roles"),
    [
        # the head of the of-phrase beats a nearer keyword of another role
        ("The council expects savings of £2m from the new contract.", ["saving"]),
        # the noun the amount modifies beats a later verb
        ("A £5m contract will save the county money.", ["contract"]),
        # each amount keeps its own clause
        ("The authority spent £3m, while savings reached £1m.", ["spend", "saving"]),
        ("The council cut costs by £2m and spent £1m on laptops.", ["saving", "spend"]),
        (
            "The regulator imposed a monetary penalty of £80,000 over the lost contract files.",
            ["fine"],
        ),
        # a reduction of funding is funding, and an award from government is funding
        ("Its core funding from government was cut by £20m.", ["funding"]),
        ("The city was awarded £3m by the government for digital skills.", ["funding"]),
        ("The county awarded Capita £3m to run payroll.", ["contract"]),
        ("The deal, worth £12m, runs for five years.", ["contract"]),
        # a conversion in brackets stands where the foreign amount stands
        ("It paid a ransom of $2.4m (about £1.9m) to the gang.", ["spend"]),
        ("The city awarded an A$12m (£6.6m) contract.", ["contract"]),
        # the complement of a copula says what the amount is
        ("The deal could be worth £4m in net income.", ["saving"]),
        ("Liabilities of up to £760m were found.", ["other"]),
        ("A £585m cut in government funding looms.", ["funding"]),
    ],
)
def test_role_from_the_governing_clause(nlp, text, roles):
    assert [m["role"] for m in money(nlp, text)] == roles


def test_an_amount_nothing_governs_borrows_the_role_of_its_repeat(nlp):
    text = "Councils team up on £4.8m booking system\n\nThey jointly let a £4.8m contract."
    assert [m["role"] for m in money(nlp, text)] == ["contract", "contract"]
    text = "It has £5m of government funding. The city will use its £5m to link data."
    assert [m["role"] for m in money(nlp, text)] == ["funding", "funding"]


def test_a_rate_after_the_previous_amount_is_not_this_amounts(nlp):
    text = "It will save £4.6m a year once the transition costs of £3.2m have been met."
    assert [m["period"] for m in money(nlp, text)] == ["year", "total"]
