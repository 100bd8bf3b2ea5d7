"""Frozen records passed from one stage of the pipeline to the next.

Offsets are character offsets into the decoded article text, so every record can
be traced back to the exact place it came from without keeping the spaCy Doc.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from rdflib import Graph
    from rdflib.term import Node


@dataclass(frozen=True)
class Article:
    """One input document: the decoded text and what its front matter says.

    ``body_start`` is where the text after the front matter begins; the Doc is
    made from ``text[body_start:]`` and offsets are shifted back by it.
    """

    key: str
    text: str
    source: str
    body_start: int = 0
    title: str | None = None
    date: str | None = None
    url: str | None = None
    #: what the article and the build settings hash to (``kg:sourceHash``), if known
    digest: str | None = None

    @property
    def body(self) -> str:
        return self.text[self.body_start :]


#: How much evidence an article graph keeps (``kg build --provenance``; :mod:`kg.rdf`).
PROVENANCE_LEVELS = ("full", "mentions", "facts")
DEFAULT_PROVENANCE = "mentions"
#: The rule that finds most names (spaCy's statistical NER) and the confidence it gives them.
NER_RULE, NER_CONFIDENCE = "kg.mentions.ner.v1", 0.85
#: The rule that finds a place named inside another name ("Volgograd" in "Volgograd Arena").
NESTED_PLACE_RULE = "kg.mentions.nested_places.v1"
#: The learned typer's type rule (:mod:`kg.extract.typer`); where it runs, its votes
#: stand in for the NER label's.
LEARNED_TYPES_RULE = "kg.types.learned.v1"
#: ``Doc.user_data`` key: the cues the type rules have found so far, while they run.
RULE_CUES = "kg_rule_cues"
#: The resolution of a mention joined to its entity by its very name.
SAME_NAME = "kg.resolve.same_name.v1"


@dataclass(frozen=True)
class Mention:
    """A name in the text: where it is and who found it."""

    start: int
    end: int
    text: str
    sentence: int
    rule: str
    confidence: float
    ner_label: str | None = None
    #: the resolution rule that joined this mention to its entity; undo a merge by
    #: moving the mentions it joined to an entity of their own
    resolution: str = SAME_NAME


@dataclass(frozen=True)
class TypeCue:
    """Evidence that the name at ``start:end`` is an instance of ``cls`` (a class's local name)."""

    start: int
    end: int
    cls: str
    rule: str
    weight: float


#: :class:`Arg` kind: the start of a longer name that is another entity's own name.
MAKER_NAME = "maker-name"


@dataclass(frozen=True)
class Arg:
    """One end of a candidate relation: a name, or a pronoun or description to resolve.

    ``start:end`` is the head token's span. ``kind`` is ``"name"`` when a mention
    covers the token, ``"pronoun"`` or ``"description"`` when the resolver must
    find the antecedent, ``"date"`` for a date expression, ``"maker-name"`` for the
    start of a longer name that is another entity's name ("Google" of "Google
    Maps": the resolver finds the entity that has the name ``text``); ``cls`` is the
    class a description names, if any.
    """

    start: int
    end: int
    text: str
    kind: str = "name"
    cls: str | None = None


@dataclass(frozen=True)
class Candidate:
    """A relation as a rule saw it in one sentence, before its ends are resolved."""

    subject: Arg
    prop: str
    object: Arg
    rule: str
    confidence: float
    sentence: int
    start: int
    end: int
    title: str | None = None
    source: Arg | None = None
    modality: str | None = None


@dataclass(frozen=True)
class Evidence:
    """Where a fact or a mention comes from."""

    sentence: int
    start: int
    end: int
    rule: str
    confidence: float
    title: str | None = None
    #: key of the entity the text attributes the fact to ("according to Reuters")
    source: str | None = None
    #: "reported" (attributed to a source) or "planned" (not yet happened)
    modality: str | None = None


@dataclass(frozen=True)
class Entity:
    """A resolved entity of one article: its IRI key, class and names."""

    key: str
    cls: str
    label: str
    alt_labels: tuple[str, ...] = ()
    mentions: tuple[Mention, ...] = ()
    #: IRIs of the same thing elsewhere (Wikidata), from the knowledge base
    same_as: tuple[str, ...] = ()
    #: how strongly the article's evidence supports ``cls`` (the winning vote)
    weight: float = 0.0


@dataclass(frozen=True)
class Relation:
    """A resolved fact between two entities (by key) with its evidence."""

    subject: str
    prop: str
    object: str
    evidence: Evidence


@dataclass(frozen=True)
class Attribute:
    """A resolved data value of an entity (an event's date) with its evidence."""

    subject: str
    prop: str
    value: str
    datatype: str
    evidence: Evidence


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Extraction:
    """Everything kg learnt from one article, ready to become RDF."""

    article: Article
    sentences: tuple[Sentence, ...]
    entities: tuple[Entity, ...]
    relations: tuple[Relation, ...]
    merges: tuple[tuple[str, str, str], ...] = field(default=())
    attributes: tuple[Attribute, ...] = field(default=())


@dataclass(frozen=True)
class QueryResult:
    """A query's answer, the same from every store: rows of rdflib terms for SELECT,
    a boolean for ASK, a graph for CONSTRUCT and DESCRIBE."""

    kind: str
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Node | None, ...], ...] = ()
    boolean: bool | None = None
    graph: Graph | None = None


@dataclass(frozen=True)
class GraphDiff:
    """What replacing one named graph added and removed (triples as N-Triples lines)."""

    graph: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
