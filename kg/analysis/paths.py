"""Chains of facts between two entities, with their evidence."""

from __future__ import annotations

import itertools
from typing import Any

import networkx as nx

from kg.errors import KGError, UsageError
from kg.info import nearest_names

__all__ = [
    "AmbiguousEntity",
    "NoPath",
    "SameEntity",
    "UnknownEntity",
    "find_node",
    "shortest_chain",
]


class UnknownEntity(KGError):
    """No entity has that name."""

    exit_code = 66


class NoPath(KGError):
    """The two entities are not connected."""

    exit_code = 1


class AmbiguousEntity(KGError):
    """A name several entities go by."""

    exit_code = 66


class SameEntity(UsageError):
    """Both ends of a chain name one entity (a name and its alias, say): there is
    no chain to find, and an empty one would read as a silent failure."""


def _key(name: object) -> str:
    return " ".join(str(name).split()).casefold()


def find_node(graph: nx.MultiDiGraph, name: str) -> str:
    """The node whose IRI is ``name``, or whose label or other name (``aliases``) is
    ``name``, ignoring case; a label wins over another entity's alias.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("id:andy-warhol", label="Andy Warhol", aliases=["Warhol"])
    >>> find_node(g, "warhol")
    'id:andy-warhol'
    >>> try:
    ...     find_node(g, "Andy Warholl")
    ... except UnknownEntity as exc:
    ...     print(exc)
    no entity is named 'Andy Warholl'; nearest: Andy Warhol, Warhol

    Raises:
        UnknownEntity: no entity goes by ``name``; the message gives the three nearest
            names (labels and aliases).
        AmbiguousEntity: several entities are named ``name`` (the message gives
            their classes and IRIs), or none is and several go by it as another name.
    """
    if name in graph:
        return name
    wanted = _key(name)
    by_label = sorted(str(n) for n, d in graph.nodes(data=True) if _key(d.get("label")) == wanted)
    # the same name written the same way is the one meant ("Apple", not "apple")
    exact = [n for n in by_label if graph.nodes[n].get("label") == name]
    if len(exact) == 1 or len(by_label) == 1:
        return (exact or by_label)[0]
    if by_label:
        which = ", ".join(f"{graph.nodes[n].get('cls')} {n}" for n in by_label[:5])
        raise AmbiguousEntity(
            f"{len(by_label)} entities are named {name!r} ({which}); give the IRI of one"
        )
    by_alias = sorted(
        str(n)
        for n, d in graph.nodes(data=True)
        if any(_key(alias) == wanted for alias in d.get("aliases", ()))
    )
    if len(by_alias) == 1:
        return by_alias[0]
    if by_alias:
        labels = ", ".join(str(graph.nodes[n].get("label")) for n in by_alias[:5])
        raise AmbiguousEntity(
            f"{name!r} is another name of {len(by_alias)} entities ({labels}); give one's full name"
        )
    names = {str(d.get("label")) for _, d in graph.nodes(data=True)}
    names.update(str(a) for _, d in graph.nodes(data=True) for a in d.get("aliases", ()))
    near = nearest_names(name, names)
    hint = f"; nearest: {', '.join(near)}" if near else ""
    raise UnknownEntity(f"no entity is named {name!r}{hint}")


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

    Raises:
        UnknownEntity, AmbiguousEntity: as :func:`find_node` does, for either end.
        SameEntity: both ends name one entity.
        NoPath: no chain of facts links the two.
    """
    start, end = find_node(graph, source), find_node(graph, target)
    if start == end:
        label = graph.nodes[start].get("label", start)
        raise SameEntity(
            f"{source!r} and {target!r} are names of one entity, {label} ({start}): "
            "there is no chain of facts to find; give two entities"
        )
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
