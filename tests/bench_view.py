"""How fast a big view opens in a real browser, on demand.

    python tests/bench_view.py [--nodes 5000] [--out view-5000.html]

Builds a graph of the given size with kg's node and edge attributes (a
scale-free graph, so some entities have many facts), renders it with
``kg.view.render`` and opens it in headless Chromium, timing from navigation to
the first drawing of the network. Prints the render time, the page size, the
load time and the number of nodes and edges drawn.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import networkx as nx

from kg.view import STYLES, ViewOptions, render


def synthetic(nodes: int, seed: int = 7) -> nx.MultiDiGraph:
    rng = random.Random(seed)
    base = nx.barabasi_albert_graph(nodes, 2, seed=seed)
    graph: nx.MultiDiGraph = nx.MultiDiGraph()
    classes = list(STYLES)
    for n in base:
        cls = rng.choice(classes)
        graph.add_node(
            f"n{n}", iri=f"https://kg.example.org/id/x/n{n}", label=f"{cls} {n}", cls=cls
        )
    for a, b in base.edges():
        graph.add_edge(
            f"n{a}",
            f"n{b}",
            key="partnersWith",
            property="partnersWith",
            confidence=0.7,
            evidence=[
                {
                    "sentence": f"Entity {a} met entity {b}.",
                    "article": "bench",
                    "confidence": 0.7,
                    "rule": "bench",
                }
            ],
        )
    return graph


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--out", default="view-bench.html")
    args = parser.parse_args()
    graph = synthetic(args.nodes)
    started = time.perf_counter()
    page = render(graph, ViewOptions(title=f"{args.nodes} entities"))
    rendered = time.perf_counter() - started
    out = Path(args.out).resolve()
    out.write_text(page, encoding="utf-8")
    print(
        f"render {rendered:.1f} s, page {len(page) / 1e6:.1f} MB ({graph.number_of_nodes()} nodes, "
        f"{graph.number_of_edges()} edges)"
    )

    from tests_browser import chromium

    with chromium() as driver:
        driver.set_script_timeout(60)
        started = time.perf_counter()
        driver.get(out.as_uri())
        driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "if (!window.network) { done(false); return; }"
            "network.once('afterDrawing', () => done(true)); network.redraw();"
        )
        loaded = time.perf_counter() - started
        drawn = driver.execute_script(
            "return [network.body.data.nodes.length, network.body.data.edges.length]"
        )
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    print(
        f"opened and drawn in Chromium in {loaded:.2f} s: {drawn[0]} nodes, {drawn[1]} edges, "
        f"{len(errors)} console errors"
    )


if __name__ == "__main__":
    main()
