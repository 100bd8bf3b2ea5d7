"""Converting RDF terms between rdflib and pyoxigraph, and SPARQL text helpers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

import pyoxigraph as ox
from rdflib import XSD, BNode, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Identifier, Node, Variable

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


_FORM = re.compile(r"(?<![?$\w:])(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_FROM = re.compile(r"(?<![?$\w:])FROM\b", re.IGNORECASE)

#: What may hold text that looks like SPARQL without being it: the four kinds of
#: string (long ones first), IRIs and comments, in the grammar's terms.
_SKIP = re.compile(
    r"\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|\'(?:[^\'\\\n\r]|\\.)*\'"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n\r]*",
    re.DOTALL,
)


def mask(text: str) -> str:
    """``text`` with its strings, IRIs and comments blanked out, offsets kept: what
    is left is the query's own keywords, variables, names and punctuation.

    >>> mask("SELECT * WHERE { ?s ?p \'\'\'WHERE { x }\'\'\' } # WHERE {").split()
    ['SELECT', '*', 'WHERE', '{', '?s', '?p', '}']
    """
    return _SKIP.sub(lambda m: " " * len(m.group(0)), text)


def where_brace(text: str) -> int:
    """The offset just after the ``{`` that opens a query's top-level ``WHERE``
    group, found by scanning the query's tokens, not by searching its text.

    A ``WHERE`` inside a string, an IRI, a comment, a projected ``EXISTS { }`` or a
    subquery is not the top-level one; neither is a ``CONSTRUCT`` template.

    Raises:
        ValueError: the query has no group of its own to bind variables in (the
            ``CONSTRUCT WHERE { }`` short form, whose group is its template too).

    >>> q = "SELECT (EXISTS { ?a ?b ?c } AS ?x) { ?s ?p ?o { SELECT ?o WHERE { } } }"
    >>> q[:where_brace(q)]
    'SELECT (EXISTS { ?a ?b ?c } AS ?x) {'
    """
    masked = mask(text)
    form = _FORM.search(masked)
    if form is None:
        raise ValueError("query has no SELECT, ASK, CONSTRUCT or DESCRIBE")
    at = form.end()
    if form.group(1).upper() == "CONSTRUCT":
        after = masked[at:].lstrip()
        if re.match(r"(?i)WHERE\b", after):
            raise ValueError(
                "a CONSTRUCT WHERE { } query cannot take parameters (its pattern is its "
                "template); write CONSTRUCT { ... } WHERE { ... }"
            )
        template = masked.find("{", at)
        if template < 0:
            raise ValueError("query has no CONSTRUCT template")
        depth = 0
        for at in range(template, len(masked)):
            depth += {"{": 1, "}": -1}.get(masked[at], 0)
            if depth == 0:
                at += 1
                break
    parens = 0
    for i in range(at, len(masked)):
        char = masked[i]
        if char == "(":
            parens += 1
        elif char == ")":
            parens -= 1
        elif char == "{" and parens == 0:
            return i + 1
    raise ValueError("query has no WHERE clause to bind parameters in")


#: An escape of a term's N-Triples text (each backslash there starts one), with the
#: ``u`` or ``U`` and hex digits after an escaped backslash.
_ESCAPE = re.compile(r"\\(.)([uU][0-9A-Fa-f]*)?")


def _codepoint_safe(match: re.Match[str]) -> str:
    if match.group(1) != "\\" or not match.group(2):
        return match.group()
    return "\\\\" + "".join(f"\\u{ord(c):04x}" for c in match.group(2))


def sparql_term(term: Identifier) -> str:
    r"""A term as SPARQL query text that every parser reads back as the same term.

    SPARQL lets ``\uXXXX`` spell a character anywhere in a query, and rdflib
    expands such escapes in one pass over the whole text before it reads a string,
    while Oxigraph reads them in strings only: the value ``\u0022`` written
    ``"\\u0022"`` is ``\u0022`` to Oxigraph but ``"`` to rdflib. So the ``u``
    after an escaped backslash, and the hex digits after it, are written as
    escapes themselves (digits only, all of them: rdflib takes eight lowercase hex
    digits where it finds them), which both read as those very characters. A tab
    is written ``\t``: rdflib's parser reads a raw one in a string as spaces.

    >>> print(sparql_term(Literal("\\u0022")), sparql_term(Literal('a "b"')))
    "\\\u0075\u0030\u0030\u0032\u0032" "a \"b\""
    """
    return _ESCAPE.sub(_codepoint_safe, nt(term).replace("\t", "\\t"))


def values_block(params: Mapping[str, Identifier]) -> str:
    """A one-row ``VALUES`` block binding ``params``, each value serialised as an RDF
    term (see :func:`sparql_term`): a bound string is data, never query text."""
    names = sorted(params)
    return (
        "VALUES ("
        + " ".join(f"?{n}" for n in names)
        + ") { ("
        + " ".join(sparql_term(params[n]) for n in names)
        + ") } "
    )


def inject_values(text: str, params: Mapping[str, Identifier]) -> str:
    """Bind variables by a ``VALUES`` block at the start of the top-level ``WHERE``
    group, for a SPARQL server (the Protocol has no other way to bind).

    The group is found by :func:`where_brace`, and the result is parsed again to
    check that the block is where it should be, binding what it should: a query
    that hides a ``WHERE {`` in a string cannot move it into the string, where the
    parameter would bind nothing and the query would match everything. Same
    meaning as Oxigraph's substitutions and rdflib's ``initBindings``.

    >>> inject_values('SELECT * WHERE { ?s ?p ?o }', {"o": Literal('a "b"')})
    'SELECT * WHERE { VALUES (?o) { ("a \\\\"b\\\\"") } ?s ?p ?o }'

    Raises:
        ValueError: the parameters cannot be bound in this query.
    """
    if not params:
        return text
    brace = where_brace(text)
    bound = text[:brace] + " " + values_block(params) + text[brace:].lstrip(" ")
    expected = {Variable(n): params[n] for n in params}
    # a VALUES block at the top of the WHERE group is the leftmost operand of the
    # group's joins, under the query's modifiers (projection, grouping, order...)
    node = prepared_query(bound).algebra["p"]
    while getattr(node, "name", None) in _LEFTMOST:
        node = node[_LEFTMOST[node.name]]
    rows = node["p"].get("res") if getattr(node, "name", None) == "ToMultiSet" else None
    if rows != [expected]:
        raise ValueError("cannot find the query's WHERE group to bind parameters in")
    return bound


#: The algebra on the way from a query to the first element of its WHERE group,
#: and which operand leads there.
_LEFTMOST = {
    **dict.fromkeys(
        ("Project", "Distinct", "Reduced", "Slice", "OrderBy", "Filter", "Extend"), "p"
    ),
    **dict.fromkeys(("AggregateJoin", "Group"), "p"),
    **dict.fromkeys(("Join", "LeftJoin", "Minus"), "p1"),
}


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
    masked = mask(text)
    form = _FORM.search(masked)
    return (form.group(1).upper() if form else "SELECT"), bool(_FROM.search(masked))
