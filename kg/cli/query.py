"""``kg query``: run a SPARQL query, shipped or the user's own."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef

from kg.cli.common import (
    STORE_HELP,
    Parents,
    emit,
    format_term,
    json_text,
    open_source,
    print_utf8,
    safe_text,
    turtle_text,
)
from kg.errors import QueryError, UsageError
from kg.limits import bounded
from kg.sources import STDIN
from kg.types import QueryResult


def cmd_query(args: argparse.Namespace) -> int:
    from kg.info import unknown_name_hint as entity_hint
    from kg.query import (
        MAX_QUERY_BYTES,
        bundled_queries,
        describe,
        find_query,
        parse_params,
        query_text,
        run_query,
    )

    if args.list:
        rows = [[name, describe(path)] for name, path in sorted(bundled_queries().items())]
        # whole descriptions: they hold the --param hints
        print(emit(["query", "asks"], rows, args.format, width=None))
        return 0
    if args.expression is not None:
        # -e TEXT: the positional QUERY, if any, is the first graph
        args.graphs = [*([args.query] if args.query else []), *args.graphs]
        text, source = query_text(args.expression, "the -e query"), "-e"
    elif args.query == STDIN:
        data = sys.stdin.buffer.read(MAX_QUERY_BYTES + 1)
        try:
            text = query_text(data.decode("utf-8-sig"), "the query on standard input")
        except UnicodeDecodeError as exc:
            raise QueryError("the query on standard input is not valid UTF-8") from exc
        source = "<stdin>"
    elif not args.query:
        raise UsageError(
            "kg query needs a QUERY (a .rq file, a shipped query's name, - for standard "
            "input, or -e TEXT), or --list"
        )
    else:
        text, source = find_query(args.query)
    params = parse_params(args.param or [])
    hint = None
    with open_source(args) as store:
        result = run_query(store, text, params, source, allow_remote=args.allow_remote)
        entity = params.get("entity")
        if not result.rows and args.expression is None and args.query in bundled_queries():
            # no rows is an answer, but a name no entity goes by is likely a slip
            if isinstance(entity, Literal):
                hint = entity_hint(store, str(entity))
    # written out within the time limit too: rdflib writes Turtle at some 20,000
    # triples a second, so a large CONSTRUCT result takes it minutes
    text = bounded(lambda: _render(result, args.format), args.timeout, "writing the result")
    # Turtle is UTF-8 whatever the terminal's encoding, as kg build -o - writes it
    (print_utf8 if result.graph is not None else print)(text)
    if hint:
        print(f"kg: {safe_text(hint)}", file=sys.stderr)
    return 0


def _render(result: QueryResult, fmt: str) -> str:
    """A query's result as the text ``kg query`` prints."""
    from kg.rdf import PREFIXES

    if result.kind == "ASK":
        if fmt == "sparql-json":
            return json.dumps({"head": {}, "boolean": bool(result.boolean)})
        return "true" if result.boolean else "false"
    if result.graph is not None:
        for prefix, ns in PREFIXES.items():
            result.graph.bind(prefix, ns, override=True, replace=True)
        return turtle_text(result.graph.serialize(format="longturtle"))
    if fmt == "sparql-json":
        return json_text(_sparql_json(result))
    names = Graph()
    for prefix, ns in PREFIXES.items():
        names.bind(prefix, ns, override=True, replace=True)
    short = fmt == "table"
    rows = [[format_term(v, names, short) for v in row] for row in result.rows]
    text = emit(result.variables, rows, fmt)
    if fmt == "table":
        text += f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})"
    return text


def _sparql_json(result: QueryResult) -> dict[str, object]:
    """SPARQL 1.1 Query Results JSON."""
    bindings = []
    for row in result.rows:
        binding: dict[str, dict[str, str]] = {}
        for name, term in zip(result.variables, row, strict=True):
            if term is None:
                continue
            if isinstance(term, URIRef):
                binding[name] = {"type": "uri", "value": str(term)}
            elif isinstance(term, BNode):
                binding[name] = {"type": "bnode", "value": str(term)}
            elif isinstance(term, Literal):
                value: dict[str, str] = {"type": "literal", "value": str(term)}
                if term.language:
                    value["xml:lang"] = term.language
                elif term.datatype is not None:
                    value["datatype"] = str(term.datatype)
                binding[name] = value
        bindings.append(binding)
    return {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}


def add(sub: Any, p: Parents) -> None:
    """Add the command to the ``kg`` parser's subcommands."""
    query = sub.add_parser(
        "query",
        parents=[p.common, p.limits],
        help="run a SPARQL query on graph files",
        description="Run a SPARQL 1.1 query (a .rq file, or the name of a shipped query such as "
        "'leaders') over one or more graph files. Parameters are bound as values, never pasted "
        'into the query: --param entity="Sam Altman" binds ?entity to that string; '
        '--param x="<https://...>" binds an IRI. Queries stay local: FROM and FROM NAMED name '
        "graphs of the data given (nothing is fetched) and SERVICE is refused unless "
        "--allow-remote; each query stops after --timeout seconds (Ctrl-C stops it too).",
    )
    query.add_argument(
        "query",
        nargs="?",
        help="query file, shipped query name, or - to read the query from standard input",
    )
    query.add_argument(
        "-e",
        "--expression",
        metavar="TEXT",
        help="the query itself, as text (then every positional argument is a graph file)",
    )
    query.add_argument(
        "graphs", nargs="*", metavar="GRAPH", help="graph files (.ttl .trig .jsonld .nt .nq)"
    )
    query.add_argument(
        "--param", action="append", metavar="NAME=VALUE", help="bind a variable (repeatable)"
    )
    query.add_argument("--store", metavar="STORE", help=STORE_HELP)
    query.add_argument(
        "--format",
        choices=("table", "csv", "json", "sparql-json"),
        default="table",
        help="SELECT output; CONSTRUCT and DESCRIBE always print Turtle",
    )
    query.add_argument("--list", action="store_true", help="list the shipped queries")
    query.set_defaults(func=cmd_query)
