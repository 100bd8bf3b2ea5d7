"""Graph analysis with networkx: RDF -> a typed MultiDiGraph, then pure functions.

>>> from kg.analysis import to_networkx  # doctest: +SKIP
>>> g = to_networkx(store)  # doctest: +SKIP

One topic per module: :mod:`kg.analysis.graph` (building the graph),
:mod:`kg.analysis.centrality`, :mod:`kg.analysis.communities`,
:mod:`kg.analysis.paths`.
"""

from kg.analysis.centrality import centrality
from kg.analysis.communities import communities, components, core_numbers
from kg.analysis.graph import to_networkx
from kg.analysis.paths import (
    AmbiguousEntity,
    NoPath,
    SameEntity,
    UnknownEntity,
    find_node,
    shortest_chain,
)

__all__ = [
    "AmbiguousEntity",
    "NoPath",
    "SameEntity",
    "UnknownEntity",
    "centrality",
    "communities",
    "components",
    "core_numbers",
    "find_node",
    "shortest_chain",
    "to_networkx",
]
