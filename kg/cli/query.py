"""``kg query``: run a SPARQL query, shipped or the user's own."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal, URIRef

from kg.errors import UsageError
from kg.types import QueryResult

if TYPE_CHECKING:  # pragma: no cover
    pass
from kg.cli.common import STORE_HELP, Parents, emit, format_term, open_source


def cmd_query(args: argparse.Namespace) -> int:
    from kg.query import bundled_queries, describe, find_query, parse_params, run_query
    from kg.rdf import PREFIXES

    if args.list:
        rows = [[name, describe(path)] for name, path in sorted(bundled_queries().items())]
        print(emit(["query", "asks"], rows, args.format))
        return 0
    if not args.query:
        raise UsageError("kg query needs a QUERY (a .rq file or a shipped query's name), or --list")
    text, source = find_query(args.query)
    params = parse_params(args.param or [])
    with open_source(args) as store:
        result = run_query(store, text, params, source, allow_remote=args.allow_remote)
    names = Graph()
    for prefix, ns in PREFIXES.items():
        names.bind(prefix, ns, override=True, replace=True)
    if result.kind == "ASK":
        if args.format == "sparql-json":
            print(json.dumps({"head": {}, "boolean": bool(result.boolean)}))
        else:
            print("true" if result.boolean else "false")
    elif result.graph is not None:
        for prefix, ns in PREFIXES.items():
            result.graph.bind(prefix, ns, override=True, replace=True)
        print(result.graph.serialize(format="longturtle"))
    elif args.format == "sparql-json":
        print(json.dumps(_sparql_json(result), indent=2, ensure_ascii=False))
    else:
        short = args.format == "table"
        rows = [[format_term(v, names, short) for v in row] for row in result.rows]
        print(emit(result.variables, rows, args.format))
        if args.format == "table":
            print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return 0


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
    query.add_argument("query", nargs="?", help="query file or shipped query name")
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
