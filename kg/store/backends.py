"""The built-in store backends: memory, file, Oxigraph on disk, SPARQL 1.1 server."""

from __future__ import annotations

import contextlib
import functools
import gc
import io
import json
import math
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, ConjunctiveGraph, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.term import Identifier, Node

from kg.errors import QueryError, StoreError, UsageError
from kg.store import Store, _graph_of, ntriples_lines, stores
from kg.store.files import QUAD_FORMATS, input_format, load, save
from kg.store.terms import from_ox, inject_values, prepared_query, query_form, to_ox
from kg.types import QueryResult
from kg.vocab import ID

RESULT_KINDS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}


def query_kind(text: str) -> str:
    try:
        return RESULT_KINDS[prepared_query(text).algebra.name]
    except Exception as exc:  # the caller checked syntax; this is a safety net
        raise QueryError(f"malformed SPARQL: {exc}") from exc


def bind(text: str, params: Mapping[str, Identifier]) -> tuple[str, dict[str, Identifier]]:
    """(query text, substitutions) that bind ``params`` in a query for Oxigraph.

    Oxigraph's own substitutions (SEP-0007) bind the variables a query projects;
    a parameter the query uses without projecting it (kg's shipped queries take
    ``?entity`` so) goes in a ``VALUES`` block that :func:`inject_values` places
    by the query's tokens and checks by parsing the result. Either way a value
    stays a term: it is never read as query text.

    Raises:
        QueryError: the parameters cannot be bound in this query.
    """
    if not params:
        return text, {}
    algebra = prepared_query(text).algebra
    projected = {str(v) for v in algebra.get("PV") or ()}
    if algebra.name == "AskQuery" or (algebra.name == "SelectQuery" and set(params) <= projected):
        return text, dict(params)
    try:
        return inject_values(text, params), {}
    except ValueError as exc:
        raise QueryError(f"cannot bind parameters: {exc}") from exc


def query_oxigraph(
    store: ox.Store, text: str, params: Mapping[str, Identifier], where: str
) -> QueryResult:
    """Run a query on a pyoxigraph store: the default graph is the union of all
    graphs unless ``FROM`` names graphs of the store (then those; nothing is
    fetched), and ``params`` are bound as terms (see :func:`bind`).

    Raises:
        QueryError: the query is malformed or its parameters cannot be bound.
        StoreError: the store cannot be read.
    """
    text, substitutions = bind(text, params)
    # the pyoxigraph objects live in this call only: they must be freed by the thread
    # that made them, and rdflib's parser (in bind) keeps frames of its callers
    return _query_oxigraph(store, text, substitutions, where)


def _query_oxigraph(
    store: ox.Store, text: str, substitutions: Mapping[str, Identifier], where: str
) -> QueryResult:
    try:
        kind, has_from = query_form(text)
        result = store.query(
            text,
            use_default_graph_as_union=not has_from,
            substitutions={ox.Variable(n): to_ox(t) for n, t in substitutions.items()} or None,
        )
        if isinstance(result, ox.QueryBoolean):
            return QueryResult("ASK", boolean=bool(result))
        # each term once: a result names the same few terms many times over
        term = functools.cache(from_ox)
        if isinstance(result, ox.QueryTriples):
            # rdflib's plain triple store: it adds triples three times as fast as its
            # default one, which indexes graphs a result does not have
            graph = Graph(store=SimpleMemory())
            for t in result:
                graph.add((term(t.subject), term(t.predicate), term(t.object)))  # type: ignore[arg-type]
            return QueryResult(kind, graph=graph)
        variables = tuple(v.value for v in result.variables)
        rows = tuple(tuple(term(row[v]) for v in variables) for row in result)
    except SyntaxError as exc:
        raise QueryError(f"malformed SPARQL: {exc}") from exc
    except OSError as exc:
        raise StoreError(f"cannot query {where}: {exc}") from exc
    return QueryResult("SELECT", variables, rows)


