"""The built-in store backends: memory, file, Oxigraph on disk, SPARQL 1.1 server."""

from __future__ import annotations

import base64
import contextlib
import functools
import gc
import http.client
import io
import json
import math
import os
import re
import socket
import ssl
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, ConjunctiveGraph, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.term import Identifier, Node

from kg.errors import KGError, QueryError, StoreError, UsageError
from kg.limits import DEFAULT_MAX_GRAPH_BYTES
from kg.store import Store, _graph_of, ntriples_lines, stores
from kg.store.files import QUAD_FORMATS, input_format, load, save
from kg.store.terms import from_ox, inject_values, prepared_query, query_form, to_ox
from kg.types import QueryResult
from kg.vocab import ENTITIES, ID, ONTOLOGY_IRI

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


def _identity(path: str) -> tuple[int, int, int, int] | None:
    """What says a file is the one read earlier (device, inode, size, modification
    time); None if there is none. An atomic write replaces the inode."""
    try:
        held = os.stat(path)
    except FileNotFoundError:
        return None
    return (held.st_dev, held.st_ino, held.st_size, held.st_mtime_ns)


class FileStore(MemoryStore):
    """A TriG or N-Quads file, read into memory and written back atomically on flush.

    One process writes it at a time: a writer holds an exclusive lock on a file
    beside it (``.NAME.lock``) from before it reads the store until it closes it,
    and a second writer is refused (as Oxigraph refuses a second opener) rather
    than writing the file over with what it read before the first one's articles.
    ``create=True`` (``kg build``) locks at once; others (``kg remove``) at their
    first change, refusing if the file changed since they read it.
    """

    def __init__(self, path: str, create: bool = True) -> None:
        fmt = input_format(path)
        if fmt not in QUAD_FORMATS:
            raise UsageError(
                f"store file {path} must be .trig or .nq, which keep one graph per article"
            )
        exists = Path(path).exists()
        if not exists and not create:
            raise StoreError(f"no store at {path}")
        if exists and not Path(path).is_file():
            raise StoreError(f"cannot open store {path}: it is not a regular file")
        self._lock: int | None = None
        self._lock_path = Path(path).with_name(f".{Path(path).name}.lock")
        if create:
            self._claim(path)
        self._seen = _identity(path)
        try:
            super().__init__(load(path) if exists else None)
        except BaseException:
            self._release()
            raise
        self.url = path
        self._path = path
        self._dirty = False

    def _claim(self, path: str) -> None:
        """Take the writer's lock (once), or raise :class:`StoreError`."""
        if self._lock is not None:
            return
        try:
            import fcntl
        except ImportError:  # pragma: no cover - no fcntl (Windows): no lock to take
            return
        while True:
            try:
                fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            except FileNotFoundError as exc:
                raise StoreError(
                    f"cannot create store {path}: directory {self._lock_path.parent} does not exist"
                ) from exc
            except OSError as exc:
                raise StoreError(f"cannot lock store {path}: {exc.strerror}") from exc
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                os.close(fd)
                raise StoreError(
                    f"{path}: another kg process is writing to this store; "
                    "run this one when it has finished"
                ) from exc
            # the holder before us may have removed the lock file after we opened it
            try:
                same = os.fstat(fd).st_ino == os.stat(self._lock_path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                self._lock = fd
                return
            os.close(fd)

    def _release(self) -> None:
        if self._lock is not None:
            with contextlib.suppress(OSError):
                self._lock_path.unlink()  # before unlocking: a waiter then retries
            os.close(self._lock)
            self._lock = None

    def _change(self) -> None:
        """Before the first change: hold the lock, on the file this store read."""
        if self._lock is not None:
            return
        self._claim(self._path)
        if _identity(self._path) != self._seen:
            self._release()
            raise StoreError(
                f"{self._path} changed since kg read it (another process wrote it); "
                "run this command again"
            )

    def _replace(self, name: str, graph: Graph) -> None:
        self._change()
        super()._replace(name, graph)
        self._dirty = True

    def _remove(self, name: str) -> None:
        self._change()
        super()._remove(name)
        self._dirty = True

    def _add(self, name: str, graph: Graph) -> None:
        self._change()
        super()._add(name, graph)
        self._dirty = True

    def update(self, text: str) -> None:
        self._change()
        super().update(text)
        self._dirty = True

    def flush(self) -> None:
        if self._dirty:
            save(self._ds, self._path)
            self._seen = _identity(self._path)
            self._dirty = False

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self._release()


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


#: The file kg writes into a directory before it has Oxigraph create a store there, and
#: removes once the store exists: a directory that holds it (and only RocksDB's files
#: besides) is one whose creation kg began and was killed before it ended.
CREATING = ".kg-creating"


def _cut_short(location: Path) -> bool:
    """Whether a directory is a store whose creation kg began and that was killed
    before RocksDB wrote ``CURRENT`` (seen: SIGKILL 0.7 s into a build). RocksDB
    commits nothing before ``CURRENT`` exists, so no article is in it, and RocksDB
    refuses to create a database over its leftovers. Only kg's own marker says so:
    files that merely look like RocksDB's (``20241201.log``, ``LOG``) may be a
    user's, and are never taken for leftovers."""
    try:
        names = {p.name for p in location.iterdir()}
    except OSError:
        return False
    return (
        CREATING in names
        and "CURRENT" not in names
        and all(n == CREATING or ROCKSDB_FILES.fullmatch(n) for n in names)
    )


def _locked(location: Path) -> bool:
    """Whether another process holds the RocksDB lock of ``location`` (RocksDB locks
    its ``LOCK`` file with ``fcntl``, as :func:`fcntl.lockf` does). Opening the file
    to test the lock changes nothing in it."""
    try:
        import fcntl
    except ImportError:  # no fcntl (Windows): RocksDB's own open will refuse a held lock
        return False
    try:
        handle = open(location / "LOCK", "rb+")
    except OSError:  # no lock file, or not ours to write: nobody can be writing
        return False
    with handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.lockf(handle, fcntl.LOCK_UN)
    return False


def _being_written(path: str) -> StoreError:
    """The error for a store another process holds open for writing."""
    return StoreError(
        f"store {path} is being written by another kg process; try again when it ends"
    )


def _check_unlocked(location: Path) -> None:
    """Raise if another process holds the RocksDB lock of ``location``."""
    if _locked(location):
        raise StoreError(f"{location}: another process is creating an Oxigraph store there")


class OxigraphStore(Store):
    """Oxigraph's RocksDB store on disk: each graph replacement is one transaction."""

    _store: ox.Store | None
    #: Opened read-only: nothing is flushed, nothing written.
    read_only = False

    def __init__(self, path: str, create: bool = True, read_only: bool = False) -> None:
        """Open (or, with ``create``, make) the store in directory ``path``.

        ``read_only`` (the read commands): RocksDB opens the database without
        writing to its directory (no log renamed, no file deleted, no manifest
        rewritten), so a directory holding files kg did not write keeps them; a
        store another process is writing is refused, since RocksDB does not define
        a read-only open beside a writer.
        """
        self.url = f"oxigraph:{path}"
        if not path.strip():
            raise UsageError("oxigraph: needs a directory, e.g. oxigraph:graphdb/")
        location = Path(path)
        create = create and not read_only
        if not create and not location.is_dir():
            raise StoreError(f"no Oxigraph store at {path}")
        if location.exists() and not location.is_dir():
            raise StoreError(f"cannot open store {path}: it is a file, not a directory")
        restart = location.is_dir() and _cut_short(location)
        if restart and not create:  # a read command never deletes, nor makes a store
            raise StoreError(
                f"no Oxigraph store at {path} (its creation was cut short; "
                "kg build starts it afresh)"
            )
        if restart:
            _check_unlocked(location)  # not a store another build is making right now
            for leftover in location.iterdir():  # an empty store, made afresh
                if leftover.name != CREATING:
                    leftover.unlink()
        elif location.is_dir() and not is_oxigraph_dir(location):
            # opening it would fill someone's directory with a database's files, and
            # files that only look like RocksDB's may be someone's logs
            if any(location.iterdir()):
                raise StoreError(
                    f"{path} is not an Oxigraph store (it holds other files); "
                    "give a new or empty directory"
                )
            if not create:
                raise StoreError(f"no Oxigraph store at {path} (an empty directory)")
        if read_only:
            # RocksDB's read-only open beside a process writing the same database
            # is undefined behaviour (files it reads may be compacted away)
            if _locked(location):
                raise _being_written(path)
            self.read_only = True
            self._store = self._open(path, lambda: ox.Store.read_only(str(location)))
            return
        marker = location / CREATING
        creating = not is_oxigraph_dir(location)
        if creating:
            try:
                location.mkdir(parents=True, exist_ok=True)
                marker.touch()
            except OSError as exc:
                raise StoreError(f"cannot create Oxigraph store {path}: {exc.strerror}") from exc
        self._store = self._open(path, lambda: ox.Store(str(location)))
        # the store exists (RocksDB wrote CURRENT): its files are a database's now;
        # a marker left by a creation killed after that point goes here too
        with contextlib.suppress(OSError):
            marker.unlink(missing_ok=True)

    @staticmethod
    def _open(path: str, opening: Callable[[], ox.Store]) -> ox.Store:
        """The store ``opening`` opens, or a one-line error that says why not."""
        try:
            return opening()
        except (OSError, RuntimeError) as exc:  # RocksDB reports corruption as RuntimeError
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if "lock" in first.lower():
                raise _being_written(path) from exc
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
        if self._store is not None and not self.read_only:
            self._store.flush()

    def close(self) -> None:
        self.flush()
        self._store = None
        gc.collect()  # release RocksDB's lock now, not at some later collection


@stores.register("oxigraph")
def make_oxigraph(rest: str, create: bool = True, read_only: bool = False) -> Store:
    """Oxigraph on disk: transactional, fast SPARQL (``read_only``: see
    :class:`OxigraphStore`)."""
    return OxigraphStore(rest, create, read_only)


# ---------------------------------------------------------------------------
# Any SPARQL 1.1 server


#: What a SPARQL server's store URL may set in its query string.
SERVER_OPTIONS = frozenset({"query", "update", "store", "timeout", "max_bytes"})


#: The quads of kg's own graphs, as a SPARQL pattern.
OWN_GRAPHS = f"GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), '{ID}'))"
#: The graph that holds kg's ontology on a server (``kg:`` terms, classes and their
#: superclasses), for other tools' queries and kg's own; not an article graph.
ONTOLOGY_GRAPH = ONTOLOGY_IRI
#: How queries and updates are posted (the Protocol's URL-encoded form).
FORM = "application/x-www-form-urlencoded"
#: Largest answer kg reads from a SPARQL server unless the URL says (``max_bytes=``):
#: the size kg reads of a graph file, so a server that floods fills no memory.
DEFAULT_MAX_ANSWER_BYTES = DEFAULT_MAX_GRAPH_BYTES


def mask_credentials(url: str) -> str:
    """The URL with any user name and password replaced by ``***``, for messages.

    >>> mask_credentials("http://kg:s3cret@host:7878/ds?timeout=5")
    'http://***@host:7878/ds?timeout=5'
    >>> mask_credentials("https://kg:p@ss@host/?store=/data")
    'https://***@host/?store=/data'
    """
    # up to the last "@" of the authority, as urllib reads it: an unencoded "@" in a
    # password leaves none of it shown
    return re.sub(r"(?<=//)[^/?#]*@", "***@", url)


def _bounded_opener(sockets: list[socket.socket]) -> urllib.request.OpenerDirector:
    """urllib's opener, with each socket it connects recorded in ``sockets`` so that
    a watchdog can cut a request off at its deadline (urllib's own timeout bounds
    each read, not the request: a server sending a byte a second never trips it)."""

    class Connection(http.client.HTTPConnection):
        def connect(self) -> None:
            super().connect()
            sockets.append(self.sock)

    class TLSConnection(http.client.HTTPSConnection):
        def connect(self) -> None:
            super().connect()
            sockets.append(self.sock)

    class Handler(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(Connection, req)

    class TLSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(TLSConnection, req, context=ssl.create_default_context())

    return urllib.request.build_opener(Handler, TLSHandler)


def _cut(sockets: list[socket.socket]) -> None:
    """Shut the sockets down: a read blocked on one returns at once."""
    for sock in sockets:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


class SparqlStore(Store):
    """A SPARQL 1.1 server through the Protocol (queries, updates) and the Graph Store Protocol.

    The URL names the server; endpoints default to Oxigraph's layout (``/query``,
    ``/update``, ``/store``) and can be set in the URL's query string, e.g. for
    Fuseki ``http://host:3030/ds?query=/ds/sparql&update=/ds/update&store=/ds/data``.
    The default graph must be the union of the named graphs: kg asks for that with
    Oxigraph's ``union-default-graph`` parameter; configure other servers so.

    ``timeout=S`` bounds each whole request (60 s by default), ``max_bytes=N`` the
    size of each answer (:data:`DEFAULT_MAX_ANSWER_BYTES`). A user name and
    password in the URL (``http://user:pass@host/``) are sent as HTTP Basic
    authentication, and shown as ``***`` in every message.
    """

    def __init__(self, url: str, create: bool = True) -> None:
        self.url = shown = mask_credentials(url)
        try:
            parts = urllib.parse.urlsplit(url)
            parts.port  # noqa: B018  (raises on a port out of range)
        except ValueError as exc:
            raise UsageError(f"bad SPARQL server URL {shown!r}: {exc}") from exc
        if not parts.hostname:
            raise UsageError(f"bad SPARQL server URL {shown!r}: it names no host")
        options = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
        unknown = sorted(set(options) - SERVER_OPTIONS)
        if unknown:
            raise UsageError(
                f"unknown option {unknown[0]!r} in store URL {shown!r}; "
                f"known: {', '.join(sorted(SERVER_OPTIONS))}"
            )
        try:
            self.http_timeout = float(options.get("timeout", 60))
        except ValueError:
            self.http_timeout = math.nan
        if not 0 < self.http_timeout < math.inf:
            raise UsageError(
                f"timeout={options['timeout']} in store URL {shown!r}: give seconds above 0"
            )
        limit = options.get("max_bytes", str(DEFAULT_MAX_ANSWER_BYTES))
        if not limit.isdigit() or int(limit) < 1:
            raise UsageError(
                f"max_bytes={limit} in store URL {shown!r}: give a whole number of bytes above 0"
            )
        self.max_bytes = int(limit)
        # the credentials go in a header of their own, never in a URL kg requests or shows
        self._auth: str | None = None
        if parts.username is not None:
            user = urllib.parse.unquote(parts.username)
            password = urllib.parse.unquote(parts.password or "")
            token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
            self._auth = f"Basic {token}"
        netloc = parts.netloc.rpartition("@")[2]
        base = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))
        root = urllib.parse.urlunsplit((parts.scheme, netloc, "", "", ""))

        def endpoint(name: str) -> str:
            value = options.get(name)
            if value is None:
                return f"{base}/{name}"
            return value if "://" in value else root + value

        self.query_url = endpoint("query")
        self.update_url = endpoint("update")
        self.store_url = endpoint("store")
        #: Whether the server holds graphs that are not kg's (None: not asked yet).
        self._shared: bool | None = None
        #: kg's graphs, the dataset a query reads on a shared server (None: ask again).
        self._own: list[str] | None = None
        self._ontology_written = False

    # -- HTTP ------------------------------------------------------------
    def _request(
        self,
        method: str,
        url: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        missing_ok: bool = False,
    ) -> bytes:
        """Send one request; its answer's body.

        The whole request, from connecting to the answer's last byte, takes at most
        :attr:`http_timeout` seconds, and the answer at most :attr:`max_bytes`.
        """
        request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        if self._auth is not None:  # not forwarded to wherever a redirect points
            request.add_unredirected_header("Authorization", self._auth)
        sockets: list[socket.socket] = []
        expired = threading.Event()

        def expire() -> None:
            expired.set()
            _cut(sockets)

        watchdog = threading.Timer(self.http_timeout, expire)
        watchdog.daemon = True
        watchdog.start()
        try:
            with _bounded_opener(sockets).open(request, timeout=self.http_timeout) as response:
                data = self._read(response)
            if expired.is_set():  # cut off: what arrived may end anywhere
                raise TimeoutError
            return data
        except urllib.error.HTTPError as exc:
            if expired.is_set():
                raise self._too_slow() from exc
            if missing_ok and exc.code == 404:
                return b""
            detail = exc.read(4096).decode("utf-8", "replace").strip().splitlines()
            reason = detail[0][:200] if detail else exc.reason
            if exc.code == 400:
                raise QueryError(f"{self.url} refused the request: {reason}") from exc
            if exc.code in (401, 403):
                raise StoreError(
                    f"{self.url} answered {exc.code} ({exc.reason}): give a user name and "
                    "password the server accepts, as http://USER:PASSWORD@host/"
                ) from exc
            raise StoreError(f"{self.url} answered {exc.code}: {reason}") from exc
        except (TimeoutError, http.client.HTTPException, OSError) as exc:
            if expired.is_set() or isinstance(exc, TimeoutError):
                raise self._too_slow() from exc
            if isinstance(exc, http.client.HTTPException):
                raise StoreError(
                    f"{self.url} sent a malformed HTTP answer: {type(exc).__name__}"
                ) from exc
            cause = exc.reason if isinstance(exc, urllib.error.URLError) else exc
            if isinstance(cause, TimeoutError):
                raise self._too_slow() from exc
            raise StoreError(f"cannot reach SPARQL server {self.url}: {cause}") from exc
        finally:
            watchdog.cancel()
            _cut(sockets)

    def _read(self, response: http.client.HTTPResponse) -> bytes:
        """An answer's body, refused past :attr:`max_bytes` before it is all read."""
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise self._too_large()
        data = bytearray()
        while chunk := response.read(65536):
            data += chunk
            if len(data) > self.max_bytes:
                raise self._too_large()
        return bytes(data)

    def _too_slow(self) -> StoreError:
        return StoreError(
            f"SPARQL server {self.url} did not answer in {self.http_timeout:g} s "
            "(set timeout=SECONDS in the store URL)"
        )

    def _too_large(self) -> StoreError:
        return StoreError(
            f"SPARQL server {self.url} sent an answer over {self.max_bytes:,} bytes "
            "(set max_bytes=N in the store URL)"
        )

    def _graph_url(self, name: str) -> str:
        return f"{self.store_url}?{urllib.parse.urlencode({'graph': name})}"

    # -- Store -----------------------------------------------------------
    def article_graphs(self) -> list[str]:
        # kg's own graphs only: a shared server holds others' too, and Virtuoso its
        # system graphs (they are neither listed, nor counted, nor ever removed)
        result = self._ask("SELECT", f"SELECT DISTINCT ?g WHERE {{ {OWN_GRAPHS} }}", None)
        return sorted(str(row[0]) for row in result.rows if isinstance(row[0], URIRef))

    def _write_ontology(self) -> None:
        """Put kg's ontology (and the ontologies of installed plugins) in a graph of its
        own, :data:`ONTOLOGY_GRAPH`, on the first write of a build, unless the server
        holds it as it is (a newer kg or a new plugin replaces it), so that other
        tools' queries see the class hierarchy (``?x a/rdfs:subClassOf*
        kg:Organization`` finds companies). Neither listed, counted nor removed as
        kg's article graphs are."""
        if self._ontology_written:
            return
        self._ontology_written = True
        from rdflib.compare import isomorphic

        from kg.lexicon import parse_turtle
        from kg.registry import plugin_ontologies

        ontology = parse_turtle([Path(str(resources.files("kg.ontology") / "kg.ttl"))])
        ontology += parse_turtle(plugin_ontologies())
        if not isomorphic(self.graph(ONTOLOGY_GRAPH), ontology):
            body = ontology.serialize(format="nt", encoding="utf-8")
            self._request(
                "PUT",
                self._graph_url(ONTOLOGY_GRAPH),
                body,
                {"Content-Type": "application/n-triples"},
            )

    def _replace(self, name: str, graph: Graph) -> None:
        self._write_ontology()
        self._own = None
        body = graph.serialize(format="nt", encoding="utf-8")
        self._request("PUT", self._graph_url(name), body, {"Content-Type": "application/n-triples"})

    def _held(self, names: list[str]) -> set[str]:
        held: set[str] = set()
        for start in range(0, len(names), 500):
            values = " ".join(f"<{ox.NamedNode(n).value}>" for n in names[start : start + 500])
            # every graph of the server: one another build wrote since this one asked
            rows = self._ask(
                "SELECT",
                f"SELECT ?g WHERE {{ VALUES ?g {{ {values} }} "
                "FILTER EXISTS { GRAPH ?g { ?s ?p ?o } } }",
                None,
            ).rows
            held.update(str(row[0]) for row in rows)
        return held

    def _create_many(self, graphs: list[tuple[str, Graph, set[str]]]) -> None:
        """New graphs go in with one SPARQL update (one transaction on the server)."""
        self._write_ontology()
        parts = []
        for name, _, lines in graphs:
            node = ox.NamedNode(name)  # validates the IRI before it goes into an update
            parts.append(f"GRAPH <{node.value}> {{\n" + "\n".join(lines) + "\n}")
        self.update("INSERT DATA {\n" + "\n".join(parts) + "\n}")

    def _remove(self, name: str) -> None:
        self._own = None
        self._request("DELETE", self._graph_url(name), missing_ok=True)

    def _add(self, name: str, graph: Graph) -> None:
        self._own = None
        body = graph.serialize(format="nt", encoding="utf-8")
        self._request(
            "POST", self._graph_url(name), body, {"Content-Type": "application/n-triples"}
        )

    def update(self, text: str) -> None:
        # the URL-encoded form of the Protocol, which every server takes (Virtuoso 7
        # does not read an update or a query posted directly)
        self._own = None  # it may have made or dropped a graph
        self._request(
            "POST",
            self.update_url,
            urllib.parse.urlencode({"update": text}).encode("ascii"),
            {"Content-Type": FORM},
        )

    def _query(self, text: str, params: Mapping[str, Identifier] | None = None) -> QueryResult:
        kind, text = query_kind(text), inject_values(text, params or {})
        if query_form(text)[1]:
            # the query's own FROM names the graphs it reads: neither the union nor
            # the Protocol's dataset, which would override it
            return self._ask(kind, text, None, union=False)
        return self._ask(kind, text, self._scope())

    def _ask(
        self, kind: str, text: str, scope: list[str] | None, union: bool = True
    ) -> QueryResult:
        """Post a query; ``scope`` names the graphs it reads (None: the union of all
        of them, or with ``union`` false the dataset the query names)."""
        form = [("query", text)]
        url = self.query_url
        if scope is None:
            url += "?union-default-graph" if union else ""
        else:
            # the Protocol's own dataset: each graph both in the default graph (their
            # union) and as a named graph, so GRAPH ?g sees only kg's too
            form += [("default-graph-uri", g) for g in scope]
            form += [("named-graph-uri", g) for g in scope]
        accept = (
            "application/sparql-results+json"
            if kind in ("SELECT", "ASK")
            else "application/n-triples"
        )
        body = urllib.parse.urlencode(form).encode("ascii")
        data = self._request("POST", url, body, {"Content-Type": FORM, "Accept": accept})
        with self._reading("query"):
            return _answer(kind, data)

    def _scope(self) -> list[str] | None:
        """The graphs kg's queries read: all of them (None) on a server that holds only
        kg's, else kg's own and its ontology, so that a shared server's other graphs (and Virtuoso's
        system graphs) reach no answer, view or analysis. Asked once per store; the
        list of kg's graphs is asked again after each write."""
        if self._shared is None:
            foreign = (
                "ASK { GRAPH ?g { ?s ?p ?o } "
                f"FILTER(!STRSTARTS(STR(?g), '{ID}') && ?g != <{ONTOLOGY_GRAPH}>) }}"
            )
            self._shared = bool(self._ask("ASK", foreign, None).boolean)
        if not self._shared:
            return None
        if self._own is None:
            rows = self._ask("SELECT", f"SELECT DISTINCT ?g WHERE {{ {OWN_GRAPHS} }}", None).rows
            # the entities graph always (an empty list would mean the server's whole
            # store), and the ontology, which kg's queries see on any server
            self._own = sorted({str(ENTITIES), ONTOLOGY_GRAPH, *(str(g) for (g,) in rows)})
        return self._own

    @contextlib.contextmanager
    def _reading(self, what: str) -> Iterator[None]:
        """Turn an answer kg cannot read into one clear error: a server (or something
        posing as one) may send anything."""
        try:
            yield
        except KGError:
            raise
        except Exception as exc:  # rdflib's parsers and json raise many types
            first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
            raise StoreError(
                f"SPARQL server {self.url} sent a malformed answer to a {what}: "
                f"{type(exc).__name__}{': ' + first if first else ''}"
            ) from exc

    def graph(self, name: str) -> Graph:
        data = self._request(
            "GET",
            self._graph_url(name),
            headers={"Accept": "application/n-triples"},
            missing_ok=True,
        )
        graph = Graph()
        if data.strip():
            with self._reading("graph request"):
                graph.parse(data=data, format="nt")
        return graph

    def count(self) -> int:
        result = self._ask("SELECT", f"SELECT (COUNT(*) AS ?n) WHERE {{ {OWN_GRAPHS} }}", None)
        with self._reading("count"):
            return int(str(result.rows[0][0])) if result.rows else 0

    def dataset(self) -> Dataset:
        """kg's own graphs (articles and entities), not the others a shared server holds."""
        rows = self._ask("SELECT", f"SELECT ?g ?s ?p ?o WHERE {{ {OWN_GRAPHS} }}", None).rows
        dataset = Dataset(default_union=True)
        with self._reading("query"):
            for g, s, p, o in rows:
                dataset.add((s, p, o, URIRef(str(g))))  # type: ignore[arg-type]
        return dataset


def _answer(kind: str, data: bytes) -> QueryResult:
    """A query's result from a server's answer (SPARQL JSON results, or N-Triples)."""
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
        if not isinstance(parsed["boolean"], bool):
            raise ValueError(f"ASK answered {parsed['boolean']!r}, not true or false")
        return QueryResult("ASK", boolean=parsed["boolean"])
    variables = tuple(str(v) for v in parsed["head"]["vars"])
    rows = tuple(
        tuple(_json_term(binding.get(v)) for v in variables)
        for binding in parsed["results"]["bindings"]
    )
    return QueryResult("SELECT", variables, rows)


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
