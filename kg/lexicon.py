"""Load the ontology, the cue-noun lexicon and the knowledge base from ``ontology/``.

Extraction reads what it needs to know about classes and relations from these
Turtle files: which nouns mark a class, which job titles imply which relation,
each relation's domain and range, and the well-known names in the knowledge base.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, Graph, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.errors import FormatError, InputError
from kg.limits import DEFAULT_MAX_GRAPH_BYTES, read_limited
from kg.vocab import KG, SCAFFOLDING

ONTOLOGY_FILES = ("kg.ttl", "lexicon.ttl", "kb.ttl")

#: The five kinds of thing kg extracts: each class belongs to the group of the base
#: class above it, which decides its IRI path ("id/organization/...") and which
#: names may merge. Classes an extension adds join the group of their superclass.
BASE_CLASSES = {
    "Person": "person",
    "Organization": "organization",
    "Product": "product",
    "Event": "event",
    "Place": "place",
}
#: A cue that something is an organization without saying which kind ("OpenAI's CEO").
ANY_ORGANIZATION = "AnyOrganization"

#: kg's own classes and their groups (a lexicon adds those of extensions: ``Lexicon.groups``).
GROUPS = {
    **BASE_CLASSES,
    "Company": "organization",
    "NewsOrganization": "organization",
    ANY_ORGANIZATION: "organization",
}


#: The classes of entities kg extracts, in the order tables and legends list them.
ENTITY_CLASSES = (
    "Person",
    "Organization",
    "Company",
    "NewsOrganization",
    "Product",
    "Event",
    "Place",
)


def local_name(iri: object) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


#: A chief officer's title by its shape: "chief product officer", "chief people officer".
_CHIEF_OFFICER = re.compile(r"chief(?: [a-z&-]+){1,3} officer")


def _normal(name: str) -> str:
    return " ".join(name.replace("\u2019", "'").split()).casefold()


@dataclass(frozen=True)
class KBEntry:
    iri: str
    cls: str
    label: str
    names: tuple[str, ...]
    same_as: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lexicon:
    """What extraction knows from the ontology files.

    Attributes:
        cue_nouns: class local name -> nouns that mark it ("app" -> Product).
        name_heads: class local name -> last words of names that mark it ("Pictures").
        name_leads: class local name -> first words of names that mark it ("Mount").
        title_props: job title (lower case) -> relation it implies ("ceo" -> ceoOf).
        domains / ranges: relation -> the class local names it allows (empty: any).
        superclasses: class -> itself and every class above it.
        kb: normalised name -> knowledge-base entry.
        groups: entity class -> its group ("LaborUnion" -> "organization").
        entity_classes: kg's classes, then those extensions add, in legend order.
        ner_classes: spaCy NER label -> the class its entities vote for (``kg:spacyLabel``).
        iris: local name -> IRI of every class and property, kg's and extensions'.
    """

    cue_nouns: dict[str, frozenset[str]]
    name_heads: dict[str, frozenset[str]]
    title_props: dict[str, str]
    domains: dict[str, frozenset[str]]
    ranges: dict[str, frozenset[str]]
    superclasses: dict[str, frozenset[str]]
    kb: dict[str, KBEntry]
    graph: Graph
    groups: dict[str, str] = field(default_factory=lambda: dict(GROUPS))
    entity_classes: tuple[str, ...] = ENTITY_CLASSES
    ner_classes: dict[str, str] = field(default_factory=dict)
    name_leads: dict[str, frozenset[str]] = field(default_factory=dict)
    iris: dict[str, URIRef] = field(default_factory=dict)

    def prefixes(self) -> dict[str, str]:
        """Prefix -> namespace for the terms extensions add, as their Turtle files bind them."""
        spaces = {str(iri)[: -len(name)] for name, iri in self.iris.items()} - {str(KG._NS)}
        return {p: str(ns) for p, ns in self.graph.namespaces() if p and str(ns) in spaces}

    def iri(self, name: str) -> URIRef:
        """The IRI of a class or property by local name (``"LaborUnion"`` -> its IRI)."""
        found = self.iris.get(name)
        if found is not None:
            return found
        try:
            return KG[name]
        except AttributeError:
            raise KeyError(f"no class or property named {name!r} in the ontology") from None

    def group(self, cls: str | None) -> str | None:
        """The group of an entity class ("Company" -> "organization"), or None."""
        return self.groups.get(cls or "")

    def classes_in(self, group: str) -> list[str]:
        """The entity classes of one group, kg's first."""
        return [c for c in self.entity_classes if self.groups.get(c) == group]

    def name_heads_in(self, group: str) -> frozenset[str]:
        """The name heads of every class of one group ("university", "party", "inc.")."""
        return frozenset(w for cls in self.classes_in(group) for w in self.name_heads.get(cls, ()))

    def _most_specific(self, classes: Iterable[str]) -> list[str]:
        """Drop each class another of ``classes`` is a subclass of: a "union" that an
        extension's LaborUnion lists is a LaborUnion, not also a plain Organization."""
        found = set(classes)
        return sorted(c for c in found if not any(o != c and self.is_a(o, c) for o in found))

    def classes_for_noun(self, noun: str) -> list[str]:
        noun = _normal(noun)
        return self._most_specific(c for c, nouns in self.cue_nouns.items() if noun in nouns)

    def classes_for_head(self, word: str) -> list[str]:
        return self._classes_marked(self.name_heads, word)

    def classes_for_lead(self, word: str) -> list[str]:
        return self._classes_marked(self.name_leads, word)

    def _classes_marked(self, marks: dict[str, frozenset[str]], word: str) -> list[str]:
        word = _normal(word)
        return self._most_specific(c for c, words in marks.items() if word in words)

    def title_prop(self, title: str) -> str | None:
        """The relation a job title implies; any "chief ... officer" the lexicon does
        not list ("chief product officer") holds a post, worksFor."""
        normal = _normal(title)
        found = self.title_props.get(normal)
        if found is None and _CHIEF_OFFICER.fullmatch(normal):
            return "worksFor"
        return found

    @cached_property
    def _title_ends(self) -> frozenset[str]:
        return frozenset(title.split()[-1] for title in self.title_props if title.strip())

    def ends_title(self, word: str) -> bool:
        """Whether some job title ends with ``word`` (a cheap test before :meth:`title_prop`)."""
        return _normal(word) in self._title_ends

    @cached_property
    def concepts(self) -> frozenset[str]:
        """Normalised names the knowledge base calls concepts ("ai"): never entities."""
        return frozenset(k for k, e in self.kb.items() if e.cls == "Concept")

    def kb_entry(self, name: str) -> KBEntry | None:
        return self.kb.get(_normal(name))

    def is_a(self, cls: str, other: str) -> bool:
        return other in self.superclasses.get(cls, frozenset({cls}))

    def allows(self, prop: str, subject_cls: str, object_cls: str) -> bool:
        """Whether ``subject_cls prop object_cls`` fits the relation's domain and range."""
        dom = self.domains.get(prop, frozenset())
        rng = self.ranges.get(prop, frozenset())
        ok_s = not dom or any(self.is_a(subject_cls, d) for d in dom)
        ok_o = not rng or any(self.is_a(object_cls, r) for r in rng)
        return ok_s and ok_o


