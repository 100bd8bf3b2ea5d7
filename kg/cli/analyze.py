"""``kg analyze``: centrality, communities and chains of facts."""

from __future__ import annotations

import argparse
from typing import Any

from kg.cli.common import Parents, json_text, open_source, plural, render_table, safe_text, whole


def cmd_analyze(args: argparse.Namespace) -> int:
    from kg.analysis import (
        centrality,
        communities,
        components,
        core_numbers,
        shortest_chain,
        to_networkx,
    )

    with open_source(args) as store:
        graph = to_networkx(store)
    if args.path:
        steps = shortest_chain(graph, args.path[0], args.path[1])
        if args.format == "json":
            print(json_text(steps))
            return 0
        for n, step in enumerate(steps, 1):
            print(
                safe_text(
                    f"{n}. {step['subject']} --{step['property']}--> {step['object']} "
                    f"(confidence {step['confidence']:.2f})"
                )
            )
            for item in step["evidence"][:3]:
                sentence = " ".join(item["sentence"].split())
                article = " ".join(item["article"].split())
                print(safe_text(f"     \u201c{sentence}\u201d \u2014 {article}"))
        return 0
    scores = centrality(graph)
    groups = communities(graph)
    member = {n: i for i, group in enumerate(groups) for n in group}
    cores = core_numbers(graph)
    parts = components(graph)
    ranked = sorted(graph, key=lambda n: (-scores[n]["pagerank"], n))
    rows = [
        {
            "entity": graph.nodes[n]["label"],
            "class": graph.nodes[n]["cls"],
            "degree": scores[n]["degree"],
            "pagerank": round(scores[n]["pagerank"], 4),
            "betweenness": round(scores[n]["betweenness"], 4),
            "community": member.get(n),
            "core": cores.get(n, 0),
            "iri": n,
        }
        for n in ranked
    ]
    if args.format == "json":
        print(
            json_text(
                {
                    "nodes": graph.number_of_nodes(),
                    "edges": graph.number_of_edges(),
                    "components": [len(c) for c in parts],
                    "communities": [sorted(graph.nodes[n]["label"] for n in g) for g in groups],
                    "entities": rows,
                }
            )
        )
        return 0
    print(
        f"{plural(graph.number_of_nodes(), 'entity', 'entities')}, "
        f"{plural(graph.number_of_edges(), 'fact')}, "
        f"{plural(len(parts), 'connected component')} (largest {len(parts[0]) if parts else 0}), "
        f"{plural(len(groups), 'community', 'communities')}"
    )
    print()
    headers = ["entity", "class", "degree", "pagerank", "betweenness", "community", "core"]
    print(render_table(headers, [[str(r[h]) for h in headers] for r in rows[: args.top]]))
    if len(rows) > args.top:
        print(f"(top {args.top} of {len(rows)} by PageRank; --top N for more)")
    print()
    for i, group in enumerate(groups[: min(len(groups), 10)]):
        names = sorted(graph.nodes[n]["label"] for n in group)
        shown = ", ".join(names[:8]) + (f", \u2026 ({len(names)} in all)" if len(names) > 8 else "")
        print(safe_text(" ".join(f"community {i}: {shown}".split())))
    return 0


def add(sub: Any, p: Parents) -> None:
    """Add the command to the ``kg`` parser's subcommands."""
    analyze = sub.add_parser(
        "analyze",
        parents=[p.common, p.source, p.limits],
        help="centrality, communities and chains of facts",
        description="Analyse the graph of entities and facts with networkx: degree, PageRank, "
        "betweenness, Louvain communities, connected components and k-cores; or, with "
        "--path A B, the shortest chain of facts between two entities with its evidence.",
    )
    analyze.add_argument(
        "--path",
        nargs=2,
        metavar=("FROM", "TO"),
        help="print the shortest chain of facts between two entities, each given by its "
        "name (any case), another name of it, or its IRI; two names of one entity are an "
        "error (exit 64), as is an unknown or ambiguous name (66); no chain exits 1",
    )
    analyze.add_argument(
        "--top", type=whole(1), default=25, metavar="N", help="rows in the table (default 25)"
    )
    analyze.add_argument("--format", choices=("table", "json"), default="table")
    analyze.set_defaults(func=cmd_analyze)
