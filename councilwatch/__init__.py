"""councilwatch: a news corpus of UK public-sector IT coverage.

The code lives in rooms, top-level folders installed as ``councilwatch.<room>``:
``councilwatch/`` (this package: the CLI in ``cli/`` and the orchestration of runs),
``spiders/``, ``extraction/``, ``pipeline/``, ``nlp/``, ``db/`` and ``sample_site/``.
docs/architecture.md says what each one does and which may import which.
"""

__version__ = "0.1.0"
