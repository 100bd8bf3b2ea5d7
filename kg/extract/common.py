"""Helpers every extraction rule shares: token lookups and argument building."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from catalogue import Registry
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc, Token

from kg.doc import doc_text
from kg.lexicon import Lexicon, load_lexicon
from kg.types import Arg, Mention

POSSESSIVE_MARKERS = frozenset({"'s", "\u2019s", "'", "\u2019"})
#: Prepositions that tie a person's name to where they belong ("Jo Park of Acme").
AFFILIATION_PREPS = frozenset({"of", "from", "at"})
#: Pronouns that can stand for an organization.
ORG_PRONOUNS = frozenset({"its", "it"})
#: Third-person pronouns resolve to the nearest person named before them.
PERSON_PRONOUNS = frozenset({"he", "she", "his", "her", "him"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})
DEFINITE = frozenset({"the", "this", "that"})
#: Verbs of founding: "X founded Y", "founded by X", "co-founded Y with X".
FOUND_VERBS = frozenset({"found", "co-found", "cofound", "establish", "start"})
NOT_ANAPHORIC = frozenset(
    {
        "merged",
        "combined",
        "new",
        "former",
        "other",
        "rival",
        "parent",
        "larger",
        "smaller",
        "joint",
        "acquiring",
        "acquired",
        "same",
        "next",
        "first",
        "second",
        "last",
        "largest",
        "biggest",
    }
)


def _sentences(doc: Doc) -> tuple[list[int], list[tuple[int, int]]]:
    """Per token, its sentence's index; per sentence, its token bounds (once per Doc).

    ``Token.sent`` walks the parse every time it is read; kg reads it often.
    """
    cached = doc.user_data.get("kg_sentences")
    if cached is None:
        of_token = [0] * len(doc)
        bounds = []
        for n, sent in enumerate(doc.sents):
            bounds.append((sent.start, sent.end))
            for i in range(sent.start, sent.end):
                of_token[i] = n
        cached = (of_token, bounds)
        doc.user_data["kg_sentences"] = cached
    return cached


def doc_tokens(doc: Doc) -> list[Token]:
    """The Doc's tokens as one list, made once per Doc.

    Iterating a Doc or indexing it makes a new ``Token`` object every time;
    kg's rules walk each Doc many times over.
    """
    cached: list[Token] | None = doc.user_data.get("kg_tokens")
    if cached is None:
        cached = list(doc)
        doc.user_data["kg_tokens"] = cached
    return cached


def doc_ids(doc: Doc, attr: int) -> list[int]:
    """Each token's value of one spaCy attribute (``ORTH``, ``LOWER``, ``LEMMA``: the
    hash of the string, as :func:`spacy.strings.get_string_id` gives it), read off the
    Doc's array once per Doc. A walk over every token that compares ids makes a
    ``Token`` object only where one matches."""
    key = f"kg_ids_{attr}"
    cached: list[int] | None = doc.user_data.get(key)
    if cached is None:
        cached = doc.to_array(attr).tolist() if len(doc) else []
        doc.user_data[key] = cached
    return cached


def string_ids(words: Iterable[str]) -> frozenset[int]:
    """The ids of words, to test a :func:`doc_ids` value against."""
    return frozenset(get_string_id(w) for w in words)


def release(doc: Doc) -> None:
    """Drop kg's per-Doc caches once the Doc is read. They hold ``Token`` objects,
    which point back at the Doc: left in place, the Doc (with its arrays) waits
    for a garbage collection instead of being freed as soon as it is dropped."""
    for key in [k for k in doc.user_data if isinstance(k, str) and k.startswith("kg_")]:
        del doc.user_data[key]


def sentence_index(doc: Doc, token: Token) -> int:
    """Index of the sentence holding ``token``."""
    return _sentences(doc)[0][token.i]


def sentence_bounds(token: Token) -> tuple[int, int]:
    """Token indices where the sentence holding ``token`` starts and ends."""
    of_token, bounds = _sentences(token.doc)
    return bounds[of_token[token.i]]


def mention_tokens(doc: Doc) -> dict[int, Mention]:
    """Token index -> the smallest mention covering that token."""
    cached: dict[int, Mention] | None = doc.user_data.get("kg_mention_tokens")
    if cached is not None:
        return cached
    index: dict[int, Mention] = {}
    for mention in sorted(doc._.kg_mentions or (), key=lambda m: m.end - m.start, reverse=True):
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None:
            continue
        for token in span:
            index[token.i] = mention
    doc.user_data["kg_mention_tokens"] = index
    return index


def mention_bounds(doc: Doc) -> dict[Mention, tuple[int, int]]:
    """Mention -> the indices of its first and last tokens, once per Doc. A name that
    holds another ("Volgograd Arena", "the Hollywood writers' strike") spans the
    names inside it too, though :func:`mention_tokens` gives their tokens to them."""
    cached: dict[Mention, tuple[int, int]] | None = doc.user_data.get("kg_mention_bounds")
    if cached is None:
        cached = {}
        for mention in doc._.kg_mentions or ():
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is not None and len(span):
                cached[mention] = (span.start, span.end - 1)
        doc.user_data["kg_mention_bounds"] = cached
    return cached


#: Dashes between the numbers of a result or a range ("1 - 0", "2\u20131").
DASHES = frozenset({"-", "\u2013", "\u2014"})


def phrase(tokens: list[Token]) -> str:
    return "".join(t.text_with_ws for t in tokens).strip()


def noun_phrase_head_text(token: Token) -> str:
    """The noun with its compound and adjectival modifiers, as written ("chief executive")."""
    mods = [c for c in token.lefts if c.dep_ in ("amod", "compound") and c.i == token.i - 1]
    words = [*mods, token]
    return phrase(words)


def description_class(token: Token, lexicon: Lexicon) -> str | None:
    """The class a definite description names ("the AI firm" -> Company), if any."""
    if token.tag_ not in ("NN", "NNP"):
        return None  # plural descriptions ("the studios") name groups, not one antecedent
    if not any(c.dep_ == "det" and c.lower_ in DEFINITE for c in token.children):
        return None
    if any(c.lower_ in NOT_ANAPHORIC for c in token.children):
        return None  # "the merged company", "the other studio" name no one named before
    for text in (noun_phrase_head_text(token), token.text, token.lemma_):
        classes = lexicon.classes_for_noun(text)
        if classes:
            return classes[0]
    return None


def arg_for(token: Token, lexicon: Lexicon, hops: int = 2) -> Arg | None:
    """An argument for ``token``: the name covering it, or a pronoun or description.

    A few steps lead from a word to the name it stands for: a relative pronoun
    to its antecedent ("Korvath, which was founded ..."), "whose" likewise, a
    noun to the name in apposition with it ("Copperline, a startup founded
    by ..."), and a product noun to the name that modifies it ("its Heron X2
    aircraft", "PlayStation consoles").
    """
    doc = token.doc
    mentions = mention_tokens(doc)
    mention = mentions.get(token.i)
    if mention is not None:
        return Arg(mention.start, mention.end, mention.text)
    span = (token.idx, token.idx + len(token))
    if token.lower_ in ORG_PRONOUNS and token.pos_ == "PRON":
        owner = _clause_subject(token, mentions, lexicon, "organization")
        if owner is not None:  # "Google, which owns YouTube, showed its Veo model"
            return Arg(owner.start, owner.end, owner.text)
        return Arg(*span, token.text, kind="pronoun", cls="Organization")
    if token.lower_ in PERSON_PRONOUNS and token.pos_ == "PRON":
        return Arg(*span, token.text, kind="pronoun", cls="Person")
    if hops > 0:
        if token.lower_ in RELATIVE_PRONOUNS or token.lower_ == "whose":
            clause = next((a for a in token.ancestors if a.dep_ == "relcl"), None)
            if clause is not None:
                return arg_for(clause.head, lexicon, hops - 1)
        if token.pos_ in ("NOUN", "PROPN"):
            # "Copperline, a startup ...": the noun stands in apposition with a name
            if token.dep_ == "appos" and token.head.i in mentions:
                return arg_for(token.head, lexicon, hops - 1)
            for child in token.children:
                if child.dep_ == "appos" and child.i in mentions:
                    return arg_for(child, lexicon, hops - 1)
            if token.lemma_.lower() in lexicon.cue_nouns.get("Product", frozenset()):
                named = [c for c in token.children if c.dep_ == "compound" and c.i in mentions]
                if len(named) == 1:
                    return arg_for(named[0], lexicon, hops - 1)
    cls = description_class(token, lexicon)
    if cls is not None:
        mods = [t.idx for t in token.lefts if t.dep_ in ("det", "amod", "compound")]
        start = min(mods, default=token.idx)
        end = token.idx + len(token)
        return Arg(start, end, doc_text(doc)[start:end], kind="description", cls=cls)
    return None


def _clause_subject(
    pronoun: Token, mentions: dict[int, Mention], lexicon: Lexicon, group: str
) -> Mention | None:
    """The name that is the subject of the clause a possessive pronoun stands in, if it
    comes first and the NER or the knowledge base puts it in ``group``: in "Google,
    which owns YouTube, showed its Veo model", "its" is Google's, not YouTube's."""
    if pronoun.dep_ != "poss":
        return None
    node = pronoun.head
    for _ in range(4):
        if node.pos_ in ("VERB", "AUX") or node.head.i == node.i:
            break
        node = node.head
    if node.pos_ not in ("VERB", "AUX"):
        return None
    for child in node.children:
        if child.dep_ == "nsubj" and child.i < pronoun.i:
            mention = mentions.get(child.i)
            if mention is None:
                continue
            label = lexicon.ner_classes.get(mention.ner_label or "")
            entry = lexicon.kb_entry(mention.text)
            cls = entry.cls if entry is not None else label
            if cls is not None and lexicon.group(cls) == group:
                return mention
    return None


def prep_objects(token: Token, *words: str) -> list[Token]:
    """The objects of ``token``'s prepositions among ``words`` ("based in X" -> X)."""
    return [
        c
        for p in token.children
        if p.dep_ == "prep" and p.lower_ in words
        for c in p.children
        if c.dep_ == "pobj"
    ]


#: Academic titles: what they are "of" is a field ("professor of commercial law"), and
#: a name right before a capitalised one that has an "of" names the chair ("the
#: Freshfields Professor of Law", after a donor), not where it is held; "at" names
#: the institution.
ACADEMIC_TITLES = frozenset({"professor", "lecturer"})


def names_field_or_chair(title: Token, name: Token, institution_words: frozenset[str]) -> bool:
    """Whether ``name``, a name hung on an academic ``title`` as its "of" object or a
    name before it, is the field or the chair rather than the institution (one whose
    name says it is one, "professor of the University of Tunis", still is)."""
    if title.lower_ not in ACADEMIC_TITLES and title.lemma_.lower() not in ACADEMIC_TITLES:
        return False
    if name.dep_ == "pobj" and name.head.lower_ == "of" and name.head.head == title:
        mention = mention_tokens(title.doc).get(name.i)
        words = (mention.text if mention is not None else name.text).lower().split()
        return not institution_words.intersection(words)
    # a chair is named right before a capitalised title: "the Freshfields Professor of
    # Law", not "USI associate professor of art history"
    return (
        name.dep_ in ("compound", "nmod")
        and name.head == title
        and name.i == title.i - 1
        and title.text[:1].isupper()
        and bool(prep_objects(title, "of"))
    )


def with_conjuncts(token: Token) -> list[Token]:
    """``token`` and the tokens co-ordinated with it ("X, Y and Z")."""
    return [token, *token.conjuncts]


def span_of(tokens: list[Token]) -> tuple[int, int]:
    start = min(t.idx for t in tokens)
    end = max(t.idx + len(t) for t in tokens)
    return start, end


class RuleComponent:
    """A spaCy component that runs a list of registered rules and stores what they yield.

    Subclasses name the registry to take rules from and the ``Doc._`` attribute
    to write; :meth:`collect` may post-process what the rules found.
    """

    registry: ClassVar[Registry]
    attribute: ClassVar[str]

    def __init__(
        self, nlp: Language, name: str, rules: list[str], ontology: list[str], kb: bool = True
    ) -> None:
        self.name = name
        self.lexicon = load_lexicon(ontology, kb)
        self.rules: list[Callable[[Doc], Iterable[Any]]] = [
            self.registry.get(r)(self.lexicon, nlp.vocab) for r in rules
        ]

    def collect(self, doc: Doc) -> list[Any]:
        return [item for rule in self.rules for item in rule(doc)]

    def __call__(self, doc: Doc) -> Doc:
        doc._.set(self.attribute, self.collect(doc))
        return doc


#: Verbs that give a title to their object: "the board named Jo Park chief executive",
#: "Jo Park was appointed CEO", "Acme hired Jo Park as its CTO".
APPOINT_VERBS = frozenset(
    {
        "name",
        "appoint",
        "reappoint",
        "elect",
        "re-elect",
        "hire",
        "choose",
        "pick",
        "tap",
        "promote",
        "install",
        "select",
        "nominate",
        "make",
    }
)
#: Verbs whose subject holds the title written after "as": "Park served as CFO",
#: "Park joined Acme as COO" (the joined organization is where it is held).
SERVE_VERBS = frozenset({"serve", "act", "work", "join", "rejoin", "remain", "continue", "stay"})


def title_holders(noun: Token) -> tuple[list[Token], list[Token]]:
    """Who holds the title ``noun`` by what a verb says, and the organization the verb
    names as where it is held (besides the title's own "of"):

    - "Jo Park was named CEO of Acme", "the board named Jo Park CEO", "Ryan is appointed
      CIA Deputy Director" (the title an object predicate of a naming verb);
    - "Park served as CFO", "Park joined Acme as COO" (Acme), "Acme hired Park as its
      CTO" (Acme);
    - "The president of the fund is Stephen Heintz" (the title a copula's subject).
    """
    head = noun.head
    people: list[Token] = []
    where: list[Token] = []
    verb: Token | None = None
    if noun.dep_ == "oprd" and head.lemma_ in APPOINT_VERBS:
        verb = head
    elif noun.dep_ == "pobj" and head.lower_ == "as" and head.head.pos_ == "VERB":
        verb = head.head
    if verb is not None and verb.lemma_ in APPOINT_VERBS:
        objects = [c for c in verb.children if c.dep_ == "dobj"]
        people = objects or [c for c in verb.children if c.dep_ == "nsubjpass"]
        if objects:  # "Acme hired Park as ...": the one who hires is where
            where = [c for c in verb.children if c.dep_ == "nsubj"]
        elif noun.dep_ == "oprd" and not people:
            # "the board named Jo Park chief executive": the parse may hang the name
            # on the title
            people = [c for c in noun.children if c.dep_ == "nmod"]
    elif verb is not None and verb.lemma_ in SERVE_VERBS and noun.dep_ == "pobj":
        people = [c for c in verb.children if c.dep_ == "nsubj"]
        if verb.lemma_ in ("join", "rejoin"):
            where = [c for c in verb.children if c.dep_ == "dobj"]
    elif noun.dep_ == "nsubj" and head.lemma_ == "be":
        people = [c for c in head.children if c.dep_ == "attr"]
    return [t for p in people for t in with_conjuncts(p)], where


def is_acronym(text: str) -> bool:
    """Whether a name is written as an acronym: two to six capital letters ("ADPL")."""
    return text.isalpha() and text.isupper() and 2 <= len(text) <= 6


def written_apposition(token: Token) -> Token | None:
    """The head noun of an apposition written right after ``token`` ("the Hajj, the
    annual pilgrimage to Mecca"), read off the words: the parse often hangs such a
    noun elsewhere."""
    doc = token.doc
    at = token.i + 1
    if at + 2 >= len(doc) or doc[at].text != "," or doc[at + 1].lower_ not in ("the", "a", "an"):
        return None
    for noun in doc[at + 2 : min(at + 6, len(doc))]:
        if noun.text in POSSESSIVE_MARKERS and doc[noun.i - 1].pos_ == "NOUN":
            continue  # "Zephyr, the company's video tool": the possessor is no head
        if noun.pos_ not in ("ADJ", "NOUN"):
            return None
        if noun.i + 1 < len(doc) and doc[noun.i + 1].text in POSSESSIVE_MARKERS:
            continue
        if noun.pos_ == "NOUN" and (noun.i + 1 >= len(doc) or doc[noun.i + 1].pos_ != "NOUN"):
            # not the subject of a clause of its own ("sales rose in Brazil, the company
            # said"), nor a noun before the name it describes ("..., the company Lumora
            # said")
            if noun.dep_ in ("nsubj", "nsubjpass") and noun.head.i > noun.i:
                return None
            if noun.dep_ == "compound" and noun.head.pos_ == "PROPN":
                return None
            return noun
    return None
