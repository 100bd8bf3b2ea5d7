"""Build the graph of the example articles, then ask it a few questions.

Run from the repository root::

    python examples/run_example.py

Writes ``examples/output/example.ttl`` (all facts) and ``examples/output/example.trig``
(one named graph per article), then prints the answers of three shipped queries.
"""

from __future__ import annotations

import time
from pathlib import Path

from kg.pipeline import Pipeline
from kg.query import find_query, parse_params, run_query
from kg.sources import read_articles
from kg.store import load, save

HERE = Path(__file__).resolve().parent


def main() -> None:
    out = HERE / "output"
    out.mkdir(exist_ok=True)
    articles = list(read_articles([HERE / "articles"]))
    started = time.perf_counter()
    pipeline = Pipeline()
    dataset = pipeline.build(articles)
    elapsed = time.perf_counter() - started
    for name in ("example.ttl", "example.trig"):
        save(dataset, out / name)
    print(f"Built {len(articles)} articles in {elapsed:.1f} s -> {out / 'example.ttl'}")

    graph = load(out / "example.ttl")
    questions = [
        ("leaders", {}),
        ("products", {}),
        ("events", {}),
        ("entity", {"entity": "Sam Altman"}),
    ]
    for name, params in questions:
        text, source = find_query(name)
        result = run_query(
            graph, text, parse_params([f"{k}={v}" for k, v in params.items()]), source
        )
        print(f"\n== {name} {params or ''}")
        print(" | ".join(result.variables))
        for row in result.rows:
            print(" | ".join("" if v is None else " ".join(str(v).split())[:90] for v in row))


if __name__ == "__main__":
    main()
