"""Supplier linking (extraction contract §7.1): names and their forms, false friends, context
names, provenance, and council or service matches inside a supplier's name."""

from __future__ import annotations

import pytest

from councilwatch.nlp.analyse import analyse_texts
from councilwatch.nlp.language import build_pipeline


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline()


def record(nlp, text: str, published: str | None = None) -> dict:
    [rec] = analyse_texts(nlp, [(text, published)])
    return rec


def linked(nlp, text: str) -> list[tuple[str, str]]:
    return [(m["id"], m["text"]) for m in record(nlp, text)["suppliers"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Barnet signed a deal with Capita plc.", [("capita", "Capita plc")]),
        ("Capita Business Services Ltd runs it.", [("capita", "Capita Business Services Ltd")]),
        ("Xerox (UK) Ltd will run the post room.", [("xerox", "Xerox (UK) Ltd")]),
        ("Zellis's ResourceLink software is used.", [("zellis", "Zellis")]),
        ("CAPITA LOSES BARNET BACK OFFICE", [("capita", "CAPITA")]),
        ("Northgate Public Services won the deal.", [("nec-software-solutions", "Northgate Public Services")]),
        ("Sopra Steria Limited and BT Group bid.", [("sopra-steria", "Sopra Steria Limited"), ("bt", "BT Group")]),
        ("The Access Group bought a rival.", [("access-group", "The Access Group")]),
        ("Hackney moved to Amazon Web Services (AWS).", [("aws", "Amazon Web Services"), ("aws", "AWS")]),
    ],
)  # fmt: skip
def test_names_and_their_forms(nlp, text, expected):
    assert linked(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Trending: BT Sport app outage leaves subscribers fuming",
        "Oracle of Delphi? Why forecasting IT spend is hard",
        "The crest carries the motto 'Virtute et civica fide'.",
        "The office is in Unit 4, Parkway Business Centre.",
        "It can feel like crossing the Amazon rainforest without a map.",
        "Full council meetings have been held on Microsoft Teams since April.",
        "The Ricoh Arena will host the jobs fair.",
        "Families are invited to Apple Day at the orchard.",
        "'Per capita' funding gap widens for northern councils",
        "Ask any IT director for sage advice on cloud contracts.",
        "Councillor Sarah Atkins said the deal was good value.",
        "Access to the system was slow, and Advanced analytics followed.",
    ],
)
def test_false_friends_are_not_suppliers(nlp, text):
    assert linked(nlp, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The council signed a contract with Apple for 2,000 iPads.", ["apple"]),
        ("Sage said the deal would run for five years.", ["sage"]),
        ("Kirklees Council signed a new Suez energy-from-waste deal.", ["suez"]),
        ("Councils moved email to Microsoft, Google or Amazon.", ["microsoft", "google", "aws"]),
        ("Advanced, which had traded as OneAdvanced, rebrands.", ["advanced", "advanced"]),
    ],
)
def test_context_names_link_where_a_company_is_meant(nlp, text, expected):
    assert [sid for sid, _ in linked(nlp, text)] == expected


def test_record_carries_the_table_and_provenance(nlp):
    text = (
        "Headline\n\nSomerset County Council awarded Agilisys Ltd a £48m contract. It starts soon."
    )
    [m] = record(nlp, text)["suppliers"]
    assert m["id"] == "agilisys" and m["name"] == "Agilisys" and m["company_number"] == "04327369"
    assert text[m["start"] : m["end"]] == m["text"] == "Agilisys Ltd"
    assert m["sentence"] == "Somerset County Council awarded Agilisys Ltd a £48m contract."
    liberata = record(nlp, "Bromley extended its contract with Liberata.")["suppliers"][0]
    assert liberata["company_number"] is None  # no number could be checked


def test_council_and_service_names_inside_a_supplier_name_are_dropped(nlp):
    text = (
        "Derby City Council and Derbyshire County Council ended their contract with "
        "Resource Recovery Solutions (Derbyshire) Ltd. NEC Software Solutions was picked."
    )
    rec = record(nlp, text)
    assert [c["text"] for c in rec["councils"]] == [
        "Derby City Council",
        "Derbyshire County Council",
    ]
    assert [s["id"] for s in rec["suppliers"]] == ["rrs-derbyshire", "nec-software-solutions"]
    assert all("Software" not in s["text"] for s in rec["services"])


def test_spans_on_a_full_doc(nlp):
    doc = nlp("Kent County Council signed with Capita.")
    assert [(s.text, s.kb_id_, s.label_) for s in doc.spans["suppliers"]] == [
        ("Capita", "capita", "SUPPLIER")
    ]
    assert doc._.suppliers[0]["id"] == "capita"
