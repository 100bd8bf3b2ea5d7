"""Possessives and product nouns: "OpenAI's Sora", "its video generator, Sora",
"ChatGPT maker OpenAI"."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.attrs import LOWER
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from kg.extract.common import (
    arg_for,
    doc_ids,
    doc_tokens,
    mention_tokens,
    prep_objects,
    string_ids,
    with_conjuncts,
)
from kg.extract.relations.base import (
    CandidateRule,
    candidate,
)
from kg.lexicon import Lexicon
from kg.registry import relation_rules
from kg.types import Candidate

#: Nouns that say a company makes a product ("ChatGPT maker OpenAI").
MAKER_NOUNS = frozenset(
    {"maker", "developer", "creator", "manufacturer", "designer"}
    | {"makers", "developers", "creators", "manufacturers", "designers"}
)
_MAKER_IDS = string_ids(MAKER_NOUNS)


@relation_rules.register("kg.relations.possessives.v1")
def possessive_relations(lexicon: Lexicon, vocab: Vocab) -> CandidateRule:
    """Possessives and product nouns: "OpenAI's Sora", "its video generator, Sora"."""
    name = "kg.relations.possessives.v1"
    product_nouns = lexicon.cue_nouns.get("Product", frozenset())

    def names_products(noun: Token) -> bool:
        """Whether a noun says its name is a product ("its video generator")."""
        return noun.lower_ in product_nouns or noun.lemma_.lower() in product_nouns

    def rule(doc: Doc) -> Iterator[Candidate]:
        mentions = mention_tokens(doc)
        lowers = doc_ids(doc, LOWER)
        for token in doc_tokens(doc):
            # "ChatGPT maker OpenAI", "OpenAI, the maker of ChatGPT": a maker noun
            # between a product and a company
            if lowers[token.i] in _MAKER_IDS and token.i not in mentions:
                makers = [token.head] if token.dep_ in ("compound", "appos") else []
                products = [c for c in token.children if c.dep_ == "compound" and c.i in mentions]
                products += [
                    named for c in prep_objects(token, "of") for named in with_conjuncts(c)
                ]
                for maker in makers:
                    for product in products:
                        owner, made = arg_for(maker, lexicon), arg_for(product, lexicon)
                        if owner is not None and made is not None and owner.start != made.start:
                            yield candidate(
                                doc, owner, "develops", made, name, 0.8, [product, token, maker]
                            )
            # "its missiles such as Cirit and UMTAS", "Google's services, including
            # YouTube": the names a possessed product noun lists
            if token.i not in mentions and token.tag_ == "NNS" and names_products(token):
                makers = [c for c in token.children if c.dep_ == "poss"]
                listed = [
                    named
                    for c in prep_objects(token, "as", "including", "like")
                    if c.head.lower_ != "as" or any(w.lower_ == "such" for w in c.head.children)
                    for named in with_conjuncts(c)
                    if named.i in mentions
                ]
                for maker in makers:
                    owner = arg_for(maker, lexicon)
                    for product in listed:
                        made = arg_for(product, lexicon)
                        if owner is not None and made is not None and owner.start != made.start:
                            yield candidate(
                                doc, owner, "develops", made, name, 0.7, [maker, token, product]
                            )
            if token.i not in mentions or (
                token.head.i in mentions and token.dep_ not in ("appos", "conj")
            ):
                continue  # only a name's head word ("DAB's Ben Chan and FTU's Alice Mak")
            owned = arg_for(token, lexicon)
            if owned is None:
                continue
            # "OpenAI's Sora": the possessor hangs off the name itself
            for poss in (c for c in token.children if c.dep_ == "poss"):
                owner = arg_for(poss, lexicon)
                if owner is not None and owner.start != owned.start:
                    yield candidate(doc, owner, "develops", owned, name, 0.75, [poss, token])
                    yield candidate(doc, owned, "worksFor", owner, name, 0.6, [poss, token])
                    # "Chile's Punta Arenas", "London's Heathrow Airport": the resolver
                    # keeps this only where the possessor is a place
                    if owner.kind == "name":
                        yield candidate(doc, owned, "locatedIn", owner, name, 0.7, [poss, token])
            # "its newest video generator, Sora" (apposition) and "its Le Chat assistant",
            # "whose Swift drone" (the name on the noun): the possessor hangs off the noun;
            # "Farxiga, the AstraZeneca drug": the maker modifies the noun
            # "Sora, OpenAI's text-to-video model": the noun in apposition after the name
            nouns = [token.head] if token.dep_ in ("appos", "compound") else []
            nouns += [c for c in token.children if c.dep_ == "appos"]
            for noun in nouns:
                if noun.i in mentions or not (names_products(noun)):
                    continue
                makers = [c for c in noun.children if c.dep_ == "poss"]
                if token.dep_ == "appos" or noun.head.i == token.i:
                    makers += [c for c in noun.children if c.dep_ == "compound" and c.i in mentions]
                    # "Harbour Lights, the new film from Greyfield Studios"
                    makers += [
                        c
                        for prep in noun.children
                        if prep.dep_ == "prep" and prep.lower_ in ("from", "by")
                        for c in prep.children
                        if c.dep_ == "pobj"
                    ]
                after = noun.head.i == token.i  # "Sora, OpenAI's text-to-video model"
                for maker in makers:
                    owner = arg_for(maker, lexicon)
                    if owner is None or owner.start == owned.start:
                        continue
                    if after and owner.kind == "pronoun":
                        # "... to show off Sora, its text-to-video model": "its" is often
                        # a description's ("the company"), which pronouns do not reach;
                        # "Zephyr, the company's video tool" names its company by the
                        # description, which the resolver takes back to its name
                        continue
                    yield candidate(doc, owner, "develops", owned, name, 0.8, [maker, noun, token])

    return rule
