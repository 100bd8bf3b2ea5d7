"""Chains of facts between two entities, with their evidence."""

from __future__ import annotations

import itertools
from typing import Any

import networkx as nx

from kg.errors import KGError

__all__ = ["NoPath", "UnknownEntity", "find_node", "shortest_chain"]


class UnknownEntity(KGError):
    """No entity has that name."""

    exit_code = 66


class NoPath(KGError):
    """The two entities are not connected."""

    exit_code = 1


def find_node(graph: nx.MultiDiGraph, name: str) -> str:
    """The node whose label (or IRI) is ``name``, ignoring case.

    Raises:
        UnknownEntity: with the closest labels, when none matches.
    """
    wanted = name.casefold()
    for node, data in graph.nodes(data=True):
        if node == name or str(data.get("label", "")).casefold() == wanted:
            return str(node)
    near = sorted(
        str(d.get("label"))
        for _, d in graph.nodes(data=True)
        if wanted[:4] in str(d.get("label", "")).casefold()
    )[:5]
    hint = f"; did you mean {', '.join(near)}?" if near else ""
    raise UnknownEntity(f"no entity named {name!r} in the graph{hint}")


def shortest_chain(graph: nx.MultiDiGraph, source: str, target: str) -> list[dict[str, Any]]:
    """The shortest chain of facts from ``source`` to ``target``, whatever their direction
    (the surest of the shortest, when several are as short).

    Each step is ``{"subject", "property", "object", "confidence", "evidence"}``
    with labels for the ends.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", label="A"); g.add_node("b", label="B"); g.add_node("c", label="C")
    >>> g.add_edge("a", "b", key="worksFor", property="worksFor", confidence=0.9, evidence=[])
    'worksFor'
    >>> g.add_edge("c", "b", key="develops", property="develops", confidence=0.8, evidence=[])
    'develops'
    >>> [(s["subject"], s["property"], s["object"]) for s in shortest_chain(g, "A", "C")]
    [('A', 'worksFor', 'B'), ('C', 'develops', 'B')]
    """
    start, end = find_node(graph, source), find_node(graph, target)
    # fewest steps first; among chains as short, the one whose facts are surest
    undirected = nx.Graph()
    undirected.add_nodes_from(graph)
    for s, o, data in graph.edges(data=True):
        cost = 2.0 - float(data.get("confidence", 0.0))
        if not undirected.has_edge(s, o) or undirected[s][o]["cost"] > cost:
            undirected.add_edge(s, o, cost=cost)
    try:
        nodes = nx.shortest_path(undirected, start, end, weight="cost")
    except nx.NetworkXNoPath:
        raise NoPath(f"no chain of facts links {source!r} and {target!r}") from None
    steps = []
    for a, b in itertools.pairwise(nodes):
        forward = graph.get_edge_data(a, b) or {}
        backward = graph.get_edge_data(b, a) or {}
        candidates = [(a, b, d) for d in forward.values()] + [(b, a, d) for d in backward.values()]
        s, o, data = max(candidates, key=lambda c: c[2].get("confidence", 0))
        steps.append(
            {
                "subject": graph.nodes[s]["label"],
                "property": data["property"],
                "object": graph.nodes[o]["label"],
                "confidence": data.get("confidence"),
                "evidence": data.get("evidence", []),
            }
        )
    return steps
