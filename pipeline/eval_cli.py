"""``councilwatch eval GOLD.jsonl ...``: run the NLP stage on gold documents and score it.

Example (from the repo root):
    $ councilwatch eval tests/gold/*.jsonl --show-errors
    councils      P=0.990 R=0.980 F1=0.985 (tp=.. fp=.. fn=..)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from councilwatch.nlp.evaluate import format_result, load_docs, score


def predict(gold: dict[str, dict[str, Any]], batch_size: int = 64) -> dict[str, dict[str, Any]]:
    """Run the pipeline over the gold documents' texts; predictions keyed by id."""
    # imported here: loading spaCy costs every other command a second at start-up
    from councilwatch.nlp.analyse import analyse_texts
    from councilwatch.nlp.pipeline import build_pipeline

    nlp = build_pipeline()
    items = [(d["text"], d.get("published")) for d in gold.values()]
    records = analyse_texts(nlp, items, batch_size=batch_size)
    return {doc_id: {"id": doc_id, **rec} for doc_id, rec in zip(gold, records, strict=True)}


def evaluate_files(
    paths: list[str | Path], show_errors: bool = False
) -> tuple[dict[str, Any], list[str]]:
    """Score the NLP stage on the union of the gold files (ids must be unique)."""
    gold = load_docs(paths)
    return score(gold, predict(gold), show_errors)


@click.command("eval")
@click.argument("gold_files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--show-errors", is_flag=True, help="List each document's misses and extras.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def eval_command(gold_files: tuple[str, ...], show_errors: bool, as_json: bool) -> None:
    """Score the NLP stage against gold sets (spec §6): P/R/F1 per field.

    Same definitions as ../shared/tools/score_nlp.py, over all GOLD_FILES together.
    """
    try:
        result, errors = evaluate_files(list(gold_files), show_errors)
    except (ValueError, KeyError) as exc:
        raise click.ClickException(f"bad gold file: {exc}") from exc
    if as_json:
        click.echo(json.dumps(result, indent=1))
        return
    for line in errors:
        click.echo(line)
    for line in format_result(result):
        click.echo(line)
