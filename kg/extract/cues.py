"""Type rules: evidence of what kind of thing a name is, beyond the NER label.

The resolver adds these cues to the NER's votes for each entity, so an explicit
description in the text ("its video generator, Sora") outweighs a statistical
guess ("Sora" tagged PERSON). A cue outside any mention is a definite
description ("the AI firm"); the resolver applies it to the antecedent.

Built-in rules:

- ``kg.types.descriptions.v1``: appositions, copulas and definite descriptions
  whose noun is a class's cue noun ("Runway, a rival startup", "X is a chatbot").
- ``kg.types.name_heads.v1``: the last word of a name ("Writers Guild",
  "Academy Awards", "Acme Inc.").
- ``kg.types.roles.v1``: holders of job titles are people, what they hold a
  title at is an organization ("OpenAI's CEO"); subjects of "report" lean towards
  news organizations; objects of "launch"/"release" towards products; what
  "happened" or "took place" is an event.
- ``kg.types.people.v1``: an honorific makes a person ("Mr Okafor", "Dr. Ruiz").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from kg.extract.common import (
    FOUND_VERBS,
    RuleComponent,
    description_class,
    doc_tokens,
    mention_tokens,
    noun_phrase_head_text,
)
from kg.lexicon import Lexicon
from kg.registry import type_rules
from kg.types import Mention, TypeCue

CueRule = Callable[[Doc], Iterable[TypeCue]]

#: Titles held in places as often as in organizations ("prime minister of the UK").
POLITICAL_TITLES = frozenset(
    {
        "minister",
        "president",
        "governor",
        "mayor",
        "leader",
        "secretary",
        "senator",
        "chancellor",
        "premier",
        "king",
        "queen",
    }
)
PLACE_PREPS = frozenset({"in", "near", "outside", "across", "throughout", "around"})
EVENT_VERBS = frozenset({"happen", "occur", "unfold"})
PRODUCT_VERBS = frozenset(
    {"launch", "release", "unveil", "debut", "ship", "use", "demo", "preview"}
)


def _classes(lexicon: Lexicon, token: Token) -> list[str]:
    for text in (noun_phrase_head_text(token), token.text, token.lemma_):
        found = lexicon.classes_for_noun(text)
        if found:
            return found
    return []


def _cue(mention: Mention, cls: str, rule: str, weight: float) -> TypeCue:
    return TypeCue(mention.start, mention.end, cls, rule, weight)


@type_rules.register("kg.types.descriptions.v1")
def description_cues(lexicon: Lexicon, vocab: Vocab) -> CueRule:
    """Appositions, copulas and definite descriptions whose noun marks a class."""
    name = "kg.types.descriptions.v1"

    def rule(doc: Doc) -> Iterator[TypeCue]:
        mentions = mention_tokens(doc)
        for token in doc_tokens(doc):
            # apposition, either way round: "Sora, the app" / "the app, Sora"
            if token.dep_ == "appos":
                pairs = [(token, token.head), (token.head, token)]
            elif token.dep_ == "attr" and token.head.lemma_ == "be":
                pairs = [(s, token) for s in token.head.children if s.dep_ == "nsubj"]
            else:
                pairs = []
            for name_tok, noun in pairs:
                mention = mentions.get(name_tok.i)
                if mention is None or noun.i in mentions or noun.pos_ != "NOUN":
                    continue
                if any(c.lower_ == "whose" for c in noun.children):
                    continue  # "the Federation, whose general secretary ...": not a description
                for cls in _classes(lexicon, noun):
                    yield _cue(mention, cls, name, 5.0)
                if lexicon.title_prop(noun_phrase_head_text(noun)) or lexicon.title_prop(noun.text):
                    yield _cue(mention, "Person", name, 3.0)
            # a definite description on its own: the resolver finds its antecedent
            if token.i not in mentions and token.dep_ != "appos":
                described = description_class(token, lexicon)
                if described is not None:
                    yield TypeCue(token.idx, token.idx + len(token), described, name, 1.0)

    return rule


@type_rules.register("kg.types.name_heads.v1")
def name_head_cues(lexicon: Lexicon, vocab: Vocab) -> CueRule:
    """The last word of a name marks its class ("Meridian Pictures", "Writers Guild")."""
    name = "kg.types.name_heads.v1"

    def rule(doc: Doc) -> Iterator[TypeCue]:
        for mention in doc._.kg_mentions or ():
            words = mention.text.split()
            if "of" in words[1:]:  # "Writers Guild of America": the head is "Guild"
                words = words[: words.index("of", 1)]
            if len(words) < 2:
                # a one-word name is a head only for bodies: "Parliament", "Congress"
                if "Organization" in lexicon.classes_for_head(words[-1]):
                    yield _cue(mention, "Organization", name, 2.0)
                continue
            for cls in lexicon.classes_for_head(words[-1]):
                yield _cue(mention, cls, name, 3.0)

    return rule


@type_rules.register("kg.types.roles.v1")
def role_cues(lexicon: Lexicon, vocab: Vocab) -> CueRule:
    """Roles in the sentence: title holders, founders, places after "in", things launched."""
    name = "kg.types.roles.v1"
    product_nouns = lexicon.cue_nouns.get("Product", frozenset())

    def rule(doc: Doc) -> Iterator[TypeCue]:
        mentions = mention_tokens(doc)
        for token in doc_tokens(doc):
            mention = mentions.get(token.i)
            if mention is None:
                continue
            head = token.head
            # the organization in "OpenAI's CEO", "OpenAI CEO Sam Altman", "CEO of OpenAI"
            title_noun = head if token.dep_ in ("poss", "compound") else None
            if token.dep_ == "pobj" and head.lower_ in ("of", "at", "for"):
                title_noun = head.head
            if (
                title_noun is not None
                and title_noun.i not in mentions
                and title_noun.lemma_.lower() not in POLITICAL_TITLES
                and (
                    lexicon.title_prop(noun_phrase_head_text(title_noun))
                    or lexicon.title_prop(title_noun.text)
                )
            ):
                # some organization; which kind, other cues decide
                yield _cue(mention, "AnyOrganization", name, 1.5)
            if token.dep_ == "nsubj" and head.lemma_ == "report":
                yield _cue(mention, "NewsOrganization", name, 0.5)
            # "born in Lyon", "a plant near Monterrey": a bare name after "in" is a place
            if (
                token.dep_ == "pobj"
                and head.lower_ in PLACE_PREPS
                and not any(c.dep_ in ("det", "poss") for c in token.children)
            ):
                yield _cue(mention, "Place", name, 1.5)
            if token.dep_ == "nsubj" and head.lemma_ in EVENT_VERBS:  # "the Oscars happened"
                yield _cue(mention, "Event", name, 3.0)
            # "its Le Chat assistant", "whose Swift drone": with the owner named apart,
            # the name on a product noun is the product
            if (
                token.dep_ == "compound"
                and head.i not in mentions
                and head.lemma_.lower() in product_nouns
                and any(c.dep_ == "poss" for c in head.children)
            ):
                yield _cue(mention, "Product", name, 3.0)
            # "founded by Amara Osei": founders are people
            founding = head.head.lemma_ in FOUND_VERBS
            if (
                token.dep_ == "pobj"
                and founding
                and (head.dep_ == "agent" or head.lower_ == "with")
            ):  # "founded by X", "co-founded the company with X"
                yield _cue(mention, "Person", name, 2.0)
            if token.dep_ in ("dobj", "nsubjpass") and head.lemma_ in PRODUCT_VERBS:
                yield _cue(mention, "Product", name, 1.5)

    return rule


#: Words before a surname that make a person of it.
HONORIFICS = frozenset(
    "mr mr. mrs mrs. ms ms. miss mx mx. dr dr. prof prof. sir dame madam mme mme. mlle "
    "monsieur madame herr frau senhor señor".split()
)


@type_rules.register("kg.types.people.v1")
def people_cues(lexicon: Lexicon, vocab: Vocab) -> CueRule:
    """An honorific before a name, or opening it, makes a person ("Mr Okafor")."""
    name = "kg.types.people.v1"

    def rule(doc: Doc) -> Iterator[TypeCue]:
        tokens = doc_tokens(doc)
        starts = {t.idx: t.i for t in tokens}
        for mention in doc._.kg_mentions or ():
            first = starts.get(mention.start)
            before = tokens[first - 1].lower_ if first else ""
            if mention.text.split()[0].casefold() in HONORIFICS or before in HONORIFICS:
                yield _cue(mention, "Person", name, 4.0)

    return rule


class TypeCueComponent(RuleComponent):
    """spaCy component ``kg_types``: runs the type rules, writes ``doc._.kg_type_cues``."""

    registry = type_rules
    attribute = "kg_type_cues"


@Language.factory(
    "kg_types",
    assigns=["doc._.kg_type_cues"],
    requires=["doc._.kg_mentions"],
    default_config={
        "rules": [
            "kg.types.descriptions.v1",
            "kg.types.name_heads.v1",
            "kg.types.roles.v1",
            "kg.types.people.v1",
        ],
        "ontology": [],
        "kb": True,
    },
)
def make_type_component(
    nlp: Language, name: str, rules: list[str], ontology: list[str], kb: bool
) -> TypeCueComponent:
    return TypeCueComponent(nlp, name, rules, ontology, kb)