def ox_quads(quads: Iterable[tuple[Node, Node, Node, Any]]) -> Iterator[ox.Quad]:
    """rdflib quads (a graph name, a graph, or None for the default graph) as
    pyoxigraph's, each term converted once.

    Raises:
        ValueError: a term Oxigraph refuses (an IRI with a space, a relative IRI, a
            malformed language tag: rdflib reads some such data).
    """
    converted: dict[Node, Any] = {}

    def term(node: Node) -> Any:
        held = converted.get(node)
        if held is None:
            if isinstance(node, Graph):  # a quad's context in rdflib 7
                node = node.identifier
            try:
                held = converted[node] = (
                    ox.DefaultGraph() if node == DATASET_DEFAULT_GRAPH_ID else to_ox(node)  # type: ignore[arg-type]
                )
            except TypeError as exc:  # a variable or a formula: no RDF term
                raise ValueError(str(exc)) from exc
        return held

    for s, p, o, g in quads:
        yield ox.Quad(term(s), term(p), term(o), term(DATASET_DEFAULT_GRAPH_ID if g is None else g))


def oxigraph_copy(dataset: Dataset | Graph) -> ox.Store | None:
    """An in-memory Oxigraph copy of an rdflib dataset (a plain graph's triples go in
    its default graph), or None if it holds a term Oxigraph refuses."""
    copy = ox.Store()
    if isinstance(dataset, ConjunctiveGraph):  # a Dataset too
        quads: Iterator[tuple[Node, Node, Node, Any]] = dataset.quads((None, None, None, None))
    else:
        quads = ((s, p, o, DATASET_DEFAULT_GRAPH_ID) for s, p, o in dataset)
    try:
        copy.extend(ox_quads(quads))
    except ValueError:
        return None
    return copy


# ---------------------------------------------------------------------------
# rdflib in memory


@contextlib.contextmanager
def _local_graphs() -> Iterator[None]:
    """rdflib reads ``FROM <x>`` as "fetch x" (from the web, or a file: IRI from disk)
    when the dataset has no graph x; kg reads it as Oxigraph does, as a graph of the
    dataset (absent: empty)."""
    import rdflib.plugins.sparql as sparql

    before, sparql.SPARQL_LOAD_GRAPHS = sparql.SPARQL_LOAD_GRAPHS, False
    try:
        yield
    finally:
        sparql.SPARQL_LOAD_GRAPHS = before


