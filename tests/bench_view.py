"""How fast a big view opens in a real browser, on demand.

    python tests/bench_view.py [--nodes 5000] [--out view-5000.html]
    python tests/bench_view.py --timeline [--nodes 8000]


Builds a graph of the given size with kg's node and edge attributes (a
scale-free graph, so some entities have many facts), renders it with
``kg.view.render`` and opens it in headless Chromium, timing from navigation to
the first drawing of the network. Prints the render time, the page size, the
load time and the number of nodes and edges drawn. With ``--timeline``: writes a
graph file of that many dated events (each with a participant and its sentence)
and times ``kg view FILE --timeline`` on it, from reading the file to the page.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path
from typing import Any

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


def synthetic_events(count: int) -> Any:
    """An rdflib graph of ``count`` dated events over twenty years, each with one
    participant said in one sentence of one article."""
    from rdflib import RDF, RDFS, Graph, Literal, URIRef
    from rdflib.namespace import PROV, XSD

    from kg.vocab import ID, KG

    graph = Graph()
    article = URIRef(f"{ID}article/bench")
    graph.add((article, RDF.type, KG.NewsArticle))
    graph.add((article, RDFS.label, Literal("bench")))
    for n in range(count):
        event, person = URIRef(f"{ID}event/e{n}"), URIRef(f"{ID}person/p{n}")
        when = f"{2000 + n % 20}-{1 + n % 12:02d}-{1 + n % 28:02d}"
        sentence, claim = URIRef(f"{ID}article/bench/s{n}"), URIRef(f"{ID}article/bench/a{n}")
        for triple in (
            (event, RDF.type, KG.Event),
            (event, RDFS.label, Literal(f"Event {n}")),
            (event, KG.date, Literal(when, datatype=XSD.date)),
            (person, RDF.type, KG.Person),
            (person, RDFS.label, Literal(f"Person {n}")),
            (sentence, KG.text, Literal(f"Person {n} took part in event {n} on {when}.")),
            (claim, RDF.type, KG.Assertion),
            (claim, RDF.subject, person),
            (claim, RDF.predicate, KG.participatesIn),
            (claim, RDF.object, event),
            (claim, KG.inSentence, sentence),
            (claim, PROV.wasDerivedFrom, article),
        ):
            graph.add(triple)
    return graph


def timeline(count: int, out: str) -> None:
    import tempfile

    from kg.cli import main as kg

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "events.ttl"
        synthetic_events(count).serialize(source, format="turtle")
        started = time.perf_counter()
        assert kg(["view", str(source), "--timeline", "-o", out, "-q"]) == 0
        took = time.perf_counter() - started
    print(f"kg view --timeline of {count:,} events: {took:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--out", default="view-bench.html")
    parser.add_argument("--timeline", action="store_true", help="time the timeline instead")
    args = parser.parse_args()
    if args.timeline:
        timeline(args.nodes, args.out)
        return
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
