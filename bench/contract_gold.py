"""Supplier and contract F1 on the project's contract gold, split into its dev and held-out parts.

``tests/gold/contracts.jsonl``: documents ``ct-001`` to ``ct-030`` are the dev part (their
errors may be read, with ``councilwatch eval --show-errors`` on a file of those alone);
``ct-031`` on are held out and only ever scored. This prints figures only, never errors.
Targets (issue 16): supplier F1 >= 0.95, contract F1 >= 0.8.

Usage (from the repo root; about 20 s):
    .venv/bin/python bench/contract_gold.py [--gold tests/gold/contracts.jsonl] [--dev-last 30]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from councilwatch.eval_run import evaluate_files

GOLD = Path(__file__).resolve().parents[1] / "tests" / "gold" / "contracts.jsonl"


def split(gold: Path, dev_last: int, folder: Path) -> dict[str, Path]:
    """Write the dev and held-out documents of ``gold`` to two files in ``folder``."""
    parts: dict[str, list[str]] = {"dev": [], "held-out": []}
    for line in gold.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        number = int(json.loads(line)["id"].rsplit("-", 1)[1])
        parts["dev" if number <= dev_last else "held-out"].append(line)
    paths = {}
    for name, lines in parts.items():
        paths[name] = folder / f"{name}.jsonl"
        paths[name].write_text("\n".join(lines) + "\n", encoding="utf-8")
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--dev-last", type=int, default=30, help="last document number of dev")
    args = parser.parse_args()
    print("| part | docs | supplier P | R | F1 | contract P | R | F1 | value acc. | status acc. |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        paths = split(args.gold, args.dev_last, Path(tmp))
        for name, path in [*paths.items(), ("all", args.gold)]:
            result, _ = evaluate_files([path])
            s, c = result["suppliers"], result["contracts"]
            print(
                f"| {name} | {s['docs']} | {s['p']:.3f} | {s['r']:.3f} | **{s['f1']:.3f}** |"
                f" {c['p']:.3f} | {c['r']:.3f} | **{c['f1']:.3f}** |"
                f" {c['value_accuracy']:.3f} | {c['status_accuracy']:.3f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
