"""Generated sample articles: many realistic-looking stories for scale and fault tests.

:func:`generate_articles` makes the metadata of ``count`` articles (slug, section, title,
standfirst, authors, dates, tags) in one fast pass, deterministic for a seed; the body of
each article is built only when asked for, by :func:`complete_article`, from the same seed
and the article's number. Bodies mix real council names (authorities current today and
already in existence on the publication date, from the project's gazetteer), pound figures
in varied forms, services and shared-service sentences, so the NLP stage has work to do.

>>> first = generate_articles(3, seed=7)
>>> first == generate_articles(3, seed=7), first == generate_articles(3, seed=8)
(True, False)
>>> body = complete_article(first[0])["body"]
>>> body[0].startswith(GENERATED_LABEL), len(body) >= 4
(True, True)
"""

from __future__ import annotations

import bisect
import itertools
import random
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache
from typing import Any

from .data import SampleArticle

GENERATED_LABEL = "This is a generated sample article for councilwatch’s test site"
FIRST_LINE = (
    f"{GENERATED_LABEL}: the councils are real, but the events, people and figures are "
    "invented by a template."
)
EPOCH_START = datetime(2010, 1, 4, tzinfo=UTC)
EPOCH_END = datetime(2024, 12, 20, tzinfo=UTC)

SECTIONS = ("public-sector",) * 6 + ("security",) * 2 + ("cloud",) * 2 + ("networks",)
AUTHORS = (
    "Ruth Akers",
    "Dan Oduya",
    "Megan Price",
    "Priya Nair",
    "Callum Reid",
    "Hannah Lewis",
    "Owen Griffiths",
    "Aisha Bello",
)
SERVICES = (
    "ICT",
    "revenues and benefits",
    "HR and payroll",
    "customer services",
    "legal services",
    "procurement",
    "waste collection",
    "building control",
    "internal audit",
    "telephony",
    "data centre",
    "CRM",
    "finance",
    "parking enforcement",
    "council tax collection",
    "IT support",
)
SUPPLIERS = (
    "Capita",
    "Civica",
    "Northgate",
    "Agilisys",
    "Arvato",
    "Sopra Steria",
    "BT",
    "Microsoft",
    "Amazon Web Services",
    "Salesforce",
    "Unit4",
    "Idox",
)
TAG_POOL = (
    "Shared services",
    "ICT",
    "Outsourcing",
    "Cloud",
    "Cyber security",
    "Procurement",
    "Digital transformation",
    "Local government",
    "Savings",
    "Contracts",
)
TAG_SETS = tuple(
    itertools.chain.from_iterable(itertools.combinations(TAG_POOL, k) for k in (1, 2, 3))
)

TITLES = (
    "{c1} signs {money} {service} deal with {supplier}",
    "{c1} and {c2} agree shared {service} service",
    "{c1} moves {service} systems to the cloud",
    "{c1} hit by cyber attack on {service} systems",
    "{c1} scraps {money} {service} outsourcing contract",
    "{c1} joins {c2} in {service} partnership",
    "{c1} picks {supplier} for {service} overhaul",
    "Auditors question {c1}'s {money} {service} spend",
    "{c1} and {c2} to end shared {service} arrangement",
    "{c1} expects {money} savings from {service} review",
)
STANDFIRSTS = (
    "The council says the change will save money and improve {service} for residents",
    "Officers told councillors the project would be complete within {months} months",
    "The decision follows a review of {service} across the area",
    "Unions have raised concerns about the impact on {service} staff",
)
PARAGRAPHS = (
    "{c1} has approved a {money} contract with {supplier} to replace its {service} systems, "
    "according to papers published ahead of a cabinet meeting.",
    "{c1} and {c2} will bring their {service} teams together under a single shared service "
    "from {month} {year}, with {c1_short} hosting the joint team.",
    "Officers estimate the arrangement will save {money_long} a year once it is fully running, "
    "against set-up costs of {money2}.",
    "The partnership, which also includes {c3}, is expected to cover {service} and "
    "{service2} within two years.",
    "A report to the scrutiny committee put the overspend on the {service} project at "
    "{money}, blaming delays by {supplier}.",
    "{c2} pulled out of the shared {service} arrangement last year, saying it could run "
    "the service more cheaply on its own.",
    "The contract, worth {money_range} over {months} months, covers {service} for "
    "around {people} residents.",
    "A spokesperson for {c1} said: \u201cSharing {service} with our neighbours protects "
    "front-line services at a time of real pressure on budgets.\u201d",
    "The council spent {money2} on consultants during the procurement, a freedom of "
    "information request shows.",
    "{c3} is understood to be watching the project closely before deciding how to "
    "replace its own {service2} systems.",
    "The deal follows a similar move by {c2}, which merged its {service2} with a "
    "neighbouring authority in {year}.",
)
SUBHEADINGS = ("Savings", "Background", "What happens next", "Concerns")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def pick(rng: random.Random, items: Sequence[Any]) -> Any:
    """One of ``items`` (faster than ``rng.choice``, same idea).

    >>> pick(random.Random(0), ["only"])
    'only'
    """
    return items[int(rng.random() * len(items))]


