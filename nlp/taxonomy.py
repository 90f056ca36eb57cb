"""The service taxonomy of the extraction spec (§3): 30 ids in three groups.

>>> taxonomy()[0]
{'id': 'ict', 'service_group': 'it', 'label': 'ICT / IT services in general'}
>>> len(taxonomy())
30
"""

from __future__ import annotations

import csv
from pathlib import Path

TAXONOMY_FILE = Path(__file__).parent / "data" / "service_taxonomy.csv"


def taxonomy() -> list[dict[str, str]]:
    with TAXONOMY_FILE.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))