class MemoryStore(Store):
    """rdflib's in-memory dataset; the default graph is the union of all graphs."""

    faster = "an Oxigraph store answers sooner (kg build ... --store DIR, then --store DIR)"

    def __init__(self, dataset: Dataset | Graph | None = None) -> None:
        self.url = "memory:"
        self._ds: Any = dataset if dataset is not None else Dataset(default_union=True)
        #: Oxigraph's copy of the data, which queries run on: made by the first query,
        #: kept up to date by each write (an update or dataset() drops it)
        self._ox: ox.Store | None = None

    def article_graphs(self) -> list[str]:
        return sorted(
            str(g.identifier)
            for g in self._ds.graphs()
            if g.identifier != DATASET_DEFAULT_GRAPH_ID and len(g)
        )

    def graph(self, name: str) -> Graph:
        return _graph_of(self._ds.graph(URIRef(name)))

    def _replace(self, name: str, graph: Graph) -> None:
        target = self._ds.graph(URIRef(name))
        target.remove((None, None, None))
        for triple in graph:
            target.add(triple)
        self._mirror(name, graph, drop=True)

    def _remove(self, name: str) -> None:
        self._ds.remove_graph(URIRef(name))
        self._mirror(name, None, drop=True)

    def _add(self, name: str, graph: Graph) -> None:
        target = self._ds.graph(URIRef(name))
        for triple in graph:
            target.add(triple)
        self._mirror(name, graph, drop=False)

    def _mirror(self, name: str, graph: Graph | None, drop: bool) -> None:
        """Make a write to graph ``name`` in the Oxigraph copy too, if there is one: a
        build into a .trig store queries between writes, and copying everything
        again after each would take it time that grows with the store."""
        if self._ox is None:
            return
        try:
            node = ox.NamedNode(name)
            if drop and self._ox.contains_named_graph(node):
                self._ox.remove_graph(node)
            if graph is not None:
                self._ox.extend(ox_quads((s, p, o, URIRef(name)) for s, p, o in graph))
        except ValueError:  # a term Oxigraph refuses: the next query copies afresh or asks rdflib
            self._ox = None

    def update(self, text: str) -> None:
        self._ox = None
        self._ds.update(text)

    def _query(self, text: str, params: Mapping[str, Identifier] | None = None) -> QueryResult:
        # Oxigraph answers in a fraction of rdflib's time (70 s -> 1 s for the leaders
        # query on 19 articles), its REGEX is linear (Rust's regex, no backtracking)
        # and it leaves the interpreter free, so a time limit or Ctrl-C stops it
        if self._ox is None:
            self._ox = oxigraph_copy(self._ds)
        if self._ox is not None:
            where = "the graph" if self.url == "memory:" else self.url
            return query_oxigraph(self._ox, text, params or {}, where)
        with _local_graphs():  # data only rdflib holds; it evaluates as the result is read
            result = self._ds.query(prepared_query(text), initBindings=dict(params or {}))
            if result.type == "ASK":
                return QueryResult("ASK", boolean=bool(result.askAnswer))
            if result.type in ("CONSTRUCT", "DESCRIBE"):
                return QueryResult(result.type, graph=_graph_of(result))
            variables = tuple(str(v) for v in result.vars or ())
            rows = tuple(tuple(r) for r in result)
        return QueryResult("SELECT", variables, rows)  # type: ignore[arg-type]

    def dataset(self) -> Dataset:
        self._ox = None  # the caller may change it: the next query copies it afresh
        return self._ds

    def count(self) -> int:
        return sum(1 for _ in self._ds.quads((None, None, None, None)))


@stores.register("memory")
def make_memory(rest: str, create: bool = True) -> Store:
    """rdflib's in-memory dataset."""
    return MemoryStore()


class FileStore(MemoryStore):
    """A TriG or N-Quads file, read into memory and written back atomically on flush."""

    def __init__(self, path: str, create: bool = True) -> None:
        fmt = input_format(path)
        if fmt not in QUAD_FORMATS:
            raise UsageError(
                f"store file {path} must be .trig or .nq, which keep one graph per article"
            )
        exists = Path(path).exists()
        if not exists and not create:
            raise StoreError(f"no store at {path}")
        super().__init__(load(path) if exists else None)
        self.url = path
        self._path = path
        self._dirty = False

    def _replace(self, name: str, graph: Graph) -> None:
        super()._replace(name, graph)
        self._dirty = True

    def _remove(self, name: str) -> None:
        super()._remove(name)
        self._dirty = True

    def _add(self, name: str, graph: Graph) -> None:
        super()._add(name, graph)
        self._dirty = True

    def update(self, text: str) -> None:
        super().update(text)
        self._dirty = True

    def flush(self) -> None:
        if self._dirty:
            save(self._ds, self._path)
            self._dirty = False


@stores.register("file")
def make_file(rest: str, create: bool = True) -> Store:
    """A TriG or N-Quads file, read into memory and written back atomically."""
    return FileStore(rest, create)


# ---------------------------------------------------------------------------
# Oxigraph embedded


#: The files RocksDB writes into its directory.
ROCKSDB_FILES = re.compile(
    r"LOCK|LOG(\.old\.\d+)?|IDENTITY|CURRENT|(MANIFEST|OPTIONS)-\d+(\.dbtmp)?|\d+\.(log|sst|blob|dbtmp)"
)


