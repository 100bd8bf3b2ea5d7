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
from kg.lexicon import Lexicon
from kg.registry import relation_rules
from kg.types import Candidate, Mention

HEADQUARTERS = frozenset({"headquarters", "headquarter", "base", "office", "offices", "hq"})


@relation_rules.register("kg.relations.locations.v1")
def location_relations(lexicon: Lexicon, vocab: Vocab) -> CandidateRule:
    """Locations: "X-based Y", "Y, based in X", "Columbus, Ohio", headquarters; and
    "X-backed Y" (partnersWith)."""
    name = "kg.relations.locations.v1"

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
            if token.lower_ in ("based", "headquartered"):
                places = [c for c in token.children if c.dep_ in ("npadvmod", "compound")]
                places += prep_objects(token, "in")
                things = [token.head] if token.dep_ in ("amod", "acl") else []
                if token.dep_ in ("ROOT", "conj", "relcl", "ccomp") or token.head.lemma_ == "be":
                    things += subject_of(token)
                # "Runway, a rival startup based in New York": the name the noun describes
                things += [t.head for t in things if t.dep_ == "appos"]
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
                    for place in (c for c in prep.children if c.dep_ == "pobj"):
                        s = arg_for(token, lexicon)
                        for n, where in enumerate([place, *chains.get(place.i, ())]):
                            o = arg_for(where, lexicon)
                            if s is not None and o is not None and o.kind == "name":
                                yield candidate(
                                    doc,
                                    s,
                                    "locatedIn",
                                    o,
                                    name,
                                    0.6 if n == 0 else 0.55,
                                    [token, prep, where],
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


#: Roles a name after a comma plays in the next clause, not in a chain of places.
CLAUSE_ROLES = frozenset({"compound", "poss", "amod", "nmod", "nsubj", "nsubjpass", "dobj", "attr"})


def _chains(tokens: list[Token], mentions: dict[int, Mention]) -> dict[int, list[Token]]:
    """Names written "A, B, C" that are not a list (no "and", not co-ordinated in the
    parse): per head token of each, the head tokens of the names after it."""
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
        if last + 2 >= len(tokens) or tokens[last + 1].text != ",":
            continue
        after = mentions.get(last + 2)
        if after is None or after is mention:
            continue
        outer = heads.get(after)
        if outer is None or outer.sent.start != head.sent.start:
            continue
        if outer.dep_ == "conj" or any(c.dep_ == "cc" for c in outer.children):
            continue  # "Paris, London and Berlin": a list
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
