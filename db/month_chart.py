"""The articles-per-month bar chart of the council and supplier pages, as inline SVG.

Built here rather than in the template: a chart of seventeen years has two hundred bars,
and Datasette renders its templates asynchronously, where each of a bar's dozen values
costs an await; as one string the chart costs next to nothing to render.

>>> svg = month_chart([("2020-01", 2), ("2020-02", 0)], "Articles per month")
>>> svg.count("<rect"), 'class="bar zero" data-month="2020-02"' in svg
(2, True)
>>> month_chart([], "Nothing")
Markup('')
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

#: The chart's drawing box: bars up to ``BAR_TOP`` high stand on ``BASELINE``; an empty
#: month gets a short red bar so that a gap in coverage shows.
WIDTH, BASELINE, BAR_TOP, EMPTY_BAR = 1000, 110, 100, 2


def month_chart(coverage: Sequence[tuple[str, int]], label: str) -> Markup:
    """An SVG bar per ``(month, articles)`` of ``coverage`` (zero-filled, in order), each
    with its month and count as data attributes and a tooltip; empty when there is none."""
    if not coverage:
        return Markup("")
    peak = max(count for _, count in coverage)
    step = WIDTH / len(coverage)
    width = f"{max(step - 1, 1):.2f}"
    bars = []
    for i, (month, count) in enumerate(coverage):
        height = (BAR_TOP * count / peak if peak else 0) if count else EMPTY_BAR
        month_text = escape(month)
        plural = "" if count == 1 else "s"
        bars.append(
            f'  <rect class="bar{"" if count else " zero"}" data-month="{month_text}" '
            f'data-articles="{count}" x="{i * step:.2f}" width="{width}" '
            f'y="{BASELINE - height:.2f}" height="{height:.2f}">'
            f"<title>{month_text}: {count} article{plural}</title></rect>"
        )
    return Markup(
        '<div class="cw-chart">\n'
        f'<svg viewBox="0 0 {WIDTH} 140" preserveAspectRatio="none" role="img" '
        f'aria-label="{escape(label)}">\n'
        + "\n".join(bars)
        + f'\n  <text x="0" y="130">{escape(coverage[0][0])}</text>\n'
        f'  <text x="{WIDTH}" y="130" text-anchor="end">{escape(coverage[-1][0])}</text>\n'
        "</svg>\n</div>"
    )
