"""Type rules: evidence of what kind of thing a name is, beyond the NER label.

The resolver adds these cues to each entity's votes, so an explicit
description in the text ("its video generator, Sora") outweighs a statistical
guess ("Sora" tagged PERSON). A cue outside any mention is a definite
description ("the AI firm"); the resolver applies it to the antecedent.

Built-in rules:

- ``kg.types.descriptions.v1``: appositions, copulas and definite descriptions
  whose noun is a class's cue noun ("Runway, a rival startup", "X is a chatbot").
- ``kg.types.name_heads.v1``: the last word of a name ("Writers Guild",
  "Academy Awards", "Acme Inc."), or its first ("Mount Tyree", "Lake Hiawatha").
- ``kg.types.roles.v1``: holders of job titles are people, what they hold a
  title at is an organization ("OpenAI's CEO"); subjects of "report" lean towards
  news organizations; objects of "launch"/"release" towards products; what
  "happened" or "took place" is an event.
- ``kg.types.gazetteer.v1``: a name the gazetteer knows as a continent, country,
  state, region or city is a place (:mod:`kg.gazetteer`), unless the NER reads it
  as a person and someone could be named so ("Paris", "Jordan" and "Victoria" are
  people too).
- ``kg.types.teams.v1``: in a match report (two results or more, "1 - 0"), a name
  seen as a side in a result ("Sweden defeated South Korea 1 - 0", "Panama
  coach") is a team, an organization, in every mention of the article.
- ``kg.types.learned.v1`` (:mod:`kg.extract.typer`): the learned typer's votes for
  every mention, run last. Where it runs, they stand in for the NER label's votes;
  it reads the cues of the rules above among its features, and the resolver adds
  those cues too (the dev split chose both). The words
  around a name (an honorific, an age, a list's other names, quotation marks) and
  given names are among its features.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from spacy.attrs import DEP
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from kg.extract.common import (
    AFFILIATION_PREPS,
    FOUND_VERBS,
    RuleComponent,
    description_class,
    doc_ids,
    doc_tokens,
    is_acronym,
    mention_tokens,
    names_field_or_chair,
    noun_phrase_head_text,
    title_holders,
    with_conjuncts,
    written_apposition,
)
from kg.extract.matches import name_key, read_match_report
from kg.gazetteer import place_kind
from kg.given_names import is_given_name, is_surname
from kg.lexicon import Lexicon
from kg.registry import type_rules
from kg.types import NESTED_PLACE_RULE, RULE_CUES, Mention, TypeCue

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
#: Verbs whose agent makes a product ("developed by", "manufactured by").
MAKER_VERBS = frozenset({"develop", "manufacture", "publish", "market", "distribute"})
PRODUCT_VERBS = frozenset(
    {"launch", "release", "unveil", "debut", "ship", "use", "demo", "preview"}
)


def _classes(lexicon: Lexicon, token: Token) -> list[str]:
    for text in (noun_phrase_head_text(token), token.text, token.lemma_):
        found = lexicon.classes_for_noun(text)
        if found:
            return found
    return []


NAMING_VERBS = frozenset({"call", "name", "dub", "title", "brand"})


def _naming_noun(token: Token) -> Token | None:
    """The common noun that introduces the name at ``token``, if the phrasing says so:
    "a chatbot named Lyra", "a startup known as Zephyr", "religions such as Wicca",
    "studios including Paramount", "the town of Yeoncheon"."""
    head = token.head
    if token.dep_ == "oprd" and head.lemma_ in NAMING_VERBS:
        if head.dep_ == "acl":
            return head.head
        if head.dep_ == "advcl":  # "left the group within Scientology called the Sea Org"
            before = [t for t in head.doc[max(head.i - 4, 0) : head.i] if t.pos_ == "NOUN"]
            return before[-1] if before else None
        return None
    if token.dep_ != "pobj" or token.i not in mention_tokens(token.doc):
        return None
    prep, noun = head, head.head
    if prep.lower_ == "as" and noun.lemma_ == "know" and noun.dep_ == "acl":
        return noun.head if noun.head.pos_ == "NOUN" else None  # "a startup known as Zephyr"
    if noun.pos_ != "NOUN":
        return None
    # "religions such as Wicca", "studios including Paramount": a plural noun, as a
    # singular one is most often a misparse ("photographers who used the camera, such as ...")
    if prep.lower_ == "as" and any(c.lower_ == "such" for c in (*prep.children, *noun.children)):
        return noun if noun.tag_ == "NNS" else None  # "religions such as", "such bands as"
    if prep.lower_ == "including":
        return noun if noun.tag_ == "NNS" else None
    if prep.lower_ == "of" and any(c.dep_ == "det" and c.lower_ == "the" for c in noun.children):
        return noun  # "the town of Yeoncheon" (only place nouns count: the caller checks)
    return None


def _is_title(lexicon: Lexicon, token: Token) -> bool:
    return lexicon.title_prop(token.text) is not None


def _cue(mention: Mention, cls: str, rule: str, weight: float) -> TypeCue:
    return TypeCue(mention.start, mention.end, cls, rule, weight)


def _noun_cues(
    lexicon: Lexicon, mention: Mention, noun: Token, rule: str, weight: float
) -> Iterator[TypeCue]:
    """What a noun said of a name makes it: the noun's classes (at ``weight``), and a
    person where the noun is a job title (at 3), or where a noun listed with it is
    ("the publisher, editor-in-chief and co-owner of ...": a person, though a
    publisher alone may be a company)."""
    listed = [*noun.conjuncts, *(c for c in noun.children if c.dep_ == "appos")]
    if any(n.pos_ == "NOUN" and _is_job_title(lexicon, n) for n in listed):
        yield _cue(mention, "Person", rule, weight)
        return
    for cls in _classes(lexicon, noun):
        yield _cue(mention, cls, rule, weight)
    if _is_job_title(lexicon, noun):
        yield _cue(mention, "Person", rule, 3.0)


def _is_job_title(lexicon: Lexicon, noun: Token) -> bool:
    return bool(lexicon.title_prop(noun_phrase_head_text(noun)) or lexicon.title_prop(noun.text))


@type_rules.register("kg.types.descriptions.v1")
def description_cues(lexicon: Lexicon, vocab: Vocab) -> CueRule:
    """Appositions, copulas and definite descriptions whose noun marks a class."""
    name = "kg.types.descriptions.v1"

    def rule(doc: Doc) -> Iterator[TypeCue]:
        mentions = mention_tokens(doc)
        for token in doc_tokens(doc):
            dep = token.dep_
            # apposition, either way round: "Sora, the app" / "the app, Sora"
            if dep == "appos":
                pairs = [(token, token.head), (token.head, token)]
            elif dep == "attr" and token.head.lemma_ == "be":
                pairs = [(s, token) for s in token.head.children if s.dep_ == "nsubj"]
            else:
                pairs = []
            # "the Hajj, the annual pilgrimage": an apposition the parse missed
            if dep != "appos" and token.i in mentions and (written := written_apposition(token)):
                if written.dep_ != "appos" and written.head.i != token.i:
                    pairs.append((token, written))
            for name_tok, noun in pairs:
                mention = mentions.get(name_tok.i)
                if mention is None or noun.i in mentions or noun.pos_ != "NOUN":
                    continue
                if any(c.lower_ == "whose" for c in noun.children):
                    continue  # "the Federation, whose general secretary ...": not a description
                if (
                    dep == "appos"
                    and name_tok.dep_ == "pobj"
                    and any(c.dep_ == "poss" and c.pos_ == "PRON" for c in noun.children)
                ):
                    # "King Philip V of Spain, his wife, Elisabeth": "his wife" is said of
                    # the king, not of the place the parse hangs it on
                    continue
                yield from _noun_cues(lexicon, mention, noun, name, 5.0)
            # a noun just before the name it describes: "fashion designer Halston",
            # "goalkeeper Thibaut Courtois", "the cruise ship Freewinds", "rival Anthropic"
            if (
                dep == "compound"
                and (after := mentions.get(token.i + 1)) is not None
                and token.i not in mentions
                # not "publishers Jann Wenner and Carlo De Benedetti"; a title the
                # tagger takes for a proper noun counts ("CEO Jo Park")
                and (token.tag_ == "NN" or (token.tag_ == "NNP" and _is_title(lexicon, token)))
                and mentions.get(token.head.i) is after
            ):
                yield from _noun_cues(lexicon, after, token, name, 3.0)
            # "a chatbot named Lyra", "the group called the Sea Org", "religions such as
            # Wicca", "studios including Paramount and Universal", "the town of Yeoncheon"
            introducing = _naming_noun(token) if dep in ("oprd", "pobj") else None
            if introducing is not None and introducing.i not in mentions:
                classes = _classes(lexicon, introducing)
                if dep == "pobj" and token.head.lower_ == "of":
                    classes = [c for c in classes if c == "Place"]
                for named in with_conjuncts(token):
                    mention = mentions.get(named.i)
                    if mention is not None:
                        for cls in classes:
                            yield _cue(mention, cls, name, 3.0)
            # a definite description on its own: the resolver finds its antecedent
            if dep != "appos" and token.i not in mentions:
                described = description_class(token, lexicon)
                if described is not None:
                    yield TypeCue(token.idx, token.idx + len(token), described, name, 1.0)

    return rule


#: A numeral that may close a name: "II", "LVIII", "2", "2024".
_ORDINAL_WORD = re.compile(r"[IVXLC]+|\d+")


@type_rules.register("kg.types.name_heads.v1")
def name_head_cues(lexicon: Lexicon, vocab: Vocab) -> CueRule:
    """The last word of a name marks its class ("Meridian Pictures", "Writers Guild"),
    and some first words do ("Mount Tyree")."""
    name = "kg.types.name_heads.v1"
    is_surname("")  # read the table now, with the pipeline

    def rule(doc: Doc) -> Iterator[TypeCue]:
        for mention in doc._.kg_mentions or ():
            words = mention.text.split()
            # "Mount Tyree", "Lake Hiawatha": a first word marks a name as well, unless
            # the last says it is something else ("Mount Sinai Hospital")
            leads = lexicon.classes_for_lead(words[0]) if len(words) > 1 else []
            heads = set(lexicon.classes_for_head(words[-1]))
            for cls in leads:
                if not heads or cls in heads:
                    yield _cue(mention, cls, name, 3.0)
            # "World War II", "Super Bowl LVIII": a number after the head is no head
            while len(words) > 2 and _ORDINAL_WORD.fullmatch(words[-1]):
                words = words[:-1]
            # "Writers Guild of America", "Foundation for the Visual Arts", "Committee on
            # Energy and Commerce": the head is the word before the first "of", "for"
            # or "on"
            cut = next((n for n, w in enumerate(words) if n and w in ("of", "for", "on")), None)
            before_of = cut is not None
            if cut is not None:
                words = words[:cut]
            if len(words) < 2 and not before_of:
                # a one-word name is a head only for bodies: "Parliament", "Congress"
                if "Organization" in lexicon.classes_for_head(words[-1]):
                    yield _cue(mention, "Organization", name, 2.0)
                continue
            # "Jo Park", "Grace Hall": where the NER saw a person with a given name, a
            # head that is a surname too says less ("Victoria Park" is still a place
            # when it is "in" one)
            person = (
                mention.ner_label == "PERSON" and is_given_name(words[0]) and is_surname(words[-1])
            )
            for cls in lexicon.classes_for_head(words[-1]):
                yield _cue(mention, cls, name, 0.75 if person and cls == "Place" else 3.0)

    return rule


_RELCL = get_string_id("relcl")


@type_rules.register("kg.types.roles.v1")
def role_cues(lexicon: Lexicon, vocab: Vocab) -> CueRule:
    """Roles in the sentence: title holders, founders, places after "in", things launched."""
    name = "kg.types.roles.v1"
    product_nouns = lexicon.cue_nouns.get("Product", frozenset())
    institutions = lexicon.name_heads.get("Organization", frozenset())

    def rule(doc: Doc) -> Iterator[TypeCue]:
        mentions = mention_tokens(doc)
        deps = doc_ids(doc, DEP)
        for i, token in enumerate(doc_tokens(doc)):
            mention = mentions.get(i)
            if mention is None:
                # "Jo Park was named chief executive", "Park served as its CFO": who is
                # given a title is a person
                if lexicon.ends_title(token.text) and (
                    lexicon.title_prop(noun_phrase_head_text(token))
                    or lexicon.title_prop(token.text)
                ):
                    for holder in title_holders(token)[0]:
                        held = mentions.get(holder.i)
                        if held is not None:
                            yield _cue(held, "Person", name, 3.0)
                # "Sora, which OpenAI unveiled in February": what the relative clause launches
                if (
                    deps[i] == _RELCL
                    and token.lemma_ in PRODUCT_VERBS
                    and (named := mentions.get(token.head.i)) is not None
                    and any(
                        c.dep_ == "dobj" and c.lower_ in ("which", "that") for c in token.children
                    )
                ):
                    yield _cue(named, "Product", name, 1.5)
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
                and not names_field_or_chair(title_noun, token, institutions)
                and (
                    lexicon.title_prop(noun_phrase_head_text(title_noun))
                    or lexicon.title_prop(title_noun.text)
                )
            ):
                # some organization; which kind, other cues decide
                yield _cue(mention, "AnyOrganization", name, 1.5)
            # "Cheng Chung-tai of Civic Passion", "Jo Park from Acme": what a person's full
            # name is "of" is where they belong, not another person, whatever the NER
            # guessed (not "Catherine of Aragon": a one-word name, and a place)
            # (and "Frederick Fung of ADPL": an acronym the NER left out)
            if (
                token.dep_ == "pobj"
                and head.lower_ in AFFILIATION_PREPS
                and (mention.ner_label == "PERSON" or is_acronym(mention.text))
                and (person := mentions.get(head.head.i)) is not None
                and person is not mention
                and person.ner_label == "PERSON"
                and head.head.pos_ == "PROPN"
                and " " in person.text
                and place_kind(mention.text) is None
            ):
                yield _cue(mention, "AnyOrganization", name, 1.5)
            if token.dep_ == "nsubj" and head.lemma_ in ("report", "quote"):
                yield _cue(mention, "NewsOrganization", name, 0.5)
            # "told LA Weekly", "in an interview with Bloomberg": who is told is an outlet
            if mention.ner_label == "ORG" and (
                (token.dep_ == "dobj" and head.lemma_ == "tell")
                or (
                    token.dep_ == "pobj"
                    and head.lower_ == "with"
                    and head.head.lower_ in ("interview", "interviews")
                )
            ):
                yield _cue(mention, "NewsOrganization", name, 1.0)
            # "born in Lyon", "a plant near Monterrey": a bare name after "in" is a place
            if (
                token.dep_ == "pobj"
                and head.lower_ in PLACE_PREPS
                and not any(c.dep_ in ("det", "poss") for c in token.children)
            ):
                yield _cue(mention, "Place", name, 1.5)
            # "she joined the Sea Org aged 14": a name no NER label types, which someone
            # joins, is an organization
            if (
                token.dep_ == "dobj"
                and head.lemma_ in ("join", "rejoin")
                and mention.ner_label in (None, "ORG")
            ):
                yield _cue(mention, "AnyOrganization", name, 1.5)
            # "killed during the Hajj", "throughout the Olympics": what happens during a
            # name is an event
            if token.dep_ == "pobj" and head.lower_ in ("during", "throughout", "amid"):
                yield _cue(mention, "Event", name, 1.5)
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
            # "a game developed by Sega", "published by Penguin": makers of products in
            # the news are companies (not "produced by", which is a film's producer too)
            if token.dep_ == "pobj" and head.dep_ == "agent" and head.head.lemma_ in MAKER_VERBS:
                yield _cue(mention, "AnyOrganization", name, 1.5)
            # "founded by Amara Osei": founders are people
            founding = head.head.lemma_ in FOUND_VERBS
            if (
                token.dep_ == "pobj"
                and founding
                and (head.dep_ == "agent" or head.lower_ == "with")
            ):  # "founded by X", "co-founded the company with X"
                yield _cue(mention, "Person", name, 2.0)
            # "Joy Division was formed by ...", "she founded Sappy Records": what is
            # founded is an organization
            if (token.dep_ == "nsubjpass" and head.lemma_ in (*FOUND_VERBS, "form")) or (
                token.dep_ == "dobj" and head.lemma_ in FOUND_VERBS and head.lemma_ != "start"
            ):
                yield _cue(mention, "AnyOrganization", name, 2.0)
            if token.dep_ in ("dobj", "nsubjpass") and head.lemma_ in PRODUCT_VERBS:
                yield _cue(mention, "Product", name, 1.5)

    return rule


#: NER labels of places and buildings.
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
#: How much a gazetteer entry counts: a country or state name is rarely anything
#: else; a city's name is also a club's, a company's or a ship's.
GAZETTEER_WEIGHTS = {
    "continent": 1.5,
    "country": 1.5,
    "state": 1.5,
    "region": 1.25,
    "city": 1.25,
    "town": 0.75,
}


@type_rules.register("kg.types.gazetteer.v1")
def gazetteer_cues(lexicon: Lexicon, vocab: Vocab) -> CueRule:
    """A name the gazetteer knows as a continent, country, state, region or city is a
    place (:mod:`kg.gazetteer`)."""
    name = "kg.types.gazetteer.v1"
    place_kind("")  # read the tables now, with the pipeline, not on the first article

    def rule(doc: Doc) -> Iterator[TypeCue]:
        found = doc._.kg_mentions or ()
        # "Meridian" after "Meridian Pictures", "Navarro" after "Celia Navarro": a short
        # form of a longer name in the article, whatever else it may name; a place's name
        # is not short for the arena or airport named after it ("Volgograd Arena")
        ends = {
            w
            for m in found
            if m.ner_label not in PLACE_LABELS and len(words := name_key(m.text).split()) > 1
            for w in (words[0], words[-1])
        }
        for mention in found:
            if name_key(mention.text) in ends and mention.rule != NESTED_PLACE_RULE:
                continue
            kind = place_kind(mention.text)
            if kind is None:
                continue
            # "Paris Hilton", "Jordan", "Victoria": where the NER saw a person, only a
            # name no one is given outranks it ("Lazio", "Madhya Pradesh")
            if mention.ner_label == "PERSON" and (
                kind == "town" or any(is_given_name(w, common=False) for w in mention.text.split())
            ):
                continue
            yield _cue(mention, "Place", name, GAZETTEER_WEIGHTS[kind])

    return rule


#: In a match report, what players do and what they own.
PLAYER_VERBS = frozenset({"score", "save", "miss", "concede", "equalise", "equalize", "shoot"})
PLAYER_NOUNS = frozenset(
    {"attempt", "shot", "header", "strike", "volley", "tackle", "pass", "assist", "cross"}
)


@type_rules.register("kg.types.teams.v1")
def team_cues(lexicon: Lexicon, vocab: Vocab) -> CueRule:
    """In a match report, the sides of a result are teams throughout the article, and
    who scores, saves or shoots (not a side) is a player."""
    name = "kg.types.teams.v1"

    def rule(doc: Doc) -> Iterator[TypeCue]:
        report = read_match_report(doc)
        if report is None:
            return
        for mention in doc._.kg_mentions or ():
            if mention.ner_label != "PERSON" and name_key(mention.text) in report.sides:
                yield _cue(mention, "Organization", name, 3.0)
        # "Lukaku scored", "saved by Thibaut Courtois", "Dries Mertens's attempt": who
        # plays the game, other than the sides, is a player
        mentions = mention_tokens(doc)
        for token in doc_tokens(doc):
            mention = mentions.get(token.i)
            if mention is None or name_key(mention.text) in report.sides:
                continue
            head = token.head
            if (
                (token.dep_ == "nsubj" and head.lemma_ in PLAYER_VERBS)
                or (
                    token.dep_ == "pobj"
                    and head.dep_ == "agent"
                    and head.head.lemma_ in PLAYER_VERBS
                )
                or (token.dep_ == "poss" and head.lemma_ in PLAYER_NOUNS)
            ):
                yield _cue(mention, "Person", name, 2.0)

    return rule


class TypeCueComponent(RuleComponent):
    """spaCy component ``kg_types``: runs the type rules, writes ``doc._.kg_type_cues``.

    Each rule sees what the rules before it found (``doc.user_data[RULE_CUES]``): the
    learned typer, run last, reads them as features."""

    registry = type_rules
    attribute = "kg_type_cues"

    def collect(self, doc: Doc) -> list[TypeCue]:
        found: list[TypeCue] = []
        doc.user_data[RULE_CUES] = found
        for rule in self.rules:
            found.extend(rule(doc))
        del doc.user_data[RULE_CUES]
        return found


@Language.factory(
    "kg_types",
    assigns=["doc._.kg_type_cues"],
    requires=["doc._.kg_mentions"],
    default_config={
        "rules": [
            "kg.types.descriptions.v1",
            "kg.types.name_heads.v1",
            "kg.types.roles.v1",
            "kg.types.gazetteer.v1",
            "kg.types.teams.v1",
            "kg.types.learned.v1",
        ],
        "ontology": [],
        "kb": True,
    },
)
def make_type_component(
    nlp: Language, name: str, rules: list[str], ontology: list[str], kb: bool
) -> TypeCueComponent:
    return TypeCueComponent(nlp, name, rules, ontology, kb)
