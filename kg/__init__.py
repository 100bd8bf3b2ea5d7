"""kg: build RDF knowledge graphs of people, companies, products and events from news text.

The public API; heavy modules (spaCy, rdflib) load on first use, not at import.

>>> import kg
>>> kg.__version__
'0.1.0'
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from kg.errors import KGError

__version__ = "0.1.0"

_LAZY = {
    "KnowledgeGraph": "kg.graph",
    "Pipeline": "kg.pipeline",
    "read_article": "kg.sources",
    "read_articles": "kg.sources",
    "load": "kg.store",
    "save": "kg.store",
    "run_query": "kg.query",
    "find_query": "kg.query",
    "KG": "kg.vocab",
    "entity_patterns": "kg.extract.patterns",
    "relation_patterns": "kg.extract.patterns",
    "load_lexicon": "kg.lexicon",
}

__all__ = [
    "KG",
    "KGError",
    "KnowledgeGraph",
    "Pipeline",
    "__version__",
    "entity_patterns",
    "find_query",
    "load",
    "load_lexicon",
    "read_article",
    "read_articles",
    "relation_patterns",
    "run_query",
    "save",
]

if TYPE_CHECKING:  # pragma: no cover
    from kg.extract.patterns import entity_patterns, relation_patterns
    from kg.graph import KnowledgeGraph
    from kg.lexicon import load_lexicon
    from kg.pipeline import Pipeline
    from kg.query import find_query, run_query
    from kg.sources import read_article, read_articles
    from kg.store import load, save
    from kg.vocab import KG


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