def is_oxigraph_dir(location: Path) -> bool:
    """Whether a directory holds an Oxigraph (RocksDB) database."""
    try:
        names = {p.name for p in location.iterdir()}
    except OSError:
        return False
    return "CURRENT" in names and any(n.startswith("MANIFEST-") for n in names)


def _cut_short(location: Path) -> bool:
    """Whether a directory holds only the first of RocksDB's files and no ``CURRENT``:
    a store whose creation was killed (seen: SIGKILL 0.7 s into a build). RocksDB
    commits nothing before ``CURRENT`` exists, so no article is in it, and RocksDB
    refuses to create a database over its leftovers."""
    try:
        names = {p.name for p in location.iterdir()}
    except OSError:
        return False
    return bool(names) and "CURRENT" not in names and all(ROCKSDB_FILES.fullmatch(n) for n in names)


def _check_unlocked(location: Path) -> None:
    """Raise if another process holds the RocksDB lock of ``location`` (RocksDB locks
    its ``LOCK`` file with ``fcntl``, as :func:`fcntl.lockf` does)."""
    lock = location / "LOCK"
    try:
        import fcntl
    except ImportError:  # no fcntl (Windows): RocksDB's own open will refuse a held lock
        return
    if not lock.exists():
        return
    with open(lock, "rb+") as handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise StoreError(
                f"{location}: another process is creating an Oxigraph store there"
            ) from exc
        fcntl.lockf(handle, fcntl.LOCK_UN)


