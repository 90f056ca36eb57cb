"""NLP cost against text length: the full pipeline on one fact-dense text of 1, 2 and 4 MB.

The text is the project's gold texts (tests/gold/*.jsonl: about 3 councils, 2 amounts and 3-4
services in every 120 words) joined and repeated to the size, analysed as one article with no
body cap (``analyse_texts``, as ``process`` runs it, without ``--max-body-chars``). For each
size: the seconds of the whole pipeline and of each component (the rest is tokenizing and
the record), and the ratio to the size before. Linear cost doubles with the text (ratio 2.0);
the target is at most 2.2 per doubling. Every size runs in the same process, so ratios are
comparable on a loaded machine.

Usage (from the repo root):
    .venv/bin/python bench/nlp_cost.py [--mb 1 2 4]
"""

from __future__ import annotations

import argparse
import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from nlp_speed import gold_texts
from spacy.language import Language
from spacy.tokens import Doc

from councilwatch.nlp.analyse import analyse_texts
from councilwatch.nlp.language import build_pipeline

TARGET = 2.2


def dense_text(chars: int) -> str:
    """The gold texts joined by blank lines and repeated to exactly ``chars`` characters."""
    base = "\n\n".join(text for text, _ in gold_texts()) + "\n\n"
    return (base * (chars // len(base) + 1))[:chars]


@contextmanager
def timed_components(nlp: Language, seconds: dict[str, float]) -> Iterator[None]:
    """Add each component's time per call to ``seconds[name]`` while the block runs."""

    def timed(name: str, proc: Callable[[Doc], Doc]) -> Callable[[Doc], Doc]:
        def run(doc: Doc) -> Doc:
            start = time.perf_counter()
            try:
                return proc(doc)
            finally:
                seconds[name] += time.perf_counter() - start

        return run

    original = list(nlp._components)
    nlp._components[:] = [(name, timed(name, proc)) for name, proc in original]
    try:
        yield
    finally:
        nlp._components[:] = original


def measure(nlp: Language, chars: int) -> tuple[float, dict[str, float], dict[str, int]]:
    """Seconds of the whole pipeline on a dense text of ``chars``, per component, and facts."""
    text = dense_text(chars)
    seconds: dict[str, float] = defaultdict(float)
    with timed_components(nlp, seconds):
        start = time.perf_counter()
        (record,) = analyse_texts(nlp, [(text, None)])
        total = time.perf_counter() - start
    facts = {k: len(v) for k, v in record.items() if isinstance(v, list)}
    return total, dict(seconds), facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, nargs="+", default=[1, 2, 4])
    args = parser.parse_args()
    nlp = build_pipeline()
    list(analyse_texts(nlp, [(dense_text(20_000), None)]))  # data loaded, caches warm
    rows = []
    for mb in args.mb:
        total, parts, facts = measure(nlp, int(mb * 1_000_000))
        rows.append((mb, total, parts))
        print(f"{mb:g} MB: {total:.1f} s  facts {facts}", flush=True)
    names = list(rows[0][2])
    print("\n| size | total s | ratio | " + " | ".join(names) + " | rest (tokenizer, record) |")
    print("|---" * (len(names) + 4) + "|")
    worst = 0.0
    for i, (mb, total, parts) in enumerate(rows):
        ratio = total / rows[i - 1][1] * rows[i - 1][0] * 2 / mb if i else None
        worst = max(worst, ratio or 0.0)
        cells = [f"{parts[n]:.1f}" for n in names] + [f"{total - sum(parts.values()):.1f}"]
        shown = f"{ratio:.2f}x" if ratio else "-"
        print(f"| {mb:g} MB | {total:.1f} | {shown} | " + " | ".join(cells) + " |")
    print(f"\nworst ratio per doubling {worst:.2f}x (target <= {TARGET}x)")
    for name in names:
        first, last = rows[0][2][name], rows[-1][2][name]
        doublings = math.log2(rows[-1][0] / rows[0][0])
        per = (last / first) ** (1 / doublings) if first > 0 and doublings else float("nan")
        print(f"  {name}: {per:.2f}x per doubling")


if __name__ == "__main__":
    main()
