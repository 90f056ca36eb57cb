"""The project's gazetteer against mySociety's register in ../shared (skipped when absent)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from councilwatch.nlp.gazetteer import COUNCIL_FIELDS, Gazetteer, load_councils, load_variants
from councilwatch.nlp.name_forms import FormRules, press_forms

REGISTER = (
    Path(__file__).parents[3]
    / "shared"
    / "reference"
    / "uk-local-authorities"
    / "uk_local_authorities.csv"
)


@pytest.fixture(scope="module")
def register() -> dict[str, dict[str, str]]:
    if not REGISTER.exists():
        pytest.skip(f"reference register not found at {REGISTER} (../shared beside the checkout)")
    with REGISTER.open(encoding="utf-8") as f:
        return {r["local-authority-code"]: r for r in csv.DictReader(f)}


def test_every_register_code_is_in_the_gazetteer(register):
    ours = {c["code"] for c in load_councils()}
    assert set(register) <= ours


def test_names_codes_and_dates_agree(register):
    for c in load_councils():
        r = register[c["code"]]
        assert c["official_name"] == r["official-name"]
        assert (c["gss_code"] or "") == r["gss-code"]
        assert (c["start_date"] or "") == r["start-date"]
        assert (c["end_date"] or "") == r["end-date"]
        assert (c["replaced_by"] or "") == r["replaced-by"]
        assert c["type"] == r["local-authority-type-name"]


def test_load_councils_schema():
    councils = load_councils()
    assert all(set(c) == set(COUNCIL_FIELDS) for c in councils)
    camden = next(c for c in councils if c["code"] == "CMD")
    assert camden["nation"] == "England" and round(camden["lat"], 1) == 51.5
    assert next(c for c in councils if c["code"] == "AYL")["end_date"] == "2020-03-31"


def test_variants_refer_to_known_councils_and_include_press_forms():
    codes = {c["code"] for c in load_councils()}
    variants = load_variants()
    assert all(code in codes and kind in ("org", "place") for code, _, kind in variants)
    assert ("KEC", "RBKC", "org") in variants and ("HMF", "H&F", "place") in variants
    gaz = Gazetteer.load()
    forms = {
        (code, name)
        for table in (gaz.org, gaz.cased, gaz.place)
        for name, found in table.items()
        for code in found
    }
    for expected in [
        ("KEC", "RBKC"),
        ("HMF", "H&F"),
        ("HMF", "Hammersmith & Fulham"),
        ("WSM", "Westminster Council"),
        ("CMD", "London Borough of Camden"),
        ("CAT", "Canterbury City Council"),
        ("KEN", "Kent County Council"),
    ]:
        assert expected in forms


def test_listed_variants_are_only_what_the_rules_do_not_make():
    gaz = Gazetteer.load()
    generated = {
        (code, name.lower())
        for table in (gaz.org, gaz.cased)
        for name, found in table.items()
        for code in found
    }
    listed_org = [(code, v) for code, v, kind in load_variants() if kind == "org"]
    assert len(load_variants()) < 100  # irregulars and other names, not the generated forms
    rules = FormRules.load()
    councils = {c["code"]: c for c in load_councils()}
    for code, variant in listed_org:
        assert (code, variant.lower()) in generated
        made = {t.lower() for t, _ in press_forms(councils[code], [], rules)}
        assert variant.lower() not in made, f"{variant} is made by the rules"


def test_date_aware_choice():
    gaz = Gazetteer.load()
    assert gaz.choose(["BKM", "BUC"], "2015-11-02") == "BKM"
    assert gaz.choose(["BKM", "BUC"], None) == "BUC"
    assert gaz.choose(["DOR", "DST"], "2021-01-01") == "DST"
