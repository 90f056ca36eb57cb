"""Number forms of the taxonomy's phrases (spec §3): the press writes "social worker" where the
taxonomy lists "social workers", "leisure centres" where it lists "leisure centre".

A case-insensitive phrase of two or more words whose last word is a regular English noun also
matches that word's other number, unless the taxonomy lists that form itself. A lone word gets
no other number: alone, the other form often has another sense ("parks" are a service, "car
park" is not; "finance" is, "the council's finances" are not); inside a phrase the other words
keep the sense.

Example:
    >>> number_variant("social workers"), number_variant("data centre")
    ('social worker', 'data centres')
    >>> number_variant("data warehouses"), number_variant("phone switch")
    ('data warehouse', 'phone switches')
    >>> number_variant("parks"), number_variant("business"), number_variant("hosting")
    (None, None, None)
"""

from __future__ import annotations

import re

__all__ = ["number_variant", "with_number_variants"]

_SIBILANT = re.compile(r"(?:ss|x|zz|ch|sh)$")
_CONSONANT_Y = re.compile(r"[^aeiou]y$")
# last words with no other number to give: adjectives, -ing forms, words in -ss/-us/-is
_NO_NUMBER = re.compile(r"(?:ss|us|is|ics|ing|al|ed|ive|ic|ous|ful|ent|ant|ary|ory|ble|ly)$")


def number_variant(phrase: str) -> str | None:
    """The phrase with its last word in the other number, or ``None`` when that word has no
    regular other number (an adjective, an -ing form, a word in -ss) or is the only word."""
    head, _, last = phrase.rpartition(" ")
    if not head or not last.isalpha() or not last.islower() or len(last) < 4:
        return None
    if _NO_NUMBER.search(last):
        return None
    if last.endswith("ies"):
        other = last[:-3] + "y"
    elif last.endswith("es") and _SIBILANT.search(last[:-2]):
        other = last[:-2]
    elif last.endswith("s"):
        other = last[:-1]
    elif _CONSONANT_Y.search(last):
        other = last[:-1] + "ies"
    elif _SIBILANT.search(last):
        other = last + "es"
    else:
        other = last + "s"
    return f"{head} {other}"


def with_number_variants(patterns: list[dict]) -> list[dict]:
    """``patterns`` and, for each case-insensitive one, its other number as a pattern of the
    same id, where the taxonomy has no pattern of that text.

    >>> [p["pattern"] for p in with_number_variants(
    ...     [{"id": "x", "pattern": "social workers", "case": False},
    ...      {"id": "y", "pattern": "social worker", "case": False},
    ...      {"id": "z", "pattern": "care homes", "case": False}])]
    ['social workers', 'social worker', 'care homes', 'care home']
    """
    listed = {p["pattern"].lower() for p in patterns}
    out = list(patterns)
    for p in patterns:
        variant = None if p["case"] else number_variant(p["pattern"])
        if variant and variant.lower() not in listed:
            listed.add(variant.lower())
            out.append({"id": p["id"], "pattern": variant, "case": False})
    return out
