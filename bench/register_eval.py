"""Register-driven evaluation of council linking: every authority of the register, in the
press forms, lists and false friends of real news, through the pipeline's public API.

The documents are generated (register_docs.py) from ../shared/reference/uk-local-authorities
and the frames of register_frames.json only, never from the linker's data files, so the
evaluation does not share the linker's blind spots. They run through
``councilwatch.nlp.language.build_pipeline`` and ``councilwatch.nlp.analyse.analyse_texts``;
each document's set of linked codes is compared with the codes it names (register_score.py).

Targets: recall >= 0.99 on every positive form, and no council linked on the negative frames.
These are generated register forms, not real news.

Usage (from the repo root):
    .venv/bin/python bench/register_eval.py                       # every authority, ~27,000 documents, ~30 s
    .venv/bin/python bench/register_eval.py --sample 40 --seed 3 --show-misses 3
    .venv/bin/python bench/register_eval.py --json /tmp/register-eval.json --docs /tmp/docs.jsonl

Skips with a one-line message (exit 0) when the register is not beside the checkout.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from register_data import REGISTER, RegisterMissing, load_register
from register_docs import Generator
from register_score import Scores, report, score, show_misses

from councilwatch.nlp.analyse import analyse_texts
from councilwatch.nlp.language import build_pipeline

PROGRESS_SECONDS = 5.0


def sample_codes(codes: Iterable[str], size: int | None, seed: int) -> list[str]:
    """``size`` codes drawn with ``random.Random(seed)`` (all of them when ``size`` is None).

    >>> sample_codes(["A", "B", "C", "D"], 2, seed=1) == sample_codes(["D", "C", "B", "A"], 2, seed=1)
    True
    """
    ordered = sorted(codes)
    if size is None or size >= len(ordered):
        return ordered
    return sorted(random.Random(seed).sample(ordered, size))


def progress_every(
    total: int, seconds: float = PROGRESS_SECONDS, write: Callable[[str], Any] = sys.stderr.write
) -> Callable[[int], None]:
    """A callback that writes "done/total documents (rate/s)" at most every ``seconds``."""
    start = last = time.monotonic()

    def tick(done: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= seconds or done == total:
            last = now
            write(
                f"register eval: {done:,}/{total:,} documents ({done / max(now - start, 1e-9):,.0f}/s)\n"
            )

    return tick


def predict(
    docs: list[dict], nlp=None, tick: Callable[[int], None] | None = None
) -> dict[str, list[str]]:
    """Document id -> the council codes the pipeline links in its text (with its date)."""
    nlp = nlp or build_pipeline()
    records: Iterator[dict] = analyse_texts(nlp, ((d["text"], d["published"]) for d in docs))
    out: dict[str, list[str]] = {}
    for i, (doc, record) in enumerate(zip(docs, records, strict=True), 1):
        out[doc["id"]] = sorted({c["code"] for c in record["councils"]})
        if tick and (i % 200 == 0 or i == len(docs)):
            tick(i)
    return out


def register_version(folder: Path) -> str:
    version = folder / "VERSION"
    return version.read_text(encoding="utf-8").split()[0][:12] if version.exists() else "unknown"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Register-driven evaluation of council linking (generated register forms, not real news)."
    )
    parser.add_argument(
        "--register",
        type=Path,
        default=REGISTER,
        metavar="DIR",
        help="folder of uk_local_authorities.csv and lookup_name_to_registry.csv "
        "(default: ../shared/reference/uk-local-authorities)",
    )
    parser.add_argument(
        "--sample",
        type=int,
        metavar="N",
        help="evaluate N authorities drawn at random with --seed (default: all)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the sample and of every choice of frame (default 0)",
    )
    parser.add_argument(
        "--frames",
        type=int,
        default=3,
        metavar="K",
        help="sentence frames per name, list and negative (default 3)",
    )
    parser.add_argument(
        "--json", type=Path, metavar="PATH", help="write every figure as JSON to PATH"
    )
    parser.add_argument(
        "--docs",
        type=Path,
        metavar="PATH",
        help="write the generated documents, with what was linked, as JSON lines to PATH",
    )
    parser.add_argument(
        "--show-misses",
        type=int,
        default=0,
        metavar="N",
        help="print N example misses per form (text, expected, linked)",
    )
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="show progress on stderr even when it is not a terminal")  # fmt: skip
    args = parser.parse_args(argv)
    if args.sample is not None and args.sample < 1:
        parser.error("--sample must be at least 1")
    if args.frames < 1:
        parser.error("--frames must be at least 1")
    if args.show_misses < 0:
        parser.error("--show-misses must be 0 or more")
    return args


def write_json(path: Path, data: Any, lines: bool = False) -> None:
    """Write ``data`` to ``path`` (JSON, or JSON lines of its items); one-line error if not."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as handle:
            if lines:
                handle.writelines(json.dumps(item, ensure_ascii=False) + "\n" for item in data)
            else:
                json.dump(data, handle, indent=1, ensure_ascii=False)
    except OSError as exc:
        raise SystemExit(f"register eval: cannot write {path}: {exc.strerror or exc}") from None


def run(args: argparse.Namespace) -> Scores | None:
    try:
        authorities = load_register(args.register)
    except RegisterMissing as exc:
        print(f"skipped: {exc}")
        return None
    codes = sample_codes(authorities, args.sample, args.seed)
    started = time.perf_counter()
    docs = Generator(authorities, seed=args.seed, frames=args.frames).generate(codes)
    generated = time.perf_counter() - started
    verbose = args.verbose or sys.stderr.isatty()
    if verbose:
        sys.stderr.write(f"register eval: {len(docs):,} documents generated in {generated:.1f} s\n")
    predictions = predict(docs, tick=progress_every(len(docs)) if verbose else None)
    seconds = time.perf_counter() - started
    councils = {c: (f"{a.kind_name} ({a.kind})", a.nation) for c, a in authorities.items()}
    scores = score(docs, predictions, councils)
    positive = sum(1 for d in docs if d["kind"] != "negative")
    sample = (
        "all" if len(codes) == len(authorities) else f"a sample of {len(codes)} (seed {args.seed})"
    )
    header = {
        "register": str(args.register), "register_version": register_version(args.register),
        "authorities": len(authorities), "evaluated": len(codes), "seed": args.seed,
        "frames": args.frames, "documents": len(docs), "positive_documents": positive,
        "negative_documents": len(docs) - positive, "seconds": round(seconds, 1),
        "generation_seconds": round(generated, 1),
    }  # fmt: skip
    print(
        "### Register-driven evaluation of council linking (generated register forms, not real news)"
    )
    print()
    print(f"Register {header['register_version']}: {len(authorities)} authorities, evaluated: {sample}; "
          f"{args.frames} frames per name; {len(docs):,} documents ({positive:,} positive, "
          f"{len(docs) - positive:,} negative); {seconds:.0f} s.")  # fmt: skip
    print()
    print("\n".join(report(scores)))
    if args.show_misses:
        print("\n".join(show_misses(scores, args.show_misses)))
    if args.json:
        write_json(args.json, {**header, **scores.as_dict()})
    if args.docs:
        write_json(args.docs, ({**d, "linked": predictions[d["id"]]} for d in docs), lines=True)
    return scores


def main(argv: list[str] | None = None) -> None:
    run(parse_args(argv))


if __name__ == "__main__":
    main()
