"""Stores: where graphs live, behind one interface.

Three backends, chosen by a URL-like string (``--store`` on the command line):

=============================  =====================================================
``memory:``                    rdflib in memory (the default for file output)
``FILE.trig`` / ``FILE.nq``    a file read into memory and written back atomically
``oxigraph:DIR`` or ``DIR``    Oxigraph embedded on disk: transactional, fast SPARQL
``http://HOST:PORT[/PATH]``    any SPARQL 1.1 server, through the SPARQL 1.1 Protocol
                               and the Graph Store Protocol
=============================  =====================================================

Every article is one named graph, so re-building an article replaces exactly
its graph, in one transaction, and removing it retracts exactly what it said.
Queries see the union of all graphs as their default graph on every backend.

>>> store = open_store("memory:")
>>> store.article_graphs()
[]
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import catalogue
from rdflib import RDFS, SKOS, Dataset, Graph, URIRef
from rdflib.term import Identifier, Node

from kg.errors import UsageError
from kg.store.files import (
    QUAD_FORMATS,
    WRITE_FORMATS,
    atomic_write,
    input_format,
    load,
    output_format,
    save,
    serialize,
)
from kg.types import GraphDiff, QueryResult
from kg.vocab import ENTITIES, KG

#: Store backends by URL scheme; a plugin registers its own (entry points ``kg_stores``).
stores = catalogue.create("kg", "stores", entry_points=True)

__all__ = [
    "QUAD_FORMATS",
    "WRITE_FORMATS",
    "GraphDiff",
    "Store",
    "atomic_write",
    "input_format",
    "load",
    "open_store",
    "output_format",
    "save",
    "serialize",
    "stores",
]


def ntriples_lines(graph: Graph) -> set[str]:
    """A graph's triples as N-Triples lines (for diffs).

    Each term is written once per graph: an article's graph names the same few
    hundred terms thousands of times. A graph made by :func:`kg.rdf.extraction_lines`
    holds its lines already.
    """
    held = getattr(graph.store, "ntriples", None)
    if held is not None:
        return set(held)
    written: dict[object, str] = {}

    def n3(term: Any) -> str:
        text = written.get(term)
        if text is None:
            text = written[term] = term.n3()
        return text

    return {f"{n3(s)} {n3(p)} {n3(o)} ." for s, p, o in graph}


#: Most quads written at once by :meth:`Store.replace_graphs`. Oxigraph's bulk
#: loader adds up to a million quads (its batch) in one atomic step; more would
#: go in several, and a killed build could leave an article half in.
CREATE_QUADS = 100_000


class Store(ABC):
    """A place that holds one named graph per article and answers SPARQL."""

    url: str

    @abstractmethod
    def article_graphs(self) -> list[str]:
        """The names of the graphs held, sorted."""

    @abstractmethod
    def graph(self, name: str) -> Graph:
        """A copy of one named graph (empty if absent)."""

    @abstractmethod
    def _replace(self, name: str, graph: Graph) -> None:
        """Replace a named graph's content in one transaction."""

    def _create(self, name: str, graph: Graph, lines: set[str]) -> None:
        """Write a graph the store does not hold yet (``lines``: it as N-Triples)."""
        self._replace(name, graph)

    @abstractmethod
    def _remove(self, name: str) -> None:
        """Drop a named graph in one transaction."""

    @abstractmethod
    def query(self, text: str, params: Mapping[str, Identifier] | None = None) -> QueryResult:
        """Run a SPARQL query over the union of all graphs, with bound parameters."""

    @abstractmethod
    def dataset(self) -> Dataset:
        """Everything, as an rdflib dataset (for export, views and analysis)."""

    def article_digests(self) -> dict[str, str]:
        """Article graph name -> the ``kg:sourceHash`` it was built from (see kg.build)."""
        rows = self.query(
            f"PREFIX kg: <{KG._NS}>\n"
            "SELECT ?g ?h WHERE { GRAPH ?g { ?a a kg:NewsArticle ; kg:sourceHash ?h } }"
        ).rows
        return {str(g): str(h) for g, h in rows}

    def replace_graph(self, name: str, graph: Graph) -> GraphDiff:
        """Make ``graph`` the whole content of graph ``name``; report what changed."""
        before = ntriples_lines(self.graph(name))
        after = ntriples_lines(graph)
        if not before and after:
            self._create(name, graph, after)
        elif before and not after:
            self._remove(name)
        elif before != after:
            self._replace(name, graph)
        return GraphDiff(name, tuple(sorted(after - before)), tuple(sorted(before - after)))

    def replace_graphs(self, graphs: Sequence[tuple[str, Graph]]) -> list[GraphDiff]:
        """:meth:`replace_graph` for each (name, graph); the diffs come in order.

        An empty graph removes its name. A graph the store holds is replaced in
        a transaction of its own; the new ones (names the store does not hold)
        are written together, up to :data:`CREATE_QUADS` quads per write, in
        one transaction where the backend has one (:meth:`_create_many`).
        """
        held = self._held([name for name, graph in graphs if len(graph)])
        diffs: list[GraphDiff] = []
        fresh: list[tuple[str, Graph, set[str]]] = []
        for name, graph in graphs:
            if len(graph) and name not in held:
                lines = ntriples_lines(graph)
                # blank node labels would be shared between the graphs of one write
                # (a literal or IRI holding "_:" only costs a write of its own)
                blank = any("_:" in line for line in lines)
                if not blank and len(lines) <= CREATE_QUADS:
                    fresh.append((name, graph, lines))
                    diffs.append(GraphDiff(name, tuple(sorted(lines)), ()))
                    continue
            diffs.append(self.replace_graph(name, graph))
        group: list[tuple[str, Graph, set[str]]] = []
        size = 0
        for item in fresh:
            if group and size + len(item[2]) > CREATE_QUADS:
                self._create_many(group)
                group, size = [], 0
            group.append(item)
            size += len(item[2])
        if group:
            self._create_many(group)
        return diffs

    def _held(self, names: list[str]) -> set[str]:
        """Which of ``names`` the store holds a graph by."""
        return {name for name in names if len(self.graph(name))}

    def _create_many(self, graphs: list[tuple[str, Graph, set[str]]]) -> None:
        """Write graphs the store does not hold yet: (name, graph, its N-Triples lines)."""
        for name, graph, lines in graphs:
            self._create(name, graph, lines)

    def remove_graph(self, name: str) -> GraphDiff:
        """Retract graph ``name``; report the triples it held."""
        before = ntriples_lines(self.graph(name))
        if before:
            self._remove(name)
        return GraphDiff(name, (), tuple(sorted(before)))

    @abstractmethod
    def _add(self, name: str, graph: Graph) -> None:
        """Add triples to a named graph, in one transaction."""

    @abstractmethod
    def update(self, text: str) -> None:
        """Run a SPARQL 1.1 update."""

    def merge_entities(self, graph: Graph) -> None:
        """Add entity descriptions to the shared entities graph.

        An entity keeps the first ``rdfs:label`` it was given; a different label
        from a later article becomes a ``skos:altLabel``.
        """
        if not len(graph):
            return
        subjects = sorted({s for s in graph.subjects() if isinstance(s, URIRef)})
        known: dict[Node, set[Node]] = {}
        for start in range(0, len(subjects), 500):
            values = " ".join(s.n3() for s in subjects[start : start + 500])
            rows = self.query(
                f"SELECT ?s ?l WHERE {{ GRAPH <{ENTITIES}> {{ VALUES ?s {{ {values} }} "
                f"?s <{RDFS.label}> ?l }} }}"
            ).rows
            for s, label in rows:
                if s is not None and label is not None:
                    known.setdefault(s, set()).add(label)
        additions = Graph()
        for s, p, o in graph:
            if p == RDFS.label and s in known and o not in known[s]:
                additions.add((s, SKOS.altLabel, o))
            else:
                additions.add((s, p, o))
        self._add(str(ENTITIES), additions)

    def collect_garbage(self) -> None:
        """Forget the descriptions of entities no article mentions any more."""
        self.update(
            f"DELETE {{ GRAPH <{ENTITIES}> {{ ?e ?p ?o }} }} WHERE {{ GRAPH <{ENTITIES}> "
            f"{{ ?e ?p ?o }} FILTER NOT EXISTS {{ GRAPH ?g {{ ?d <{KG.mentions}> ?e }} }} }}"
        )

    def count(self) -> int:
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(str(result.rows[0][0])) if result.rows else 0

    def flush(self) -> None:  # noqa: B027  (most stores write as they go)
        """Make writes durable (file-backed stores write their file here)."""

    def close(self) -> None:
        self.flush()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(url: str, create: bool = True) -> Store:
    """Open a store from its URL-like name (see the module docstring).

    Raises:
        UsageError: the name fits no backend.
    """
    import kg.store.backends  # noqa: F401  (registers the built-in backends)

    if url == "memory:" or url.startswith("memory:"):
        scheme, rest = "memory", ""
    elif url.startswith(("http://", "https://")):
        scheme, rest = "sparql", url
    elif url.startswith("oxigraph:"):
        scheme, rest = "oxigraph", url[len("oxigraph:") :]
    elif Path(url).suffix.lower() in WRITE_FORMATS:
        scheme, rest = "file", url
    elif ":" in url.split("/")[0] and not Path(url).exists():
        scheme, rest = url.split(":", 1)[0], url.split(":", 1)[1]
    else:
        scheme, rest = "oxigraph", url
    try:
        factory = stores.get(scheme)
    except catalogue.RegistryError:
        known = "memory:, oxigraph:DIR (or a directory), FILE.trig, http(s)://HOST:PORT"
        raise UsageError(f"unknown store {url!r}; use one of: {known}") from None
    store: Store = factory(rest, create=create)
    return store