def between(rng: random.Random, low: int, high: int) -> int:
    """An integer from ``low`` to ``high`` inclusive."""
    return low + int(rng.random() * (high - low + 1))


def money(rng: random.Random, *, big: bool = False) -> str:
    """A pound figure in one of several forms: £1.2m, £350,000, £2 million, £40k, £1.5bn.

    Billions only when ``big`` (and then one time in eight).

    >>> money(random.Random(1)).startswith("£")
    True
    """
    form = int(rng.random() * (8 if big else 7))
    if form == 0:
        return f"£{between(rng, 2, 95) / 10:g}m"
    if form == 1:
        return f"£{between(rng, 15, 990) * 1000:,}"
    if form == 2:
        return f"£{between(rng, 1, 40)} million"
    if form == 3:
        return f"£{between(rng, 2, 60)}m"
    if form == 4:
        return f"£{between(rng, 10, 900)}k"
    if form == 5:
        return f"£{between(rng, 11, 99) / 10:g} million"
    if form == 6:
        return f"£{between(rng, 2, 99) * 500:,}"
    return f"£{between(rng, 11, 39) / 10:g}bn"


def money_range(rng: random.Random) -> str:
    """A range of pounds, such as ``£1.2-1.5m`` or ``between £2m and £3m``."""
    low = rng.randint(5, 30)
    high = low + rng.randint(1, 10)
    if rng.random() < 0.5:
        return f"£{low / 10:g}-{high / 10:g}m"
    return f"between £{low}m and £{high}m"


@cache
def _councils() -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """Current authorities sorted by start date: (start dates, (official, short) names)."""
    from councilwatch.nlp.gazetteer import load_councils

    current = [c for c in load_councils() if not c["end_date"] and c["official_name"]]
    current.sort(key=lambda c: (c["start_date"] or "0000", c["code"]))
    starts = tuple(c["start_date"] or "0000" for c in current)
    names = tuple((c["official_name"], c["nice_name"] or c["official_name"]) for c in current)
    return starts, names


def councils_on(day: str, rng: random.Random, count: int) -> list[tuple[str, str]]:
    """``count`` different current councils that already existed on ``day`` (YYYY-MM-DD).

    >>> a, b = councils_on("2012-05-01", random.Random(3), 2)
    >>> a != b
    True
    """
    starts, names = _councils()
    available = bisect.bisect_right(starts, day)
    chosen: list[int] = []
    while len(chosen) < count:
        index = int(rng.random() * available)
        if index not in chosen:
            chosen.append(index)
    return [names[i] for i in chosen]


@lru_cache(maxsize=64)
def _summer_time(year: int) -> tuple[datetime, datetime]:
    def last_sunday(month: int) -> datetime:
        day = datetime(year, month, 31, 1, tzinfo=UTC)
        return day - timedelta(days=(day.weekday() + 1) % 7)

    return last_sunday(3), last_sunday(10)


def london_offset(moment: datetime) -> timedelta:
    """UK civil time offset from UTC: one hour during British Summer Time.

    >>> london_offset(datetime(2015, 7, 1, tzinfo=UTC)), london_offset(datetime(2015, 1, 1, tzinfo=UTC))
    (datetime.timedelta(seconds=3600), datetime.timedelta(0))
    """
    start, end = _summer_time(moment.year)
    return timedelta(hours=1) if start <= moment < end else timedelta(0)


