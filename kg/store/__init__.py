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

import inspect
import json
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import catalogue
from rdflib import RDFS, SDO, SKOS, Dataset, Graph, URIRef
from rdflib.term import Identifier, Node

from kg.errors import TimeLimitError, UsageError
from kg.limits import bounded
from kg.ntriples import nt
from kg.registry import plugins_enabled
from kg.store.files import (
    FORMAT_NAMES,
    QUAD_FORMATS,
    STDOUT,
    WRITE_FORMATS,
    atomic_write,
    input_format,
    load,
    output_format,
    save,
    serialize,
    written_count,
)
from kg.types import GraphDiff, QueryResult
from kg.vocab import ENTITIES, KG

#: Store backends by URL scheme; a plugin registers its own (entry points ``kg_stores``).
stores = catalogue.create("kg", "stores", entry_points=plugins_enabled())

__all__ = [
    "FORMAT_NAMES",
    "QUAD_FORMATS",
    "STDOUT",
    "WRITE_FORMATS",
    "GraphDiff",
    "Journal",
    "Store",
    "atomic_write",
    "input_format",
    "load",
    "open_store",
    "output_format",
    "save",
    "serialize",
    "stores",
    "written_count",
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
            text = written[term] = nt(term)
        return text

    return {f"{n3(s)} {n3(p)} {n3(o)} ." for s, p, o in graph}


#: Most quads written at once by :meth:`Store.replace_graphs`. Oxigraph's bulk
#: loader adds up to a million quads (its batch) in one atomic step; more would
#: go in several, and a killed build could leave an article half in.
CREATE_QUADS = 100_000


class Store(ABC):
    """A place that holds one named graph per article and answers SPARQL."""

    url: str
    #: Seconds one query may take (``math.inf``: no limit, but Ctrl-C stops it at
    #: once; ``None``: the query runs in the calling thread). See :func:`kg.limits.bounded`.
    timeout: float | None = None
    #: While set, every write records how to take it back (see :class:`Journal`).
    journal: Journal | None = None
    #: Said after a time-limit error: what would answer sooner.
    faster = ""

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

    def query(
        self,
        text: str,
        params: Mapping[str, Identifier] | None = None,
        check: Callable[[], object] | None = None,
    ) -> QueryResult:
        """Run a SPARQL query over the union of all graphs, with bound parameters,
        within :attr:`timeout`.

        ``FROM`` and ``FROM NAMED`` name graphs of the store, on every backend:
        nothing is fetched. :func:`kg.query.run_query` also refuses ``SERVICE``
        unless it is allowed; it passes that ``check`` (a parse) to run first,
        within the same time limit.

        Raises:
            TimeLimitError: the query ran past :attr:`timeout`.
        """

        def run() -> QueryResult:
            if check is not None:
                check()
            return self._query(text, params)

        try:
            return bounded(run, self.timeout, "the query")
        except TimeLimitError as exc:
            if not self.faster:
                raise
            raise TimeLimitError(f"{exc}; {self.faster}") from None

    @abstractmethod
    def _query(self, text: str, params: Mapping[str, Identifier] | None = None) -> QueryResult:
        """Run a SPARQL query over the union of all graphs, with bound parameters."""

    @abstractmethod
    def dataset(self) -> Dataset:
        """Everything, as an rdflib dataset (for export, views and analysis)."""

    def article_keys(self) -> dict[str, tuple[str | None, str | None]]:
        """Article graph name -> (the key it was built from, its ``kg:sourceHash``);
        None where the graph does not say (built by an older kg, or by hand)."""
        rows = self.query(
            f"PREFIX kg: <{KG._NS}>\nPREFIX schema: <{SDO}>\n"
            "SELECT ?g ?k ?h WHERE { GRAPH ?g { ?a a kg:NewsArticle "
            "OPTIONAL { ?a schema:identifier ?k } OPTIONAL { ?a kg:sourceHash ?h } } }"
        ).rows
        return {
            str(g): (None if k is None else str(k), None if h is None else str(h))
            for g, k, h in rows
        }

    def replace_graph(self, name: str, graph: Graph) -> GraphDiff:
        """Make ``graph`` the whole content of graph ``name``; report what changed."""
        before = ntriples_lines(self.graph(name))
        after = ntriples_lines(graph)
        if self.journal is not None and before != after:
            self.journal.record(name, before=before)
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
                    if self.journal is not None:
                        self.journal.record(name, before=set())
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

    def merge_entities(self, graph: Graph) -> GraphDiff:
        """Add entity descriptions to the shared entities graph; report the triples
        that were new to it.

        An entity keeps the first ``rdfs:label`` it was given; a different label
        from a later article becomes a ``skos:altLabel``.
        """
        if not len(graph):
            return GraphDiff(str(ENTITIES), (), ())
        subjects = sorted({s for s in graph.subjects() if isinstance(s, URIRef)})
        held: set[tuple[Node, Node, Node]] = set()
        for start in range(0, len(subjects), 500):
            values = " ".join(s.n3() for s in subjects[start : start + 500])
            rows = self.query(
                f"SELECT ?s ?p ?o WHERE {{ GRAPH <{ENTITIES}> {{ VALUES ?s {{ {values} }} "
                "?s ?p ?o } }"
            ).rows
            held.update((s, p, o) for s, p, o in rows if s and p and o)  # type: ignore[misc]
        labels: dict[Node, set[Node]] = {}
        for s, p, o in held:
            if p == RDFS.label:
                labels.setdefault(s, set()).add(o)
        additions = Graph()
        for s, p, o in graph:
            triple: tuple[Node, Node, Node] = (s, p, o)
            if p == RDFS.label and s in labels and o not in labels[s]:
                triple = (s, SKOS.altLabel, o)
            elif p == SKOS.altLabel and o in labels.get(s, ()):
                continue  # the name it is known by already (an earlier batch's label)
            if triple not in held:
                additions.add(triple)
        if not len(additions):
            return GraphDiff(str(ENTITIES), (), ())
        added = ntriples_lines(additions)
        if self.journal is not None:
            self.journal.record(str(ENTITIES), added=added)
        self._add(str(ENTITIES), additions)
        return GraphDiff(str(ENTITIES), tuple(sorted(added)), ())

    def entity_classes(self) -> dict[str, str]:
        """Every entity the store describes, by key ("person/sam-altman"), with the
        local name of its kg class ("Person"): what a build links its names to."""
        from kg.rdf import entity_key  # here: kg.rdf loads spaCy, which stores need not

        rows = self.query(f"SELECT ?e ?c WHERE {{ GRAPH <{ENTITIES}> {{ ?e a ?c }} }}").rows
        ontology = str(KG._NS)
        found: dict[str, str] = {}
        # sorted, so that an entity with two classes gets the same one each time
        for e, c in sorted((str(e), str(c)) for e, c in rows):
            key = entity_key(e)
            if key is not None and c.startswith(ontology):
                found.setdefault(key, c[len(ontology) :])
        return found

    def entity_support(self) -> tuple[dict[str, int], set[str]]:
        """How many stored articles mention each entity (by key), and the entities the
        knowledge base vouches for (``owl:sameAs``): what a build weighs a name's type by,
        across articles, as if the stored ones were built with it."""
        from kg.rdf import entity_key  # here: kg.rdf loads spaCy, which stores need not

        articles: dict[str, int] = {}
        rows = self.query(
            "SELECT ?e (COUNT(DISTINCT ?a) AS ?n) "
            f"WHERE {{ GRAPH ?g {{ ?a <{KG.mentions}> ?e }} }} GROUP BY ?e"
        ).rows
        for e, n in rows:
            key = entity_key(str(e))
            if key is not None and n is not None:
                articles[key] = int(str(n))
        same = "http://www.w3.org/2002/07/owl#sameAs"
        rows = self.query(
            f"SELECT DISTINCT ?e WHERE {{ GRAPH <{ENTITIES}> {{ ?e <{same}> ?x }} }}"
        ).rows
        vouched = {k for (e,) in rows if (k := entity_key(str(e))) is not None}
        return articles, vouched

    def entity_evidence(
        self, key: str, articles: int = 20
    ) -> tuple[list[tuple[str, int, int]], list[tuple[str, str]], list[str]]:
        """What the stored articles say around entity ``key``, as a build weighs whether
        a same-named organization is another (:class:`kg.resolve.Profile`): its mentions
        (each its sentence's text and the mention's offsets in it), the people tied to it
        ((property's local name, person key)) and the labels of the places it is located
        in; the mentions from the first ``articles`` articles that name it, by IRI,
        each in a sentence a fact cites, as a build weighs its own articles."""
        from kg.rdf import entity_iri, entity_key, mention_span

        iri = entity_iri(key)
        at = 'xsd:integer(STRBEFORE(STRAFTER(STR(?m), "#char="), ","))'
        rows = self.query(
            "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> "
            f"SELECT ?g ?m ?st ?text WHERE {{ "
            f"{{ SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?a <{KG.mentions}> <{iri}> }} }} "
            f"ORDER BY ?g LIMIT {int(articles)} }} "
            f"GRAPH ?g {{ ?m <{KG.denotes}> <{iri}> . ?s a <{KG.Sentence}> ; "
            f"<{KG.startChar}> ?st ; <{KG.endChar}> ?en ; <{KG.text}> ?text "
            f"FILTER(?st <= {at} && {at} < ?en) }} }}"
        ).rows
        contexts = []
        for _g, m, st, text in sorted(rows, key=lambda r: (str(r[0]), str(r[1]))):
            _, start, end = mention_span(str(m))
            first = int(str(st))
            contexts.append((str(text), start - first, end - first))
        props = {str(KG[p]): p for p in ("ceoOf", "founderOf", "worksFor")}
        rows = self.query(
            f"SELECT DISTINCT ?p ?prop WHERE {{ GRAPH ?g {{ ?p ?prop <{iri}> }} "
            f"VALUES ?prop {{ {' '.join(f'<{p}>' for p in props)} }} }}"
        ).rows
        people = sorted(
            (props[str(prop)], person)
            for p, prop in rows
            if (person := entity_key(str(p))) is not None
        )
        rows = self.query(
            f"SELECT DISTINCT ?l WHERE {{ GRAPH ?g {{ <{iri}> <{KG.locatedIn}> ?place }} "
            f"GRAPH <{ENTITIES}> {{ ?place <{RDFS.label}> ?l }} }}"
        ).rows
        return contexts, people, sorted(str(label) for (label,) in rows)

    def collect_garbage(self) -> GraphDiff:
        """Forget the descriptions of entities no article mentions any more; report
        the triples forgotten."""
        where = (
            f"WHERE {{ GRAPH <{ENTITIES}> {{ ?e ?p ?o }} "
            f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?d <{KG.mentions}> ?e }} }} }}"
        )
        rows = self.query(f"SELECT ?e ?p ?o {where}").rows
        if not rows:
            return GraphDiff(str(ENTITIES), (), ())
        self.update(f"DELETE {{ GRAPH <{ENTITIES}> {{ ?e ?p ?o }} }} {where}")
        gone = ntriples_lines(_graph_of(rows))
        return GraphDiff(str(ENTITIES), (), tuple(sorted(gone)))

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


