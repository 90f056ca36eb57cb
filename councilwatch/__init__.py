"""councilwatch: a news corpus of UK public-sector IT coverage.

The code lives in the top-level folders ``spiders/``, ``pipeline/``, ``nlp/``,
``db/`` and ``sample_site/``, installed as ``councilwatch.spiders`` and so on.
"""

__version__ = "0.1.0"
