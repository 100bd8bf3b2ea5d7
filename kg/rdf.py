"""Entities and relations -> RDF, with provenance.

For each article kg writes:

- the article (``kg:NewsArticle``) with its title, date and URL, and
  ``kg:mentions`` to every entity it names;
- each entity with one ``rdfs:label``, ``skos:altLabel`` for its other names, and its class;
- each relation as a plain triple ``S P O`` plus one ``kg:Assertion`` node per
  piece of evidence: ``rdf:subject/predicate/object``, ``kg:inSentence``,
  ``kg:startChar``/``kg:endChar``, ``kg:rule``, ``kg:confidence``, ``kg:title``
  and ``prov:wasDerivedFrom`` the article;
- each mention as a node named by its offsets (:func:`mention_iri`) with ``kg:denotes``,
  its text and its article, and as much more as the provenance level asks
  (:data:`PROVENANCE_LEVELS`);
- the sentences that evidence cites, with their text and offsets.

All IRIs are derived from the article key and the names, so the same input
always gives the same graph.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

from rdflib import OWL, PROV, RDF, RDFS, SDO, SKOS, XSD, Graph, Literal, URIRef
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.term import Node, _is_valid_uri

from kg.errors import UsageError
from kg.lexicon import Lexicon
from kg.ntriples import nt, nt_text
from kg.resolve import ANTECEDENT_RULE, TITLE_REFERENCE_RULE, slug
from kg.types import (
    DEFAULT_PROVENANCE,
    NER_CONFIDENCE,
    NER_RULE,
    PROVENANCE_LEVELS,
    SAME_NAME,
    Article,
    Evidence,
    Extraction,
    GraphDiff,
)
from kg.vocab import ID, KG

PREFIXES = {"kg": KG._NS, "id": ID, "schema": SDO, "prov": PROV, "skos": SKOS}

#: How much evidence an article graph keeps (``kg build --provenance``, levels from
#: :data:`kg.types.PROVENANCE_LEVELS`):
#: ``full`` states everything about every mention and every sentence a mention is in;
#: ``mentions`` (the default) states each mention's entity, text and article, with its
#: offsets in its IRI and its rule, confidence and resolution only where they differ
#: from :data:`MENTION_RULE`, :data:`MENTION_CONFIDENCE` and :data:`MENTION_RESOLUTION`;
#: ``facts`` keeps no mention nodes, only ``kg:mentions`` from the article to each
#: entity. Every level keeps every fact's whole evidence and the sentences it cites.
#: What a mention leaves unstated at the ``mentions`` level: found by the statistical
#: NER at its confidence, joined to its entity by the same name.
MENTION_RULE, MENTION_CONFIDENCE, MENTION_RESOLUTION = NER_RULE, NER_CONFIDENCE, SAME_NAME


class _TripleSetStore(SimpleMemory):
    """rdflib's SimpleMemory, made for graphs that are mostly written then read whole.

    Adding a triple only puts it in a set; the indexes are built the first time a
    pattern needs them. An article graph is built, then written out in full,
    so its indexes are never built at all.
    """

    def __init__(self) -> None:
        super().__init__()
        self._all: set[tuple[Node, Node, Node]] = set()
        self._pending: list[tuple[Node, Node, Node]] = []

    def add(self, triple: Any, context: Any, quoted: bool = False) -> None:
        self.put(triple)

    def put(self, triple: tuple[Node, Node, Node]) -> None:
        """Add a triple of terms kg made itself (``Graph.add`` checks each term first)."""
        if triple not in self._all:
            self._all.add(triple)
            self._pending.append(triple)

    def _index(self) -> None:
        pending, self._pending = self._pending, []
        for triple in pending:
            super().add(triple, None)  # type: ignore[arg-type]

    def triples(self, triple_pattern: Any, context: Any = None) -> Any:
        if triple_pattern == (None, None, None):
            return ((t, iter(())) for t in list(self._all))
        self._index()
        return super().triples(triple_pattern, context)

    def remove(self, triple_pattern: Any, context: Any = None) -> None:
        self._index()
        for triple, _ in list(super().triples(triple_pattern, context)):
            self._all.discard(triple)
        super().remove(triple_pattern, context)

    def __len__(self, context: Any = None) -> int:
        return len(self._all)


class _LineStore(_TripleSetStore):
    """A graph's triples held as N-Triples lines (:func:`extraction_lines`); the rdflib
    terms are made by ``terms`` the first time something reads them."""

    def __init__(self, lines: set[str], terms: Callable[[], list[tuple[Node, Node, Node]]]) -> None:
        super().__init__()
        #: the lines, read by :func:`kg.store.ntriples_lines`; None once the graph changed
        self.ntriples: set[str] | None = lines
        self._terms: Callable[[], list[tuple[Node, Node, Node]]] | None = terms

    def _made(self) -> None:
        if self._terms is not None:
            terms, self._terms = self._terms, None
            for triple in terms():
                self.put(triple)

    def add(self, triple: Any, context: Any, quoted: bool = False) -> None:
        self._made()
        self.ntriples = None
        self.put(triple)

    def remove(self, triple_pattern: Any, context: Any = None) -> None:
        self._made()
        self.ntriples = None
        super().remove(triple_pattern, context)

    def triples(self, triple_pattern: Any, context: Any = None) -> Any:
        self._made()
        return super().triples(triple_pattern, context)

    def __len__(self, context: Any = None) -> int:
        return len(self.ntriples) if self.ntriples is not None else super().__len__(context)


def new_graph(prefixes: bool = True) -> Graph:
    """An empty graph with kg's prefixes, on a plain in-memory store (no events, no
    contexts, indexes built only when a pattern needs them: a fraction of the cost
    per triple of rdflib's default store)."""
    graph = Graph(store=_TripleSetStore())
    for prefix, ns in PREFIXES.items() if prefixes else ():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph


