"""Summaries of a graph: what ``kg info`` prints."""

from __future__ import annotations

from rdflib import RDF, Graph, URIRef

from kg.lexicon import load_lexicon, local_name
from kg.vocab import KG

#: Properties that carry provenance, not facts about the world.
PROVENANCE_PROPERTIES = frozenset({"denotes", "inSentence", "inArticle", "mentions"})
PROVENANCE_CLASSES = frozenset({"Sentence", "Mention", "Assertion", "NewsArticle"})


def summarize(graph: Graph) -> dict:
    """Counts of triples, articles, entities per class and relation triples per property."""
    lexicon = load_lexicon()
    ns = str(KG._NS)
    classes: dict[str, int] = {}
    for _, cls in graph.subject_objects(RDF.type):
        if isinstance(cls, URIRef) and str(cls).startswith(ns):
            name = local_name(cls)
            if name not in PROVENANCE_CLASSES:
                classes[name] = classes.get(name, 0) + 1
    relations: dict[str, int] = {}
    for prop in sorted(lexicon.domains):
        if prop in PROVENANCE_PROPERTIES:
            continue
        count = sum(1 for _ in graph.triples((None, KG[prop], None)))
        if count:
            relations[prop] = count
    return {
        "triples": len(graph),
        "articles": sum(1 for _ in graph.subjects(RDF.type, KG.NewsArticle)),
        "mentions": sum(1 for _ in graph.subjects(RDF.type, KG.Mention)),
        "assertions": sum(1 for _ in graph.subjects(RDF.type, KG.Assertion)),
        "classes": dict(sorted(classes.items())),
        "relations": relations,
    }
