"""``kg view``: an interactive HTML view of the graph."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kg.cli.common import Parents, open_source, whole
from kg.errors import UsageError

DEFAULT_TITLE = "kg: knowledge graph"


def cmd_view(args: argparse.Namespace) -> int:
    from kg.analysis import to_networkx
    from kg.store import atomic_write
    from kg.view import ViewOptions, articles_graph, render

    if Path(args.output).suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"kg view writes HTML: name the output .html, not {args.output!r}")
    if args.timeline and args.articles:
        raise UsageError("--timeline and --articles are two views: choose one")
    if args.articles and (args.community is not None or args.k_core):
        # communities and cores of a graph of articles and names say little of either
        flag = "--community" if args.community is not None else "--k-core"
        raise UsageError(f"--articles takes --focus, --depth and --min-degree, not {flag}")
    if args.timeline:
        narrowing = [o for o in ("focus", "community") if getattr(args, o) is not None]
        narrowing += [o for o in ("min_degree", "k_core") if getattr(args, o)]
        if narrowing:
            flag = "--" + narrowing[0].replace("_", "-")
            raise UsageError(f"--timeline draws every dated event; it takes no {flag}")
        from kg.timeline import render_timeline

        skipped: list[str] = []
        with open_source(args) as store:
            title = "kg: timeline" if args.title == DEFAULT_TITLE else args.title
            page = render_timeline(store, title, skipped)
        atomic_write(args.output, page.encode("utf-8"))
        # an event kg cannot date is left off the axis, not the reason to draw none
        for line in skipped:
            print(f"kg: warning: left off the timeline: {line}", file=sys.stderr)
        if not args.quiet:
            print(f"kg: wrote {args.output}", file=sys.stderr)
        return 0
    with open_source(args) as store:
        graph = articles_graph(store) if args.articles else to_networkx(store)
    options = ViewOptions(
        articles=args.articles,
        title=args.title,
        focus=args.focus,
        depth=args.depth,
        community=args.community,
        min_degree=args.min_degree,
        k_core=args.k_core,
        max_nodes=args.max_nodes,
    )
    page = render(graph, options)
    atomic_write(args.output, page.encode("utf-8"))
    if not args.quiet:
        print(f"kg: wrote {args.output}", file=sys.stderr)
    return 0


def add(sub: Any, p: Parents) -> None:
    """Add the command to the ``kg`` parser's subcommands."""
    view = sub.add_parser(
        "view",
        parents=[p.common, p.source, p.limits],
        help="write an interactive HTML view",
        description="Write a self-contained HTML page (it works offline) that draws the "
        "entities and facts, coloured by class, with the evidence of each fact on hover.",
    )
    view.add_argument("-o", "--output", required=True, help="the .html file to write")
    view.add_argument(
        "--timeline",
        action="store_true",
        help="draw the dated events on a time axis instead, with their participants, places "
        "and evidence",
    )
    view.add_argument(
        "--articles",
        action="store_true",
        help="who appears with whom: draw the articles as nodes too, each entity linked to "
        "the articles that name it; hovering an entity lists those it is named with most "
        "and in how many articles (takes --focus, --depth, --min-degree)",
    )
    view.add_argument("--focus", metavar="ENTITY", help="draw only the entities near this one")
    view.add_argument(
        "--depth", type=whole(0), default=1, metavar="N", help="steps from --focus (default 1)"
    )
    view.add_argument(
        "--community",
        type=whole(0),
        metavar="K",
        help="draw only Louvain community K (0 is the largest)",
    )
    view.add_argument(
        "--min-degree",
        type=whole(0),
        default=0,
        metavar="N",
        help="draw only entities in at least N facts",
    )
    view.add_argument(
        "--k-core", type=whole(0), default=0, metavar="K", help="draw only the K-core"
    )
    view.add_argument(
        "--max-nodes",
        type=whole(1),
        default=5000,
        metavar="N",
        help="draw at most N entities, the most central (default 5000)",
    )
    view.add_argument("--title", default=DEFAULT_TITLE, help="the page title")
    view.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    view.set_defaults(func=cmd_view)
