"""The UK local-authority register as the register-driven evaluation reads it.

Reads ``../shared/reference/uk-local-authorities``: ``uk_local_authorities.csv`` (one row per
authority, current and abolished) and ``lookup_name_to_registry.csv`` (name variants mapped to
register codes). Nothing here reads the project's own NLP data: the evaluation builds every
name from these two files and its own templates.

Example:
    >>> authorities = load_register(REGISTER)
    >>> authorities["CMD"].official, authorities["CMD"].nice, authorities["CMD"].kind
    ('London Borough of Camden', 'Camden', 'LBO')
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REGISTER = REPO.parent / "shared" / "reference" / "uk-local-authorities"
AUTHORITIES_CSV = "uk_local_authorities.csv"
LOOKUP_CSV = "lookup_name_to_registry.csv"

#: Register types that are not councils: they take part in no list of "councils".
NOT_COUNCILS = frozenset({"COMB", "SRA", "CC"})
#: Bounds used for an open lifetime when a date inside it has to be chosen.
EARLIEST = date(1974, 4, 1)
REGISTER_DAY = date(2025, 6, 30)


class RegisterMissing(Exception):
    """The register files are not where they were looked for."""


@dataclass(frozen=True)
class Authority:
    """One register row, with the lookup's names for its code."""

    code: str
    official: str
    nice: str
    kind: str  # local-authority-type, e.g. "LBO"
    kind_name: str  # local-authority-type-name, e.g. "London borough"
    nation: str
    start: date | None
    end: date | None
    replaced_by: tuple[str, ...]
    lat: float | None
    lon: float | None
    county: str | None = None  # county-la: the county council of a district
    variants: tuple[str, ...] = field(default=())  # lookup names (alt-names without any)
    alt_names: tuple[str, ...] = field(default=())  # the pieces of alt-names

    def alive_on(self, day: date) -> bool:
        """Whether the authority existed on ``day``. An open start or end is unbounded; the
        end date is the day the successor took over (Somerset County Council ends on
        2023-04-01, the day Somerset Council starts), so it is not part of the lifetime."""
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)

    def coexists(self, other: Authority) -> bool:
        """Whether the two lifetimes overlap (ends excluded, as in ``alive_on``)."""
        starts = [d for d in (self.start, other.start) if d]
        ends = [d for d in (self.end, other.end) if d]
        return not starts or not ends or max(starts) < min(ends)

    @property
    def is_council(self) -> bool:
        return self.kind not in NOT_COUNCILS


def clean(name: str) -> str:
    """A name with its whitespace normalised: ``"North Somerset  Council "`` -> one space."""
    return " ".join(name.split())


def _day(value: str) -> date | None:
    return date.fromisoformat(value) if value.strip() else None


def _float(value: str) -> float | None:
    return float(value) if value.strip() else None


def _alt_names(value: str) -> list[str]:
    # alt-names is one comma-separated field, and some names hold commas themselves, so its
    # pieces are names only for codes that the lookup file does not cover at all (and, whole,
    # where they are another council's bare name: register_docs.Generator.reused_names).
    return [clean(piece) for piece in value.split(",") if clean(piece)]


def load_register(folder: Path = REGISTER) -> dict[str, Authority]:
    """Every authority of the register by code, with its lookup names.

    Raises ``RegisterMissing`` with a one-line reason when the files are absent.
    """
    table, lookup = folder / AUTHORITIES_CSV, folder / LOOKUP_CSV
    for path in (table, lookup):
        if not path.exists():
            raise RegisterMissing(
                f"the council register is not at {path} (../shared beside the checkout)"
            )
    names: dict[str, list[str]] = {}
    with lookup.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            names.setdefault(row["local-authority-code"], []).append(clean(row["la-name"]))
    out: dict[str, Authority] = {}
    with table.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = row["local-authority-code"]
            alt_names = _alt_names(row["alt-names"])
            variants = names.get(code) or alt_names
            out[code] = Authority(
                code=code,
                official=clean(row["official-name"]),
                nice=clean(row["nice-name"]),
                kind=row["local-authority-type"],
                kind_name=row["local-authority-type-name"],
                nation=row["nation"],
                start=_day(row["start-date"]),
                end=_day(row["end-date"]),
                replaced_by=tuple(c for c in row["replaced-by"].split(",") if c),
                lat=_float(row["lat"]),
                lon=_float(row["long"]),
                county=row["county-la"] or None,
                variants=tuple(dict.fromkeys(variants)),
                alt_names=tuple(dict.fromkeys(alt_names)),
            )
    return out


Point = tuple[float, float]


def positions(authorities: dict[str, Authority]) -> dict[str, Point]:
    """Where each authority is, as (lat, long), for the ones the register can place.

    An authority's own lat/long, or its successor's when the register gives it none
    (abolished districts lie inside the council that replaced them). A county council that has
    districts (their ``county-la``) sits at the centre of its districts: the register's own
    points for some counties are far outside them (Lancashire's lies in Northamptonshire).
    """
    out: dict[str, Point] = {}
    for auth in authorities.values():
        for place in (auth, *(authorities[c] for c in auth.replaced_by if c in authorities)):
            if place.lat is not None and place.lon is not None:
                out[auth.code] = (place.lat, place.lon)
                break
    districts: dict[str, list[Point]] = {}
    for auth in authorities.values():
        if auth.county and auth.code in out:
            districts.setdefault(auth.county, []).append(out[auth.code])
    for county, points in districts.items():
        out[county] = (
            sum(p[0] for p in points) / len(points),
            sum(p[1] for p in points) / len(points),
        )
    return out


def distance_km(a: Point, b: Point) -> float:
    """Great-circle distance between two (lat, long) points.

    >>> round(distance_km((51.5, -0.1), (51.5, -0.1)), 1), round(distance_km((51.5, 0), (52.5, 0)))
    (0.0, 111)
    """
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def neighbours(
    auth: Authority,
    authorities: dict[str, Authority],
    where: dict[str, Point] | None = None,
    max_km: float = 150.0,
) -> list[Authority]:
    """Councils of the same nation that existed at the same time as ``auth`` and lie within
    ``max_km`` of it, nearest first (``where``: the ``positions`` of the register)."""
    where = positions(authorities) if where is None else where
    if auth.code not in where:
        return []
    found = []
    for other in authorities.values():
        if other.code == auth.code or not other.is_council or other.nation != auth.nation:
            continue
        if other.code in where and auth.coexists(other):
            km = distance_km(where[auth.code], where[other.code])
            if km <= max_km:
                found.append((km, other.code, other))
    return [other for _, _, other in sorted(found)]


def common_lifetime(group: list[Authority]) -> tuple[date | None, date | None]:
    """The span in which every authority of ``group`` existed (open ends stay ``None``)."""
    starts = [a.start for a in group if a.start]
    ends = [a.end for a in group if a.end]
    return (max(starts) if starts else None, min(ends) if ends else None)


def day_within(start: date | None, end: date | None, share: float = 0.5) -> date:
    """A day ``share`` of the way through a lifetime; an open end is bounded by the
    register's day, an open start by ten years before the end (or 1974).

    >>> day_within(None, date(2019, 3, 31)).isoformat(), day_within(date(2023, 4, 1), None).isoformat()
    ('2014-03-31', '2024-05-15')
    """
    hi = end or REGISTER_DAY
    lo = start or max(EARLIEST, hi.replace(year=hi.year - 10))
    return lo + timedelta(days=int((hi - lo).days * share))
