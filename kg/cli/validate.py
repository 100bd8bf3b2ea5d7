"""``kg validate``: SHACL validation against the ontology's shapes."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from rdflib import Graph

from kg.cli.common import Parents, open_source


def cmd_validate(args: argparse.Namespace) -> int:
    from kg.lexicon import load_lexicon
    from kg.limits import bounded
    from kg.store.files import QUARANTINE_SUFFIX
    from kg.validate import shacl_validate

    lexicon = load_lexicon(args.ontology or ())
    with open_source(args) as store:
        data = bounded(store.dataset, args.timeout, "reading the store")
    graph = Graph()
    for s, p, o, context in data.quads((None, None, None, None)):
        if not str(getattr(context, "identifier", context)).endswith(QUARANTINE_SUFFIX):
            graph.add((s, p, o))
    conforms, lines = bounded(
        lambda: shacl_validate(graph, lexicon), args.timeout, "validating the graph"
    )
    for line in lines:
        print(line)
    print(
        f"kg: {'conforms' if conforms else f'{len(lines)} violation(s)'} "
        f"({len(graph)} triples checked)",
        file=sys.stderr,
    )
    return 0 if conforms else 1


def add(sub: Any, p: Parents) -> None:
    """Add the command to the ``kg`` parser's subcommands."""
    validate = sub.add_parser(
        "validate",
        parents=[p.common, p.source, p.limits],
        help="check a graph against the ontology's SHACL shapes",
        description="Validate graph files or a store with pySHACL against the shapes derived "
        "from the ontology (ontology/shapes.ttl, plus any --ontology files). Prints one line "
        "per violation; exit 1 if there are any.",
    )
    validate.add_argument(
        "--ontology",
        action="append",
        metavar="TTL",
        help="extra Turtle file extending the ontology (repeatable)",
    )
    validate.set_defaults(func=cmd_validate)
