"""Relation rules: dependency patterns that propose facts between names.

Each rule yields :class:`~kg.types.Candidate` records whose ends are names,
pronouns or definite descriptions. The resolver maps the ends to entities and
keeps a candidate only where the relation's domain and range (from the
ontology) fit, which is also how rules that could mean two things choose
("X launched Y" is ``develops`` for a product, ``founderOf`` for a company).

Built-in rules:

Each family of rules is a module of this package (``titles``, ``possessives``,
``verb_frames``, ``events``, ``locations``, ``matches``); the registry names stay as they were.

- ``kg.relations.titles.v1``: job titles in apposition, before a name or after
  a copula ("Sam Altman, OpenAI's CEO", "OpenAI CEO Sam Altman",
  "Altman is the chief executive of OpenAI"), or held at who names its holder
  ("Acme named chief operating officer Jo Park"); the title is kept as data.
- ``kg.relations.affiliations.v1``: "Lee Cheuk-yan of the Labour Party",
  "DAB's Ben Chan and Leung Che-cheung" (worksFor).
- ``kg.relations.possessives.v1``: "OpenAI's Sora", "its video generator, Sora",
  "Zephyr, the company's video tool".
- ``kg.relations.verb_frames.v1``: subject-verb-object frames
  ("X launched Y", "X attended Y", "X met with Y", "X reports that Y ...",
  "Y was developed by X", "X signed a deal with Y", "X is in talks with Y").
- ``kg.relations.event_names.v1``: names inside an event's name
  ("the Hollywood writers' strike" is located in Hollywood; "the WGA strike"
  has the WGA as a participant, and so has the Writers Guild named beside "the
  writers' strike").
- ``kg.relations.event_dates.v1``: dates of events ("last year's strike").
- ``kg.relations.locations.v1``: "X-based Y", "Y, based in X", "<event> in <place>",
  and chains of places ("Vancouver, British Columbia, Canada", "Greer County,
  Kansas, in the central United States", "Ashby in the U.S. state of Idaho").
- ``kg.relations.matches.v1``: in a match report, the sides of a result or of
  "X faced Y" compete, and take part in the tournament the sentence names; a
  player plays for (worksFor) the one side their sentence says they play for
  ("scored for Norway", "to put Norway in the lead", "Chile substituted X",
  "Ghana's keeper X").
- ``kg.relations.learned.v1``: a classifier trained on annotated real text
  (KnowledgeNet, Re-DocRED, GUM Wikinews) scores the parse path between two names
  (:mod:`kg.extract.relations.learned`).

Every candidate also records who the text attributes it to ("Bloomberg reports
that ...", "according to Reuters") and whether it is planned ("plans to meet").
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from kg.evaluate import IMPLIES, SYMMETRIC
from kg.extract.common import RuleComponent, noun_phrase_head_text
from kg.extract.matches import name_key, read_match_report
from kg.extract.relations import (
    events,
    learned,
    locations,
    matches,
    possessives,
    titles,
    verb_frames,
)
from kg.extract.relations.base import (
    CandidateRule,
    attribution,
    candidate,
    governing_verb,
    subject_of,
)
from kg.extract.relations.verb_frames import FRAMES, Frame
from kg.registry import relation_rules
from kg.types import Candidate

#: Rules that speak only where the other rules have not said the same in a sentence.
FALLBACK_RULES = frozenset({learned.RULE})


class RelationComponent(RuleComponent):
    """spaCy component ``kg_relations``: runs the relation rules, writes ``doc._.kg_candidates``."""

    registry = relation_rules
    attribute = "kg_candidates"

    def __init__(
        self, nlp: Language, name: str, rules: list[str], ontology: list[str], kb: bool = True
    ) -> None:
        super().__init__(nlp, name, rules, ontology, kb)
        #: the hand rules run first, and the fallback rules see what they stated
        self.first = [r for n, r in zip(rules, self.rules, strict=True) if n not in FALLBACK_RULES]
        self.last = [r for n, r in zip(rules, self.rules, strict=True) if n in FALLBACK_RULES]

    def collect(self, doc: Doc) -> list[Candidate]:
        """Every rule's candidates, less what the fallback rules repeat: a learned fact
        that a hand rule states of the same two names in that sentence, as it is or
        more precisely (a hand rule's ``ceoOf`` says the learned ``worksFor``). The
        hand rules' facts are left in ``doc.user_data["kg_stated"]`` as
        (sentence, subject start, property, object start), so that a fallback rule
        need not build a candidate it would lose."""
        found: list[Candidate] = [c for rule in self.first for c in rule(doc)]
        stated = set()
        for c in found:
            for prop in (c.prop, IMPLIES.get(c.prop)):
                stated.add((c.sentence, c.subject.start, prop, c.object.start))
                if prop in SYMMETRIC:
                    stated.add((c.sentence, c.object.start, prop, c.subject.start))
        doc.user_data["kg_stated"] = stated
        fallback: list[Candidate] = [c for rule in self.last for c in rule(doc)]
        # in a match report, which side a player plays for is the match rule's to say
        report = read_match_report(doc) if any(c.prop == "worksFor" for c in fallback) else None

        def kept(c: Candidate) -> bool:
            if report is not None and name_key(c.object.text) in report.sides:
                return False
            return (c.sentence, c.subject.start, c.prop, c.object.start) not in stated

        return found + [c for c in fallback if kept(c)]


@Language.factory(
    "kg_relations",
    assigns=["doc._.kg_candidates"],
    requires=["doc._.kg_mentions"],
    default_config={
        "rules": [
            "kg.relations.titles.v1",
            "kg.relations.affiliations.v1",
            "kg.relations.possessives.v1",
            "kg.relations.verb_frames.v1",
            "kg.relations.event_names.v1",
            "kg.relations.event_dates.v1",
            "kg.relations.locations.v1",
            "kg.relations.matches.v1",
            "kg.relations.learned.v1",
        ],
        "ontology": [],
        "kb": True,
    },
)
def make_relation_component(
    nlp: Language, name: str, rules: list[str], ontology: list[str], kb: bool
) -> RelationComponent:
    return RelationComponent(nlp, name, rules, ontology, kb)


__all__ = [
    "FRAMES",
    "CandidateRule",
    "Frame",
    "RelationComponent",
    "attribution",
    "candidate",
    "events",
    "governing_verb",
    "learned",
    "locations",
    "matches",
    "noun_phrase_head_text",
    "possessives",
    "subject_of",
    "titles",
    "verb_frames",
]
