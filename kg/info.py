"""Summaries of a store: what ``kg info`` prints, the same on every backend."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from kg.lexicon import ENTITY_CLASSES, local_name
from kg.store import Store
from kg.vocab import ID, KG

#: Properties that carry provenance, not facts about the world.
PROVENANCE_PROPERTIES = frozenset({"denotes", "inSentence", "inArticle", "mentions"})
PROVENANCE_CLASSES = frozenset({"Sentence", "Mention", "Assertion", "NewsArticle"})
PREFIX = f"PREFIX kg: <{KG._NS}>\n"
#: Every entity's names: its label and the other names it goes by.
NAMES = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    "SELECT DISTINCT ?e ?name WHERE { ?e rdfs:label|skos:altLabel ?name . "
    f'FILTER(STRSTARTS(STR(?e), "{ID}")) }}'
)


def _count(store: Store, pattern: str) -> int:
    result = store.query(PREFIX + f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
    return int(str(result.rows[0][0])) if result.rows else 0


def most_specific(classes: Iterable[str]) -> str:
    """The one class an entity typed with several is shown and counted under: an
    extension's class before kg's own, Organization only when it has no other (a
    company typed Organization too is a Company), then by name.

    >>> most_specific(["Organization", "Company"])
    'Company'
    >>> most_specific(["Organization", "LaborUnion"])
    'LaborUnion'
    """
    return min(classes, key=lambda c: (2 if c == "Organization" else int(c in ENTITY_CLASSES), c))


def summarize(store: Store) -> dict[str, Any]:
    """Counts of quads, articles, entities per class (each entity once, under its most
    specific class) and relation triples per property."""
    typed: dict[str, list[str]] = {}
    # a row per entity (and class), none per mention or assertion: those are many more
    scaffolding = ", ".join(f"kg:{name}" for name in sorted(PROVENANCE_CLASSES))
    rows = store.query(
        PREFIX + f"SELECT DISTINCT ?e ?c WHERE {{ ?e a ?c . FILTER(?c NOT IN ({scaffolding}) "
        f'&& STRSTARTS(STR(?e), "{ID}")) }}'
    ).rows
    for entity, cls in rows:
        name = local_name(cls)
        if name not in PROVENANCE_CLASSES:
            typed.setdefault(str(entity), []).append(name)
    classes = Counter(most_specific(names) for names in typed.values())
    # relations are the properties that assertions state between two entities, the
    # ontology's and any extension's alike
    relations: dict[str, int] = {}
    rows = store.query(
        PREFIX + "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
        "SELECT ?p (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE {\n"
        "  ?a a kg:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .\n"
        "  ?s ?p ?o . FILTER(isIRI(?o)) } } GROUP BY ?p"
    ).rows
    for prop, count in rows:
        name = local_name(prop)
        if name not in PROVENANCE_PROPERTIES:
            relations[name] = int(str(count))
    relations = dict(sorted(relations.items()))
    return {
        "triples": store.count(),
        "graphs": len(store.article_graphs()),
        "articles": _count(store, "SELECT DISTINCT ?a WHERE { ?a a kg:NewsArticle }"),
        "mentions": _count(store, "SELECT DISTINCT ?m WHERE { ?m kg:denotes ?e }"),
        "assertions": _count(store, "SELECT DISTINCT ?a WHERE { ?a a kg:Assertion }"),
        "classes": dict(sorted(classes.items())),
        "relations": relations,
    }


def entity_names(store: Store) -> dict[str, set[str]]:
    """Every name an entity of ``store`` goes by (label or other name) -> their IRIs."""
    names: dict[str, set[str]] = {}
    for entity, name in store.query(NAMES).rows:
        if entity is not None and name is not None:
            names.setdefault(str(name), set()).add(str(entity))
    return names


def nearest_names(name: str, names: Iterable[str], n: int = 3) -> list[str]:
    """Up to ``n`` of ``names`` most like ``name``, ignoring case: those that hold it as
    a whole word first ("Altman" in "Sam Altman"), then the closest by spelling.

    >>> nearest_names("altmann", ["Sam Altman", "OpenAI", "Altman", "Sora"])
    ['Altman', 'Sam Altman']
    >>> nearest_names("warhol", ["Andy Warhol", "Warhol Museum", "Sora"])
    ['Andy Warhol', 'Warhol Museum']
    """
    wanted = " ".join(name.split()).casefold()
    if not wanted:
        return []
    by_key: dict[str, str] = {}
    for candidate in sorted(set(names)):
        by_key.setdefault(" ".join(candidate.split()).casefold(), candidate)
    word = re.compile(rf"(?<!\w){re.escape(wanted)}(?!\w)")
    holding = sorted(
        (k for k in by_key if k != wanted and word.search(k)), key=lambda k: (len(k), k)
    )
    close = difflib.get_close_matches(wanted, list(by_key), n=n, cutoff=0.6)
    chosen = list(dict.fromkeys([*holding, *close]))[:n]
    return [by_key[k] for k in chosen]


def unknown_name_hint(store: Store, name: str) -> str | None:
    """None when an entity of ``store`` goes by ``name`` (in any case); otherwise a line
    saying none does, with the nearest names it knows."""
    names = entity_names(store)
    wanted = " ".join(name.split()).casefold()
    if any(" ".join(k.split()).casefold() == wanted for k in names):
        return None
    near = nearest_names(name, names)
    hint = f"; nearest: {', '.join(near)}" if near else ""
    return f"no entity is named {name!r}{hint}"
