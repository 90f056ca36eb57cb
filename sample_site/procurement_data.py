"""The releases the procurement API mimic serves, read from a folder of OCDS JSON files.

A register folder has a ``contracts-finder/`` and a ``find-a-tender/`` subfolder (the
layout of ``../shared/reference/ocds/`` and of the demo's own ``sample_site/register/``);
every ``*.json`` file below them is a release package (``{"releases": [...]}``), a
search page (the same, with ``links``) or a bare release (``{"ocid", "id", ...}``).
Files that hold none (an error sample) are skipped. A release seen twice (the same
``ocid`` and ``id``) is kept once.

>>> store = ReleaseStore([{"ocid": "o-1", "id": "a", "date": "2022-10-20T09:00:00+01:00",
...                        "tag": ["award"]},
...                       {"ocid": "o-2", "id": "b", "date": "2022-10-21T09:00:00Z",
...                        "tag": ["tender"]}])
>>> [r["id"] for r in store.search(None, None, ())]
['b', 'a']
>>> [r["id"] for r in store.search(None, None, ("award",))]
['a']
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

CONTRACTS_FINDER = "contracts-finder"
FIND_A_TENDER = "find-a-tender"

#: OCDS release tags by the search APIs' ``stages`` values.
STAGE_TAGS = {
    "planning": {"planning", "planningUpdate"},
    "tender": {"tender", "tenderAmendment", "tenderUpdate", "tenderCancellation"},
    "award": {"award", "awardUpdate", "awardCancellation"},
    "implementation": {
        "contract",
        "contractAmendment",
        "contractUpdate",
        "contractTermination",
        "implementation",
        "implementationUpdate",
    },
}


class BadRegisterFolder(Exception):
    """The register folder is missing or holds a file that is not JSON."""


def parse_moment(text: str) -> datetime:
    """An ISO 8601 date or datetime as an aware UTC datetime (naive ones are taken as UTC).

    >>> parse_moment("2022-10-22T10:08:04+01:00").isoformat()
    '2022-10-22T09:08:04+00:00'
    >>> parse_moment("2022-10-22").isoformat()
    '2022-10-22T00:00:00+00:00'
    """
    moment = datetime.fromisoformat(text.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def releases_of(document: Any) -> list[dict]:
    """The releases a parsed JSON file holds (a package or page, or one bare release)."""
    if isinstance(document, dict) and isinstance(document.get("releases"), list):
        return [r for r in document["releases"] if isinstance(r, dict)]
    if isinstance(document, dict) and "ocid" in document and "id" in document:
        return [document]
    return []


def read_folder(folder: Path) -> list[dict]:
    """Every release in the ``*.json`` files below ``folder``, in file order, once each."""
    seen: set[tuple[str, str]] = set()
    out = []
    for path in sorted(folder.rglob("*.json")):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BadRegisterFolder(f"{path}: not a JSON file ({exc})") from exc
        for release in releases_of(document):
            key = (str(release.get("ocid")), str(release.get("id")))
            if key not in seen and release.get("date"):
                seen.add(key)
                out.append(release)
    return out


@dataclass
class ReleaseStore:
    """Releases, newest first, searchable by date range and stage, and by ocid or id."""

    releases: list[dict]

    def __post_init__(self) -> None:
        self.releases = sorted(self.releases, key=lambda r: parse_moment(r["date"]), reverse=True)

    def __len__(self) -> int:
        return len(self.releases)

    def search(
        self, start: datetime | None, end: datetime | None, stages: Sequence[str]
    ) -> list[dict]:
        """Releases dated from ``start`` to ``end`` (both inclusive) in ``stages`` (all when
        empty), newest first."""
        tags: set[str] = set().union(*(STAGE_TAGS.get(s, {s}) for s in stages)) if stages else set()
        out = []
        for release in self.releases:
            moment = parse_moment(release["date"])
            if (start and moment < start) or (end and moment > end):
                continue
            if tags and not tags.intersection(_tags(release)):
                continue
            out.append(release)
        return out

    def by_ocid(self, ocid: str) -> list[dict]:
        """The releases of one contracting process, newest first."""
        return [r for r in self.releases if r.get("ocid") == ocid]

    def by_id(self, release_id: str) -> dict | None:
        return next((r for r in self.releases if r.get("id") == release_id), None)


def _tags(release: dict) -> Iterator[str]:
    tag = release.get("tag") or []
    yield from [tag] if isinstance(tag, str) else tag


@dataclass
class Register:
    """What the mimic serves: Contracts Finder's releases and Find a Tender's."""

    contracts_finder: ReleaseStore
    find_a_tender: ReleaseStore

    @classmethod
    def from_folder(cls, root: Path, *, fill_find_a_tender: bool = False) -> Register:
        """Read ``root/contracts-finder`` and ``root/find-a-tender``.

        ``fill_find_a_tender`` adds the Contracts Finder releases to Find a Tender's, for a
        folder (like the shared reference set) whose Find a Tender part is a single
        documentation sample: the envelope, paging and errors are Find a Tender's, the
        release contents Contracts Finder's real ones.
        """
        root = Path(root)
        if not root.is_dir():
            raise BadRegisterFolder(f"{root}: no such register folder")
        cf = read_folder(root / CONTRACTS_FINDER) if (root / CONTRACTS_FINDER).is_dir() else []
        fts = read_folder(root / FIND_A_TENDER) if (root / FIND_A_TENDER).is_dir() else []
        if not cf and not fts:
            raise BadRegisterFolder(
                f"{root}: no releases under {CONTRACTS_FINDER}/ or {FIND_A_TENDER}/"
            )
        if fill_find_a_tender:
            fts = fts + cf
        return cls(ReleaseStore(cf), ReleaseStore(fts))

    def store(self, api: str) -> ReleaseStore:
        return self.contracts_finder if api == CONTRACTS_FINDER else self.find_a_tender


def reference_folder(start: Path | None = None) -> Path:
    """``../shared/reference/ocds`` beside the checkout this package was installed from."""
    here = Path(start or __file__).resolve()
    return here.parents[2] / "shared" / "reference" / "ocds"


def demo_folder() -> Path:
    """The demo's own register fixture (``sample_site/register/``)."""
    return Path(__file__).parent / "register"
