"""The published date: structured dates first, the page's own day, visible datelines, htmldate."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import htmldate
import lxml.html
import pytest

from councilwatch.extraction.datelines import find_datelines
from councilwatch.extraction.extract import extract_article, parse_html
from councilwatch.extraction.metadata import extract_metadata

ROOT = Path(__file__).resolve().parents[2]
GOLD = json.loads((ROOT / "bench" / "dates-gold.json").read_text(encoding="utf-8"))
REFERENCE = ROOT.parent / "shared" / "reference"


def page(head: str = "", body: str = "", *, lang: str = "en") -> bytes:
    text = "<p>Islington and Camden councils agreed to share their ICT services.</p>" * 3
    return (
        f'<html lang="{lang}"><head><title>Councils share IT</title>{head}</head>'
        f"<body><article><h1>Councils share IT</h1>{body}{text}</article></body></html>"
    ).encode()


def published(data: bytes, url: str = "https://example.org/news/councils-share-it") -> str | None:
    return extract_article(data, url).published


# ------------------------------------------------------------ structured dates


def test_meta_itemprop_date_published_is_read() -> None:
    data = page('<meta itemprop="datePublished" content="2018-10-03T19:41:33+04:00">')
    assert published(data) == "2018-10-03T19:41:33+04:00"


@pytest.mark.parametrize(
    "json_ld",
    [
        # a stray character after the object
        '{"@type": "NewsArticle", "headline": "Councils share IT", "datePublished": "2019-11-18T10:15:00+00:00"} }',
        # an unescaped quote inside the headline
        '{"@type": "NewsArticle", "headline": "Councils "share" IT", "datePublished": "2019-11-18T10:15:00+00:00"}',
        # a trailing comma and an HTML comment wrapper
        '<!-- {"@type": "NewsArticle", "datePublished": "2019-11-18T10:15:00+00:00",} -->',
    ],
)
def test_json_ld_that_does_not_parse_strictly_still_gives_its_date(json_ld: str) -> None:
    data = page(f'<script type="application/ld+json">{json_ld}</script>')
    assert published(data) == "2019-11-18T10:15:00+00:00"


def test_json_ld_placeholder_year_gives_way_to_the_dateline() -> None:
    data = page(
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "datePublished": "0001-01-01T00:00:00Z"}</script>',
        "<p class='byline'>Published 11:11 PM EST Nov 19, 2019</p>",
    )
    assert published(data) == "2019-11-19T23:11:00-05:00"


def test_bare_day_gives_way_to_a_precise_value_of_the_same_day() -> None:
    data = page(
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "datePublished": "November 19, 2019"}</script>'
        '<meta property="article:published_time" content="2019-11-19T11:21:08+00:00">'
    )
    assert published(data) == "2019-11-19T11:21:08+00:00"


# ------------------------------------------------------------ the page's own day


@pytest.mark.parametrize(
    ("stamp", "byline", "expected"),
    [
        # American evening: the UTC timestamp is already the next day
        (
            "2019-11-20T04:31:13+00:00",
            "Chris Davies - Nov 19, 2019, 10:31 pm CST",
            "2019-11-19T22:31:13-06:00",
        ),
        # a time of day but no zone: the offset follows from the two clocks
        ("2019-11-19T01:19:34+00:00", "Posted Nov 18, 8:19 PM", "2019-11-18T20:19:34-05:00"),
        # British summer time just after midnight, the day alone on the page
        ("2007-09-10T23:00:01+00:00", "News 11 September 2007", "2007-09-11"),
        # the same day: the structured value stays as it is
        ("2019-11-18T18:54:53+00:00", "Mon 18 Nov 2019 18.54 GMT", "2019-11-18T18:54:53+00:00"),
    ],
)
def test_a_utc_timestamp_takes_the_day_the_page_shows(
    stamp: str, byline: str, expected: str
) -> None:
    data = page(f'<meta property="article:published_time" content="{stamp}">', f"<p>{byline}</p>")
    assert published(data) == expected


def test_no_shift_a_time_zone_cannot_explain() -> None:
    # 19:31 UTC cannot be the previous day anywhere: the dateline is about something else
    data = page(
        '<meta property="article:published_time" content="2019-11-19T19:31:39+00:00">',
        "<p>November 18, 2019 -- 19:14 GMT</p>",
    )
    assert published(data) == "2019-11-19T19:31:39+00:00"


def test_a_value_in_the_pages_own_offset_is_kept() -> None:
    data = page(
        '<meta property="article:published_time" content="2018-09-15T10:15:48+02:00">',
        "<p>By admin - 2018-09-16</p>",
    )
    assert published(data) == "2018-09-15T10:15:48+02:00"


def test_the_time_element_text_shows_the_local_day() -> None:
    data = page(
        "",
        '<p>Reuters <time datetime="2019-11-19T07:03:25+00:00">November 18, 2019 11:03 PM</time></p>',
    )
    assert published(data) == "2019-11-18T23:03:25-08:00"


def test_an_update_dateline_is_not_the_publication_day() -> None:
    data = page(
        '<meta property="article:published_time" content="2019-11-08T15:30:00+00:00">',
        "<p>By Umair Irfan Updated Nov 13, 2019, 10:28am EST</p>",
    )
    assert published(data) == "2019-11-08T15:30:00+00:00"


def test_an_update_dateline_still_tells_the_pages_zone() -> None:
    # published 02:07 UTC on the 20th; the page writes its times in EST: 9:07 pm on the 19th
    data = page(
        '<meta property="article:published_time" content="2019-11-20T02:07:18Z">',
        "<p>Updated 12:24 am EST, Wednesday, November 20, 2019</p>",
    )
    assert published(data) == "2019-11-19T21:07:18-05:00"


def test_a_local_rendering_elsewhere_in_the_page_gives_the_offset() -> None:
    data = page(
        '<meta property="article:published_time" content="2019-11-19T04:58:46Z">'
        '<meta name="sailthru.date" content="2019-11-18 20:58:46">'
    )
    assert published(data) == "2019-11-18T20:58:46-08:00"


# ------------------------------------------------------------ embedded content


def test_a_time_in_comments_or_related_items_is_not_the_articles() -> None:
    data = page(
        "",
        '<div class="comment-list"><time datetime="2018-08-28T19:38:42+00:00">1 year ago</time></div>'
        '<ul class="related-posts"><li><time datetime="2017-01-01">1 Jan 2017</time></li></ul>',
    )
    assert published(data, "https://example.org/2019/11/18/councils-share-it/") == "2019-11-18"


# ------------------------------------------------------------ no structured date


def test_a_date_shown_only_in_the_byline() -> None:
    data = page("", "<p>Dan Evon Published 18 November 2019</p>")
    assert published(data) == "2019-11-18"


@pytest.mark.parametrize(("lang", "expected"), [("pt-BR", "2018-10-05"), ("en-US", "2018-05-10")])
def test_a_numeric_day_and_month_are_read_in_the_pages_language(lang: str, expected: str) -> None:
    data = page("", "<p>05/10/2018 - Publicado por Clarissa</p>", lang=lang)
    assert published(data) == expected


def test_htmldate_searches_the_already_parsed_tree_last(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []
    real = htmldate.find_date

    def find_date(tree: object, **kwargs: object) -> str | None:
        seen.append(tree)
        return real(tree, **kwargs)

    monkeypatch.setattr(htmldate, "find_date", find_date)
    data = (
        b"<html><head><title>Councils share IT</title></head><body>"
        b"<div class='entry-date'>2019-11-18</div><h2>Councils share IT</h2>"
        b"<p>Islington and Camden councils agreed to share their ICT services.</p></body></html>"
    )
    assert published(data) == "2019-11-18"
    assert len(seen) == 1 and isinstance(seen[0], lxml.html.HtmlElement)


def test_htmldate_is_not_run_when_the_page_has_a_structured_date(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def find_date(*args: object, **kwargs: object) -> str:
        raise AssertionError("htmldate called")

    monkeypatch.setattr(htmldate, "find_date", find_date)
    data = page('<meta property="article:published_time" content="2019-11-18T10:00:00Z">')
    assert published(data) == "2019-11-18T10:00:00+00:00"


# ------------------------------------------------------------ the gold set

# One page of each case the gold set records (read from the pages themselves).
SAMPLE = {
    "06e5123e4ef7": "UTC timestamp, the local day in the <time> text",
    "264dc3ae3124": "UTC timestamp, the local day in the byline",
    "1ace8c85aaee": "UTC timestamp, the local time in sailthru.date",
    "c4a3637c6696": '<meta itemprop="datePublished"> only',
    "8380689f358c": "the date only in the visible byline",
    "65ce3a4577a0": "a placeholder JSON-LD date, the byline",
    "9e8c9f082a8d": "no structured date, the byline",
    "0ec95c7261d1": "no structured date, htmldate",
    "ec7fc408c5ce": "<time datePublished> of comments only",
}


def _gold_pages() -> list[tuple[str, dict]]:
    return [
        (path, entry) for path, entry in GOLD["pages"].items() if Path(path).name[:12] in SAMPLE
    ]


def test_the_gold_set_records_every_page_of_the_reference_sets() -> None:
    if not REFERENCE.is_dir():
        pytest.skip("../shared absent")
    pages = {
        str(p.relative_to(REFERENCE)) for p in (REFERENCE / "article-extraction" / "html").iterdir()
    }
    pages |= {str(p.relative_to(REFERENCE)) for p in (REFERENCE / "real-pages").glob("*/*.*")}
    assert pages == set(GOLD["pages"]) | set(GOLD["not_pages"])
    for entry in GOLD["pages"].values():
        assert entry["where"] and entry["seen"] in ("visible", "structured", "none")
        assert (entry["date"] is None) == (entry["seen"] == "none")


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="../shared absent")
@pytest.mark.parametrize(("path", "entry"), _gold_pages(), ids=lambda v: str(v)[:40])
def test_the_published_day_matches_the_gold_set(path: str, entry: dict) -> None:
    data = (REFERENCE / path).read_bytes()
    if path.endswith(".gz"):
        data = gzip.decompress(data)
    tree = parse_html(data)
    assert extract_metadata(tree, entry["url"]).published[:10] == entry["date"]


# ------------------------------------------------------------ written dates


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("sexta-feira, 22 de outubro de 2010 às 20:13", "2010-10-22"),
        ("Текст: Венера Ерофеева·24 сентября 2018", "2018-09-24"),
        ("기사입력 :[ 2018-08-25 15:24 ]", "2018-08-25"),
        ("2013年04月09日", "2013-04-09"),
        ("by ライトハウス国際特許事務所 ／ 2016.12.01", "2016-12-01"),
        ("Tanza Loudenback, Business Insider 13.11.2019, 23:06", "2019-11-13"),
        ("Louise Matsakis 11.15.2019 10:09 AM", "2019-11-15"),
        ("By Justine Coleman - 11/18/19 11:04 PM EST", "2019-11-18"),
        ("TRD NATIONAL / Nov.November 18, 2019 12:02 PM", "2019-11-18"),
        ("Zac Hall - Nov. 18th 2019 12:12 pm PT", "2019-11-18"),
    ],
)
def test_written_dates_in_many_forms(text: str, day: str) -> None:
    assert find_datelines(text)[0].day.isoformat() == day


def test_a_dateline_without_a_year_beside_a_new_years_day_value() -> None:
    data = page(
        '<meta property="article:published_time" content="2020-01-01T03:30:12Z">',
        "<p>Posted Dec 31, 10:30 PM</p>",
    )
    assert published(data) == "2019-12-31T22:30:12-05:00"