def article_iri(article: Article) -> URIRef:
    return ID[f"article/{slug(article.key)}"]


def mention_iri(article: str, start: int, end: int) -> str:
    """The IRI of the name at ``start:end`` of an article's text: the article's IRI with
    an RFC 5147 fragment, as NIF 2.0 names strings, so the offsets are in the IRI.

    >>> mention_iri("https://kg.example.org/id/article/a", 12, 22)
    'https://kg.example.org/id/article/a#char=12,22'
    >>> mention_span(_)
    ('https://kg.example.org/id/article/a', 12, 22)
    """
    return f"{article}#char={start},{end}"


def mention_span(iri: str) -> tuple[str, int, int]:
    """The article IRI and the offsets a mention's IRI holds (:func:`mention_iri`)."""
    article, _, span = str(iri).partition("#char=")
    start, _, end = span.partition(",")
    if not (start.isdigit() and end.isdigit()):
        raise ValueError(f"not a mention IRI: {iri}")
    return article, int(start), int(end)


def check_provenance(level: str) -> None:
    """Refuse a provenance level kg does not know."""
    if level not in PROVENANCE_LEVELS:
        raise UsageError(
            f"unknown provenance level {level!r}; choose one of {', '.join(PROVENANCE_LEVELS)}"
        )


def entity_iri(key: str) -> URIRef:
    return ID[key]


def entity_key(iri: object) -> str | None:
    """The key an entity's IRI was made from (:func:`entity_iri`), or None for another IRI.

    >>> entity_key("https://kg.example.org/id/person/sam-altman"), entity_key("https://x.org/a")
    ('person/sam-altman', None)
    """
    text = str(iri)
    return text[len(ID) :] if text.startswith(ID) else None


def assertion_iri(
    article: object, subject: str, prop: object, object_id: str, start: int, end: int, rule: str
) -> str:
    """The IRI of a fact's assertion in an article's graph: it names the fact (its
    subject's key, the property's IRI, the object's key or value) and its evidence
    (offsets, rule), so the same fact found the same way is the same node."""
    digest = hashlib.sha1(f"{subject}|{prop}|{object_id}|{start}|{end}|{rule}".encode())
    return f"{article}/a{digest.hexdigest()[:16]}"


