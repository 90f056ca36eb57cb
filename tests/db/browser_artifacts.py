"""Where the browser tests leave their screenshots (printed at the end of a run that took any)."""

from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
#: Set on the run's config once a browser test has saved a screenshot.
TOOK_SCREENSHOTS = pytest.StashKey[bool]()
