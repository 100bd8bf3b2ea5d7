"""Benchmark the shipped queries on rdflib's in-memory engine and on Oxigraph, in one run.

    python tests/bench_stores.py [--triples 1000000 [10000000 ...]] [--repeat 3]

The graph has the shape ``kg build`` produces: it is made by kg's own RDF
writer (:func:`kg.rdf.extraction_lines`, the default provenance level) from synthetic
articles, each naming
people, companies, products, events, places and news organizations drawn from
pools with a long tail (a few entities, such as "Sam Altman", appear in many
articles), with
mentions, sentences, relations and their assertions. No text is parsed, so the
benchmark measures the stores, not spaCy.

For each size it prints the load time of each store and, per query, the median time
on each engine and the ratio (rdflib only up to ``--rdflib-max`` quads, for context),
then whether the slowest query meets the lean-graph issue's targets (150 ms at 1M
quads, 1.5 s at 10M); with ``--layouts``, also on an in-memory Oxigraph
holding every quad in its default graph (no per-article graphs, so not a layout
kg can use: a bound on what any layout could gain).
"""

from __future__ import annotations

import argparse
import random
import signal
import tempfile
import time
from pathlib import Path

from bench_build import median_seconds  # beside this script
from rdflib import Dataset, Literal

from kg.errors import QueryError
from kg.query import bundled_queries, find_query, run_query
from kg.rdf import entity_graph, extraction_lines
from kg.store import ntriples_lines
from kg.store.backends import MemoryStore, OxigraphStore
from kg.types import Article, Entity, Evidence, Extraction, Mention, Relation, Sentence
from kg.vocab import ENTITIES

POOLS = {
    "Person": 6000,
    "Company": 3000,
    "Product": 1500,
    "Event": 600,
    "Place": 900,
    "NewsOrganization": 60,
}
RELATIONS = [
    ("Person", "ceoOf", "Company"),
    ("Person", "worksFor", "Company"),
    ("Person", "founderOf", "Company"),
    ("Company", "develops", "Product"),
    ("Person", "participatesIn", "Event"),
    ("Company", "participatesIn", "Event"),
    ("Event", "locatedIn", "Place"),
    ("Company", "locatedIn", "Place"),
    ("Company", "partnersWith", "Company"),
    ("Company", "competesWith", "Company"),
    ("NewsOrganization", "reports", "Company"),
]
GROUP = {
    "Person": "person",
    "Company": "organization",
    "Product": "product",
    "Event": "event",
    "Place": "place",
    "NewsOrganization": "organization",
}


def entity(cls: str, n: int) -> Entity:
    label = "Sam Altman" if (cls, n) == ("Person", 0) else f"{cls} {n}"
    key = f"{GROUP[cls]}/{label.lower().replace(' ', '-')}"
    return Entity(key, cls, label)


def article(n: int, rng: random.Random) -> Extraction:
    """One synthetic article of about 400 triples."""
    picked: dict[str, Entity] = {}
    for cls, size in POOLS.items():
        for _ in range(3):
            e = entity(cls, min(int(rng.paretovariate(1.2)) - 1, size - 1))
            picked[e.key] = e
    sentences = tuple(
        Sentence(i, i * 120, i * 120 + 110, f"Sentence {i} of article {n}.") for i in range(12)
    )
    entities = []
    for i, e in enumerate(sorted(picked.values(), key=lambda e: e.key)):
        mentions = tuple(
            Mention(
                j * 120 + i,
                j * 120 + i + len(e.label),
                e.label,
                j,
                "kg.mentions.ner.v1",
                0.85,
                "PERSON",
            )
            for j in rng.sample(range(12), 2)
        )
        entities.append(Entity(e.key, e.cls, e.label, (), mentions))
    by_class: dict[str, list[Entity]] = {}
    for e in entities:
        by_class.setdefault(e.cls, []).append(e)
    relations = []
    for s_cls, prop, o_cls in RELATIONS:
        s, o = rng.choice(by_class[s_cls]), rng.choice(by_class[o_cls])
        if s.key != o.key:
            sentence = rng.randrange(12)
            ev = Evidence(
                sentence,
                sentence * 120,
                sentence * 120 + 60,
                "kg.relations.bench.v1",
                0.7,
                "CEO" if prop == "ceoOf" else None,
            )
            relations.append(Relation(s.key, prop, o.key, ev))
    return Extraction(
        Article(f"bench-{n:06d}", "", f"bench-{n:06d}", title=f"Article {n}"),
        sentences,
        tuple(entities),
        tuple(relations),
    )


def generate(triples: int, path: Path, seed: int = 7) -> int:
    """Write at least ``triples`` quads of synthetic articles to ``path`` as N-Quads, as
    kg writes them into a store (each article its graph; entity descriptions once, in
    the entities graph), streaming: ten million quads never sit in memory. Returns the
    number written."""
    rng = random.Random(seed)
    described: set[str] = set()
    total = n = 0
    entities_graph = f"<{ENTITIES}>"
    with path.open("w", encoding="utf-8") as out:
        while total < triples:
            extraction = article(n, rng)
            name = f"<https://kg.example.org/id/article/bench-{n:06d}>"
            lines = ntriples_lines(extraction_lines(extraction))
            # "S P O ." -> "S P O G ."
            out.writelines(f"{line[:-1]}{name} .\n" for line in sorted(lines))
            fresh = ntriples_lines(entity_graph(extraction)) - described
            described |= fresh
            out.writelines(f"{line[:-1]}{entities_graph} .\n" for line in sorted(fresh))
            total += len(lines) + len(fresh)
            n += 1
    return total