# Terms used for every mention and assertion, looked up once (a DefinedNamespace
# attribute lookup costs more than the triple it goes into).
_TYPE, _LABEL = RDF.type, RDFS.label
_SUBJECT, _PREDICATE, _OBJECT = RDF.subject, RDF.predicate, RDF.object
_MENTION, _ASSERTION, _SENTENCE = KG.Mention, KG.Assertion, KG.Sentence
_DENOTES, _TEXT, _START, _END = KG.denotes, KG.text, KG.startChar, KG.endChar
_IN_SENTENCE, _IN_ARTICLE, _RULE, _CONFIDENCE = KG.inSentence, KG.inArticle, KG.rule, KG.confidence
_NER, _RESOLUTION, _MENTIONS, _INDEX = KG.nerLabel, KG.resolution, KG.mentions, KG.sentenceIndex
_DERIVED = PROV.wasDerivedFrom


@lru_cache(maxsize=4096)
def _name(value: str) -> Literal:
    """A plain literal for the few strings every article repeats (rule names, labels)."""
    return Literal(value)


@lru_cache(maxsize=1024)
def _confidence(value: float) -> Literal:
    # the canonical lexical form ("0.9", not "0.90"), which stores such as Oxigraph keep
    return Literal(str(Decimal(f"{value:.2f}").normalize()), datatype=XSD.decimal)


