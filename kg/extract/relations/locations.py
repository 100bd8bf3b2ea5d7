"""Locations: "X-based Y", "Y, based in X", "its headquarters in X", "<event> in <place>",
and chains of places ("Vancouver, British Columbia, Canada")."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from kg.extract.common import (
    arg_for,
    doc_tokens,
    mention_bounds,
    mention_tokens,
    prep_objects,
)
from kg.extract.relations.base import (
    CandidateRule,
    candidate,
    subject_of,
)
from kg.gazetteer import place_kind
from kg.lexicon import Lexicon
from kg.registry import relation_rules
from kg.types import Arg, Candidate, Mention

HEADQUARTERS = frozenset({"headquarters", "headquarter", "base", "office", "offices", "hq"})
#: Participles that place a thing ("based in", "located in").
PLACED = frozenset({"based", "headquartered", "located", "situated"})
#: Prepositions that say where a thing described by a noun is ("a town on the island").
WHERE_PREPS = ("in", "on", "within")
#: Nouns naming a division of land, written "the city of X" or "the X district".
DIVISIONS = frozenset(
    {"city", "town", "village", "hamlet", "state", "province", "county", "district", "region"}
    | {"municipality", "borough", "township", "commune", "parish", "prefecture", "island"}
    | {"country", "suburb", "neighbourhood", "neighborhood", "department", "canton"}
)


@relation_rules.register("kg.relations.locations.v1")
def location_relations(lexicon: Lexicon, vocab: Vocab) -> CandidateRule:
    """Locations: "X-based Y", "Y, based in X", "Columbus, Ohio", headquarters; and
    "X-backed Y" (partnersWith)."""
    name = "kg.relations.locations.v1"

    def placed(
        doc: Doc,
        s: Arg,
        thing: Token,
        cue: Token,
        place: Token,
        chains: dict[int, list[Token]],
        confidence: tuple[float, float],
    ) -> Iterator[Candidate]:
        """``s`` is in ``place`` and in each place written after it ("in Montreal,
        Quebec"): ``confidence`` for the first and for the outer ones."""
        for n, where in enumerate([place, *chains.get(place.i, ())]):
            o = arg_for(where, lexicon)
            if o is not None and o.kind == "name" and o.start != s.start:
                yield candidate(
                    doc,
                    s,
                    "locatedIn",
                    o,
                    name,
                    confidence[0] if n == 0 else confidence[1],
                    [thing, cue, where],
                )

    def rule(doc: Doc) -> Iterator[Candidate]:
        mentions = mention_tokens(doc)
        tokens = doc_tokens(doc)
        chains = _chains(tokens, mentions)
        for token in tokens:
            # "Microsoft-backed OpenAI", "Amazon-funded Anthropic": an investor and the
            # company it backs deal with each other
            if token.lower_ in ("backed", "funded", "financed") and token.dep_ == "amod":
                backers = [
                    c
                    for c in token.children
                    if c.dep_ in ("npadvmod", "compound") and c.i in mentions
                ]
                backed = token.head
                for backer in backers:
                    s, o = arg_for(backer, lexicon), arg_for(backed, lexicon)
                    if s is not None and o is not None and o.kind == "name":
                        yield candidate(
                            doc, s, "partnersWith", o, name, 0.7, [backer, token, backed]
                        )
            # "San Francisco-based OpenAI", "OpenAI, based in San Francisco"
            if token.lower_ in PLACED:
                places = [c for c in token.children if c.dep_ in ("npadvmod", "compound")]
                places += [n for c in prep_objects(token, "in") for n in _named(c, mentions)]
                things = [token.head] if token.dep_ in ("amod", "acl") else []
                if token.dep_ in ("ROOT", "conj", "relcl", "ccomp") or token.head.lemma_ == "be":
                    things += subject_of(token)
                # "Runway, a rival startup based in New York": the name the noun describes;
                # "Angleton High is a school located in Angleton": the copula's subject
                things += [t.head for t in things if t.dep_ == "appos"]
                things += [
                    s
                    for t in things
                    if t.dep_ == "attr" and t.i not in mentions and t.head.lemma_ == "be"
                    for s in subject_of(t.head)
                ]
                for thing in things:
                    for place in places:
                        s, o = arg_for(thing, lexicon), arg_for(place, lexicon)
                        # "the Paris-based startup" may name its company by description
                        if s is not None and o is not None and o.kind == "name":
                            yield candidate(
                                doc, s, "locatedIn", o, name, 0.8, [thing, token, place]
                            )
            # "Hebden Bridge, a town in West Yorkshire", "Denver, Colorado's largest city",
            # "the CMA, Britain's competition regulator", "Redgum's headquarters in Adelaide"
            if (
                token.i not in mentions
                and token.pos_ == "NOUN"
                and (
                    (token.dep_ == "appos" and token.head.i in mentions)
                    or token.lemma_ in HEADQUARTERS
                )
            ):
                if token.lemma_ in HEADQUARTERS:
                    things = [c for c in token.children if c.dep_ == "poss"]
                    places = prep_objects(token, "in")
                else:
                    things = [token.head]
                    places = [c for c in token.children if c.dep_ == "poss"]
                    places += prep_objects(token, "in")
                for thing in things:
                    for place in places:
                        s, o = arg_for(thing, lexicon), arg_for(place, lexicon)
                        if s is not None and o is not None and o.kind == "name":
                            yield candidate(
                                doc, s, "locatedIn", o, name, 0.7, [thing, token, place]
                            )
            # "the summit in Paris": a name with an "in <place>" modifier, and the places
            # that place is in ("McGill University in Montreal, Quebec")
            if token.i in mentions and token.dep_ != "compound":
                for prep in token.children:
                    if prep.dep_ != "prep" or prep.lower_ != "in":
                        continue
                    for c in (c for c in prep.children if c.dep_ == "pobj"):
                        for place in _named(c, mentions):
                            s = arg_for(token, lexicon)
                            if s is not None:
                                yield from placed(doc, s, token, prep, place, chains, (0.6, 0.55))
            # "Yandina is a town on Mbanika Island", "Tire is a district in Izmir Province":
            # where a copula says a name's noun is, and the places that place is in
            if (
                token.dep_ == "attr"
                and token.head.lemma_ == "be"
                and token.i not in mentions
                and token.pos_ == "NOUN"
            ):
                places = [n for c in prep_objects(token, *WHERE_PREPS) for n in _named(c, mentions)]
                if "Person" in lexicon.classes_for_noun(token.lemma_):
                    places = []  # "X is a leading reporter in Seoul": a person
                for thing in subject_of(token.head) if places else ():
                    s = arg_for(thing, lexicon)
                    if s is None or s.kind != "name":
                        continue  # a pronoun or a description: no name to place
                    for place in places:
                        yield from placed(doc, s, thing, token, place, chains, (0.7, 0.65))
            # "the Pudu district of Kuala Lumpur": a place named on a division noun is in
            # the place the noun is "of"
            if token.lemma_ in DIVISIONS and token.i not in mentions:
                named = [c for c in token.children if c.dep_ == "compound" and c.i in mentions]
                for first in named:
                    for of in _named(token, mentions):
                        # "the U.S. state of Oregon": the "of" names the state, and
                        # the larger place is the outer one
                        big = place_kind(mentions[of.i].text) == token.lemma_ or _rank(
                            mentions[first.i]
                        ) > _rank(mentions[of.i])
                        where, outer = (of, first) if big else (first, of)
                        s, o = arg_for(where, lexicon), arg_for(outer, lexicon)
                        if s is not None and o is not None and o.kind == "name":
                            yield candidate(
                                doc, s, "locatedIn", o, name, 0.7, [where, token, outer]
                            )
        # "Columbus, Ohio", "Vancouver, British Columbia, Canada": each place in the ones
        # written after it
        for inner, outers in chains.items():
            for n, outer in enumerate(outers):
                s, o = arg_for(tokens[inner], lexicon), arg_for(outer, lexicon)
                if s is not None and o is not None:
                    yield candidate(
                        doc,
                        s,
                        "locatedIn",
                        o,
                        name,
                        0.7 if n == 0 else 0.65,
                        [tokens[inner], outer],
                    )

    return rule


def _ner(mentions: dict[int, Mention], token: Token) -> str | None:
    mention = mentions.get(token.i)
    return mention.ner_label if mention is not None else None


def _named(token: Token, mentions: dict[int, Mention]) -> list[Token]:
    """The name a place argument gives: the name itself, or the name after a division
    noun ("in the city of Angleton" -> Angleton)."""
    if token.i in mentions or token.lemma_ not in DIVISIONS:
        return [token]
    return [c for c in prep_objects(token, "of") if c.i in mentions]


#: How large each kind of GeoNames place is, to tell a chain from a list.
RANKS = {"town": 1, "city": 1, "state": 2, "region": 2, "country": 3, "continent": 4}


#: How large the place a division noun names is, on the same scale.
DIVISION_RANKS = {
    **dict.fromkeys(("city", "town", "village", "hamlet", "municipality", "commune"), 1),
    **dict.fromkeys(("state", "province", "county", "region", "prefecture", "department"), 2),
    "country": 3,
}


def _rank(mention: Mention) -> int:
    return RANKS.get(place_kind(mention.text) or "", 0)


def within(inner: Mention, outer: Mention) -> bool:
    """Whether ``inner`` may be written inside ``outer``: not when GeoNames knows both
    and ``inner`` is as large ("Madrid, Barcelona", "Germany, Madrid": a list)."""
    a, b = _rank(inner), _rank(outer)
    return not (a and b and a >= b)


#: Roles a name after a comma plays in the next clause, not in a chain of places.
CLAUSE_ROLES = frozenset({"compound", "poss", "amod", "nmod", "nsubj", "nsubjpass", "dobj", "attr"})


def _listed(token: Token) -> bool:
    """Whether a name is an item of a co-ordinated list ("Paris, London and Berlin"):
    its conjuncts, or the name they hang from, have a conjunction. spaCy also parses
    "Devault, Chester County, Pennsylvania" as conjuncts, with no conjunction."""
    first = token
    while first.dep_ == "conj" and first.head.i != first.i:
        first = first.head
    group = [first, *(t for t in first.subtree if t.dep_ == "conj")]
    # a conjunction counts only where it joins something after it: in "Saratoga
    # Springs, New York and an Andy Warhol exhibit" the parse may hang the "and" that
    # joins the exhibits on "New York"
    return any(
        c.dep_ in ("cc", "preconj") and any(k.dep_ == "conj" and k.i > c.i for k in t.children)
        for t in group
        for c in t.children
    )


#: Prepositions that put the place after them around the one before ("X, within Y").
AROUND_PREPS = frozenset({"in", "within"})
#: NER labels of places.
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


def _placelike(mention: Mention) -> bool:
    """Whether the NER takes a name for a place, or the gazetteer does where the NER
    gave it no label ("Prince Eugene" is no city)."""
    if mention.ner_label is None:
        return place_kind(mention.text) is not None
    return mention.ner_label in PLACE_LABELS


def _of_division(token: Token) -> bool:
    """Whether a name is written as a division's ("the town of Ashby")."""
    return (
        token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.lemma_ in DIVISIONS
    )


def _around(
    tokens: list[Token],
    last: int,
    mentions: dict[int, Mention],
    bounds: dict[Mention, tuple[int, int]],
) -> tuple[Mention, str | None] | None:
    """The name written right after the name ending at token ``last`` as the place
    around it, and the division noun it is named with: ", in the southeastern United
    States", " within Szczytno County", " in the U.S. state of Oregon" (``state``)."""
    i = last + 1
    if i < len(tokens) and tokens[i].text == ",":
        i += 1
    if i >= len(tokens) or tokens[i].lower_ not in AROUND_PREPS:
        return None
    i += 1
    if i < len(tokens) and tokens[i].lower_ == "the":
        i += 1
    # "southeastern", "northern": words that say which part
    while i < len(tokens) and i not in mentions and tokens[i].pos_ == "ADJ":
        i += 1
    found = mentions.get(i)
    # "the U.S. state of Oregon": a place's name, then a division noun and "of"
    if found is not None:
        end = bounds.get(found, (i, i))[1] + 1
        if end + 1 < len(tokens) and tokens[end].lemma_ in DIVISIONS:
            i = end
    division = None
    if i + 1 < len(tokens) and tokens[i].lemma_ in DIVISIONS and tokens[i + 1].lower_ == "of":
        division = tokens[i].lemma_
        i += 2
    found = mentions.get(i)
    if found is None or bounds.get(found, (i, i))[0] != i:
        return None
    return found, division


def _chains(tokens: list[Token], mentions: dict[int, Mention]) -> dict[int, list[Token]]:
    """Names written "A, B, C" that are not a list (no "and", not co-ordinated in the
    parse), or "A, in B", "A within the state of B": per head token of each, the head
    tokens of the names after it (once per Doc: two rules read them)."""
    doc = tokens[0].doc if tokens else None
    cached: dict[int, list[Token]] | None = doc.user_data.get("kg_chains") if doc else None
    if cached is None:
        cached = _read_chains(tokens, mentions)
        if doc is not None:
            doc.user_data["kg_chains"] = cached
    return cached


def _read_chains(tokens: list[Token], mentions: dict[int, Mention]) -> dict[int, list[Token]]:
    heads: dict[Mention, Token] = {}
    for token in tokens:
        mention = mentions.get(token.i)
        if mention is not None and (
            token.head.i == token.i or mentions.get(token.head.i) is not mention
        ):
            heads.setdefault(mention, token)
    links: dict[int, Token] = {}
    bounds = mention_bounds(tokens[0].doc) if tokens else {}
    for mention, head in heads.items():
        last = bounds.get(mention, (head.i, head.i))[1]
        found = _around(tokens, last, mentions, bounds)
        if found is not None and _listed(head):
            continue  # "Richmond and Northallerton in North Yorkshire": one seat's name
        if (
            found is not None
            and found[0] is not mention
            and (_placelike(mention) or _of_division(head))
        ):
            # "Campbell County, Tennessee, in the southeastern United States", "Klamath
            # Falls in the U.S. state of Oregon": a place said to lie in another (not
            # "a river in Catalonia in the province of Barcelona", a smaller one)
            around, division = found
            outer = heads.get(around)
            rank = DIVISION_RANKS.get(division or "") or _rank(around)
            inner = _rank(mention)
            if outer is not None and outer.sent.start == head.sent.start:
                if _placelike(around) and not (inner and rank and inner >= rank):
                    links[head.i] = outer
            continue
        if last + 2 >= len(tokens) or tokens[last + 1].text != ",":
            continue
        after = mentions.get(last + 2)
        if after is None or after is mention:
            continue
        outer = heads.get(after)
        if outer is None or outer.sent.start != head.sent.start:
            continue
        if _listed(outer) or not within(mention, after):
            continue  # "Paris, London and Berlin", "Madrid, Barcelona": a list
        if outer.dep_ in CLAUSE_ROLES:
            continue  # "As Heald told The Huffington Post, US ozone has dropped": a new clause
        links[head.i] = outer
    chains: dict[int, list[Token]] = {}
    for start in links:
        seen: list[Token] = []
        at: Token | None = links[start]
        while at is not None and len(seen) < 4 and at not in seen:
            seen.append(at)
            at = links.get(at.i)
        chains[start] = seen
    return chains