class OxigraphStore(Store):
    """Oxigraph's RocksDB store on disk: each graph replacement is one transaction."""

    def __init__(self, path: str, create: bool = True) -> None:
        self.url = f"oxigraph:{path}"
        if not path.strip():
            raise UsageError("oxigraph: needs a directory, e.g. oxigraph:graphdb/")
        location = Path(path)
        if not create and not location.is_dir():
            raise StoreError(f"no Oxigraph store at {path}")
        if location.exists() and not location.is_dir():
            raise StoreError(f"cannot open store {path}: it is a file, not a directory")
        restart = location.is_dir() and _cut_short(location)
        if restart:
            _check_unlocked(location)  # not a store another build is making right now
            for leftover in location.iterdir():  # an empty store, made afresh
                leftover.unlink()
        elif location.is_dir() and not is_oxigraph_dir(location):
            # opening it would fill someone's directory with a database's files
            if any(location.iterdir()):
                raise StoreError(
                    f"{path} is not an Oxigraph store (it holds other files); "
                    "give a new or empty directory"
                )
            if not create:
                raise StoreError(f"no Oxigraph store at {path} (an empty directory)")
        try:
            self._store: ox.Store | None = ox.Store(str(location))
        except (OSError, RuntimeError) as exc:  # RocksDB reports corruption as RuntimeError
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise StoreError(f"cannot open Oxigraph store {path}: {first}") from exc

    @property
    def store(self) -> ox.Store:
        if self._store is None:
            raise StoreError(f"store {self.url} is closed")
        return self._store

    def article_graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def graph(self, name: str) -> Graph:
        quads = self.store.quads_for_pattern(None, None, None, ox.NamedNode(name))
        return _graph_of(
            (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)) for q in quads
        )

    def _replace(self, name: str, graph: Graph) -> None:
        node = ox.NamedNode(name)  # validates the IRI before it goes into an update
        lines = " ".join(ntriples_lines(graph))
        try:
            self.store.update(
                f"DROP SILENT GRAPH <{node.value}> ; "
                f"INSERT DATA {{ GRAPH <{node.value}> {{ {lines} }} }}"
            )
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"cannot write graph {name} to {self.url}: {exc}") from exc

    def _create(self, name: str, graph: Graph, lines: set[str]) -> None:
        # a new graph is loaded in one transaction, much faster than parsing the same
        # triples as a SPARQL update (the lines are Turtle: rdflib's n3() writes a
        # literal with a line break in triple quotes, which N-Triples does not allow)
        node = ox.NamedNode(name)
        try:
            self.store.load(
                "\n".join(lines).encode("utf-8"),
                format=ox.RdfFormat.TURTLE,
                to_graph=node,
            )
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"cannot write graph {name} to {self.url}: {exc}") from exc

    def _held(self, names: list[str]) -> set[str]:
        return {name for name in names if self.store.contains_named_graph(ox.NamedNode(name))}

    def _create_many(self, graphs: list[tuple[str, Graph, set[str]]]) -> None:
        """New graphs go in together through Oxigraph's bulk loader: it writes them to
        files beside the database and adds those in one atomic step, at about a third
        of the CPU of a transaction per graph."""
        parts = []
        for name, _, lines in graphs:
            node = ox.NamedNode(name)  # validates the IRI
            parts.append(f"<{node.value}> {{\n" + "\n".join(lines) + "\n}\n")
        try:
            self.store.bulk_load("".join(parts).encode("utf-8"), format=ox.RdfFormat.TRIG)
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"cannot write {len(graphs)} graph(s) to {self.url}: {exc}") from exc

    def _add(self, name: str, graph: Graph) -> None:
        node = ox.NamedNode(name)
        lines = " ".join(ntriples_lines(graph))
        self.update(f"INSERT DATA {{ GRAPH <{node.value}> {{ {lines} }} }}")

    def update(self, text: str) -> None:
        try:
            self.store.update(text)
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"cannot update {self.url}: {exc}") from exc

    def _remove(self, name: str) -> None:
        try:
            self.store.remove_graph(ox.NamedNode(name))
        except OSError as exc:
            raise StoreError(f"cannot remove graph {name} from {self.url}: {exc}") from exc

    def _query(self, text: str, params: Mapping[str, Identifier] | None = None) -> QueryResult:
        return query_oxigraph(self.store, text, params or {}, self.url)

    def dataset(self) -> Dataset:
        data = io.BytesIO()
        self.store.dump(data, ox.RdfFormat.N_QUADS)
        dataset = Dataset(default_union=True)
        dataset.parse(data=data.getvalue(), format="nquads")
        return dataset

    def count(self) -> int:
        return len(self.store)

    def load_file(self, path: str, graph: str) -> None:
        """Bulk-load an RDF file into one named graph (fast, not transactional)."""
        self.store.bulk_load(
            path=path,
            format=ox.RdfFormat.from_extension(Path(path).suffix[1:]),
            to_graph=ox.NamedNode(graph),
        )

    def flush(self) -> None:
        """Write RocksDB's memtables out to disk. Transactions are durable without it
        (the write-ahead log has them), but until a flush the memtables hold every
        write in memory: a build flushes after each batch so memory stays flat."""
        if self._store is not None:
            self._store.flush()

    def close(self) -> None:
        self.flush()
        self._store = None
        gc.collect()  # release RocksDB's lock now, not at some later collection


@stores.register("oxigraph")
def make_oxigraph(rest: str, create: bool = True) -> Store:
    """Oxigraph on disk: transactional, fast SPARQL."""
    return OxigraphStore(rest, create)


# ---------------------------------------------------------------------------
# Any SPARQL 1.1 server


#: What a SPARQL server's store URL may set in its query string.
SERVER_OPTIONS = frozenset({"query", "update", "store", "timeout"})


#: The quads of kg's own graphs, as a SPARQL pattern.
OWN_GRAPHS = f"GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), '{ID}'))"
#: How queries and updates are posted (the Protocol's URL-encoded form).
FORM = "application/x-www-form-urlencoded"