@lru_cache(maxsize=65536)
def _int(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def _terms(lexicon: Lexicon | None) -> Callable[[str], URIRef]:
    """Local name -> IRI: the lexicon's (kg's terms and its extensions'), else kg's own."""
    if lexicon is not None:
        return lexicon.iri
    return lambda name: KG[name]


# -- term makers: the same triples as rdflib terms or as N-Triples text -------------
#
# The emitters below say which triples an article makes once, and take a term maker:
# rdflib terms for graphs that are serialised or queried in memory, or each term's
# N-Triples text (what kg.ntriples.nt writes for it) for graphs that go straight
# into a store, which needs nothing but that text.


class _RdfTerms:
    """Makes rdflib terms."""

    iri = URIRef
    text = Literal
    name = staticmethod(_name)
    integer = staticmethod(_int)
    confidence = staticmethod(_confidence)

    @staticmethod
    def const(term: URIRef) -> URIRef:
        return term

    @staticmethod
    def typed(value: str, datatype: URIRef) -> Literal:
        return Literal(value, datatype=datatype)


#: Characters N-Triples escapes in a plain literal.
_ESCAPED = re.compile(r'["\\\n\r]')


def _n3_iri(value: str) -> str:
    # rdflib's own n3() for an IRI it cannot write, so the error is the same
    return f"<{value}>" if _is_valid_uri(value) else URIRef(value).n3()


def _n3_text(value: str) -> str:
    return f'"{value}"' if _ESCAPED.search(value) is None else nt_text(value)


def _cached_n3(make: Callable[[Any], Node], size: int) -> Any:
    """A term maker's N-Triples text, remembered for the few values every article repeats."""
    return staticmethod(lru_cache(maxsize=size)(lambda value: nt(make(value))))


class _N3Terms:
    """Makes each term's N-Triples text, as :func:`kg.ntriples.nt` writes it."""

    iri = staticmethod(_n3_iri)
    text = staticmethod(_n3_text)
    name = _cached_n3(_name, 4096)
    integer = _cached_n3(_int, 65536)
    confidence = _cached_n3(_confidence, 1024)
    const = _cached_n3(lambda term: term, 4096)

    @staticmethod
    def typed(value: str, datatype: URIRef) -> str:
        return nt(Literal(value, datatype=datatype))


Terms = Any  # _RdfTerms or _N3Terms (mypy cannot name "either class" as a protocol here)
Add = Callable[[Any, Any, Any], object]


def _graph_adder(graph: Graph) -> Add:
    store = graph.store
    if isinstance(store, _TripleSetStore):
        put = store.put
        return lambda s, p, o: put((s, p, o))
    return lambda s, p, o: graph.add((s, p, o))


def _emit_entities(extraction: Extraction, f: Terms, add: Add, lexicon: Lexicon | None) -> None:
    term = _terms(lexicon)
    a, label, alt_label, same_as = map(f.const, (RDF.type, RDFS.label, SKOS.altLabel, OWL.sameAs))
    for entity in extraction.entities:
        node = f.iri(entity_iri(entity.key))
        add(node, a, f.const(term(entity.cls)))
        add(node, label, f.text(entity.label))
        for alt in entity.alt_labels:
            add(node, alt_label, f.text(alt))
        for other in entity.same_as:
            add(node, same_as, f.iri(other))


def entity_graph(
    extraction: Extraction, graph: Graph | None = None, lexicon: Lexicon | None = None
) -> Graph:
    """What an article says each of its entities is: class, label, other names, Wikidata.

    Stores keep these in one shared graph (:data:`ENTITIES`), so an entity that a
    thousand articles name is described once, not a thousand times.
    """
    graph = new_graph() if graph is None else graph
    _emit_entities(extraction, _RdfTerms, _graph_adder(graph), lexicon)
    return graph


def extraction_graph(
    extraction: Extraction,
    graph: Graph | None = None,
    entities: bool = True,
    lexicon: Lexicon | None = None,
    provenance: str = DEFAULT_PROVENANCE,
) -> Graph:
    """The RDF graph of one article's extraction.

    Args:
        extraction: what the resolver produced for the article.
        graph: where to add the triples (a dataset's named graph); a new graph if None.
        entities: include the entities' descriptions (:func:`entity_graph`); stores
            keep those in a graph of their own.
        lexicon: where the IRIs of classes and properties an extension adds come from.
        provenance: how much of the evidence to keep, one of :data:`PROVENANCE_LEVELS`.

    Returns:
        The graph, whose IRIs depend only on the input.
    """
    check_provenance(provenance)
    graph = new_graph() if graph is None else graph
    add = _graph_adder(graph)
    if entities:
        _emit_entities(extraction, _RdfTerms, add, lexicon)
    _emit_article(extraction, _RdfTerms, add, lexicon, provenance)
    return graph


def extraction_lines(
    extraction: Extraction, lexicon: Lexicon | None = None, provenance: str = DEFAULT_PROVENANCE
) -> Graph:
    """``extraction_graph(extraction, entities=False, ...)`` as a graph that
    holds its triples as N-Triples text and makes rdflib terms only when it is read
    triple by triple: a store writes that text, at a fraction of the cost of making
    the terms and writing each of them out again."""
    check_provenance(provenance)
    lines: set[str] = set()
    keep = lines.add
    _emit_article(extraction, _N3Terms, lambda s, p, o: keep(f"{s} {p} {o} ."), lexicon, provenance)

    def terms() -> list[tuple[Node, Node, Node]]:
        made: list[tuple[Node, Node, Node]] = []
        _emit_article(
            extraction, _RdfTerms, lambda s, p, o: made.append((s, p, o)), lexicon, provenance
        )
        return made

    return Graph(store=_LineStore(lines, terms))


def _emit_article(
    extraction: Extraction, f: Terms, add: Add, lexicon: Lexicon | None, provenance: str
) -> None:
    article = extraction.article
    doc_iri = article_iri(article)
    doc = f.iri(doc_iri)
    c = f.const
    a, label, mention_cls, assertion_cls = map(c, (_TYPE, _LABEL, _MENTION, _ASSERTION))
    add(doc, a, c(KG.NewsArticle))
    add(doc, label, f.text(article.title or article.key))
    add(doc, c(SDO.identifier), f.text(article.key))  # the key its IRI is a slug of
    if article.title:
        add(doc, c(SDO.headline), f.text(article.title))
    if article.date:
        add(doc, c(SDO.datePublished), f.typed(article.date, XSD.date))
    if article.url:
        add(doc, c(SDO.url), f.typed(article.url, XSD.anyURI))
    if article.digest:
        add(doc, c(KG.sourceHash), f.text(article.digest))

    sentence_cls = c(_SENTENCE)
    denotes, text, start, end = map(c, (_DENOTES, _TEXT, _START, _END))
    in_sentence, in_article, rule, confidence = map(
        c, (_IN_SENTENCE, _IN_ARTICLE, _RULE, _CONFIDENCE)
    )
    ner, resolution, mentions, index = map(c, (_NER, _RESOLUTION, _MENTIONS, _INDEX))
    subject_p, predicate_p, object_p, derived = map(c, (_SUBJECT, _PREDICATE, _OBJECT, _DERIVED))
    used_sentences: dict[int, Any] = {}

    def sentence(i: int) -> Any:
        node = used_sentences.get(i)
        if node is None:
            node = used_sentences[i] = f.iri(f"{doc_iri}/s{i}")
        return node

    term = _terms(lexicon)
    full = provenance == "full"
    for entity in extraction.entities:
        node = f.iri(entity_iri(entity.key))
        add(doc, mentions, node)
        if provenance == "facts":
            continue
        for m in entity.mentions:
            mnode = f.iri(mention_iri(doc_iri, m.start, m.end))
            add(mnode, denotes, node)
            add(mnode, text, f.text(m.text))
            add(mnode, in_article, doc)
            if full or m.rule != MENTION_RULE:
                add(mnode, rule, f.name(m.rule))
            if full or m.confidence != MENTION_CONFIDENCE:
                add(mnode, confidence, f.confidence(m.confidence))
            if full or m.resolution != MENTION_RESOLUTION:
                add(mnode, resolution, f.name(m.resolution))
            if full:
                add(mnode, a, mention_cls)
                add(mnode, start, f.integer(m.start))
                add(mnode, end, f.integer(m.end))
                add(mnode, in_sentence, sentence(m.sentence))
                if m.ner_label:
                    add(mnode, ner, f.name(m.ner_label))

    facts: list[tuple[str, URIRef, Any, str, Evidence]] = [
        (r.subject, term(r.prop), f.iri(entity_iri(r.object)), r.object, r.evidence)
        for r in extraction.relations
    ]
    facts += [
        (a_.subject, term(a_.prop), f.typed(a_.value, XSD[a_.datatype]), a_.value, a_.evidence)
        for a_ in extraction.attributes
    ]
    for subject, prop, o, object_id, ev in facts:
        s = f.iri(entity_iri(subject))
        p = c(prop)
        add(s, p, o)
        anode = f.iri(assertion_iri(doc_iri, subject, prop, object_id, ev.start, ev.end, ev.rule))
        add(anode, a, assertion_cls)
        add(anode, subject_p, s)
        add(anode, predicate_p, p)
        add(anode, object_p, o)
        add(anode, in_sentence, sentence(ev.sentence))
        add(anode, start, f.integer(ev.start))
        add(anode, end, f.integer(ev.end))
        add(anode, rule, f.name(ev.rule))
        add(anode, confidence, f.confidence(ev.confidence))
        add(anode, derived, doc)
        if ev.title:
            add(anode, c(KG.title), f.text(ev.title))
        if ev.source:
            add(anode, c(PROV.wasAttributedTo), f.iri(entity_iri(ev.source)))
        if ev.modality:
            add(anode, c(KG.modality), f.name(ev.modality))

    for sent in extraction.sentences:
        if sent.index not in used_sentences:
            continue
        snode = used_sentences[sent.index]
        add(snode, a, sentence_cls)
        add(snode, in_article, doc)
        add(snode, index, f.integer(sent.index))
        add(snode, text, f.text(sent.text.strip()))
        add(snode, start, f.integer(sent.start))
        add(snode, end, f.integer(sent.end))


# -- diffs for a reader -----------------------------------------------------------
#
# A graph's diff as triples is noise to a reader: a mention's IRI and an assertion's
# hold offsets, so one word changed early in an article "changes" every mention and
# fact after it. What changed for a reader is facts, entities, their names and the
# evidence for them, with mentions matched by their entity and text, not their place.

#: What a reader's diff leaves out: where things are (offsets, a sentence's number)
#: and the article's hash, which change whenever anything does.
_PLACES = frozenset({KG.startChar, KG.endChar, KG.sentenceIndex, KG.sourceHash})
#: How an entity is described (in the entities graph): the subject stays an IRI.
_DESCRIPTIONS: dict[Node, str] = {
    RDF.type: "a",
    RDFS.label: "label",
    SKOS.altLabel: "altLabel",
    OWL.sameAs: "sameAs",
}


#: A sentence's IRI (the article's, then "/s" and its number: see :func:`_emit_article`).
_SENTENCE_IRI = re.compile(re.escape(str(ID)) + r"article/[^#]+/s[0-9]+$")


def _local(term: Node) -> str:
    """A property's or class's local name ("ceoOf" of kg:ceoOf)."""
    text = str(term)
    return re.split(r"[#/]", text)[-1] or text


def _parse_lines(lines: Iterable[str]) -> Graph:
    graph = Graph()
    text = "\n".join(lines)
    if text:
        graph.parse(data=text, format="nt")
    return graph


class _Reader:
    """Says what the triples on one side of a diff are, one statement per thing a reader
    knows: a fact, an entity's class or name, a mention, a piece of evidence, a
    sentence. Each statement is a key (what it matches on) and what is shown."""

    def __init__(self, graph: Graph, labels: dict[Node, str]) -> None:
        self.graph = graph
        self.labels = labels

    def name(self, term: Node) -> str:
        if isinstance(term, Literal):
            return nt_text(str(term))
        if term in self.labels:
            return self.labels[term]
        key = entity_key(term)
        return key if key is not None else f"<{term}>"

    def sentence(self, node: Node | None) -> str:
        """Where a mention or evidence is: its sentence's text, if this side has it."""
        text = self.graph.value(node, KG.text) if node is not None else None
        return f" in {nt_text(str(text))}" if text is not None else ""

    def statements(self) -> Iterator[tuple[str, str]]:
        g = self.graph
        for s in sorted(set(g.subjects()), key=str):
            if "#char=" in str(s) and (described := self._mention(s)) is not None:
                yield described
            elif (evidence := self._evidence(s)) is not None:
                yield evidence
            elif _SENTENCE_IRI.match(str(s)) and g.value(s, KG.text) is not None:
                text = nt_text(str(g.value(s, KG.text)).strip())
                yield f"sentence {text}", f"sentence {text}"
            else:
                for p, o in sorted(g.predicate_objects(s), key=str):
                    if p in _PLACES:
                        continue
                    if "#char=" in str(s):
                        # a mention whose name stayed, at the same place, and whose
                        # entity or resolution changed ("Altman" now Sam Altman)
                        _, start, end = mention_span(str(s))
                        line = f"mention at {start}-{end}: {_local(p)} {self.name(o)}"
                        yield line, line
                    else:
                        yield self._triple(s, p, o)

    def _triple(self, s: Node, p: Node, o: Node) -> tuple[str, str]:
        if p in _DESCRIPTIONS and entity_key(s) is not None:
            shown = _local(o) if p == RDF.type else self.name(o)
            line = f"<{s}> {_DESCRIPTIONS[p]} {shown}"
        elif p == KG.mentions:
            line = f"names {self.name(o)} <{o}>"
        elif entity_key(s) is not None and not str(entity_key(s)).startswith("article/"):
            line = f"fact: {self.name(s)} -{_local(p)}-> {self.name(o)}"
        elif p == KG.text:
            line = f"<{s}> text {nt_text(str(o))}"
        else:
            line = f"<{s}> {_local(p)} {self.name(o)}"
        return line, line

    def _mention(self, node: Node) -> tuple[str, str] | None:
        g = self.graph
        entity, text = g.value(node, KG.denotes), g.value(node, KG.text)
        if entity is None or text is None:
            return None
        how = "".join(
            f" {_local(p)} {value}"
            for p in (KG.rule, KG.resolution, KG.confidence, KG.nerLabel)
            if (value := g.value(node, p)) is not None
        )
        key = f"mention {nt_text(str(text))} of {self.name(entity)}{how}"
        return key, key + self.sentence(g.value(node, KG.inSentence))

    def _evidence(self, node: Node) -> tuple[str, str] | None:
        g = self.graph
        s, p, o = (g.value(node, x) for x in (RDF.subject, RDF.predicate, RDF.object))
        if s is None or p is None or o is None:
            return None
        how = "".join(
            f" {_local(q)} {self.name(value)}"
            for q in (KG.rule, KG.confidence, KG.title, PROV.wasAttributedTo, KG.modality)
            if (value := g.value(node, q)) is not None
        )
        key = f"evidence for {self.name(s)} -{_local(p)}-> {self.name(o)}:{how}"
        return key, key + self.sentence(g.value(node, KG.inSentence))


def readable_diffs(diffs: Sequence[GraphDiff]) -> list[GraphDiff]:
    """What each diff changed, said for a reader (``kg build --diff``): one line for
    each fact, entity class or name, mention, piece of evidence or sentence text that
    was added or removed, with entities by their labels. Mentions and evidence are
    matched by what they are (entity and text; fact, rule and the rest), not by their
    offsets, so a word changed early in an article is one change, not one for every
    name after it; a sentence whose text changed is one line each way.

    >>> def mention(span):
    ...     node = f"<{ID}article/a#char={span}>"
    ...     entity = f"{node} <{KG.denotes}> <{ID}person/sam-altman> ."
    ...     return entity, f'{node} <{KG.text}> "Altman" .'
    >>> before, after = mention("10,16"), mention("25,31")  # moved by an edit before it
    >>> readable_diffs([GraphDiff("a", after, before)])
    [GraphDiff(graph='a', added=(), removed=())]
    """
    sides = [(d, _parse_lines(d.removed), _parse_lines(d.added)) for d in diffs]
    # the entities' labels, from any graph's diff; else the longest name that denotes
    # them (not "the company" or "the Home Secretary" standing for one); else the key
    labels: dict[Node, str] = {}
    named: dict[Node, str] = {}
    for _, before, after in sides:
        for graph in (before, after):
            for entity, label in graph.subject_objects(RDFS.label):
                if entity_key(entity) is not None:
                    labels.setdefault(entity, str(label))
            for mention, entity in graph.subject_objects(KG.denotes):
                text = graph.value(mention, KG.text)
                rule = str(graph.value(mention, KG.rule))
                if text is not None and rule not in (ANTECEDENT_RULE, TITLE_REFERENCE_RULE):
                    if len(str(text)) > len(named.get(entity, "")):
                        named[entity] = str(text)
    labels = {**named, **labels}
    readable = []
    for diff, before, after in sides:
        old = list(_Reader(before, labels).statements())
        new = list(_Reader(after, labels).statements())
        gone = Counter(k for k, _ in old) - Counter(k for k, _ in new)
        came = Counter(k for k, _ in new) - Counter(k for k, _ in old)
        readable.append(GraphDiff(diff.graph, _shown(new, came), _shown(old, gone)))
    return readable


def _shown(statements: list[tuple[str, str]], left: Counter[str]) -> tuple[str, ...]:
    """What is shown of the statements whose keys are ``left`` (as often as counted);
    a sentence that evidence shown cites is said there, not twice."""
    shown = []
    for key, line in statements:
        if left[key] > 0:
            left[key] -= 1
            shown.append(line)
    evidence = [line for line in shown if line.startswith("evidence ")]
    return tuple(
        sorted(
            line
            for line in shown
            if not line.startswith("sentence ")
            or not any(e.endswith(" in " + line.removeprefix("sentence ")) for e in evidence)
        )
    )
