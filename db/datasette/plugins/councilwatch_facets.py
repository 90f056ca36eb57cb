"""The council facet: council mentions counted by council, from the summary table.

``?_facet_council=code`` on ``council_mentions`` (the table's default facet and its
"Facet by council" link) gives the same counts as ``?_facet=code``, but while the
table is not filtered it reads ``council_counts`` (one row per council, kept by
triggers) instead of counting millions of mentions. Filtered, it counts the
matching rows as a column facet does.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from datasette.facets import ColumnFacet
from datasette.utils import path_with_added_args, path_with_removed_args

#: Tables whose ``code`` counts the summary table holds, and the SQL that reads them.
SUMMARIES = {
    "council_mentions": "select code as value, mentions as count from council_counts"
    " order by count desc, value limit :limit"
}


class CouncilFacet(ColumnFacet):
    """A column facet on council codes that reads the summary table when it can."""

    type = "council"

    def unfiltered(self) -> bool:
        return not self.params and " where " not in f" {self.sql.lower()} "

    async def facet_results(self) -> tuple[list, list]:
        if self.table not in SUMMARIES or not self.unfiltered():
            return await super().facet_results()
        results = []
        size = self.get_facet_size()
        pairs = self.get_querystring_pairs()
        for source_and_config in self.get_configs():
            config = source_and_config["config"]
            column = config.get("column") or config["simple"]
            if column != "code":
                continue
            rows = await self.ds.execute(self.database, SUMMARIES[self.table], {"limit": size + 1})
            values = [row["value"] for row in rows.rows[:size]]
            labels = await self.ds.expand_foreign_keys(self.database, self.table, column, values)
            listed = []
            for row in rows.rows[:size]:
                value = str(row["value"])
                selected = (column, value) in pairs
                change = path_with_removed_args if selected else path_with_added_args
                toggle = change(self.request, {column: value})
                listed.append(
                    {
                        "value": row["value"],
                        "label": labels.get((column, row["value"]), row["value"]),
                        "count": row["count"],
                        "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(toggle)),
                        "selected": selected,
                    }
                )
            results.append(
                {
                    "name": column,
                    "type": self.type,
                    "hideable": source_and_config["source"] != "metadata",
                    "toggle_url": self.ds.urls.path(
                        path_with_removed_args(self.request, {"_facet_council": column})
                    ),
                    "results": listed,
                    "truncated": len(rows.rows) > size,
                }
            )
        return results, []


@hookimpl
def register_facet_classes() -> list[Any]:
    return [CouncilFacet]
