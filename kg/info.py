"""Summaries of a store: what ``kg info`` prints, the same on every backend."""

from __future__ import annotations

from typing import Any

from kg.lexicon import local_name
from kg.store import Store
from kg.vocab import ID, KG

#: Properties that carry provenance, not facts about the world.
PROVENANCE_PROPERTIES = frozenset({"denotes", "inSentence", "inArticle", "mentions"})
PROVENANCE_CLASSES = frozenset({"Sentence", "Mention", "Assertion", "NewsArticle"})
PREFIX = f"PREFIX kg: <{KG._NS}>\n"


def _count(store: Store, pattern: str) -> int:
    result = store.query(PREFIX + f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
    return int(str(result.rows[0][0])) if result.rows else 0


def summarize(store: Store) -> dict[str, Any]:
    """Counts of quads, articles, entities per class and relation triples per property."""
    classes: dict[str, int] = {}
    rows = store.query(
        PREFIX + "SELECT ?c (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?c . "
        f'FILTER(STRSTARTS(STR(?e), "{ID}")) }} GROUP BY ?c'
    ).rows
    for cls, count in rows:
        name = local_name(cls)
        if name not in PROVENANCE_CLASSES:
            classes[name] = int(str(count))
    # relations are the properties that assertions state between two entities, the
    # ontology's and any extension's alike
    relations: dict[str, int] = {}
    rows = store.query(
        PREFIX + "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
        "SELECT ?p (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE {\n"
        "  ?a a kg:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .\n"
        "  ?s ?p ?o . FILTER(isIRI(?o)) } } GROUP BY ?p"
    ).rows
    for prop, count in rows:
        name = local_name(prop)
        if name not in PROVENANCE_PROPERTIES:
            relations[name] = int(str(count))
    relations = dict(sorted(relations.items()))
    return {
        "triples": store.count(),
        "graphs": len(store.article_graphs()),
        "articles": _count(store, "SELECT DISTINCT ?a WHERE { ?a a kg:NewsArticle }"),
        "mentions": _count(store, "SELECT DISTINCT ?m WHERE { ?m kg:denotes ?e }"),
        "assertions": _count(store, "SELECT DISTINCT ?a WHERE { ?a a kg:Assertion }"),
        "classes": dict(sorted(classes.items())),
        "relations": relations,
    }