def _graph_of(triples: Any) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph


class Journal:
    """What a run wrote into a store, kept so that all of it can be taken back.

    For each graph it replaced, the graph as it was (empty if new); for the
    shared entities graph, the triples it added. Kept in a temporary file, not
    in memory: a rebuild of a whole store may replace every graph in it.

    >>> store = open_store("memory:")
    >>> store.journal = journal = Journal()
    >>> _ = store.replace_graph("https://kg.example.org/id/article/a", _graph_of(
    ...     [(URIRef("urn:a"), RDFS.label, URIRef("urn:b"))]))
    >>> journal.undo(store)
    >>> store.article_graphs()
    []
    """

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile("w+", encoding="utf-8")

    def record(
        self, name: str, before: set[str] | None = None, added: set[str] | None = None
    ) -> None:
        """Graph ``name`` held ``before`` (None: unchanged) and gained ``added``."""
        entry = [name, None if before is None else sorted(before), sorted(added or ())]
        self._file.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def undo(self, store: Store) -> None:
        """Put back every graph as it was, newest change first."""
        journal, store.journal = store.journal, None  # taking back is not journalled
        try:
            self._file.flush()
            self._file.seek(0)
            entries = [json.loads(line) for line in self._file]
            for name, before, added in reversed(entries):
                if added:
                    triples = [line for line in added if "_:" not in line]
                    store.update(f"DELETE DATA {{ GRAPH <{name}> {{ " + "\n".join(triples) + " } }")
                    if not store.query(f"ASK {{ GRAPH <{name}> {{ ?s ?p ?o }} }}").boolean:
                        store._remove(name)  # as new as before: no empty graph left named
                if before is not None:
                    graph = Graph()
                    if before:
                        graph.parse(data="\n".join(before), format="turtle")
                    store.replace_graph(name, graph)
            store.flush()
        finally:
            store.journal = journal

    def close(self) -> None:
        self._file.close()


def open_store(
    url: str, create: bool = True, timeout: float | None = None, read_only: bool = False
) -> Store:
    """Open a store from its URL-like name (see the module docstring); ``timeout``
    bounds each query (:attr:`Store.timeout`). ``read_only``: the caller only
    reads, and a backend that can open without writing (Oxigraph) does so.

    Raises:
        UsageError: the name fits no backend.
    """
    import kg.store.backends  # noqa: F401  (registers the built-in backends)

    if not url.strip():
        raise UsageError("--store needs a value: a directory, FILE.trig, or http(s)://HOST:PORT")
    if url.startswith("memory:"):
        if url != "memory:":
            raise UsageError(f"unknown store {url!r}: an in-memory store is just 'memory:'")
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
    if read_only and "read_only" in inspect.signature(factory).parameters:
        store: Store = factory(rest, create=False, read_only=True)
    else:  # a plugin's backend may not know read_only
        store = factory(rest, create=create)
    store.timeout = timeout
    return store
