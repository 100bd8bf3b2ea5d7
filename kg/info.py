"""Summaries of a store: what ``kg info`` prints, the same on every backend."""

from __future__ import annotations

from typing import Any

from kg.lexicon import load_lexicon
from kg.store import Store
from kg.vocab import KG

#: Properties that carry provenance, not facts about the world.
PROVENANCE_PROPERTIES = frozenset({"denotes", "inSentence", "inArticle", "mentions"})
PROVENANCE_CLASSES = frozenset({"Sentence", "Mention", "Assertion", "NewsArticle"})
PREFIX = f"PREFIX kg: <{KG._NS}>\n"


def _count(store: Store, pattern: str) -> int:
    result = store.query(PREFIX + f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
    return int(str(result.rows[0][0])) if result.rows else 0


def summarize(store: Store) -> dict[str, Any]:
    """Counts of quads, articles, entities per class and relation triples per property."""
    lexicon = load_lexicon()
    classes: dict[str, int] = {}
    rows = store.query(
        PREFIX + "SELECT ?c (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?c . "
        f'FILTER(STRSTARTS(STR(?c), "{KG._NS}")) }} GROUP BY ?c'
    ).rows
    for cls, count in rows:
        name = str(cls).rsplit("#", 1)[-1]
        if name not in PROVENANCE_CLASSES:
            classes[name] = int(str(count))
    relations: dict[str, int] = {}
    for prop in sorted(set(lexicon.domains) - PROVENANCE_PROPERTIES):
        n = _count(store, f"SELECT DISTINCT ?s ?o WHERE {{ ?s kg:{prop} ?o }}")
        if n:
            relations[prop] = n
    return {
        "triples": store.count(),
        "graphs": len(store.article_graphs()),
        "articles": _count(store, "SELECT DISTINCT ?a WHERE { ?a a kg:NewsArticle }"),
        "mentions": _count(store, "SELECT DISTINCT ?m WHERE { ?m a kg:Mention }"),
        "assertions": _count(store, "SELECT DISTINCT ?a WHERE { ?a a kg:Assertion }"),
        "classes": dict(sorted(classes.items())),
        "relations": relations,
    }
