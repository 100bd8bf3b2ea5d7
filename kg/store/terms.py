"""Converting RDF terms between rdflib and pyoxigraph, and SPARQL text helpers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

import pyoxigraph as ox
from rdflib import XSD, BNode, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Identifier, Node

from kg.ntriples import nt


def prepared_query(text: str) -> Query:
    """rdflib's parse of a SPARQL query, made once per query text.

    Parsing takes rdflib 5-30 ms, longer than Oxigraph takes to answer a selective
    query; kg checks every query before running it, and a program runs the same
    few queries many times. Long texts (kg's own queries with hundreds of IRIs in
    a VALUES block, different every time) are parsed and not kept. Errors are not
    cached: each bad query raises again.
    """
    if len(text) > 8192:
        return prepareQuery(text)
    return _prepared(text)


@lru_cache(maxsize=256)
def _prepared(text: str) -> Query:
    return prepareQuery(text)


def to_ox(term: Identifier) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert {term!r} to an Oxigraph term")


def from_ox(term: object) -> Node | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"cannot convert {term!r} from Oxigraph")


_SKIP = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>\s]*>|#[^\n]*',
    re.DOTALL,
)


def inject_values(text: str, params: Mapping[str, Identifier]) -> str:
    """Bind variables by a ``VALUES`` block at the start of the top-level ``WHERE``.

    The values are serialised as RDF terms (quotes and backslashes escaped), so a
    bound string is data, never query text. This is how the SPARQL protocol
    backend binds parameters, with the same meaning as rdflib's ``initBindings``
    and Oxigraph's substitutions.

    >>> inject_values('SELECT * WHERE { ?s ?p ?o }', {"o": Literal('a "b"')})
    'SELECT * WHERE { VALUES (?o) { ("a \\\\"b\\\\"") } ?s ?p ?o }'
    """
    if not params:
        return text
    names = sorted(params)
    block = (
        "VALUES ("
        + " ".join(f"?{n}" for n in names)
        + ") { ("
        + " ".join(nt(params[n]) for n in names)
        + ") } "
    )
    # blank out strings, IRIs and comments, keeping offsets, then find WHERE {
    masked = _SKIP.sub(lambda m: " " * len(m.group(0)), text)
    where = re.search(r"\bWHERE\s*\{", masked, re.IGNORECASE)
    brace = where.end() if where else masked.find("{") + 1
    if brace <= 0:
        raise ValueError("query has no WHERE clause to bind parameters in")
    return text[:brace] + " " + block + text[brace:].lstrip(" ")


_FORM = re.compile(r"(?<![?$\w:])(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_FROM = re.compile(r"(?<![?$\w:])FROM\b", re.IGNORECASE)


def query_form(text: str) -> tuple[str, bool]:
    """(SELECT, ASK, CONSTRUCT or DESCRIBE; whether it has FROM or FROM NAMED) of a
    query kg has already checked, read from its text without a parser.

    The Oxigraph backend asks this inside the function that holds a pyoxigraph
    result: rdflib's parser leaves frames behind in its caches, and a frame keeps
    its callers alive, so the result would be freed later, by whichever thread
    collects garbage next, which pyoxigraph does not allow.

    >>> query_form('SELECT ?from FROM <g> WHERE { ?s <p> "ASK" }')
    ('SELECT', True)
    >>> query_form("PREFIX ex: <x#> CONSTRUCT { ?s ex:from ?o } WHERE { ?s ex:from ?o }")
    ('CONSTRUCT', False)
    """
    masked = _SKIP.sub(lambda m: " " * len(m.group(0)), text)
    form = _FORM.search(masked)
    return (form.group(1).upper() if form else "SELECT"), bool(_FROM.search(masked))