def limited(fn, seconds: int) -> float:
    """Time one call, giving up after ``seconds`` (rdflib can take hours on some joins)."""

    def expire(*_: object) -> None:
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--triples",
        type=int,
        nargs="+",
        default=[1_000_000],
        help="graph sizes to time, one table each (e.g. 1000000 10000000)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="Oxigraph runs per query (median)")
    parser.add_argument("--timeout", type=int, default=120, help="seconds allowed per rdflib query")
    parser.add_argument(
        "--rdflib-max",
        type=int,
        default=1_000_000,
        help="time rdflib only on graphs up to this size (it needs ~1 KB of memory a triple)",
    )
    parser.add_argument(
        "--layouts",
        action="store_true",
        help="also time each query on Oxigraph in memory with every quad in its default "
        "graph (no named graphs, no union): the fastest layout, as a bound",
    )
    args = parser.parse_args()
    summary: dict[int, list[tuple[str, float]]] = {}
    for size in args.triples:
        summary[size] = run_size(size, args)
    # the lean-graph issue's targets: every shipped query's median on the on-disk store
    targets = {1_000_000: 0.150, 10_000_000: 1.5}
    for size, times in summary.items():
        target = targets.get(size)
        if target is None:
            continue
        slowest = max(times, key=lambda t: t[1])
        met = "met" if slowest[1] <= target else "NOT met"
        print(
            f"{size:,} quads: slowest median {slowest[1] * 1000:.0f} ms ({slowest[0]}); "
            f"target <= {target * 1000:.0f} ms: {met}"
        )


def run_size(size: int, args: argparse.Namespace) -> list[tuple[str, float]]:
    """Generate a graph of ``size`` quads, load it, and print one table of query times."""
    import pyoxigraph as ox

    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "bench.nq"
        started = time.perf_counter()
        quads = generate(size, dump)
        generated = time.perf_counter() - started
        print(f"\ngenerated {quads:,} quads in {generated:.1f} s")
        rdflib_store = None
        loads = []
        if size <= args.rdflib_max:
            started = time.perf_counter()
            rdflib_store = MemoryStore(Dataset(default_union=True))
            rdflib_store.dataset().parse(dump, format="nquads")
            loads.append(f"rdflib {time.perf_counter() - started:.1f} s")
        oxigraph = OxigraphStore(str(Path(tmp) / "ox"))
        started = time.perf_counter()
        oxigraph.store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
        oxigraph.flush()
        loads.append(f"Oxigraph {time.perf_counter() - started:.1f} s")
        print(
            f"load {dump.stat().st_size / 1e6:.0f} MB of N-Quads: {', '.join(loads)} "
            f"({oxigraph.count():,} quads)"
        )

        results = []
        for name in sorted(bundled_queries()):
            text, _ = find_query(name)
            params = {"entity": Literal("Sam Altman")} if "?entity" in text else {}
            rows = len(run_query(oxigraph, text, params, name).rows)

            def on(store, text=text, params=params, name=name):
                return lambda: run_query(store, text, params, name)

            t_oxigraph = median_seconds(on(oxigraph), args.repeat)
            t_rdflib: float | None = None
            if rdflib_store is not None:
                try:
                    t_rdflib = limited(on(rdflib_store), args.timeout)
                except (TimeoutError, QueryError) as exc:
                    # run_query hands the alarm's TimeoutError on as a QueryError's cause
                    timed_out = isinstance(exc, TimeoutError) or isinstance(
                        exc.__cause__, TimeoutError
                    )
                    if not timed_out:
                        raise
                    t_rdflib = -1.0
            results.append((name, text, params, rows, t_rdflib, t_oxigraph))

        flat_times: dict[str, float] = {}
        if args.layouts:  # after the others, so its memory does not slow them
            from kg.store.terms import inject_values

            del rdflib_store
            flat = ox.Store()
            disk = oxigraph.store
            flat.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in disk)
            for name, text, params, *_ in results:
                query = inject_values(text, params)
                flat_times[name] = median_seconds(lambda q=query: list(flat.query(q)), args.repeat)

        extra = f" {'flat, in memory (s)':>20} {'speed-up':>9}" if flat_times else ""
        print(
            f"{'query':10} {'rows':>6} {'rdflib (s)':>11} {'Oxigraph (s)':>13} {'speed-up':>9}"
            + extra
        )
        for name, _, _, rows, t_rdflib, t_oxigraph in results:
            if t_rdflib is None:
                shown, ratio = f"{'-':>11}", f"{'-':>9}"
            elif t_rdflib < 0:
                shown = f"{'>' + str(args.timeout):>11}"
                ratio = f">{args.timeout / t_oxigraph:7.0f}x"
            else:
                shown, ratio = f"{t_rdflib:11.3f}", f"{t_rdflib / t_oxigraph:8.0f}x"
            line = f"{name:10} {rows:6d} {shown} {t_oxigraph:13.4f} {ratio}"
            if name in flat_times:
                t_flat = flat_times[name]
                versus = (
                    f"{t_rdflib / t_flat:8.0f}x" if t_rdflib is not None and t_rdflib > 0 else "-"
                )
                line += f" {t_flat:20.4f} {versus:>9}"
            print(line)
        oxigraph.close()
        return [(name, t) for name, _, _, _, _, t in results]


if __name__ == "__main__":
    main()
