"""Who matters most: degree, PageRank and betweenness centrality."""

from __future__ import annotations

import networkx as nx

__all__ = ["centrality"]


def centrality(graph: nx.MultiDiGraph, betweenness: bool = True) -> dict[str, dict[str, float]]:
    """Per node: ``degree`` (facts it takes part in), ``pagerank`` and ``betweenness``.

    PageRank runs on the directed facts; betweenness (the slow one: sampled from
    500 sources on big graphs, or skipped with ``betweenness=False``) on the
    undirected, simple projection (a second fact between a pair adds no path).

    >>> g = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("a", "b")])
    >>> c = centrality(g)
    >>> c["b"]["degree"], round(c["b"]["betweenness"], 2)
    (3, 1.0)
    """
    if graph.number_of_nodes() == 0:
        return {}
    simple = nx.Graph(graph.to_undirected())
    pagerank = (
        nx.pagerank(nx.DiGraph(graph))
        if graph.number_of_edges()
        else {n: 1 / graph.number_of_nodes() for n in graph}
    )
    between: dict[str, float] = {}
    if betweenness:
        k = min(graph.number_of_nodes(), 500)  # sampled on big graphs, exact on small ones
        between = nx.betweenness_centrality(simple, k=k if k < len(simple) else None, seed=7)
    return {
        n: {"degree": graph.degree(n), "pagerank": pagerank[n], "betweenness": between.get(n, 0.0)}
        for n in graph
    }
