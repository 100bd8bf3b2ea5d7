"""``KnowledgeGraph``: one thin object over the pipeline, a store, queries, analysis and views.

It builds by composition and delegates to the modules that do the work, so
everything it does can also be done with them directly.

>>> from kg import KnowledgeGraph
>>> kg = KnowledgeGraph()  # an in-memory store; nothing is loaded yet
>>> kg.articles()
[]
>>> [diff] = kg.add_text("Sam Altman, OpenAI's CEO, met studio executives.", key="demo")
>>> diff.graph, len(diff.added) > 0, diff.removed
('https://kg.example.org/id/article/demo', True, ())
>>> [str(v) for v in kg.query("leaders").rows[0][:3]]
['Sam Altman', 'ceoOf', 'OpenAI']
>>> kg.networkx().number_of_nodes()
2
>>> kg.remove("https://kg.example.org/id/article/demo").graph
'https://kg.example.org/id/article/demo'
>>> kg.articles()
[]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import networkx as nx
from rdflib.term import Identifier, Literal

from kg.errors import UsageError
from kg.store import Store, open_store
from kg.store.files import QUARANTINE_SUFFIX
from kg.types import GraphDiff, QueryResult

__all__ = ["KnowledgeGraph"]


class KnowledgeGraph:
    """A knowledge graph in a store, with the pipeline that fills it.

    Args:
        store: a store URL (``memory:``, a directory for Oxigraph, ``http://...``)
            or an open :class:`~kg.store.Store`.
        model: spaCy model name; loaded on the first build, not before.
        ontology: extra Turtle files extending the ontology, lexicon or knowledge base.
    """

    def __init__(
        self,
        store: str | Store = "memory:",
        model: str | None = None,
        ontology: Sequence[str | Path] = (),
    ) -> None:
        self.store = open_store(store) if isinstance(store, str) else store
        self._model = model
        self._ontology = tuple(ontology)
        self._pipeline: Any = None

    @property
    def pipeline(self) -> Any:
        """The :class:`~kg.pipeline.Pipeline`, loaded on first use."""
        if self._pipeline is None:
            from kg.pipeline import Pipeline

            self._pipeline = Pipeline(model=self._model, ontology=self._ontology)
        return self._pipeline

    def add_files(self, paths: Iterable[str | Path]) -> list[GraphDiff]:
        """Read article files or directories and write each article's graph."""
        from kg.sources import read_articles

        return self.pipeline.build_into(self.store, list(read_articles(paths)))

    def add_text(self, text: str, key: str) -> list[GraphDiff]:
        """Add one article given as a string; ``key`` names it (its IRI ends in it)."""
        from kg.sources import parse_article

        return self.pipeline.build_into(self.store, [parse_article(text, key=key, source=key)])

    def remove(self, article_iri: str) -> GraphDiff:
        """Retract one article, then forget entities no article mentions any more.

        Raises:
            UsageError: the store holds no article by that IRI (the shared graph of
                entity descriptions is not an article).
        """
        if article_iri not in self.store.article_keys():
            raise UsageError(f"no article {article_iri} in {self.store.url}")
        diff = self.store.remove_graph(article_iri)
        self.store.remove_graph(f"{article_iri}{QUARANTINE_SUFFIX}")
        self.store.collect_garbage()
        return diff

    def articles(self) -> list[str]:
        """The IRIs of the article graphs held."""
        return [
            g
            for g in self.store.article_graphs()
            if "/article/" in g and not g.endswith(QUARANTINE_SUFFIX)
        ]

    def query(self, query: str, **params: str | Identifier) -> QueryResult:
        """Run a shipped query by name (``"leaders"``) or a .rq file, or SPARQL text
        (anything with a ``{``); keyword arguments are bound parameters."""
        from kg.query import find_query, run_query

        text, source = (query, "query") if "{" in query else find_query(query)
        bound = {k: v if isinstance(v, Identifier) else Literal(v) for k, v in params.items()}
        return run_query(self.store, text, bound, source)

    def networkx(self) -> nx.MultiDiGraph:
        """The entities and facts as a typed networkx graph (:func:`kg.analysis.to_networkx`)."""
        from kg.analysis import to_networkx

        return to_networkx(self.store)

    def view(self, path: str | Path, **options: Any) -> Path:
        """Write the HTML view; options as :class:`kg.view.ViewOptions` (``articles=True``:
        who appears with whom, see :func:`kg.view.articles_graph`)."""
        from kg.store import atomic_write
        from kg.view import ViewOptions, articles_graph, render

        graph = articles_graph(self.store) if options.get("articles") else self.networkx()
        atomic_write(path, render(graph, ViewOptions(**options)).encode("utf-8"))
        return Path(path)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
