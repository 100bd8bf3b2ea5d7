"""Groups: Louvain communities, connected components, k-cores."""

from __future__ import annotations

import networkx as nx

__all__ = ["communities", "components", "core_numbers"]


def communities(graph: nx.MultiDiGraph, seed: int = 7) -> list[set[str]]:
    """Louvain communities of the undirected graph, largest first (deterministic by ``seed``).

    >>> g = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("x", "y")])
    >>> [sorted(c) for c in communities(g)]
    [['a', 'b', 'c'], ['x', 'y']]
    """
    if graph.number_of_nodes() == 0:
        return []
    found = nx.community.louvain_communities(nx.Graph(graph.to_undirected()), seed=seed)
    return sorted((set(c) for c in found), key=lambda c: (-len(c), sorted(c)))


def components(graph: nx.MultiDiGraph) -> list[set[str]]:
    """Weakly connected components, largest first."""
    return sorted(
        (set(c) for c in nx.weakly_connected_components(graph)), key=lambda c: (-len(c), sorted(c))
    )


def core_numbers(graph: nx.MultiDiGraph) -> dict[str, int]:
    """Each node's k-core number on the simple undirected graph (self-loops dropped)."""
    simple = nx.Graph(graph.to_undirected())
    simple.remove_edges_from(nx.selfloop_edges(simple))
    return dict(nx.core_number(simple))
