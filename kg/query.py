"""SPARQL queries: the shipped ones in ``queries/`` and the user's own.

Parameters are bound as RDF terms through rdflib's ``initBindings``, never
pasted into the query text: ``--param entity="Sam Altman"`` binds ``?entity``
to the literal ``"Sam Altman"``; a value in angle brackets (``<https://...>``)
binds an IRI.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
from pyparsing import ParseException
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareUpdate
from rdflib.term import Identifier

from kg.errors import KGError, QueryError, UsageError
from kg.limits import read_limited
from kg.store import Store
from kg.store.backends import MemoryStore
from kg.store.terms import prepared_query
from kg.types import QueryResult
from kg.vocab import KG

#: Largest query file kg reads: queries are text a person writes.
MAX_QUERY_BYTES = 1_000_000
_VAR = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)")
# strings and IRIs may hold "#", so they go before comments do
_NOT_CODE = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^>\s]*>|#[^\n]*')


def bundled_queries() -> dict[str, Path]:
    """Shipped query names ("leaders") -> their files."""
    folder = resources.files("kg.queries")
    return {Path(str(f)).stem: Path(str(f)) for f in folder.iterdir() if str(f).endswith(".rq")}


def describe(path: Path) -> str:
    """The first comment line of a query file: what it asks."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            return line.lstrip("# ").strip()
    return ""


def query_text(text: str, where: str) -> str:
    """Query text given on the command line or standard input, checked for size."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_QUERY_BYTES:
        raise QueryError(f"{where} is over {MAX_QUERY_BYTES:,} bytes; kg reads queries up to that")
    if not text.strip():
        raise QueryError(f"{where} is empty")
    return text


def find_query(name: str) -> tuple[str, str]:
    """(query text, where it came from) for a file path or a shipped query's name."""
    if _looks_like_sparql(name):
        raise QueryError(
            f"no query file {name[:40]!r}...; to run query text, pass it with -e "
            "(kg query -e 'SELECT ...' GRAPH) or on standard input (kg query - GRAPH)"
        )
    path = Path(name)
    if path.is_file():
        try:
            return read_limited(path, MAX_QUERY_BYTES, f"query file {path}").decode(), str(path)
        except UnicodeDecodeError as exc:
            raise QueryError(f"query file {path} is not valid UTF-8") from exc
    shipped = bundled_queries()
    if path.parent != Path(".") or path.exists():
        raise QueryError(f"no query file {name!r}; shipped queries: {', '.join(sorted(shipped))}")
    stem = path.stem if path.suffix == ".rq" else name
    if stem in shipped:
        return shipped[stem].read_text(encoding="utf-8"), str(shipped[stem])
    raise QueryError(f"no query file {name!r}; shipped queries: {', '.join(sorted(shipped))}")


def _looks_like_sparql(name: str) -> bool:
    """Whether a QUERY argument is query text rather than a name or a path."""
    head = name.lstrip().split(None, 1)[0].upper() if name.strip() else ""
    return (
        not Path(name).exists()
        and head in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "PREFIX", "BASE")
        and len(name.split()) > 1
    )


def parse_params(pairs: list[str]) -> dict[str, Identifier]:
    """``["entity=Sam Altman"]`` -> ``{"entity": Literal("Sam Altman")}``.

    >>> parse_params(["entity=Sam Altman", "who=<https://kg.example.org/id/x>"])["who"]
    rdflib.term.URIRef('https://kg.example.org/id/x')

    Raises:
        UsageError: a pair is not NAME=VALUE, or a value in angle brackets is not
            an absolute IRI (``<a b>``, ``<>``): it would bind nothing, or break
            the query it goes into.
    """
    out: dict[str, Identifier] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise UsageError(f"--param takes NAME=VALUE, got {pair!r}")
        if value.startswith("<") and value.endswith(">"):
            # checked by Oxigraph's IRI parser (RFC 3987) before rdflib sees it:
            # rdflib takes any text and only logs a warning
            try:
                ox.NamedNode(value[1:-1])
            except ValueError:
                raise UsageError(f"--param {name}: {value} is not an IRI") from None
            out[name] = URIRef(value[1:-1])
        else:
            out[name] = Literal(value)
    return out


def _nodes(node: object, seen: set[int] | None = None) -> Iterator[object]:
    """Every node of a parsed query's algebra, each once (terms, parts, lists)."""
    seen = set() if seen is None else seen
    if id(node) in seen:
        return
    seen.add(id(node))
    yield node
    if isinstance(node, Mapping):
        for value in node.values():
            yield from _nodes(value, seen)
    elif isinstance(node, list | tuple | set | frozenset):
        for value in node:
            yield from _nodes(value, seen)


def _iris(algebra: object) -> Iterator[URIRef]:
    """Every IRI in a parsed query's algebra."""
    return (node for node in _nodes(algebra) if isinstance(node, URIRef))


