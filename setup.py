"""Build shim for ``scrapyd-deploy``, which builds eggs with ``setup.py bdist_egg``.

Everything (packages, their folders, data files, the ``scrapy`` settings entry
point Scrapyd reads) is configured in pyproject.toml; without this file
scrapyd-deploy would write its own setup.py that knows none of it.
"""

from setuptools import setup

setup()
