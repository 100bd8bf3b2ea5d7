"""Reading KnowledgeNet and scoring kg's relations on it.

KnowledgeNet (Mesquita et al., EMNLP 2019; Diffbot, CC BY-SA 4.0) annotates
sentences ("passages") of English biographies and company profiles with facts
of 15 properties, each passage **exhaustively for the properties it lists**: for
such a property every pair of names or pronouns not among its facts is a
reliable negative, and for a property a passage does not list it says nothing.
The file kg reads (``train.jsonl``) holds one passage a line with the passage's
text, the properties it was annotated for, and its facts with the character
spans of their subject and object mentions (and a Wikidata item where the
annotators linked one). Folds 1 and 2 are kg's training split, fold 3 its dev
split (:data:`FOLDS`); fold 4 is kept back blind.

Four properties are kg's (:data:`MAPPING`). Each passage is built on its own,
as it was annotated: the released data has no document text, so nothing beyond
the passage is fair context. In a passage, the annotated mentions that share a
Wikidata item or a name are one entity (a pronoun joins an entity by its item, or
as the one named entity annotated with the same facts), and a fact is a pair of
such entities. Then, per property:

- a kg fact matches an annotated fact when a mention of its subject entity in
  the passage overlaps one of the annotated subject's mentions, and one of its
  object's mentions one of the object's (a pronoun subject resolved to the
  named person matches through the person's name, where the annotation links
  the two);
- **recall** is over every annotated fact of the passages annotated for the
  property; a fact with an end that the passage names only by a pronoun
  ("He is the CEO of ...") cannot be found from the passage alone, and is
  also counted apart (``pronoun_only``), with the recall over the others;
- **precision** is over kg's facts in passages annotated for the property
  only; a ``ceoOf`` also states ``worksFor``, and a ``locatedIn`` is a
  headquarters when its subject is an organization (kg's ``locatedIn`` of a
  place or an event is not KnowledgeNet's, and is not judged).

>>> norm("Health Management Associates'")
'health management associates'
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.evaluate import IMPLIES
from kg.gum import PARENT
from kg.limits import read_limited
from kg.types import Article, Entity, Extraction

__all__ = [
    "FOLDS",
    "MAPPING",
    "PROPERTIES",
    "Fact",
    "KnowledgeNetReport",
    "Passage",
    "PropertyScore",
    "Span",
    "entity_groups",
    "evaluate_knowledgenet",
    "is_knowledgenet",
    "load_knowledgenet",
    "norm",
    "score_passage",
    "split_passages",
]

#: KnowledgeNet's 15 properties.
PROPERTIES = (
    "CEO",
    "CHILD_OF",
    "DATE_FOUNDED",
    "DATE_OF_BIRTH",
    "DATE_OF_DEATH",
    "EDUCATED_AT",
    "EMPLOYEE_OR_MEMBER_OF",
    "FOUNDED_BY",
    "HEADQUARTERS",
    "NATIONALITY",
    "PLACE_OF_BIRTH",
    "PLACE_OF_RESIDENCE",
    "POLITICAL_AFFILIATION",
    "SPOUSE",
    "SUBSIDIARY_OF",
)
#: KnowledgeNet property -> (kg property, whether kg's subject is KnowledgeNet's object).
MAPPING = {
    "CEO": ("ceoOf", True),  # organization -> its CEO
    "EMPLOYEE_OR_MEMBER_OF": ("worksFor", False),  # person -> organization
    "FOUNDED_BY": ("founderOf", True),  # organization -> founder
    "HEADQUARTERS": ("locatedIn", False),  # organization -> place
}
#: kg's properties scored, in the order reports list them.
SCORED = tuple(kg for kg, _ in MAPPING.values())
#: Split -> its folds: kg trains on folds 1-2 and checks on fold 3 (fold 4 is kept blind).
FOLDS = {"train": (1, 2), "dev": (3,)}
#: How a split is named in reports.
SPLIT_NAMES = {"train": "train (folds 1-2)", "dev": "dev (fold 3)"}
MAX_BYTES = 50_000_000
#: Mentions the annotators marked as pronouns or relative words (a gazetteer's): they
#: join an entity only through a Wikidata item, never by their text.
PRONOUNS = frozenset(
    "i me my mine myself we us our ours ourselves you your yours yourself he him his himself "
    "she her hers herself it its itself they them their theirs themselves who whom whose "
    "which where that".split()
)

#: First-person pronouns, by the writer (or writers) they stand for.
FIRST_PERSON = {
    **dict.fromkeys(("i", "me", "my", "mine", "myself"), "i"),
    **dict.fromkeys(("we", "us", "our", "ours", "ourselves"), "we"),
}


def norm(text: str) -> str:
    """A mention as a name, for joining mentions: casefolded, curly quotes made straight,
    stray punctuation and a possessive ending dropped (KnowledgeNet's spans keep them)."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").casefold()
    text = " ".join(text.split()).strip(" \"'()[].,;:")
    return re.sub(r"'s?$", "", text).strip()


@dataclass(frozen=True)
class Span:
    """A mention in a passage: ``text == passage.text[start:end]``."""

    start: int
    end: int
    text: str
    wikidata: str | None = None

    @property
    def pronoun(self) -> bool:
        return norm(self.text) in PRONOUNS


@dataclass(frozen=True)
class Fact:
    """An annotated fact, in KnowledgeNet's direction (a CEO fact is organization -> person)."""

    property: str
    subject: Span
    object: Span


@dataclass(frozen=True)
class Passage:
    """One annotated sentence of a KnowledgeNet document."""

    fold: int
    doc: str
    start: int  # offsets of the passage in its document
    end: int
    text: str
    #: the properties the passage was annotated for, exhaustively
    properties: frozenset[str]
    facts: tuple[Fact, ...]

    @property
    def key(self) -> str:
        return f"knowledgenet-{self.doc}-{self.start}"

    def article(self) -> Article:
        """The passage as an article to build (its text alone: no front matter read)."""
        return Article(key=self.key, text=self.text, source=f"KnowledgeNet {self.doc}:{self.start}")


def is_knowledgenet(path: str | Path) -> bool:
    """Whether a path names a KnowledgeNet file: JSON Lines (kg's other sets are ``.json``)."""
    return Path(path).suffix == ".jsonl"


def _int(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{what} must be a whole number, not {value!r}")
    return value


def _str(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a string, not {value!r}")
    return value


def _span(data: Any, text: str, what: str) -> Span:
    if not isinstance(data, dict):
        raise ValueError(f"a fact's {what} must be an object, not {data!r}")
    start, end = _int(data["start"], f"{what} start"), _int(data["end"], f"{what} end")
    mention = _str(data["text"], f"{what} text")
    if not 0 <= start < end <= len(text) or text[start:end] != mention:
        raise ValueError(f"{what} {mention!r} is not at {start}-{end} of the passage")
    wikidata = data.get("wikidata")
    return Span(start, end, mention, None if wikidata is None else _str(wikidata, "wikidata"))


def _passage(data: Any) -> Passage:
    if not isinstance(data, dict):
        raise ValueError("a line must be a JSON object")
    text = _str(data["text"], "'text'")
    start, end = (
        _int(data["passage_start"], "passage_start"),
        _int(data["passage_end"], "passage_end"),
    )
    if end - start != len(text):
        raise ValueError(f"'text' is {len(text)} characters, not passage_end - passage_start")
    properties = data["properties"]
    if not isinstance(properties, list) or not all(p in PROPERTIES for p in properties):
        raise ValueError(f"'properties' {properties!r} must list some of {', '.join(PROPERTIES)}")
    facts = []
    for item in data["facts"]:
        if not isinstance(item, dict) or item["property"] not in properties:
            raise ValueError(f"fact {item!r} is not of a property the passage lists")
        facts.append(
            Fact(
                item["property"],
                _span(item["subject"], text, "subject"),
                _span(item["object"], text, "object"),
            )
        )
    return Passage(
        fold=_int(data["fold"], "'fold'"),
        doc=_str(data["doc"], "'doc'"),
        start=start,
        end=end,
        text=text,
        properties=frozenset(properties),
        facts=tuple(facts),
    )


def load_knowledgenet(path: str | Path) -> list[Passage]:
    """Read a KnowledgeNet file (``train.jsonl``: one passage a line), every fold of it.

    Raises:
        InputError: the file is missing, not UTF-8 JSON Lines, or not in KnowledgeNet's
            format; the one-line message names the file and the line.
    """
    path = Path(path)
    raw = read_limited(path, MAX_BYTES, f"KnowledgeNet file {path}")
    try:
        lines = raw.decode("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise InputError(f"KnowledgeNet file {path}: not valid UTF-8 ({exc})") from exc
    passages = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            passages.append(_passage(json.loads(line)))
        except (json.JSONDecodeError, RecursionError) as exc:
            raise InputError(f"KnowledgeNet file {path}, line {n}: not valid JSON ({exc})") from exc
        except (KeyError, TypeError, ValueError) as exc:
            detail = f"no {exc}" if isinstance(exc, KeyError) else str(exc)
            raise InputError(
                f"KnowledgeNet file {path}, line {n}: not in KnowledgeNet's format ({detail})"
            ) from exc
    if not passages:
        raise InputError(f"KnowledgeNet file {path}: holds no passage")
    return passages


def split_passages(passages: Iterable[Passage], split: str, limit: int = 0) -> list[Passage]:
    """The passages of one split (:data:`FOLDS`; any other split has none) annotated for a
    property of :data:`MAPPING` (the others cannot score kg), the first ``limit`` if given.

    >>> p = Passage(3, "1", 0, 2, "Hi", frozenset({"CEO"}), ())
    >>> len(split_passages([p], "dev")), len(split_passages([p], "train"))
    (1, 0)
    """
    folds = FOLDS.get(split, ())
    out = [p for p in passages if p.fold in folds and p.properties & MAPPING.keys()]
    return out[:limit] if limit else out


def entity_groups(passage: Passage) -> tuple[dict[Span, int], dict[int, list[Span]]]:
    """The passage's annotated mentions joined into entities: mentions sharing a Wikidata
    item, or a name (not a pronoun), are one, and so are "I", "my" and "me" (and "we",
    "our", "us"); a pronoun linked to no item joins the one
    named entity that has a fact of the same property with the same other end ("Robert
    Kahn worked for X, ... where he": he, Robert Kahn) and no other.
    (mention -> entity, entity -> mentions)"""
    spans = sorted({s for f in passage.facts for s in (f.subject, f.object)}, key=_order)
    parent = list(range(len(spans)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[str, str], int] = {}
    for i, span in enumerate(spans):
        keys = [("item", span.wikidata)] if span.wikidata else []
        if not span.pronoun:
            keys.append(("name", norm(span.text)))
        elif norm(span.text) in FIRST_PERSON:  # in one sentence, always the writer(s)
            keys.append(("first", FIRST_PERSON[norm(span.text)]))
        for k in keys:
            if k in first:
                parent[root(i)] = root(first[k])
            else:
                first[k] = i
    index = {span: i for i, span in enumerate(spans)}
    while True:  # each join can make another pronoun's single candidate plain
        facts = {(root(index[f.subject]), f.property, root(index[f.object])) for f in passage.facts}
        named = {root(i) for i, span in enumerate(spans) if not span.pronoun}
        joins = {}
        for group in {root(i) for i in range(len(spans))} - named:
            candidates = _alike(group, facts) & named
            if len(candidates) == 1:
                joins[group] = candidates.pop()
        if not joins:
            break
        for group, other in joins.items():
            parent[root(group)] = root(other)
    of = {span: root(i) for i, span in enumerate(spans)}
    members: dict[int, list[Span]] = {}
    for span, group in of.items():
        members.setdefault(group, []).append(span)
    return of, members


def _alike(group: int, facts: set[tuple[int, str, int]]) -> set[int]:
    """The entities that have a fact of ``group``'s with ``group`` in its place."""
    out = set()
    for s, p, o in facts:
        for s2, p2, o2 in facts:
            if p2 == p and s == group and o2 == o:
                out.add(s2)
            if p2 == p and o == group and s2 == s:
                out.add(o2)
    return out - {group}


def _order(span: Span) -> tuple[int, int, str, str]:
    return (span.start, span.end, span.text, span.wikidata or "")


@dataclass
class PropertyScore:
    """One kg property against its KnowledgeNet property."""

    right: int = 0  # kg facts matching an annotated fact
    wrong: int = 0  # kg facts matching none, in passages annotated for the property
    found: int = 0  # annotated facts a kg fact matches
    missed: int = 0
    #: annotated facts with an end the passage names only by a pronoun, and of those found
    pronoun_only: int = 0
    pronoun_found: int = 0
    passages: int = 0  # passages annotated for the property
    wrong_list: list[str] = field(default_factory=list)
    missed_list: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        judged = self.right + self.wrong
        return self.right / judged if judged else 0.0

    @property
    def recall(self) -> float:
        total = self.found + self.missed
        return self.found / total if total else 0.0

    @property
    def named_recall(self) -> float:
        """Recall over the facts whose two ends the passage names."""
        total = self.found + self.missed - self.pronoun_only
        return (self.found - self.pronoun_found) / total if total else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "named_recall": round(self.named_recall, 3),
            "right": self.right,
            "wrong": self.wrong,
            "found": self.found,
            "missed": self.missed,
            "pronoun_only": self.pronoun_only,
            "passages": self.passages,
            "wrong_list": self.wrong_list,
            "missed_list": self.missed_list,
        }


@dataclass
class KnowledgeNetReport:
    """kg's relations on one split of KnowledgeNet."""

    split: str
    passages: int = 0
    properties: dict[str, PropertyScore] = field(
        default_factory=lambda: {p: PropertyScore() for p in SCORED}
    )

    def macro_recall(self) -> float:
        return sum(s.recall for s in self.properties.values()) / len(self.properties)

    def precision(self) -> float:
        """Pooled over the properties: every judged kg fact counts once per property."""
        right = sum(s.right for s in self.properties.values())
        judged = right + sum(s.wrong for s in self.properties.values())
        return right / judged if judged else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "split": SPLIT_NAMES.get(self.split, self.split),
            "passages": self.passages,
            "macro_recall": round(self.macro_recall(), 3),
            "precision": round(self.precision(), 3),
            "right": sum(s.right for s in self.properties.values()),
            "wrong": sum(s.wrong for s in self.properties.values()),
            "found": sum(s.found for s in self.properties.values()),
            "missed": sum(s.missed for s in self.properties.values()),
            "properties": {p: s.as_dict() for p, s in self.properties.items()},
        }


def _is_organization(entity: Entity) -> bool:
    return PARENT.get(entity.cls, entity.cls) == "Organization"


def score_passage(passage: Passage, extraction: Extraction, report: KnowledgeNetReport) -> None:
    """Score kg's facts on one passage (see the module's docstring)."""
    scored = {MAPPING[p][0]: p for p in passage.properties if p in MAPPING}
    if not scored:
        return
    report.passages += 1
    of, members = entity_groups(passage)
    gold: set[tuple[int, str, int]] = set()
    for fact in passage.facts:
        if fact.property in MAPPING:
            prop, flip = MAPPING[fact.property]
            s, o = of[fact.subject], of[fact.object]
            gold.add((o, prop, s) if flip else (s, prop, o))
    entities = {e.key: e for e in extraction.entities}

    def stands_for(key: str) -> set[int]:
        """The annotated entities a kg entity's mentions overlap."""
        return {
            group
            for m in entities[key].mentions
            for group, spans in members.items()
            if any(m.start < s.end and s.start < m.end for s in spans)
        }

    def shown(group: int) -> str:
        names = [s.text for s in members[group] if not s.pronoun] or [members[group][0].text]
        return names[0]

    where = f"{passage.doc}:{passage.start}"
    facts: set[tuple[str, str, str]] = set()
    for rel in extraction.relations:
        stated = {rel.prop, IMPLIES.get(rel.prop, rel.prop)}
        for kg_prop in sorted(stated & scored.keys()):
            if kg_prop == "locatedIn" and not _is_organization(entities[rel.subject]):
                continue  # a place's or an event's place is not a headquarters
            facts.add((rel.subject, kg_prop, rel.object))
    found: set[tuple[int, str, int]] = set()
    for s_key, prop, o_key in sorted(facts):
        score = report.properties[prop]
        matches = {(s, prop, o) for s in stands_for(s_key) for o in stands_for(o_key)} & gold
        if matches:
            score.right += 1
            found |= matches
        else:
            score.wrong += 1
            line = f"{where}: {entities[s_key].label} {prop} {entities[o_key].label}"
            score.wrong_list.append(f"{line} | {passage.text}")
    for prop in scored:
        report.properties[prop].passages += 1
    for s, prop, o in sorted(gold):
        score = report.properties[prop]
        pronoun = any(all(m.pronoun for m in members[g]) for g in (s, o))
        score.pronoun_only += pronoun
        if (s, prop, o) in found:
            score.found += 1
            score.pronoun_found += pronoun
        else:
            score.missed += 1
            score.missed_list.append(f"{where}: {shown(s)} {prop} {shown(o)} | {passage.text}")


def evaluate_knowledgenet(
    pipeline: Any, passages: Sequence[Passage], split: str
) -> KnowledgeNetReport:
    """Build each passage (of :func:`split_passages`) with ``pipeline`` and score it."""
    report = KnowledgeNetReport(split)
    articles = (p.article() for p in passages)
    for passage, extraction in zip(passages, pipeline.extract(articles), strict=True):
        score_passage(passage, extraction, report)
    return report