def _check_terms(algebra: object, source: str) -> None:
    """Refuse a query that names a kg: term the ontology does not define ("kg:Persn"):
    it would quietly match nothing."""
    namespace = str(KG._NS)
    names = {str(i)[len(namespace) :] for i in _iris(algebra) if str(i).startswith(namespace)}
    unknown = sorted(names - set(KG.__annotations__))
    if unknown:
        from kg.lexicon import load_lexicon

        extended = {n for n, iri in load_lexicon().iris.items() if str(iri).startswith(namespace)}
        unknown = [n for n in unknown if n not in extended]
    if unknown:
        known = sorted(set(KG.__annotations__))
        close = difflib.get_close_matches(unknown[0], known, n=1)
        hint = f" (did you mean kg:{close[0]}?)" if close else ""
        raise QueryError(f"{source} names kg:{unknown[0]}, which the ontology lacks{hint}")


def _services(algebra: object) -> Iterator[str]:
    """The endpoint of every ``SERVICE`` clause in a parsed query's algebra."""
    for node in _nodes(algebra):
        if isinstance(node, Mapping) and getattr(node, "name", None) == "ServiceGraphPattern":
            term = node.get("term")
            yield term.n3() if isinstance(term, Identifier) else str(term)


def check_query(
    text: str,
    params: Mapping[str, Identifier],
    source: str = "query",
    allow_remote: bool = False,
) -> None:
    """Refuse malformed queries, updates, parameters the query does not use, and
    (unless ``allow_remote``) ``SERVICE`` clauses, which send requests elsewhere.

    Raises:
        QueryError: with the line and column of a syntax error where known.
    """
    try:
        prepared = prepared_query(text)
    except ParseException as exc:
        try:
            prepareUpdate(text)
        except Exception:
            raise QueryError(
                f"malformed SPARQL in {source}: line {exc.lineno}, column {exc.col}: {exc.msg}"
            ) from exc
        raise QueryError(f"{source} is a SPARQL update; kg query only reads") from exc
    except Exception as exc:
        raise QueryError(f"malformed SPARQL in {source}: {exc}") from exc
    _check_terms(prepared.algebra, source)
    if not allow_remote:
        for endpoint in _services(prepared.algebra):
            raise QueryError(
                f"{source} asks SERVICE {endpoint}, which would send a request to another "
                "server; kg queries only the data it is given unless you pass --allow-remote"
            )
    used = set(_VAR.findall(_NOT_CODE.sub(" ", text)))
    unknown = sorted(set(params) - used)
    if unknown:
        raise QueryError(
            f"{source} has no variable ?{unknown[0]}; its variables are "
            + ", ".join(f"?{v}" for v in sorted(used))
        )


def with_prefixes(text: str) -> str:
    """The query with a PREFIX line for each of kg's usual prefixes it uses but does
    not declare (kg:, id:, schema:, prov:, skos:, rdf:, rdfs:, xsd:, owl:), so that
    ``kg query -e 'SELECT ?s WHERE { ?s a kg:Person }'`` runs. They go on the
    first line, before the query: error messages keep their line numbers.

    >>> with_prefixes("SELECT ?s WHERE { ?s a kg:Person }")[:50]
    'PREFIX kg: <https://kg.example.org/ontology#> SELE'
    """
    from kg.lexicon import plugin_prefixes
    from kg.rdf import PREFIXES

    code = _NOT_CODE.sub(" ", text)
    declared = {m.casefold() for m in re.findall(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:", code)}
    # a plugin's prefixes (labor:) too; kg's own win a clash
    known = {**plugin_prefixes(), "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "owl": OWL, **PREFIXES}
    used = [
        f"PREFIX {name}: <{ns}> "
        for name, ns in known.items()
        if name not in declared and re.search(rf"(?<![\w.-]){name}:", code)
    ]
    return "".join(used) + text


def run_query(
    target: Graph | Store,
    text: str,
    params: Mapping[str, Identifier] | None = None,
    source: str = "query",
    allow_remote: bool = False,
) -> QueryResult:
    """Run a SPARQL 1.1 query with bound parameters on a graph or any store.

    The default graph is the union of the named graphs on every backend, and
    ``FROM``/``FROM NAMED`` name graphs of the store (nothing is fetched). A
    ``SERVICE`` clause is refused unless ``allow_remote`` is true. The store's
    :attr:`~kg.store.Store.timeout` bounds the query's time, its parse included.

    Raises:
        QueryError: the query is malformed, is an update, has a SERVICE clause that
            is not allowed, or a parameter names a variable the query does not use.
        TimeLimitError: the query ran past the store's time limit.
    """
    params = params or {}
    store = target if isinstance(target, Store) else MemoryStore(target)
    text = with_prefixes(text)
    try:
        # checked within the time limit: rdflib takes seconds to parse a long query
        # (1.4 s for 650 KB)
        return store.query(
            text, params, check=lambda: check_query(text, params, source, allow_remote)
        )
    except KGError:
        raise
    except Exception as exc:
        raise QueryError(f"cannot evaluate {source}: {exc}") from exc
