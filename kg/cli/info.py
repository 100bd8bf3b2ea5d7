"""``kg info``: count what a graph holds."""

from __future__ import annotations

import argparse
from typing import Any

from kg.cli.common import Parents, json_text, open_source, render_table


def cmd_info(args: argparse.Namespace) -> int:
    from kg.info import summarize

    with open_source(args) as store:
        summary = summarize(store)
    if args.format == "json":
        print(json_text(summary))
        return 0
    print(
        f"triples: {summary['triples']}   graphs: {summary['graphs']}   "
        f"articles: {summary['articles']}   mentions: {summary['mentions']}   "
        f"assertions: {summary['assertions']}"
    )
    print()
    print(render_table(["class", "entities"], [[k, str(v)] for k, v in summary["classes"].items()]))
    print()
    print(
        render_table(
            ["relation", "triples"], [[k, str(v)] for k, v in summary["relations"].items()]
        )
    )
    return 0


def add(sub: Any, p: Parents) -> None:
    """Add the command to the ``kg`` parser's subcommands."""
    info = sub.add_parser(
        "info",
        parents=[p.common, p.source, p.limits],
        help="count entities per class and relations per property",
        description="Summarise graph files: triples, articles, entities per "
        "class, relation triples per property.",
    )
    info.add_argument("--format", choices=("table", "json"), default="table")
    info.set_defaults(func=cmd_info)
