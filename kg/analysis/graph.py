"""From a store to a networkx ``MultiDiGraph`` of entities and the facts between them.

Nodes are entities (attributes: ``iri``, ``label``, ``cls``); edges are facts
(``property``, ``confidence`` — the highest of its evidence — and ``evidence``,
a list of ``{"sentence", "article", "confidence", "rule"}``). Articles,
sentences, mentions and assertions, the provenance scaffolding, are not nodes.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx

from kg.lexicon import ENTITY_CLASSES, local_name
from kg.store import Store
from kg.vocab import ID, KG

__all__ = ["to_networkx"]

#: Most specific first: an entity typed both Company and Organization is a Company.
#: Classes an extension adds (not listed) come before all of these.
SPECIFIC_FIRST = sorted(ENTITY_CLASSES, key=lambda c: c == "Organization")
#: Types that mark the provenance scaffolding, not entities.
NOT_ENTITIES = frozenset({"NewsArticle", "Sentence", "Mention", "Assertion", "Concept"})
PREFIXES = (
    f"PREFIX kg: <{KG._NS}>\n"
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)
NODES = (
    PREFIXES
    + """SELECT DISTINCT ?e ?c ?label WHERE {
  ?e a ?c ; rdfs:label ?label .
  FILTER(STRSTARTS(STR(?e), "%s"))
}"""
)
EDGES = (
    PREFIXES
    + """SELECT DISTINCT ?a ?s ?p ?o ?confidence ?sentence ?article ?rule WHERE {
  ?a a kg:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
     kg:confidence ?confidence ; kg:rule ?rule ; kg:inSentence ?sent .
  ?sent kg:text ?sentence ; kg:inArticle ?doc .
  ?doc rdfs:label ?article .
  FILTER(isIRI(?o))
}"""
)


def _specificity(cls: str) -> tuple[int, str]:
    return (SPECIFIC_FIRST.index(cls) + 1 if cls in SPECIFIC_FIRST else 0, cls)


def _confidence(value: object) -> float:
    """A confidence as a number from 0 to 1: one a graph states as no number (``"high"``,
    NaN) counts as 0, and one outside the range is held to it, so a graph another tool
    wrote can still be drawn and analysed.

    >>> _confidence("0.8"), _confidence("high"), _confidence("NaN"), _confidence("7")
    (0.8, 0.0, 0.0, 1.0)
    """
    try:
        number = float(str(value))
    except ValueError:
        return 0.0
    return min(1.0, max(0.0, number)) if math.isfinite(number) else 0.0


def to_networkx(store: Store) -> nx.MultiDiGraph:
    """The entities of ``store`` and the facts between them, one edge per property."""
    graph: nx.MultiDiGraph = nx.MultiDiGraph()
    classes: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for node, kind, label in store.query(NODES % ID).rows:
        name = local_name(kind)
        if name not in NOT_ENTITIES:
            classes.setdefault(str(node), []).append(name)
            labels[str(node)] = str(label)
    for iri in sorted(classes):
        graph.add_node(iri, iri=iri, label=labels[iri], cls=min(classes[iri], key=_specificity))
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}
    for _, s, p, o, confidence, sentence, article, rule in sorted(
        store.query(EDGES).rows, key=lambda row: tuple(str(v) for v in row)
    ):
        subject, obj, prop = str(s), str(o), str(p).rsplit("#", 1)[-1]
        if subject not in graph or obj not in graph:
            continue
        edge = edges.setdefault(
            (subject, prop, obj), {"property": prop, "confidence": 0.0, "evidence": []}
        )
        value = _confidence(confidence)
        edge["confidence"] = max(edge["confidence"], value)
        edge["evidence"].append(
            {
                "sentence": str(sentence),
                "article": str(article),
                "confidence": value,
                "rule": str(rule),
            }
        )
    for (subject, prop, obj), data in sorted(edges.items()):
        graph.add_edge(subject, obj, key=prop, **data)
    return graph
