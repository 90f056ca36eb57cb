"""The long sections of councilwatch's own pages, rendered synchronously as one string.

Datasette renders its templates asynchronously: each value and each step of a loop costs
an await, and a council page of fifty-row tables has thousands of them (profile in
BENCHMARKS.md, "The analyst's pages"). A page's long body is a template of its own in the
same folder (``_councilwatch_*_body.html``), rendered here by a plain Jinja environment
with autoescaping, and the page's Datasette template inserts the result.

>>> environment().from_string("<td>{{ title }}</td>").render(title="Camden & <i>co</i>")
'<td>Camden &amp; &lt;i&gt;co&lt;/i&gt;</td>'
>>> render_fragment("_councilwatch_macros.html", {}).strip()  # macros only: nothing shown
Markup('')
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from .datasette_config import datasette_files


@cache
def environment() -> jinja2.Environment:
    """The synchronous, autoescaping environment over the Datasette templates folder."""
    loader = jinja2.FileSystemLoader(str(datasette_files()["templates"]))
    return jinja2.Environment(loader=loader, autoescape=True)


def render_fragment(name: str, context: Mapping[str, Any]) -> Markup:
    """The template ``name`` of the templates folder rendered with ``context``, as markup."""
    return Markup(environment().get_template(name).render(context))
