"""Build the graph of the example articles, then ask it a few questions.

Run from the repository root::

    python examples/run_example.py

Writes ``examples/output/example.ttl`` (all facts), ``examples/output/example.trig``
(one named graph per article) and ``examples/output/example.html`` (an interactive
view: open it in a browser), then prints the answers of four shipped queries.
"""

from __future__ import annotations

import time
from pathlib import Path

from kg.analysis import to_networkx
from kg.pipeline import Pipeline
from kg.query import find_query, parse_params, run_query
from kg.sources import read_articles
from kg.store import load, save
from kg.store.backends import MemoryStore
from kg.view import ViewOptions, render

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
    page = render(to_networkx(MemoryStore(dataset)), ViewOptions(title="kg: the example articles"))
    (out / "example.html").write_text(page, encoding="utf-8")
    print(f"Interactive view -> {out / 'example.html'}")

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