def local_iso(moment: datetime) -> str:
    """An ISO timestamp in UK local time with its offset, e.g. ``2015-07-01T10:00:00+01:00``."""
    offset = london_offset(moment)
    return (moment + offset).replace(tzinfo=None).isoformat() + ("+01:00" if offset else "+00:00")


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def generate_articles(
    count: int, seed: int = 0, *, taken_paths: Iterable[str] = ()
) -> list[SampleArticle]:
    """The metadata of ``count`` generated articles, deterministic for ``seed``.

    Bodies are left out (see :func:`complete_article`); each dict carries a ``generated``
    key ``{"seed", "number", "councils"}`` to build it from. Slugs are unique and their
    paths avoid ``taken_paths`` (``/news/YYYY/MM/DD/<slug>/``). Not sorted.

    >>> [a["slug"] for a in generate_articles(2, seed=1)] == [
    ...     a["slug"] for a in generate_articles(2, seed=1)]
    True
    """
    rng = random.Random(f"councilwatch-sample-{seed}")
    span = int((EPOCH_END - EPOCH_START).total_seconds() // 60)
    r = rng.random
    used = set(taken_paths)
    articles: list[SampleArticle] = []
    for number in range(count):
        moment = EPOCH_START + timedelta(minutes=int(r() * span))
        moment = moment.replace(hour=7 + moment.hour % 11, second=0)
        published = local_iso(moment)
        day = published[:10]
        (c1, c1_short), (c2, _) = councils_on(day, rng, 2)
        fields = {
            "c1": c1 if r() < 0.7 else f"{c1_short} council",
            "c2": c2,
            "service": pick(rng, SERVICES),
            "supplier": pick(rng, SUPPLIERS),
            "money": money(rng, big=True),
            "months": pick(rng, (6, 12, 18, 24, 36)),
        }
        title = pick(rng, TITLES).format(**fields)
        title = title[0].upper() + title[1:]
        modified = published
        if r() < 0.3:
            modified = local_iso(moment + timedelta(hours=between(rng, 1, 72)))
        slug = base = _slugify(title)[:90].strip("-")
        path = f"/news/{day.replace('-', '/')}/{slug}/"
        suffix = 2
        while path in used:
            slug = f"{base}-{suffix}"
            path = f"/news/{day.replace('-', '/')}/{slug}/"
            suffix += 1
        used.add(path)
        authors = [pick(rng, AUTHORS)]
        if r() < 0.15:
            authors.append(pick(rng, [a for a in AUTHORS if a != authors[0]]))
        articles.append(
            {
                "slug": slug,
                "section": pick(rng, SECTIONS),
                "title": title,
                "standfirst": pick(rng, STANDFIRSTS).format(**fields),
                "authors": authors,
                "published": published,
                "modified": modified,
                "tags": list(pick(rng, TAG_SETS)),
                "generated": {"seed": seed, "number": number, "councils": (c1, c2)},
            }
        )
    return articles


def generated_body(article: SampleArticle) -> list[str | dict[str, Any]]:
    """The body blocks of a generated article (deterministic for its seed and number).

    >>> (meta,) = generate_articles(1, seed=2)
    >>> generated_body(meta) == generated_body(meta)
    True
    """
    info = article["generated"]
    rng = random.Random(f"councilwatch-body-{info['seed']}-{info['number']}")
    c1, c2 = info["councils"]
    (c3, _), (_, c1_short) = councils_on(article["published"][:10], rng, 2)
    short = next((s for o, s in _councils()[1] if o == c1), c1_short)
    year = int(article["published"][:4])
    fields = {
        "c1": c1,
        "c2": c2,
        "c3": c3,
        "c1_short": short,
        "service": rng.choice(SERVICES),
        "service2": rng.choice(SERVICES),
        "supplier": rng.choice(SUPPLIERS),
        "money": money(rng, big=True),
        "money2": money(rng),
        "money_long": money(rng),
        "money_range": money_range(rng),
        "months": rng.choice((12, 24, 36, 60, 84)),
        "people": f"{rng.randint(40, 900) * 1000:,}",
        "month": rng.choice(MONTHS),
        "year": rng.randint(year - 3, year + 1),
    }
    blocks: list[str | dict[str, Any]] = [FIRST_LINE]
    with_money = [p for p in PARAGRAPHS if "{money" in p]
    lead = pick(rng, with_money)
    rest = rng.sample([p for p in PARAGRAPHS if p != lead], rng.randint(3, 6))
    for n, paragraph in enumerate([lead, *rest]):
        if n == 3 and rng.random() < 0.5:
            blocks.append({"type": "subheading", "text": rng.choice(SUBHEADINGS)})
        blocks.append(paragraph.format(**fields))
    return blocks


def complete_article(article: SampleArticle) -> SampleArticle:
    """``article`` with its body: generated articles get one built, others are returned as is.

    >>> complete_article({"slug": "x", "body": ["Text."]})["body"]
    ['Text.']
    """
    if "body" in article or "generated" not in article:
        return article
    return {**article, "body": generated_body(article)}
