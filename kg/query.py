"""SPARQL queries: the shipped ones in ``queries/`` and the user's own.

Parameters are bound as RDF terms through rdflib's ``initBindings``, never
pasted into the query text: ``--param entity="Sam Altman"`` binds ``?entity``
to the literal ``"Sam Altman"``; a value in angle brackets (``<https://...>``)
binds an IRI.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pyparsing import ParseException
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery, prepareUpdate
from rdflib.query import Result
from rdflib.term import Identifier, Node

from kg.errors import QueryError, UsageError

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


def find_query(name: str) -> tuple[str, str]:
    """(query text, where it came from) for a file path or a shipped query's name."""
    path = Path(name)
    if path.is_file():
        try:
            return path.read_text(encoding="utf-8"), str(path)
        except UnicodeDecodeError as exc:
            raise QueryError(f"query file {path} is not valid UTF-8") from exc
    shipped = bundled_queries()
    if path.parent != Path(".") or path.exists():
        raise QueryError(f"no query file {name!r}; shipped queries: {', '.join(sorted(shipped))}")
    stem = path.stem if path.suffix == ".rq" else name
    if stem in shipped:
        return shipped[stem].read_text(encoding="utf-8"), str(shipped[stem])
    raise QueryError(f"no query file {name!r}; shipped queries: {', '.join(sorted(shipped))}")


def parse_params(pairs: list[str]) -> dict[str, Identifier]:
    """``["entity=Sam Altman"]`` -> ``{"entity": Literal("Sam Altman")}``.

    >>> parse_params(["entity=Sam Altman", "who=<https://kg.example.org/id/x>"])["who"]
    rdflib.term.URIRef('https://kg.example.org/id/x')
    """
    out: dict[str, Identifier] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise UsageError(f"--param takes NAME=VALUE, got {pair!r}")
        if value.startswith("<") and value.endswith(">") and len(value) > 2:
            out[name] = URIRef(value[1:-1])
        else:
            out[name] = Literal(value)
    return out


@dataclass(frozen=True)
class QueryResult:
    """A query's answer: rows of terms for SELECT, a boolean for ASK, a graph for CONSTRUCT."""

    kind: str
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Node | None, ...], ...] = ()
    boolean: bool | None = None
    graph: Graph | None = None


def run_query(
    graph: Graph,
    text: str,
    params: Mapping[str, Identifier] | None = None,
    source: str = "query",
) -> QueryResult:
    """Run a SPARQL 1.1 query with bound parameters.

    Raises:
        QueryError: the query is malformed, is an update, or a parameter names
            a variable the query does not use.
    """
    params = params or {}
    try:
        prepared = prepareQuery(text)
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
    used = set(_VAR.findall(_NOT_CODE.sub(" ", text)))
    unknown = sorted(set(params) - used)
    if unknown:
        raise QueryError(
            f"{source} has no variable ?{unknown[0]}; its variables are "
            + ", ".join(f"?{v}" for v in sorted(used))
        )
    try:
        result: Result = graph.query(prepared, initBindings=params)
    except Exception as exc:
        raise QueryError(f"cannot evaluate {source}: {exc}") from exc
    if result.type == "ASK":
        return QueryResult("ASK", boolean=bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        out = Graph()
        for prefix, ns in graph.namespaces():
            out.bind(prefix, ns, override=True, replace=True)
        for triple in result:
            out.add(triple)  # type: ignore[arg-type]
        return QueryResult(result.type, graph=out)
    variables = tuple(str(v) for v in result.vars or ())
    rows = tuple(tuple(row) for row in result)  # type: ignore[arg-type]
    return QueryResult("SELECT", variables=variables, rows=rows)
