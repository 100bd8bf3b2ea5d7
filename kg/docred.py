"""Scoring kg's relations on Re-DocRED: Wikipedia text annotated with Wikidata relations.

Re-DocRED (Tan et al. 2022, MIT licence; texts from DocRED, Yao et al. 2019)
annotates English Wikipedia introductions with relations between entity
clusters. :data:`MAPPING` says which Wikidata properties are kg's. Each
document is built with kg; kg's entities are linked to the annotated clusters by
name (an entity links when exactly one cluster shares one of its names), and:

- recall counts every annotated fact of the mapped kinds;
- precision counts only kg facts whose two ends both link to annotated clusters
  (others cannot be judged).

Its clusters are typed too (person, organization, location, miscellaneous, time,
number), and every named entity of a document is one, so the same documents score
kg's entities (:class:`EntityScore`): a person, organization or location cluster is
found when an entity of the right class has one of its names; a kg person,
organization or place is right when it names a cluster of its type, *wrongly typed*
when it names only clusters of other types, and *unmatched* when it names none (a
name cut differently, or one the text does not have).

Re-DocRED is encyclopedic, not news, and document-level: many of its facts need
inference across sentences that kg, by design, does not make.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from kg.errors import InputError
from kg.evaluate import IMPLIES, Counts
from kg.gum import PARENT
from kg.limits import read_limited
from kg.sources import parse_article
from kg.types import Article, Extraction

#: Wikidata property -> (kg property, whether kg's subject is Re-DocRED's tail).
MAPPING = {
    "P108": ("worksFor", False),  # employer: person -> organization
    "P488": ("worksFor", True),  # chairperson: organization -> person
    "P112": ("founderOf", True),  # founded by: organization -> person
    "P178": ("develops", True),  # developer: product -> organization
    "P176": ("develops", True),  # manufacturer: product -> organization
    "P159": ("locatedIn", False),  # headquarters location
    "P131": ("locatedIn", False),  # located in the administrative entity
    "P276": ("locatedIn", False),  # location
    "P710": ("participatesIn", True),  # participant: event -> participant
    "P1344": ("participatesIn", False),  # participant of: participant -> event
}
#: Re-DocRED cluster type -> the kg class that is right for it (organization
#: subclasses count as organizations, as in :data:`kg.gum.PARENT`).
TYPES = {"PER": "Person", "ORG": "Organization", "LOC": "Place"}
#: Wikidata properties that kg's definitions also cover, which Re-DocRED uses where
#: kg's mapped ones would fit too: a kg fact annotated only under one of these is a
#: difference of scope, not a wrong fact, and is left out of precision (and listed
#: apart, as ``apart``); recall stays over :data:`MAPPING`'s facts alone.
#: ``develops`` is "makes, builds, launches or releases a product"; a place's
#: country, its capital and what an area contains are where things are located; a
#: party, a team or a body one is a member of is where ``worksFor``'s "holds a
#: position" and kg's rules ("scored for Norway", "Lee of the Labour Party") meet.
NEIGHBOURS = {
    "P272": ("develops", True),  # production company: work -> organization
    "P449": ("develops", True),  # original broadcaster
    "P264": ("develops", True),  # record label
    "P123": ("develops", True),  # publisher
    "P17": ("locatedIn", False),  # country
    "P150": ("locatedIn", True),  # contains the administrative entity
    "P36": ("locatedIn", True),  # capital: the country -> its capital
    "P1376": ("locatedIn", False),  # capital of
    "P54": ("worksFor", False),  # member of sports team
    "P102": ("worksFor", False),  # member of political party
    "P463": ("worksFor", False),  # member of
}
PROPERTIES = tuple(sorted({p for p, _ in MAPPING.values()}))
MAX_BYTES = 50_000_000


def norm(text: str) -> str:
    """A name as written, for matching: Re-DocRED's spaced tokens joined back, casefolded,
    a leading "the" dropped ("the United States" is kg's "United States").

    >>> norm("The United States"), norm("Acme , Inc .")
    ('united states', 'acme, inc.')
    """
    text = " ".join(text.replace(" ,", ",").replace(" .", ".").split()).casefold()
    return text[4:] if text.startswith("the ") else text


#: Tokens written against the word before them ("Ohio ,", "Smith 's", "( born").
CLOSE = frozenset(
    {
        ",",
        ".",
        ";",
        ":",
        "!",
        "?",
        ")",
        "]",
        "}",
        "%",
        "'s",
        "\u2019s",
        "'",
        "n't",
        "'re",
        "'ve",
        "'ll",
        "'d",
        "'m",
    }
)
#: Tokens written against the word after them.
OPEN = frozenset({"(", "[", "{", "$", "#"})
#: Tokens written against both neighbours when both are words ("Aetolia - Acarnania").
JOIN = frozenset({"-", "/"})


def _glued(prev: str, token: str, quotes: int) -> bool:
    """Whether ``token`` follows ``prev`` without a space, as the text was written."""
    if token in CLOSE or prev in OPEN:
        return True
    if token == '"':
        return quotes % 2 == 1  # a closing quote
    if prev == '"':
        return quotes % 2 == 1  # the word after an opening quote
    if token in JOIN or prev in JOIN:
        return True
    return False


def docred_text(sents: Sequence[Sequence[str]]) -> tuple[str, list[list[tuple[int, int]]]]:
    """A document's text, sentences on their own lines and tokens spaced as prose is
    ("Edmonton, Alberta", "Smith's", "(born 1950)", "Aetolia-Acarnania": Re-DocRED
    gives the tokens, and spaCy parses "Edmonton , Alberta" worse than what was
    written), and each token's character span, per sentence.

    >>> docred_text([["Acme", "(", "born", "1950", ")", "is", "in", "Ohio", ",", "US", "."]])[0]
    'Acme (born 1950) is in Ohio, US.'
    >>> print(docred_text([["He", "said", '"', "no", '"', "to", "Smith", "'s", "plan"]])[0])
    He said "no" to Smith's plan
    """
    parts: list[str] = []
    offsets: list[list[tuple[int, int]]] = []
    at = 0
    for n, sent in enumerate(sents):
        if n:
            parts.append("\n")
            at += 1
        spans = []
        quotes = 0
        for m, token in enumerate(sent):
            if m and not _glued(sent[m - 1], token, quotes):
                parts.append(" ")
                at += 1
            if token == '"':
                quotes += 1
            spans.append((at, at + len(token)))
            parts.append(token)
            at += len(token)
        offsets.append(spans)
    return "".join(parts), offsets


def mention_names(doc: dict[str, Any]) -> tuple[frozenset[str], ...]:
    """Per annotated cluster, its names normalised: as written in :func:`docred_text`'s
    text, and as Re-DocRED gives them."""
    text, offsets = docred_text(doc["sents"])

    def written(m: dict[str, Any]) -> str:
        tokens = offsets[m["sent_id"]]
        return text[tokens[m["pos"][0]][0] : tokens[m["pos"][1] - 1][1]]

    return tuple(
        frozenset(norm(n) for m in cluster for n in (written(m), m["name"]))
        for cluster in doc["vertexSet"]
    )


@dataclass(frozen=True)
class DocredDoc:
    article: Article
    names: tuple[frozenset[str], ...]  # per cluster, its normalised names
    gold: frozenset[tuple[int, str, int]]
    #: facts annotated under a :data:`NEIGHBOURS` property
    apart: frozenset[tuple[int, str, int]] = frozenset()
    #: per cluster, its type (PER, ORG, LOC, MISC, TIME, NUM)
    types: tuple[str, ...] = ()


def load_docred(path: str | Path, limit: int = 0) -> list[DocredDoc]:
    """Read a Re-DocRED file (``test_revised.json``)."""
    path = Path(path)
    try:
        data: Any = json.loads(read_limited(path, MAX_BYTES, f"Re-DocRED file {path}"))
        docs = []
        for n, doc in enumerate(data[:limit] if limit else data):
            text, _ = docred_text(doc["sents"])
            gold: set[tuple[int, str, int]] = set()
            apart: set[tuple[int, str, int]] = set()
            for label in doc["labels"]:
                for mapping, facts in ((MAPPING, gold), (NEIGHBOURS, apart)):
                    if label["r"] in mapping:
                        prop, flip = mapping[label["r"]]
                        h, t = label["h"], label["t"]
                        if not all(
                            isinstance(end, int) and 0 <= end < len(doc["vertexSet"])
                            for end in (h, t)
                        ):
                            raise IndexError(f"a label's h or t ({h}, {t}) names no entity")
                        facts.add((t, prop, h) if flip else (h, prop, t))
            docs.append(
                DocredDoc(
                    parse_article(text, key=f"docred{n}", source=str(doc["title"])),
                    mention_names(doc),
                    types=tuple(_cluster_type(cluster) for cluster in doc["vertexSet"]),
                    gold=frozenset(gold),
                    apart=frozenset(apart - gold),
                )
            )
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InputError(f"Re-DocRED file {path}: not valid UTF-8 JSON ({exc})") from exc
    except (KeyError, TypeError, IndexError, AttributeError, ValueError) as exc:
        # a field of the wrong kind (a number for a name), an entity without mentions
        raise InputError(f"Re-DocRED file {path}: not in Re-DocRED's format ({exc})") from exc
    return docs


def _cluster_type(cluster: list[dict[str, Any]]) -> str:
    """A cluster's type: its mentions' most common one (a few clusters mix two)."""
    types = [m["type"] for m in cluster]
    if not types:
        raise ValueError("an entity of 'vertexSet' has no mentions")
    return max(sorted(set(types)), key=types.count)


T = TypeVar("T")
#: Documents of ``dev_revised.json`` in the train split (by position); the rest (the
#: last 250) are dev. ``test_revised.json`` is test, reported only.
DEV_TRAIN = 250


def docred_splits(path: str | Path, docs: Sequence[T]) -> dict[str, list[T]]:
    """A Re-DocRED file's documents by split: dev_revised.json's first :data:`DEV_TRAIN`
    are train and the others dev, a test file is test, any other file train.

    >>> docred_splits("dev_revised.json", range(500))["dev"][:2]
    [250, 251]
    >>> list(docred_splits("test_revised.json", [0]))
    ['test']
    """
    name = Path(path).name
    if name.startswith("dev"):
        return {"train": list(docs[:DEV_TRAIN]), "dev": list(docs[DEV_TRAIN:])}
    return {"test" if name.startswith("test") else "train": list(docs)}


def is_docred(path: str | Path) -> bool:
    """Whether a path names a Re-DocRED file (by its name: they are large to sniff)."""
    return Path(path).name.endswith("_revised.json")


@dataclass
class EntityScore:
    """kg's entities against Re-DocRED's person, organization and location clusters."""

    #: per Re-DocRED type, clusters found (tp) and missed (fn)
    found: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    right: int = 0  # kg persons, organizations and places naming a cluster of their type
    wrong: int = 0  # ... naming only clusters of other types
    unmatched: int = 0  # ... naming no cluster
    #: (kg class, Re-DocRED type) -> how many entities were wrongly typed so
    confusion: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    #: "document: name (kg class; Re-DocRED type)" for each wrong typing, and each miss
    wrong_typings: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    unmatched_list: list[str] = field(default_factory=list)
    #: person, organization and location clusters with two or more names, and those
    #: one kg entity has two of (the names kg joined); "split" lists the others
    #: two entities share
    multi_name: int = 0
    merged: int = 0
    splits: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        tp = sum(c.tp for c in self.found.values())
        total = tp + sum(c.fn for c in self.found.values())
        return tp / total if total else 0.0

    @property
    def precision(self) -> float:
        judged = self.right + self.wrong + self.unmatched
        return self.right / judged if judged else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "recall": round(self.recall, 3),
            "precision": round(self.precision, 3),
            "per_type": {
                t: {
                    "recall": round(self.found[t].recall, 3),
                    "found": self.found[t].tp,
                    "missed": self.found[t].fn,
                }
                for t in TYPES
            },
            "right": self.right,
            "wrong_typings": self.wrong,
            "unmatched": self.unmatched,
            "confusion": {f"{c} for {t}": n for (c, t), n in sorted(self.confusion.items())},
            "wrong_typing_list": self.wrong_typings,
            "merged": f"{self.merged}/{self.multi_name}",
            "split_list": self.splits,
            "missed_list": self.missed,
            "unmatched_list": self.unmatched_list,
        }


@dataclass
class DocredReport:
    documents: int = 0
    entities: EntityScore = field(default_factory=EntityScore)
    properties: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    #: per property, kg facts Re-DocRED annotates only under a neighbouring property
    apart: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def macro_recall(self) -> float:
        return sum(self.properties[p].recall for p in PROPERTIES) / len(PROPERTIES)

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "macro_recall": round(self.macro_recall(), 3),
            "entities": self.entities.as_dict(),
            "properties": {
                p: {**self.properties[p].row(), "apart": self.apart[p]} for p in PROPERTIES
            },
        }


def score_docred(doc: DocredDoc, extraction: Extraction, report: DocredReport) -> None:
    report.documents += 1
    link: dict[str, int] = {}
    for entity in extraction.entities:
        forms = {norm(entity.label), *(norm(a) for a in entity.alt_labels)}
        hits = [i for i, cluster in enumerate(doc.names) if forms & cluster]
        if len(hits) == 1:
            link[entity.key] = hits[0]
    score_entities(doc, extraction, report.entities)
    found: set[tuple[int, str, int]] = set()
    for rel in extraction.relations:
        prop = IMPLIES.get(rel.prop, rel.prop)
        if prop in PROPERTIES and rel.subject in link and rel.object in link:
            found.add((link[rel.subject], prop, link[rel.object]))
    for fact in found:
        if fact in doc.gold:
            report.properties[fact[1]].tp += 1
        elif fact in doc.apart:
            report.apart[fact[1]] += 1
        else:
            report.properties[fact[1]].fp += 1
    for fact in doc.gold - found:
        report.properties[fact[1]].fn += 1


def score_entities(doc: DocredDoc, extraction: Extraction, score: EntityScore) -> None:
    """Score one document's entities (see the module's docstring). An entity names a
    cluster when its label, an alias or a mention's text is one of the cluster's names."""
    where = doc.article.source or doc.article.key
    found: set[int] = set()
    #: per cluster, the names each entity has of it
    shares: dict[int, list[set[str]]] = defaultdict(list)
    for entity in extraction.entities:
        cls = PARENT.get(entity.cls, entity.cls)
        forms = {norm(entity.label), *(norm(a) for a in entity.alt_labels)}
        forms |= {norm(m.text) for m in entity.mentions}
        hits = {i for i, names in enumerate(doc.names) if forms & names}
        for i in hits:
            shares[i].append(forms & doc.names[i])
        found |= {i for i in hits if TYPES.get(doc.types[i]) == cls}
        if cls not in TYPES.values():
            continue
        types = {doc.types[i] for i in hits}
        if any(TYPES.get(t) == cls for t in types):
            score.right += 1
        elif types:
            score.wrong += 1
            shown = "/".join(sorted(types))
            score.confusion[(cls, shown)] += 1
            score.wrong_typings.append(f"{where}: {entity.label} ({cls}; {shown})")
        else:
            score.unmatched += 1
            score.unmatched_list.append(f"{where}: {entity.label} ({cls})")
    for i, t in enumerate(doc.types):
        if t not in TYPES:
            continue
        if len(doc.names[i]) > 1:
            score.multi_name += 1
            if any(len(names) > 1 for names in shares[i]):
                score.merged += 1
            elif len(shares[i]) > 1:
                parts = " | ".join(sorted(min(n) for n in shares[i]))
                score.splits.append(f"{where}: {parts} ({t})")
        if i in found:
            score.found[t].tp += 1
        else:
            score.found[t].fn += 1
            score.missed.append(f"{where}: {min(doc.names[i], key=lambda n: (len(n), n))} ({t})")


def evaluate_docred(pipeline: Any, docs: Sequence[DocredDoc]) -> DocredReport:
    """Build each document (read by :func:`load_docred`) with ``pipeline`` and score it."""
    report = DocredReport()
    for doc, extraction in zip(docs, pipeline.extract([d.article for d in docs]), strict=True):
        score_docred(doc, extraction, report)
    return report
