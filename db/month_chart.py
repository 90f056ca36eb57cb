"""The articles-per-month bar chart of the council and supplier pages, as inline SVG.

Built here rather than in the template: a chart of seventeen years has two hundred bars,
and Datasette renders its templates asynchronously, where each of a bar's dozen values
costs an await; as one string the chart costs next to nothing to render.

>>> svg = month_chart([("2020-01", 2), ("2020-02", 0)], "Articles per month")
>>> svg.count("<rect"), 'class="bar zero" data-month="2020-02"' in svg
(2, True)
>>> month_chart([], "Nothing")
Markup('')
>>> 'viewBox="0 0 1000 220"' in month_chart([("2020-01", 3)], "Taller", height=220, show_peak=True)
True
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

#: The chart's drawing box, ``WIDTH`` wide and ``height`` high: bars up to ``height - 40``
#: stand on a baseline ``30`` above the bottom, where the first and last months are
#: written; an empty month gets a short red bar (``EMPTY_BAR``) so that a gap shows.
WIDTH, EMPTY_BAR = 1000, 2


def month_chart(
    coverage: Sequence[tuple[str, int]], label: str, *, height: int = 140, show_peak: bool = False
) -> Markup:
    """An SVG bar per ``(month, articles)`` of ``coverage`` (zero-filled, in order), each
    with its month and count as data attributes and a tooltip; empty when there is none.
    ``show_peak`` writes the highest month's count in the top corner."""
    if not coverage:
        return Markup("")
    baseline, bar_top = height - 30, height - 40
    peak = max(count for _, count in coverage)
    step = WIDTH / len(coverage)
    width = f"{max(step - 1, 1):.2f}"
    bars = []
    for i, (month, count) in enumerate(coverage):
        bar = (bar_top * count / peak if peak else 0) if count else EMPTY_BAR
        month_text = escape(month)
        plural = "" if count == 1 else "s"
        bars.append(
            f'  <rect class="bar{"" if count else " zero"}" data-month="{month_text}" '
            f'data-articles="{count}" x="{i * step:.2f}" width="{width}" '
            f'y="{baseline - bar:.2f}" height="{bar:.2f}">'
            f"<title>{month_text}: {count} article{plural}</title></rect>"
        )
    return Markup(
        '<div class="cw-chart">\n'
        f'<svg viewBox="0 0 {WIDTH} {height}" preserveAspectRatio="none" role="img" '
        f'aria-label="{escape(label)}">\n'
        + "\n".join(bars)
        + f'\n  <text x="0" y="{height - 10}">{escape(coverage[0][0])}</text>\n'
        f'  <text x="{WIDTH}" y="{height - 10}" text-anchor="end">{escape(coverage[-1][0])}</text>\n'
        + (f'  <text x="0" y="12">{peak} at most</text>\n' if show_peak else "")
        + "</svg>\n</div>"
    )
