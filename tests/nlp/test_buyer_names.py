"""Register buyer names read as council codes: formal names, departments, trading names,
case and entities; bodies that are not councils never linked."""

from __future__ import annotations

import csv
import re

import pytest

from councilwatch.nlp.buyer_names import BuyerNames

from ..conftest import shared_path


@pytest.fixture(scope="module")
def names():
    return BuyerNames.load()


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("LONDON BOROUGH OF HAVERING", "HAV"),
        ("Durham County Council", "DUR"),
        ("Borough Council of King&#039;s Lynn &amp; West Norfolk", "KIN"),
        ("Hertfordshire County Council - Children&#039;s Services", "HRT"),
        ("Kent County Council (t/a LASER)", "KEN"),
        ("Coventry City Council (COV)", "COV"),
        ("The Royal Borough of Kingston upon Thames", "KTT"),
        ("KINGSTON-UPON-HULL CITY COUNCIL", "KHL"),
        ("St.Helens Council", "SHN"),
        ("Cheshire East Borough Council", "CHE"),
        ("London Borough of Camden Council", "CMD"),
        ("Walsall Council e-Tendering", "WLL"),
    ],
)
def test_register_forms_of_council_names(names, name, code):
    assert names.code(name) == code


@pytest.mark.parametrize(
    "name",
    [
        "British Council",
        "General Medical Council (GMC)",
        "The Arts Council of England",
        "LONDON COUNCILS",
        "Batchworth Community Council",
        "Ely Parish Council",
        "Cheltenham Borough Homes Limited",
        "Nottingham City Council on behalf of Mansfield District Council",
        "Defra Network eTendering Portal",
        "",
        None,
    ],
)
def test_bodies_that_are_not_one_council_are_not_linked(names, name):
    assert names.code(name) is None


def test_the_authority_of_the_date_is_chosen(names):
    # "Somerset Council" was the county council until the unitary council of 2023
    assert names.code("Somerset Council", "2015-06-01") == "SOM"
    assert names.code("Somerset Council", "2024-06-01") == "SMT"


def test_most_council_like_buyer_names_of_the_real_register_link(names):
    path = shared_path("reference", "ocds", "buyers_seen.csv")
    with path.open(encoding="utf-8") as f:
        seen = {row["name"] for row in csv.DictReader(f)}
    like = re.compile(r"council|borough|metropolitan|combined authority", re.I)
    unlike = re.compile(
        r"parish|town council|nhs|university|school|academy|housing|homes|trust|college", re.I
    )
    council_like = [n for n in seen if like.search(n) and not unlike.search(n)]
    linked = [n for n in council_like if names.code(n)]
    assert len(linked) / len(council_like) >= 0.88  # 430 / 483 measured
    others = sorted(n for n in seen - set(council_like) if names.code(n))
    assert others == ["City of London Corporation", "Greater London Authority"]
