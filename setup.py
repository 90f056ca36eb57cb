"""Build shim for ``scrapyd-deploy``, which builds eggs with ``setup.py bdist_egg``.

Everything (packages, their folders, data files, the ``scrapy`` settings entry
point Scrapyd reads) is configured in pyproject.toml; without this file
scrapyd-deploy would write its own setup.py that knows none of it.

``bdist_egg`` sets up setuptools' ``install`` command internally, which warns that
"setup.py install is deprecated" although nothing is installed; setuptools' own
PEP 517 backend silences the same warning the same way.
"""

import warnings

from setuptools import setup

warnings.filterwarnings("ignore", "setup.py install is deprecated")
setup()
