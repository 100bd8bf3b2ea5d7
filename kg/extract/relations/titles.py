"""Job titles: "Sam Altman, OpenAI's CEO", "OpenAI CEO Sam Altman",
"Altman is the chief executive of OpenAI"."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.attrs import POS
from spacy.symbols import NOUN, PROPN
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from kg.extract.common import (
    AFFILIATION_PREPS,
    arg_for,
    doc_ids,
    doc_tokens,
    mention_bounds,
    mention_tokens,
    names_field_or_chair,
    prep_objects,
    title_holders,
    with_conjuncts,
)
from kg.extract.relations.base import (
    CandidateRule,
    candidate,
)
from kg.lexicon import Lexicon
from kg.registry import relation_rules
from kg.types import Candidate, Mention


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


TITLE_PREPS = ("of", "at", "for", "with")


def _org_of_title(noun: Token) -> list[Token]:
    """The organization a title is held at: possessor, compound ("USI associate
    professor"), or "of/at/for" object, also after a modifier of the title ("editor at
    large at the Saudi Gazette", "professor of art history at Yale")."""
    found = [c for c in noun.children if c.dep_ in ("poss", "compound", "nmod")]
    heads = [noun, *(c for c in noun.children if c.dep_ == "amod")]
    for head in heads:
        for prep in head.children:
            if prep.dep_ == "prep" and prep.lower_ in TITLE_PREPS:
                objects = [c for c in prep.children if c.dep_ == "pobj"]
                found += objects
                found += [
                    c
                    for o in objects
                    for inner in o.children
                    if inner.dep_ == "prep" and inner.lower_ in ("at", "for")
                    for c in inner.children
                    if c.dep_ == "pobj"
                ]
    return found


#: Verbs by which an organization gives someone a title ("Acme named CEO Jo Park").
APPOINTING = frozenset({"name", "appoint", "hire", "promote", "tap", "pick", "choose", "select"})


def _appointer(holder: Token, mentions: dict[int, Mention]) -> list[Token]:
    """The named subject of the verb that appoints ``holder`` to a title written before
    the name ("Acme named chief operating officer Jo Park")."""
    verb = holder.head
    if holder.dep_ != "dobj" or verb.lemma_ not in APPOINTING:
        return []
    return [c for c in verb.children if c.dep_ == "nsubj" and c.i in mentions]


@relation_rules.register("kg.relations.titles.v1")
def title_relations(lexicon: Lexicon, vocab: Vocab) -> CandidateRule:
    """Job titles: ceoOf, founderOf or worksFor, with the title as data."""
    name = "kg.relations.titles.v1"
    institutions = lexicon.name_heads.get("Organization", frozenset())

    def rule(doc: Doc) -> Iterator[Candidate]:
        mentions = mention_tokens(doc)
        pos = doc_ids(doc, POS)
        for noun in doc_tokens(doc):
            if pos[noun.i] not in (NOUN, PROPN) or noun.i in mentions:
                continue
            if not lexicon.ends_title(noun.text):  # a title phrase ends with its noun
                continue
            found = _title_phrase(noun, lexicon)
            if found is None:
                continue
            prop, title = found
            people: list[Token] = []
            # (not the title's own words: "product" of "chief product officer")
            orgs = [
                o
                for o in _org_of_title(noun)
                if arg_for(o, lexicon) is not None
                and not names_field_or_chair(noun, o, institutions)
            ]
            if noun.dep_ == "appos":  # "Sam Altman, OpenAI's CEO"
                people = with_conjuncts(noun.head)
            people += [c for c in noun.children if c.dep_ == "appos"]  # "OpenAI's CEO, Sam Altman"
            # "OpenAI's head of media partnerships, Varun Shetty": the parse may hang the
            # name on the title's own object
            people += [
                c
                for o in prep_objects(noun, "of")
                if o.i not in mentions
                for c in o.children
                if c.dep_ == "appos" and c.i in mentions
            ]
            if noun.dep_ == "compound" and noun.head.i in mentions:  # "OpenAI CEO Sam Altman"
                people.append(noun.head)
                orgs += [
                    c
                    for c in noun.head.children
                    if c.dep_ == "compound" and c.i < noun.i and c.i in mentions
                ]
            if noun.dep_ == "attr" and noun.head.lemma_ == "be":  # "Altman is OpenAI's CEO"
                people += [c for c in noun.head.children if c.dep_ == "nsubj"]
            # "Ueland is a civil servant and former CEO of NSB": a title co-ordinated
            # with a description has its holder
            first = noun
            while first.dep_ == "conj" and first.head.i != first.i:
                first = first.head
            if first is not noun and first.i not in mentions:
                if first.dep_ == "attr" and first.head.lemma_ == "be":
                    people += [c for c in first.head.children if c.dep_ == "nsubj"]
                elif first.dep_ == "appos":
                    people += with_conjuncts(first.head)
            # "Park was named CEO of Acme", "Park served as Acme's CFO", "Park joined
            # Acme as COO", "The president of the fund is Stephen Heintz"
            holders, held_at = title_holders(noun)
            people += holders
            if not orgs:
                orgs = held_at
            if not orgs:
                # "JR Shaw, founder and executive chairman of Shaw Communications": titles
                # co-ordinated share the organization named after one of them
                orgs = [
                    o
                    for other in noun.conjuncts
                    if other.i not in mentions and _title_phrase(other, lexicon)
                    for o in _org_of_title(other)
                ]
            if not orgs:
                # "Acme named chief operating officer Jo Park": who gives the title
                orgs = [o for p in people for o in _appointer(p, mentions)]
            orgs = [o for o in orgs if o not in people]
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


def _next_after(doc: Doc, mention: Mention) -> Token | None:
    """The token just after a mention, if any."""
    tokens = doc_tokens(doc)
    bounds = mention_bounds(doc).get(mention)
    if bounds is None or bounds[1] + 1 >= len(tokens):
        return None
    return tokens[bounds[1] + 1]


#: A name's own words, which set it apart from a name co-ordinated with it.
OWN_WORDS = frozenset({"amod", "compound", "nmod", "poss", "appos", "acl", "relcl"})


@relation_rules.register("kg.relations.affiliations.v1")
def affiliation_relations(lexicon: Lexicon, vocab: Vocab) -> CandidateRule:
    """A name with its organization attached: "Lee Cheuk-yan of the Labour Party",
    "Alvin Yeung from the Civic Party", "Jo Park at Acme"; and possessors shared by
    co-ordinated names ("DAB's Ben Chan and Leung Che-cheung"). The resolver keeps
    worksFor only between a person and an organization."""
    name = "kg.relations.affiliations.v1"

    def rule(doc: Doc) -> Iterator[Candidate]:
        mentions = mention_tokens(doc)
        pos = doc_ids(doc, POS)
        for token in doc_tokens(doc):
            mention = mentions.get(token.i)
            if mention is None:
                continue
            if token.head.i in mentions and mentions[token.head.i] is mention:
                continue  # only the name's head word
            if pos[token.i] != PROPN and not any(
                pos[t.i] == PROPN for t in token.lefts if mentions.get(t.i) is mention
            ):
                continue  # a name, tagged as one ("Hui Chi-fung" may end on a NOUN)
            person = arg_for(token, lexicon)
            if person is None:
                continue
            preps = [c for c in token.children if c.dep_ == "prep"]
            # "councillors Alvin Yeung from the Civic Party": the parse may hang the
            # preposition on the noun before the name; it still follows the name
            after = _next_after(doc, mention)
            # ("Claudia Mo of the Civic Party and Wong Pik-wan of the Democratic Party":
            # or on the name before it)
            if (
                after is not None
                and after.dep_ == "prep"
                and after.head.pos_ in ("NOUN", "PROPN")
                and after.head.i != token.i
            ):
                preps.append(after)
            first = token.head
            paired = (
                token.dep_ == "conj"
                and first.i in mentions
                and first.i < token.i
                # "A's X and Y", not "A's X, B's Y": only "and" or a comma between
                and all(
                    t.dep_ in ("cc", "punct") or mentions.get(t.i) is mention
                    for t in doc_tokens(doc)[first.i + 1 : token.i]
                )
            )
            # "Damien Gildea and Rodrigo Fica of the Omega Foundation": the body after
            # the last of two names is the first's too, unless the first has a body or a
            # word of its own ("Nonpartisan Paul Tse and Wong Kwok-kin of the FTU")
            shared = (
                arg_for(first, lexicon)
                if paired
                and not any(
                    (c.dep_ == "prep" and c.lower_ in AFFILIATION_PREPS)
                    or (c.dep_ in OWN_WORDS and mentions.get(c.i) is not mentions[first.i])
                    for c in first.children
                )
                else None
            )
            for prep in preps:
                if prep.lower_ not in AFFILIATION_PREPS or any(
                    t.lower_ == "respectively" for c in prep.children for t in (c, *c.children)
                ):
                    continue  # "A and B of respectively X and Y" pairs by order
                for org_tok in (c for c in prep.children if c.dep_ == "pobj"):
                    if org_tok.i not in mentions or mentions[org_tok.i] is mention:
                        continue
                    org = arg_for(org_tok, lexicon)
                    if org is not None and org.start != person.start:
                        yield candidate(
                            doc, person, "worksFor", org, name, 0.65, [token, prep, org_tok]
                        )
                        if shared is not None and prep.head.i == token.i:
                            yield candidate(
                                doc, shared, "worksFor", org, name, 0.6, [first, prep, org_tok]
                            )
            if paired:
                for poss in (c for c in first.children if c.dep_ == "poss" and c.i in mentions):
                    org = arg_for(poss, lexicon)
                    if org is not None and org.start != person.start:
                        yield candidate(doc, person, "worksFor", org, name, 0.6, [poss, token])

    return rule