class SparqlStore(Store):
    """A SPARQL 1.1 server through the Protocol (queries, updates) and the Graph Store Protocol.

    The URL names the server; endpoints default to Oxigraph's layout (``/query``,
    ``/update``, ``/store``) and can be set in the URL's query string, e.g. for
    Fuseki ``http://host:3030/ds?query=/ds/sparql&update=/ds/update&store=/ds/data``.
    The default graph must be the union of the named graphs: kg asks for that with
    Oxigraph's ``union-default-graph`` parameter; configure other servers so.
    """

    def __init__(self, url: str, create: bool = True) -> None:
        self.url = url
        try:
            parts = urllib.parse.urlsplit(url)
            parts.port  # noqa: B018  (raises on a port out of range)
        except ValueError as exc:
            raise UsageError(f"bad SPARQL server URL {url!r}: {exc}") from exc
        if not parts.hostname:
            raise UsageError(f"bad SPARQL server URL {url!r}: it names no host")
        options = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
        unknown = sorted(set(options) - SERVER_OPTIONS)
        if unknown:
            raise UsageError(
                f"unknown option {unknown[0]!r} in store URL {url!r}; "
                f"known: {', '.join(sorted(SERVER_OPTIONS))}"
            )
        try:
            self.http_timeout = float(options.get("timeout", 60))
        except ValueError:
            self.http_timeout = math.nan
        if not 0 < self.http_timeout < math.inf:
            raise UsageError(
                f"timeout={options['timeout']} in store URL {url!r}: give seconds above 0"
            )
        base = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))
        root = urllib.parse.urlunsplit((parts.scheme, parts.netloc, "", "", ""))

        def endpoint(name: str) -> str:
            value = options.get(name)
            if value is None:
                return f"{base}/{name}"
            return value if "://" in value else root + value

        self.query_url = endpoint("query")
        self.update_url = endpoint("update")
        self.store_url = endpoint("store")

    # -- HTTP ------------------------------------------------------------
    def _request(
        self,
        method: str,
        url: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        missing_ok: bool = False,
    ) -> bytes:
        request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=self.http_timeout) as response:
                return bytes(response.read())
        except urllib.error.HTTPError as exc:
            if missing_ok and exc.code == 404:
                return b""
            detail = exc.read().decode("utf-8", "replace").strip().splitlines()
            reason = detail[0][:200] if detail else exc.reason
            if exc.code == 400:
                raise QueryError(f"{self.url} refused the request: {reason}") from exc
            raise StoreError(f"{self.url} answered {exc.code}: {reason}") from exc
        except urllib.error.URLError as exc:
            raise StoreError(f"cannot reach SPARQL server {self.url}: {exc.reason}") from exc
        except TimeoutError as exc:
            raise StoreError(
                f"SPARQL server {self.url} did not answer in {self.http_timeout:g} s"
            ) from exc
        except OSError as exc:
            raise StoreError(f"cannot reach SPARQL server {self.url}: {exc}") from exc

    def _graph_url(self, name: str) -> str:
        return f"{self.store_url}?{urllib.parse.urlencode({'graph': name})}"

    # -- Store -----------------------------------------------------------
    def article_graphs(self) -> list[str]:
        # kg's own graphs only: a shared server holds others' too, and Virtuoso its
        # system graphs (they are neither listed, nor counted, nor ever removed)
        result = self.query(f"SELECT DISTINCT ?g WHERE {{ {OWN_GRAPHS} }}")
        return sorted(str(row[0]) for row in result.rows if isinstance(row[0], URIRef))

    def count(self) -> int:
        result = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {OWN_GRAPHS} }}")
        return int(str(result.rows[0][0])) if result.rows else 0

    def graph(self, name: str) -> Graph:
        data = self._request(
            "GET",
            self._graph_url(name),
            headers={"Accept": "application/n-triples"},
            missing_ok=True,
        )
        graph = Graph()
        if data.strip():
            graph.parse(data=data, format="nt")
        return graph

    def _replace(self, name: str, graph: Graph) -> None:
        body = graph.serialize(format="nt", encoding="utf-8")
        self._request("PUT", self._graph_url(name), body, {"Content-Type": "application/n-triples"})

    def _held(self, names: list[str]) -> set[str]:
        held: set[str] = set()
        for start in range(0, len(names), 500):
            values = " ".join(f"<{ox.NamedNode(n).value}>" for n in names[start : start + 500])
            rows = self.query(
                f"SELECT ?g WHERE {{ VALUES ?g {{ {values} }} "
                "FILTER EXISTS { GRAPH ?g { ?s ?p ?o } } }"
            ).rows
            held.update(str(row[0]) for row in rows)
        return held

    def _create_many(self, graphs: list[tuple[str, Graph, set[str]]]) -> None:
        """New graphs go in with one SPARQL update (one transaction on the server)."""
        parts = []
        for name, _, lines in graphs:
            node = ox.NamedNode(name)  # validates the IRI before it goes into an update
            parts.append(f"GRAPH <{node.value}> {{\n" + "\n".join(lines) + "\n}")
        self.update("INSERT DATA {\n" + "\n".join(parts) + "\n}")

    def _remove(self, name: str) -> None:
        self._request("DELETE", self._graph_url(name), missing_ok=True)

    def _add(self, name: str, graph: Graph) -> None:
        body = graph.serialize(format="nt", encoding="utf-8")
        self._request(
            "POST", self._graph_url(name), body, {"Content-Type": "application/n-triples"}
        )

    def update(self, text: str) -> None:
        # the URL-encoded form of the Protocol, which every server takes (Virtuoso 7
        # does not read an update or a query posted directly)
        self._request(
            "POST",
            self.update_url,
            urllib.parse.urlencode({"update": text}).encode("ascii"),
            {"Content-Type": FORM},
        )

    def _query(self, text: str, params: Mapping[str, Identifier] | None = None) -> QueryResult:
        kind = query_kind(text)
        body = urllib.parse.urlencode({"query": inject_values(text, params or {})})
        accept = (
            "application/sparql-results+json"
            if kind in ("SELECT", "ASK")
            else "application/n-triples"
        )
        url = f"{self.query_url}?union-default-graph"
        data = self._request(
            "POST", url, body.encode("ascii"), {"Content-Type": FORM, "Accept": accept}
        )
        if kind in ("CONSTRUCT", "DESCRIBE"):
            graph = Graph()
            if data.strip():
                graph.parse(data=data, format="nt")
            return QueryResult(kind, graph=graph)
        parsed = json.loads(data)
        if kind == "ASK":
            if "boolean" not in parsed:  # Virtuoso 7 answers ASK with one row, 1 or 0
                values = [v["value"] for b in parsed["results"]["bindings"] for v in b.values()]
                return QueryResult("ASK", boolean=bool(values) and values[0] not in ("0", "false"))
            return QueryResult("ASK", boolean=bool(parsed["boolean"]))
        variables = tuple(parsed["head"]["vars"])
        rows = tuple(
            tuple(_json_term(binding.get(v)) for v in variables)
            for binding in parsed["results"]["bindings"]
        )
        return QueryResult("SELECT", variables, rows)

    def dataset(self) -> Dataset:
        data = self._request("GET", self.store_url, headers={"Accept": "application/n-quads"})
        dataset = Dataset(default_union=True)
        if data.strip():
            dataset.parse(data=data, format="nquads")
        return dataset


def _json_term(value: dict[str, str] | None) -> Node | None:
    """A term from SPARQL 1.1 Query Results JSON."""
    if value is None:
        return None
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if "xml:lang" in value:
        return Literal(value["value"], lang=value["xml:lang"])
    datatype = value.get("datatype")
    if datatype and datatype != "http://www.w3.org/2001/XMLSchema#string":
        return Literal(value["value"], datatype=URIRef(datatype))
    return Literal(value["value"])


@stores.register("sparql")
def make_sparql(rest: str, create: bool = True) -> Store:
    """Any SPARQL 1.1 server (Protocol and Graph Store Protocol)."""
    return SparqlStore(rest, create)
