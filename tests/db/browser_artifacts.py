"""Where the browser tests leave their screenshots (printed at the end of a run)."""

from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