def _bundled(name: str) -> Path:
    return Path(str(resources.files("kg.ontology").joinpath(name)))


def default_files(kb: bool = True) -> tuple[Path, ...]:
    return tuple(_bundled(n) for n in ONTOLOGY_FILES if kb or n != "kb.ttl")


def read_ontology(path: str | Path) -> bytes:
    """An ontology file's bytes, after its kind and size are checked: a FIFO, a device
    or a folder is refused before it is opened (reading one could block for ever or
    never end), and so is a file larger than kg reads.

    Raises:
        InputError: the file is missing, not a regular file, unreadable or too large.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"ontology file not found: {path}")
    if not path.is_file():
        raise InputError(f"ontology file {path} is not a regular file; give a Turtle file")
    return read_limited(path, DEFAULT_MAX_GRAPH_BYTES, f"ontology file {path}")


def parse_turtle(paths: Iterable[Path], graph: Graph | None = None) -> Graph:
    """The Turtle files parsed into ``graph`` (a new one by default), each checked by
    :func:`read_ontology` first.

    Raises:
        InputError: a file is missing, not a regular file, unreadable or too large.
        FormatError: a file is not Turtle.
    """
    graph = Graph() if graph is None else graph
    for path in paths:
        data = read_ontology(path)
        try:
            graph.parse(data=data, format="turtle", publicID=path.resolve().as_uri())
        except RecursionError as exc:
            raise FormatError(f"cannot parse ontology file {path}: it nests too deeply") from exc
        except Exception as exc:  # rdflib raises many parser types
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise FormatError(f"cannot parse ontology file {path}: {first}") from exc
    return graph


def _class_members(graph: Graph, node: Node) -> set[str]:
    """A class, or the members of an owl:unionOf class, as local names."""
    union = graph.value(node, OWL.unionOf)
    if union is not None:
        return {local_name(m) for m in Collection(graph, union)}  # type: ignore[arg-type]
    return {local_name(node)}


def _superclasses(graph: Graph) -> dict[str, frozenset[str]]:
    parents: dict[str, set[str]] = defaultdict(set)
    for cls, parent in graph.subject_objects(RDFS.subClassOf):
        if isinstance(parent, URIRef):
            parents[local_name(cls)].add(local_name(parent))
    # a union class is a superclass of its members
    for cls, union in graph.subject_objects(OWL.unionOf):
        for member in Collection(graph, union):  # type: ignore[arg-type]
            parents[local_name(member)].add(local_name(cls))
    closure: dict[str, frozenset[str]] = {}
    for name in set(parents) | {local_name(c) for c in graph.subjects(RDF.type, OWL.Class)}:
        seen, todo = {name}, [name]
        while todo:
            for above in parents.get(todo.pop(), set()):
                if above not in seen:
                    seen.add(above)
                    todo.append(above)
        closure[name] = frozenset(seen)
    return closure


def _term_iris(graph: Graph) -> dict[str, URIRef]:
    """Local name -> IRI of every declared class and property; two terms may not share one."""
    iris: dict[str, URIRef] = {}
    kinds = (OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    for kind in kinds:
        for term in sorted(graph.subjects(RDF.type, kind), key=str):
            if not isinstance(term, URIRef):
                continue
            name = local_name(term)
            if name in iris and iris[name] != term:
                raise FormatError(
                    f"two ontology terms share the local name {name!r}: {iris[name]} and {term}"
                )
            iris[name] = term
    return iris


def _words_by_class(graph: Graph, prop: URIRef) -> dict[str, frozenset[str]]:
    """Class local name -> the words ``prop`` (``kg:nameHead``, ``kg:nameLead``) gives it."""
    found: dict[str, set[str]] = defaultdict(set)
    for subject, word in graph.subject_objects(prop):
        found[local_name(subject)].add(_normal(str(word)))
    return {k: frozenset(v) for k, v in found.items()}


def build_lexicon(graph: Graph) -> Lexicon:
    cue_nouns: dict[str, set[str]] = defaultdict(set)
    title_props: dict[str, str] = {}
    for subject, noun in graph.subject_objects(KG.cueNoun):
        name = local_name(subject)
        if (subject, RDF.type, OWL.ObjectProperty) in graph:
            # a more specific relation wins a title two relations list ("director")
            title_props.setdefault(_normal(str(noun)), name)
            if name in ("ceoOf", "founderOf"):
                title_props[_normal(str(noun))] = name
        else:
            cue_nouns[name].add(_normal(str(noun)))
    name_heads, name_leads = (_words_by_class(graph, p) for p in (KG.nameHead, KG.nameLead))
    domains: dict[str, frozenset[str]] = {}
    ranges: dict[str, frozenset[str]] = {}
    for prop in graph.subjects(RDF.type, OWL.ObjectProperty):
        name = local_name(prop)
        if name in SCAFFOLDING:
            continue
        dom, rng = graph.value(prop, RDFS.domain), graph.value(prop, RDFS.range)
        domains[name] = frozenset(_class_members(graph, dom)) if dom is not None else frozenset()
        ranges[name] = frozenset(_class_members(graph, rng)) if rng is not None else frozenset()
    superclasses = _superclasses(graph)
    iris = _term_iris(graph)
    groups = dict(GROUPS)
    for name, above in superclasses.items():
        base = [BASE_CLASSES[c] for c in above if c in BASE_CLASSES]
        if name not in groups and len(set(base)) == 1:
            groups[name] = base[0]
    extension = sorted(c for c in groups if c not in GROUPS)
    entity_classes = (*ENTITY_CLASSES, *extension)
    ner_classes: dict[str, str] = {}
    for subject, ner_label in sorted(graph.subject_objects(KG.spacyLabel), key=str):
        mapped = local_name(subject)
        # an extension's mapping replaces kg's own for the same label
        if mapped in groups and (str(ner_label) not in ner_classes or mapped not in GROUPS):
            ner_classes[str(ner_label)] = mapped
    kb: dict[str, KBEntry] = {}
    kb_classes = set(groups) | {"Concept"}
    for subject in sorted(set(graph.subjects(RDFS.label)), key=str):
        cls = graph.value(subject, RDF.type)
        if cls is None or not isinstance(subject, URIRef) or local_name(cls) not in kb_classes:
            continue
        label = str(graph.value(subject, RDFS.label))
        names = (label, *sorted(str(a) for a in graph.objects(subject, SKOS.altLabel)))
        same_as = tuple(sorted(str(o) for o in graph.objects(subject, OWL.sameAs)))
        entry = KBEntry(str(subject), local_name(cls), label, names, same_as)
        for name in names:
            kb.setdefault(_normal(name), entry)
    return Lexicon(
        cue_nouns={k: frozenset(v) for k, v in cue_nouns.items()},
        name_heads=name_heads,
        name_leads=name_leads,
        title_props=title_props,
        domains=domains,
        ranges=ranges,
        superclasses=superclasses,
        kb=kb,
        graph=graph,
        groups=groups,
        entity_classes=entity_classes,
        ner_classes=ner_classes,
        iris=iris,
    )


@lru_cache(maxsize=8)
def _cached_lexicon(paths: tuple[str, ...]) -> Lexicon:
    return build_lexicon(parse_turtle(Path(p) for p in paths))


def load_lexicon(extra: Sequence[str | Path] = (), kb: bool = True) -> Lexicon:
    """The lexicon of kg's bundled ontology files, those plugins add
    (:func:`kg.registry.plugin_ontologies`) and any extra Turtle files.

    ``kb=False`` leaves out the bundled knowledge base, to see what the rules
    alone find.

    >>> lex = load_lexicon()
    >>> lex.classes_for_noun("chatbot")
    ['Product']
    >>> lex.title_prop("CEO")
    'ceoOf'
    """
    from kg.registry import plugin_ontologies

    paths = (
        tuple(str(p) for p in default_files(kb))
        + tuple(str(p) for p in plugin_ontologies())
        + tuple(str(Path(p)) for p in extra)
    )
    return _cached_lexicon(tuple(dict.fromkeys(paths)))


def plugin_prefixes() -> dict[str, str]:
    """The prefixes the plugins' Turtle files declare (``@prefix labor: <...>``), by
    name: ``kg query -e`` knows them as it knows ``kg:``."""
    from kg.registry import plugin_ontologies

    return dict(_declared_prefixes(tuple(str(p) for p in plugin_ontologies())))


@lru_cache(maxsize=8)
def _declared_prefixes(paths: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    found: dict[str, str] = {}
    for path in paths:
        # the file's own declarations, not the prefixes rdflib binds by itself
        declared = parse_turtle([Path(path)], Graph(bind_namespaces="none"))
        found.update((name, str(ns)) for name, ns in declared.namespaces() if name)
    return tuple(sorted(found.items()))
