"""Job titles: "Sam Altman, OpenAI's CEO", "OpenAI CEO Sam Altman",
"Altman is the chief executive of OpenAI"."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from kg.extract.common import (
    arg_for,
    doc_tokens,
    mention_tokens,
    with_conjuncts,
)
from kg.extract.relations.base import (
    CandidateRule,
    candidate,
)
from kg.lexicon import Lexicon
from kg.registry import relation_rules
from kg.types import Candidate


def _title_phrase(noun: Token, lexicon: Lexicon) -> tuple[str, str] | None:
    """(relation, title as written) for a title noun, trying the longest phrase first."""
    mentions = mention_tokens(noun.doc)
    mods: list[Token] = []
    for left in reversed(list(noun.lefts)):
        if (
            left.i == (mods[0].i if mods else noun.i) - 1
            and left.dep_ in ("amod", "compound")
            and left.i not in mentions
        ):
            mods.insert(0, left)
    words = [*mods, noun]
    for cut in range(len(words)):
        text = " ".join(t.text for t in words[cut:])
        prop = lexicon.title_prop(text)
        if prop is not None:
            return prop, text
    return None


def _org_of_title(noun: Token) -> list[Token]:
    """The organization a title is held at: possessor, compound, or "of/at/for" object."""
    found = [c for c in noun.children if c.dep_ in ("poss", "compound")]
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ in ("of", "at", "for", "with"):
            found.extend(c for c in prep.children if c.dep_ == "pobj")
    return found


@relation_rules.register("kg.relations.titles.v1")
def title_relations(lexicon: Lexicon, vocab: Vocab) -> CandidateRule:
    """Job titles: ceoOf, founderOf or worksFor, with the title as data."""
    name = "kg.relations.titles.v1"

    def rule(doc: Doc) -> Iterator[Candidate]:
        mentions = mention_tokens(doc)
        for noun in doc_tokens(doc):
            if noun.pos_ not in ("NOUN", "PROPN") or noun.i in mentions:
                continue
            if not lexicon.ends_title(noun.text):  # a title phrase ends with its noun
                continue
            found = _title_phrase(noun, lexicon)
            if found is None:
                continue
            prop, title = found
            people: list[Token] = []
            orgs = _org_of_title(noun)
            if noun.dep_ == "appos":  # "Sam Altman, OpenAI's CEO"
                people = with_conjuncts(noun.head)
            people += [c for c in noun.children if c.dep_ == "appos"]  # "OpenAI's CEO, Sam Altman"
            if noun.dep_ == "compound" and noun.head.i in mentions:  # "OpenAI CEO Sam Altman"
                people.append(noun.head)
                orgs += [
                    c
                    for c in noun.head.children
                    if c.dep_ == "compound" and c.i < noun.i and c.i in mentions
                ]
            if noun.dep_ == "attr" and noun.head.lemma_ == "be":  # "Altman is OpenAI's CEO"
                people += [c for c in noun.head.children if c.dep_ == "nsubj"]
            confidence = 0.9 if prop != "worksFor" else 0.8
            for person_tok in people:
                person = arg_for(person_tok, lexicon)
                if person is None or person.kind != "name":
                    continue
                for org_tok in orgs:
                    org = arg_for(org_tok, lexicon)
                    if org is None or org.start == person.start:
                        continue
                    yield candidate(
                        doc,
                        person,
                        prop,
                        org,
                        name,
                        confidence,
                        [person_tok, noun, org_tok],
                        title=title,
                    )

    return rule
