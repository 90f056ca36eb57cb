"""Coordinated council names (spec §1): shared heads, shared suffixes, lists, look-alikes.

Pairs, triples and look-alike names are drawn from the gazetteer, so the grammar is tried on
every case the register holds, not on a few examples.
"""

from __future__ import annotations

import itertools
import re

import pytest

from councilwatch.nlp.analyse import analyse_texts
from councilwatch.nlp.coordination import DIRECTIONS, Cand, expand_ellipsis, groups
from councilwatch.nlp.gazetteer import load_councils
from councilwatch.nlp.language import build_pipeline

CURRENT = [
    c for c in load_councils() if c["end_date"] is None and c["type"] != "Combined authority"
]


def plain(record: dict) -> str:
    return record["nice_name"].strip().removeprefix("The ").removesuffix(" Council")


@pytest.fixture(scope="module")
def link():
    nlp = build_pipeline()

    def codes(texts: list[str]) -> list[list[str]]:
        return [
            sorted({c["code"] for c in rec["councils"]})
            for rec in analyse_texts(nlp, [(t, None) for t in texts])
        ]

    return codes


def shared_heads() -> list[list[dict]]:
    """Current councils whose names differ only in a leading direction word ("North
    Ayrshire", "South Ayrshire"), grouped by the shared rest."""
    by_rest: dict[str, list[dict]] = {}
    for rec in CURRENT:
        found = re.match(
            r"^((?:North|South|East|West|Mid|Central)(?: East| West)?) (.+)$", plain(rec)
        )
        if found and "," not in found.group(2) and " and " not in found.group(2):
            by_rest.setdefault(found.group(2), []).append((found.group(1), rec))
    return [pairs for pairs in by_rest.values() if len(pairs) > 1]


def test_every_shared_head_pair_of_the_register_is_two_councils(link):
    cases = shared_heads()
    assert len(cases) >= 8  # Ayrshire, Lothian, Lincolnshire, Devon, Northamptonshire ...
    texts, expected = [], []
    for pairs in cases:
        for (d1, a), (d2, b) in itertools.combinations(pairs, 2):
            rest = plain(a)[len(d1) + 1 :]
            for frame in ("{} and {} {} councils have agreed to share IT.",
                          "{} and {} {} have agreed to merge their help desks."):  # fmt: skip
                texts.append(frame.format(d1, d2, rest))
                expected.append(sorted([a["code"], b["code"]]))
    found = link(texts)
    wrong = [(t, e, f) for t, e, f in zip(texts, expected, found, strict=True) if e != f]
    assert not wrong, wrong[:5]


def test_three_names_with_one_head(link):
    assert link(["North, South and East Ayrshire councils share a roads service."]) == [
        ["EAY", "NAY", "SAY"]
    ]
    assert link(["North and North East Lincolnshire councils plan a shared service desk."]) == [
        ["NEL", "NLN"]
    ]


def test_lookalike_single_councils_stay_one(link):
    lookalikes = [c for c in CURRENT if " and " in plain(c) or "," in plain(c)]
    assert len(lookalikes) >= 20  # Mid and East Antrim, Dumfries and Galloway, Brighton and Hove
    texts = [f"{plain(c)} has agreed to share its ICT service." for c in lookalikes]
    found = link(texts)
    wrong = [
        (t, c["code"], f)
        for t, c, f in zip(texts, lookalikes, found, strict=True)
        if f != [c["code"]]
    ]
    assert not wrong, wrong[:5]


def test_shared_suffix_with_each_names_own_type_words(link):
    texts = [
        "Bromsgrove District and Redditch Borough Councils will share a depot.",
        "North Kesteven District, South Holland District and Boston Borough Councils signed.",
        "The joint waste service run by Lichfield District and Tamworth Borough councils.",
        "St Albans City and District, Three Rivers District and Dacorum Borough Councils agreed.",
    ]
    assert link(texts) == [
        ["BRM", "RED"],
        ["BOT", "NKE", "SHO"],
        ["LIF", "TAW"],
        ["DAC", "SAL", "THE"],
    ]


@pytest.mark.parametrize(
    "frame",
    [
        "The councils are {}, and each pays an equal share.",
        "The new shared service covers the districts of {}.",
        "A shared ICT service involving {} went live in April.",
        "The partners are {}.",
        "The new unitary council replaced {}.",
    ],
)
def test_lists_of_bare_names_after_a_cue(link, frame):
    districts = [c for c in CURRENT if c["type"] == "Non-metropolitan district"][::9][:12]
    lists = [districts[i : i + 3] for i in range(0, len(districts), 3)]
    texts = [frame.format(f"{plain(a)}, {plain(b)} and {plain(c)}") for a, b, c in lists]
    expected = [sorted(r["code"] for r in trio) for trio in lists]
    assert link(texts) == expected


def test_expand_ellipsis_borrows_only_names_of_authorities():
    words = "North and South Ayrshire".split()
    names = {"North Ayrshire": ["NAY"], "South Ayrshire": ["SAY"]}
    out = expand_ellipsis(words, [Cand(2, 4, "place", ["SAY"])], names, DIRECTIONS)
    assert [(c.start, c.end, c.codes, c.borrowed) for c in out] == [
        (0, 1, ["NAY"], True),
        (2, 4, ["SAY"], False),
    ]
    words = "Kent and East Sussex".split()  # "Kent" is no direction: nothing borrowed
    names = {"East Sussex": ["ESX"]}
    assert len(expand_ellipsis(words, [Cand(2, 4, "place", ["ESX"])], names, DIRECTIONS)) == 1


def test_groups_join_by_commas_and_conjunctions_only():
    words = "Camden , Islington and Hackney met Brent".split()
    cands = [Cand(0, 1, "place", []), Cand(2, 3, "place", []), Cand(4, 5, "place", []),
             Cand(6, 7, "place", [])]  # fmt: skip
    assert [[c.start for c in g] for g in groups(words, cands, set())] == [[0, 2, 4], [6]]


def test_a_name_after_the_joiner_keeps_its_article(link):
    """ "A, B and the C councils": the article of a name the register writes with one."""
    with_article = [r for r in CURRENT if (r["nice_name"] or "").startswith("The ")]
    assert with_article
    for rec in with_article:
        text = f"The service run by Camden, Islington and {rec['nice_name'].lower()[:4]}"
        text += f"{rec['nice_name'][4:]} councils saved money."
        assert link([text]) == [sorted({"CMD", "ISL", rec["code"]})], text
    words = "Cardiff , Bridgend and the Vale councils".split()
    cands = [Cand(0, 1, "place", []), Cand(2, 3, "place", []), Cand(5, 6, "place", [])]
    assert [[c.start for c in g] for g in groups(words, cands, set())] == [[0, 2, 5]]
    words = "Cardiff said the Vale agreed".split()
    cands = [Cand(0, 1, "place", []), Cand(3, 4, "place", [])]
    assert [[c.start for c in g] for g in groups(words, cands, set())] == [[0], [3]]


def test_nor_and_a_slash_join_a_group_too(link):
    assert link(["The council agreed. Neither Halton nor Knowsley will host the service."]) == [
        ["HAL", "KWL"]
    ]
    assert link(["The council agreed. Halton/Knowsley will host the service."]) == [["HAL", "KWL"]]
    words = "Neither Halton nor Knowsley will".split()
    cands = [Cand(1, 2, "place", []), Cand(3, 4, "place", [])]
    assert [[c.start for c in g] for g in groups(words, cands, set())] == [[1, 3]]
