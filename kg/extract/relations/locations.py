"""Locations: "X-based Y", "Y, based in X", "its headquarters in X", "<event> in <place>"."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc
from spacy.vocab import Vocab

from kg.extract.common import (
    arg_for,
    doc_tokens,
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
from kg.types import Candidate

HEADQUARTERS = frozenset({"headquarters", "headquarter", "base", "office", "offices", "hq"})


@relation_rules.register("kg.relations.locations.v1")
def location_relations(lexicon: Lexicon, vocab: Vocab) -> CandidateRule:
    """Locations: "X-based Y", "Y, based in X", "Columbus, Ohio", headquarters."""
    name = "kg.relations.locations.v1"

    def rule(doc: Doc) -> Iterator[Candidate]:
        mentions = mention_tokens(doc)
        for token in doc_tokens(doc):
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
            # "Columbus, Ohio", "Monterrey, Mexico": a place in apposition with a place
            if token.i in mentions and token.dep_ == "appos" and token.head.i in mentions:
                inner, outer = arg_for(token.head, lexicon), arg_for(token, lexicon)
                if inner is not None and outer is not None and inner.start < outer.start:
                    yield candidate(doc, inner, "locatedIn", outer, name, 0.7, [token.head, token])
            # "the summit in Paris": a name with an "in <place>" modifier
            if token.i in mentions and token.dep_ != "compound":
                for prep in token.children:
                    if prep.dep_ != "prep" or prep.lower_ != "in":
                        continue
                    for place in (c for c in prep.children if c.dep_ == "pobj"):
                        s, o = arg_for(token, lexicon), arg_for(place, lexicon)
                        if s is not None and o is not None and o.kind == "name":
                            yield candidate(doc, s, "locatedIn", o, name, 0.6, [token, prep, place])

    return rule
