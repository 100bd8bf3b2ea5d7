"""Benchmark: every shipped query and the timeline on a graph file of 100 articles,
through Oxigraph in memory (what ``kg query FILE`` does) and through rdflib's SPARQL
engine (what it did before issue 34), in one run. Run on demand (not part of the
test run)::

    python tests/bench_queries.py [--articles 100] [--graph news.trig] [--old-limit 15]

It writes ``--articles`` synthetic articles (``tests/corpus.py``, seeded) with a
title, a date and a url in their front matter, builds them into a TriG file with
``kg build`` (or takes ``--graph``), reads the file once, and then for each
shipped query (``queries/*.rq``; ``articles`` and ``entity`` bound to the name of
the first person the ``leaders`` query lists) and for ``kg view --timeline``
(:func:`kg.timeline.render_timeline`):

1. the time on a fresh in-memory store, as ``kg query FILE`` has it: Oxigraph's
   copy of the data is made inside the time, then the query runs and its rows are
   read;
2. the time of the same query through rdflib's engine on the same dataset, stopped
   at ``--old-limit`` seconds (then the ratio is a lower bound, shown with ``>``);
   for the timeline, its events query.

It prints a table of both and their ratio, checks that both engines give the same
rows where rdflib finished, and exits 1 if they differ or if any new time is at or
over ``--limit`` seconds (2, what issue 34 asks on 100 articles).
"""

from __future__ import annotations

import argparse
import functools
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import corpus
from rdflib import Dataset, Literal
from rdflib.term import Identifier

from kg.errors import TimeLimitError
from kg.limits import bounded
from kg.query import bundled_queries, run_query, with_prefixes
from kg.store import load
from kg.store.backends import MemoryStore, _local_graphs
from kg.store.terms import prepared_query
from kg.timeline import EVENTS, render_timeline

Rows = list[tuple[str, ...]]


def write_corpus(folder: Path, size: int) -> Path:
    """``size`` articles as .txt files with title, date and url front matter."""
    folder.mkdir(parents=True, exist_ok=True)
    for item in corpus(size):
        front = (
            f"---\ntitle: {item['title']}\ndate: {item['date']}\n"
            f"url: https://news.example.com/{item['id']}\n---\n"
        )
        (folder / f"{item['id']}.txt").write_text(front + item["text"] + "\n", encoding="utf-8")
    return folder


def build(folder: Path, output: Path) -> Path:
    command = [sys.executable, "-m", "kg.cli", "build", str(folder), "-o", str(output)]
    subprocess.run(command, check=True)
    return output


def canonical(rows: Iterable[Iterable[object]]) -> Rows:
    """Rows as sorted tuples of text, each ``GROUP_CONCAT`` list ("a; b") sorted: SPARQL
    leaves the order of a group's values to the engine, and the two differ."""
    return sorted(tuple("; ".join(sorted(str(cell).split("; "))) for cell in row) for row in rows)


def new_way(dataset: Dataset, text: str, params: dict[str, Identifier]) -> tuple[float, Rows]:
    """Seconds for ``kg query FILE``'s path (a fresh store, its Oxigraph copy, the
    rows), and the rows."""
    start = time.perf_counter()
    result = run_query(MemoryStore(dataset), text, params)
    return time.perf_counter() - start, canonical(result.rows)


def seconds(dataset: Dataset, text: str, params: dict[str, Identifier]) -> float:
    return new_way(dataset, text, params)[0]


def old_way(
    dataset: Dataset, text: str, params: dict[str, Identifier], limit: float
) -> tuple[float, Rows | None]:
    """Seconds through rdflib's SPARQL engine, as kg ran queries on graph files
    before, and the rows; ``math.inf`` and None past ``limit``."""

    def run() -> Rows:
        with _local_graphs():
            result = dataset.query(prepared_query(text), initBindings=params)
            return canonical(result)  # type: ignore[arg-type]

    start = time.perf_counter()
    try:
        rows = bounded(run, limit, "the rdflib query")
    except TimeLimitError:
        return float("inf"), None
    return time.perf_counter() - start, rows


def timed(call: Callable[[], float], repeat: int) -> float:
    """The median of ``repeat`` runs of ``call()`` (a callable returning seconds)."""
    return statistics.median(call() for _ in range(repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--graph", type=Path, help="a graph file to use instead of building one")
    parser.add_argument("--old-limit", type=float, default=15.0, metavar="SECONDS")
    parser.add_argument("--limit", type=float, default=2.0, metavar="SECONDS")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each new-way query")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        graph = args.graph
        if graph is None:
            folder = write_corpus(Path(tmp) / "corpus", args.articles)
            graph = build(folder, Path(tmp) / "news.trig")
        start = time.perf_counter()
        dataset = load(graph)
        print(
            f"{graph}: {graph.stat().st_size:,} bytes, {len(dataset):,} quads, "
            f"read in {time.perf_counter() - start:.1f} s"
        )
        leaders = run_query(MemoryStore(dataset), bundled_queries()["leaders"].read_text())
        person = Literal(str(leaders.rows[0][0])) if leaders.rows else Literal("nobody")
        print(f"--param entity={person}")

        cases: list[tuple[str, str, dict[str, Identifier]]] = []
        for name, path in sorted(bundled_queries().items()):
            text = with_prefixes(path.read_text(encoding="utf-8"))
            params: dict[str, Identifier] = {"entity": person} if "?entity" in text else {}
            cases.append((name, text, params))

        rows = []
        worst = 0.0
        differ = []
        for name, text, params in cases:
            new = timed(functools.partial(seconds, dataset, text, params), args.repeat)
            old, old_rows = old_way(dataset, text, params, args.old_limit)
            if old_rows is not None and old_rows != new_way(dataset, text, params)[1]:
                differ.append(name)
            rows.append((name, new, old))
            worst = max(worst, new)

        def timeline() -> float:
            start = time.perf_counter()
            render_timeline(MemoryStore(dataset))
            return time.perf_counter() - start

        new = timed(timeline, args.repeat)
        old, _ = old_way(dataset, EVENTS, {}, args.old_limit)
        rows.append(("timeline (kg view --timeline)", new, old))
        worst = max(worst, new)

    print(f"\n{'query':32} {'oxigraph s':>10} {'rdflib s':>10} {'ratio':>8}")
    for name, new, old in rows:
        if old == float("inf"):
            old_text, ratio = f">{args.old_limit:g}", f">{args.old_limit / new:.0f}x"
        else:
            old_text, ratio = f"{old:.2f}", f"{old / new:.2f}x"
        print(f"{name:32} {new:10.3f} {old_text:>10} {ratio:>8}")
    print(f"\nslowest: {worst:.3f} s (limit {args.limit:g} s)")
    print(
        "rows differ between the engines: " + ", ".join(differ)
        if differ
        else "both engines gave the same rows wherever rdflib finished"
    )
    sys.exit(0 if worst < args.limit and not differ else 1)


if __name__ == "__main__":
    main()
