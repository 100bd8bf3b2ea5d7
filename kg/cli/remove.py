"""``kg remove``: retract articles from a store."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kg.cli.common import STORE_HELP, Parents
from kg.errors import UsageError


def cmd_remove(args: argparse.Namespace) -> int:
    from kg.pipeline import quarantine_name
    from kg.rdf import article_iri
    from kg.sources import iter_articles, parse_article
    from kg.store import open_store
    from kg.store.backends import mask_credentials
    from kg.vocab import ENTITIES

    names = []
    for item in args.articles:
        if item.startswith(("http://", "https://")):
            names.append(item)
        elif Path(item).is_file() or Path(item).is_dir():
            # the articles kg build reads from it: a JSON Lines file's, a directory's
            names.extend(str(article_iri(article)) for article in iter_articles([item]))
        else:  # an article key, as kg build derives it from a file name
            names.append(str(article_iri(parse_article("x", key=Path(item).stem, source=item))))
    with open_store(args.store, create=False) as store:
        articles = store.article_keys()  # graphs that hold a kg:NewsArticle
        for name in names:
            if name == str(ENTITIES):
                raise UsageError(
                    f"{name} is the shared graph of entity descriptions, not an article; "
                    "kg remove takes articles, and forgets entities no article names"
                )
            if name not in articles:
                raise UsageError(f"no article {name} in {mask_credentials(args.store)}")
        diffs = []
        for name in names:
            diffs.append(store.remove_graph(name))
            store.remove_graph(quarantine_name(name))
        store.collect_garbage()
    for diff in diffs:
        print(f"kg: removed {diff.graph} ({len(diff.removed)} triples)", file=sys.stderr)
    return 0


def add(sub: Any, p: Parents) -> None:
    """Add the command to the ``kg`` parser's subcommands."""
    remove = sub.add_parser(
        "remove",
        parents=[p.common],
        help="retract articles from a store",
        description="Remove each article's named graph (and its quarantine graph) from a "
        "store. ARTICLE is the article file (every article of a .jsonl file or of a "
        "directory), its key (the file name without extension) or its IRI. Entities the "
        "article shared with others stay.",
    )
    remove.add_argument("articles", nargs="+", metavar="ARTICLE")
    remove.add_argument("--store", required=True, metavar="STORE", help=STORE_HELP)
    remove.set_defaults(func=cmd_remove)
