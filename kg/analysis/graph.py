"""From a store to a networkx ``MultiDiGraph`` of entities and the facts between them.

Nodes are entities (attributes: ``iri``, ``label``, ``cls``, and ``aliases``, the
other names it goes by); edges are facts
(``property``, ``confidence`` — the highest of its evidence — and ``evidence``,
a list of ``{"sentence", "article", "confidence", "rule"}``). Articles,
sentences, mentions and assertions, the provenance scaffolding, are not nodes.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx

from kg.info import most_specific
from kg.lexicon import local_name
from kg.store import Store
from kg.vocab import ID, KG

__all__ = ["to_networkx"]

#: Types that mark the provenance scaffolding, not entities.
NOT_ENTITIES = frozenset({"NewsArticle", "Sentence", "Mention", "Assertion", "Concept"})
PREFIXES = (
    f"PREFIX kg: <{KG._NS}>\n"
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
)
NODES = (
    PREFIXES
    + """SELECT DISTINCT ?e ?c ?label WHERE {
  ?e a ?c ; rdfs:label ?label .
  FILTER(STRSTARTS(STR(?e), "%s"))
}"""
)
ALIASES = (
    PREFIXES
    + """SELECT DISTINCT ?e ?alias WHERE {
  ?e skos:altLabel ?alias .
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
    aliases: dict[str, set[str]] = {}
    for node, alias in store.query(ALIASES % ID).rows:
        if str(node) in classes and str(alias) != labels[str(node)]:
            aliases.setdefault(str(node), set()).add(str(alias))
    for iri in sorted(classes):
        graph.add_node(
            iri,
            iri=iri,
            label=labels[iri],
            cls=most_specific(classes[iri]),
            aliases=sorted(aliases.get(iri, ())),
        )
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
