"""Benchmark: build time of the seed article against the raw spaCy model, in one run.

Run on demand (not part of the test run)::

    python tests/bench_build.py [ARTICLE ...] [--repeat N]

Prints the median time of ``nlp(text)`` with the bare model, of kg's full
extraction (model + kg components + resolution + RDF), and their ratio, so the
cost kg adds on top of the model is measured against a baseline in the same process.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from kg.nlp import load_model
from kg.pipeline import Pipeline, union
from kg.sources import read_article

SEED = (
    Path(__file__).resolve().parent.parent.parent / "shared" / "seed" / "000_873f0b9ca323b4f1.txt"
)


def median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", nargs="*", default=[str(SEED)])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    articles = [read_article(p) for p in args.articles]
    raw = load_model()
    pipeline = Pipeline()
    tokens = sum(len(raw(a.body)) for a in articles)

    def run_raw() -> None:
        for a in articles:
            raw(a.body)

    def run_kg() -> None:
        union(pipeline.build(articles))

    run_raw(), run_kg()  # warm up
    t_raw = median_seconds(run_raw, args.repeat)
    t_kg = median_seconds(run_kg, args.repeat)
    graph = union(pipeline.build(articles))
    print(f"articles: {len(articles)}  tokens: {tokens}  triples: {len(graph)}")
    print(f"raw spaCy model : {t_raw * 1000:8.1f} ms  ({tokens / t_raw:,.0f} tokens/s)")
    print(f"kg build        : {t_kg * 1000:8.1f} ms  ({tokens / t_kg:,.0f} tokens/s)")
    print(f"ratio kg/raw    : {t_kg / t_raw:8.2f}x")


if __name__ == "__main__":
    main()
