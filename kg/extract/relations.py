"""Relation rules: dependency patterns that propose facts between names.

Each rule yields :class:`~kg.types.Candidate` records whose ends are names,
pronouns or definite descriptions. The resolver maps the ends to entities and
keeps a candidate only where the relation's domain and range (from the
ontology) fit, which is also how rules that could mean two things choose
("X launched Y" is ``develops`` for a product, ``founderOf`` for a company).

Built-in rules:

- ``kg.relations.titles.v1``: job titles in apposition, before a name or after
  a copula ("Sam Altman, OpenAI's CEO", "OpenAI CEO Sam Altman",
  "Altman is the chief executive of OpenAI"); the title is kept as data.
- ``kg.relations.possessives.v1``: "OpenAI's Sora", "its video generator, Sora".
- ``kg.relations.verb_frames.v1``: subject-verb-object frames
  ("X launched Y", "X attended Y", "X met with Y", "X reports that Y ...",
  "Y was developed by X", "X signed a deal with Y", "X is in talks with Y").
- ``kg.relations.event_names.v1``: names inside an event's name
  ("the Hollywood writers' strike" is located in Hollywood; "the WGA strike"
  has the WGA as a participant).
- ``kg.relations.event_dates.v1``: dates of events ("last year's strike").
- ``kg.relations.locations.v1``: "X-based Y", "Y, based in X", "<event> in <place>".

Every candidate also records who the text attributes it to ("Bloomberg reports
that ...", "according to Reuters") and whether it is planned ("plans to meet").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from kg.extract.common import (
    FOUND_VERBS,
    RELATIVE_PRONOUNS,
    RuleComponent,
    arg_for,
    doc_tokens,
    mention_tokens,
    noun_phrase_head_text,
    prep_objects,
    sentence_index,
    span_of,
    with_conjuncts,
)
from kg.lexicon import Lexicon
from kg.registry import relation_rules
from kg.types import Arg, Candidate

CandidateRule = Callable[[Doc], Iterable[Candidate]]


def candidate(
    doc: Doc,
    subject: Arg,
    prop: str,
    obj: Arg,
    rule: str,
    confidence: float,
    tokens: list[Token],
    title: str | None = None,
) -> Candidate:
    """A candidate whose evidence spans its tokens and both ends, with its attribution."""
    start, end = span_of(tokens)
    start, end = min(start, subject.start, obj.start), max(end, subject.end, obj.end)
    # a report is not attributed to itself
    source, modality = attribution(tokens[len(tokens) // 2]) if prop != "reports" else (None, None)
    return Candidate(
        subject,
        prop,
        obj,
        rule,
        confidence,
        sentence_index(doc, tokens[0]),
        start,
        end,
        title,
        source,
        modality,
    )


REPORTING_VERBS = frozenset(
    {
        "report",
        "say",
        "tell",
        "write",
        "reveal",
        "claim",
        "note",
        "state",
        "confirm",
        "add",
        "allege",
        "suggest",
        "announce",
    }
)
PLANNING_VERBS = frozenset(
    {
        "plan",
        "intend",
        "aim",
        "expect",
        "hope",
        "want",
        "seek",
        "prepare",
        "propose",
        "consider",
        "schedule",
        "set",
    }
)
FUTURE_AUX = frozenset({"will", "'ll", "shall"})


def _clause_facts(doc: Doc) -> tuple[set[int], dict[int, Arg], dict[int, Arg]]:
    """Per Doc, once: the tokens with a future auxiliary ("will"), the source each
    token's "according to X" names, and each token's subject when it is a name.

    Reading these from the children of every ancestor, for every candidate, costs
    time in the square of a sentence's length; a long sentence made that matter.
    """
    cached = doc.user_data.get("kg_clause_facts")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    mentions = mention_tokens(doc)
    future: set[int] = set()
    according: dict[int, Arg] = {}
    subjects: dict[int, Arg] = {}
    for token in doc_tokens(doc):
        head = token.head.i
        if token.dep_ == "aux" and token.lower_ in FUTURE_AUX:
            future.add(head)
        if token.lower_ == "according" and head not in according:
            for to in (c for c in token.children if c.lower_ == "to"):
                for pobj in (c for c in to.children if c.dep_ == "pobj"):
                    if pobj.i in mentions and head not in according:
                        m = mentions[pobj.i]
                        according[head] = Arg(m.start, m.end, m.text)
        if token.dep_ == "nsubj" and token.i in mentions and head not in subjects:
            m = mentions[token.i]
            subjects[head] = Arg(m.start, m.end, m.text)
    cached = (future, according, subjects)
    doc.user_data["kg_clause_facts"] = cached
    return cached


def attribution(trigger: Token) -> tuple[Arg | None, str | None]:
    """Who the text says a fact comes from, and whether it is planned rather than done.

    "Bloomberg reports that OpenAI plans to meet studios": the meeting is attributed
    to Bloomberg and planned. "According to Reuters, X ...": attributed to Reuters.
    """
    future, according, subjects = _clause_facts(trigger.doc)
    source: Arg | None = None
    planned = False
    node = trigger
    for _ in range(8):
        if node.i in future:
            planned = True
        if node.dep_ == "xcomp" and node.head.lemma_ in PLANNING_VERBS:
            planned = True
        if source is None and node.i in according:
            source = according[node.i]
        if source is None and node.dep_ == "ccomp" and node.head.lemma_ in REPORTING_VERBS:
            source = subjects.get(node.head.i)
        if node.head is node:
            break
        node = node.head
    modality = "planned" if planned else ("reported" if source is not None else None)
    return source, modality


def _subjects_by_head(doc: Doc) -> dict[int, list[int]]:
    """Per Doc, once: each token's subject children (a root may have thousands of
    children in a run-on sentence; walking them for every verb is quadratic)."""
    cached: dict[int, list[int]] | None = doc.user_data.get("kg_subjects")
    if cached is None:
        cached = {}
        for token in doc_tokens(doc):
            if token.dep_ in ("nsubj", "nsubjpass") and token.head.i != token.i:
                cached.setdefault(token.head.i, []).append(token.i)
        doc.user_data["kg_subjects"] = cached
    return cached


def subject_of(verb: Token) -> list[Token]:
    """The subject of a verb, following xcomp, conj and relative clauses up the tree."""
    doc = verb.doc
    by_head = _subjects_by_head(doc)
    tokens = doc_tokens(doc)
    for _ in range(4):
        subjects = [tokens[i] for i in by_head.get(verb.i, ())]
        if subjects:
            subj = subjects[0]
            if subj.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
                return with_conjuncts(verb.head)
            return with_conjuncts(subj)
        if verb.dep_ == "relcl" or (verb.dep_ == "acl" and verb.tag_ == "VBG"):
            return with_conjuncts(verb.head)
        if verb.dep_ in ("xcomp", "conj", "advcl", "pcomp") and verb.head is not verb:
            verb = verb.head
            continue
        break
    return []


def governing_verb(token: Token) -> Token | None:
    """The nearest verb above ``token`` ("talks" in "is in talks with" -> "is")."""
    node = token
    for _ in range(4):
        if node.head is node:
            return node if node.pos_ in ("VERB", "AUX") else None
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            return node
    return None


# ---------------------------------------------------------------------------
# Titles


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


# ---------------------------------------------------------------------------
# Possessives


@relation_rules.register("kg.relations.possessives.v1")
def possessive_relations(lexicon: Lexicon, vocab: Vocab) -> CandidateRule:
    """Possessives and product nouns: "OpenAI's Sora", "its video generator, Sora"."""
    name = "kg.relations.possessives.v1"
    product_nouns = lexicon.cue_nouns.get("Product", frozenset())

    def rule(doc: Doc) -> Iterator[Candidate]:
        mentions = mention_tokens(doc)
        for token in doc_tokens(doc):
            if token.i not in mentions or (token.head.i in mentions and token.dep_ != "appos"):
                continue
            owned = arg_for(token, lexicon)
            if owned is None:
                continue
            # "OpenAI's Sora": the possessor hangs off the name itself
            for poss in (c for c in token.children if c.dep_ == "poss"):
                owner = arg_for(poss, lexicon)
                if owner is not None and owner.start != owned.start:
                    yield candidate(doc, owner, "develops", owned, name, 0.75, [poss, token])
                    yield candidate(doc, owned, "worksFor", owner, name, 0.6, [poss, token])
            # "its newest video generator, Sora" (apposition) and "its Le Chat assistant",
            # "whose Swift drone" (the name on the noun): the possessor hangs off the noun;
            # "Farxiga, the AstraZeneca drug": the maker modifies the noun
            noun = token.head if token.dep_ in ("appos", "compound") else None
            if (
                noun is not None
                and noun.i not in mentions
                and (noun.lower_ in product_nouns or noun.lemma_.lower() in product_nouns)
            ):
                makers = [c for c in noun.children if c.dep_ == "poss"]
                if token.dep_ == "appos":
                    makers += [c for c in noun.children if c.dep_ == "compound" and c.i in mentions]
                    # "Harbour Lights, the new film from Greyfield Studios"
                    makers += [
                        c
                        for prep in noun.children
                        if prep.dep_ == "prep" and prep.lower_ in ("from", "by")
                        for c in prep.children
                        if c.dep_ == "pobj"
                    ]
                for maker in makers:
                    owner = arg_for(maker, lexicon)
                    if owner is not None and owner.start != owned.start:
                        yield candidate(
                            doc, owner, "develops", owned, name, 0.8, [maker, noun, token]
                        )

    return rule


# ---------------------------------------------------------------------------
# Verb frames


@dataclass(frozen=True)
class Frame:
    """A family of verbs that express one relation, and where their object hangs."""

    props: tuple[str, ...]
    verbs: frozenset[str]
    objects: tuple[str, ...]  # "dobj", "prep:with", "ccomp", "passive"
    confidence: float


FRAMES: tuple[Frame, ...] = (
    Frame(
        ("develops",),
        frozenset(
            {
                "launch",
                "release",
                "build",
                "develop",
                "unveil",
                "introduce",
                "debut",
                "ship",
                "create",
                "design",
                "make",
                "produce",
                "manufacture",
                "roll",
            }
        ),
        ("dobj", "passive"),
        0.7,
    ),
    Frame(
        ("founderOf",),
        frozenset(
            {"found", "co-found", "cofound", "establish", "start", "launch", "create", "set"}
        ),
        ("dobj", "passive"),
        0.7,
    ),
    Frame(
        ("participatesIn",),
        frozenset(
            {
                "attend",
                "join",
                "boycott",
                "skip",
                "host",
                "win",
                "headline",
                "enter",
                "organize",
                "organise",
                "stage",
                "lead",
                "call",
                "end",
            }
        ),
        ("dobj",),
        0.7,
    ),
    Frame(
        ("participatesIn",),
        frozenset(
            {
                "participate",
                "speak",
                "appear",
                "compete",
                "perform",
                "take",
                "strike",
                "march",
                "walk",
                "present",
            }
        ),
        ("prep:in", "prep:at"),
        0.65,
    ),
    Frame(
        ("partnersWith",),
        frozenset(
            {
                "meet",
                "court",
                "woo",
                "pitch",
                "approach",
                "lobby",
                "negotiate",
                "sign",
                "partner",
                "collaborate",
                "team",
                "ally",
                "talk",
                "work",
                "merge",
                "invest",
            }
        ),
        ("dobj", "prep:with", "prep:in"),
        0.7,
    ),
    Frame(
        ("competesWith",),
        frozenset({"compete", "rival", "challenge", "battle", "take"}),
        ("dobj", "prep:with", "prep:against", "prep:on"),
        0.65,
    ),
    Frame(("reports",), frozenset({"report", "reveal", "write"}), ("ccomp",), 0.7),
    # leading an organization is working for it; leading a trial or a strike is taking part
    Frame(
        ("worksFor", "participatesIn"),
        frozenset({"lead", "head", "run", "chair", "manage", "join", "represent", "coach"}),
        ("dobj", "passive"),
        0.65,
    ),
    # acquisitions and sales are deals between the two parties
    Frame(("partnersWith",), frozenset({"buy", "acquire", "purchase"}), ("dobj",), 0.6),
    Frame(("partnersWith",), frozenset({"sell", "license", "supply"}), ("prep:to",), 0.6),
)
#: Nouns that carry a relation to "with Y" from the subject of their verb
#: ("X signed a deal with Y", "X is in talks with Y").
DEAL_NOUNS = frozenset(
    {
        "deal",
        "agreement",
        "partnership",
        "pact",
        "contract",
        "talks",
        "meeting",
        "meetings",
        "discussions",
        "negotiations",
        "conversations",
        "alliance",
        "collaboration",
    }
)
SYMMETRIC_VERBS = frozenset(
    {
        "merge",
        "partner",
        "team",
        "collaborate",
        "meet",
        "negotiate",
        "ally",
        "work",
        "cooperate",
        "talk",
    }
)
RIVAL_NOUNS = frozenset({"rival", "competitor", "challenger"})


def frames_by_lemma(frames: Sequence[Frame]) -> dict[str, list[int]]:
    """Verb lemma -> the indices of the frames that list it."""
    index: dict[str, list[int]] = {}
    for n, frame in enumerate(frames):
        for verb in frame.verbs:
            index.setdefault(verb, []).append(n)
    return index


def frame_matches(
    doc: Doc, frames: Sequence[Frame], frames_of: dict[str, list[int]]
) -> list[tuple[int, str, list[int]]]:
    """Every (frame, object position, token indices) the parse offers: the verb and its
    object ("dobj": verb, object; "prep:X": verb, preposition, object; "ccomp": verb,
    clause; "passive": verb, "by", agent).

    One walk over the verbs with a lemma index does what a dependency pattern per
    frame and position would, at a fraction of the cost.
    """
    found: list[tuple[int, str, list[int]]] = []
    for verb in doc_tokens(doc):
        numbers = frames_of.get(verb.lemma_)
        if not numbers or verb.pos_ not in ("VERB", "AUX"):
            continue
        children = list(verb.children)
        for n in numbers:
            for where in frames[n].objects:
                if where == "dobj" or where == "ccomp":
                    found += [(n, where, [verb.i, c.i]) for c in children if c.dep_ == where]
                elif where.startswith("prep:") or where == "passive":
                    dep, word = ("agent", None) if where == "passive" else ("prep", where[5:])
                    for p in children:
                        if p.dep_ != dep or (word is not None and p.lower_ != word):
                            continue
                        found += [
                            (n, where, [verb.i, p.i, c.i]) for c in p.children if c.dep_ == "pobj"
                        ]
    return sorted(found, key=lambda m: (m[2], m[0], m[1]))


def deal_matches(doc: Doc) -> list[tuple[Token, Token]]:
    """(deal noun, party) for "a deal/talks/... with Y", in document order."""
    found = []
    for noun in doc_tokens(doc):
        if noun.lower_ not in DEAL_NOUNS:
            continue
        found += [(noun, party) for party in prep_objects(noun, "with")]
    return found


@relation_rules.register("kg.relations.verb_frames.v1")
def verb_frame_relations(lexicon: Lexicon, vocab: Vocab) -> CandidateRule:
    """Verb frames: launch, attend, meet with, report that, ..."""
    name = "kg.relations.verb_frames.v1"
    frames_of = frames_by_lemma(FRAMES)

    def emit(
        doc: Doc,
        subjects: list[Token],
        objects: list[Token],
        props: tuple[str, ...],
        confidence: float,
        trigger: Token,
    ) -> Iterator[Candidate]:
        for s_tok in subjects:
            subject = arg_for(s_tok, lexicon)
            if subject is None:
                continue
            for o_tok in objects:
                obj = arg_for(o_tok, lexicon)
                if obj is None or (obj.start, obj.end) == (subject.start, subject.end):
                    continue
                for prop in props:
                    yield candidate(
                        doc, subject, prop, obj, name, confidence, [s_tok, trigger, o_tok]
                    )

    def rule(doc: Doc) -> Iterator[Candidate]:
        mentions = mention_tokens(doc)
        for frame_no, where, tokens in frame_matches(doc, FRAMES, frames_of):
            frame = FRAMES[frame_no]
            verb = doc[tokens[0]]
            if frame.props == ("competesWith",) and verb.lemma_ == "take" and where != "prep:on":
                continue  # "take on" only
            if (
                verb.lemma_ == "take"
                and frame.props == ("participatesIn",)
                and not any(c.lower_ == "part" for c in verb.children)
            ):
                continue  # "take part in" only
            if verb.lemma_ in FOUND_VERBS and where == "dobj":
                # "Mensch co-founded the company with Lample and Lacroix"
                partners = [t for c in prep_objects(verb, "with") for t in with_conjuncts(c)]
                yield from emit(doc, partners, [doc[tokens[-1]]], ("founderOf",), 0.7, verb)
            if where == "passive":
                subjects = with_conjuncts(doc[tokens[2]])
                objects = [c for c in verb.children if c.dep_ == "nsubjpass"]
                if verb.dep_ == "acl":  # "Sora, developed by OpenAI"
                    objects.append(verb.head)
            elif where == "ccomp":
                subjects = subject_of(verb)
                clause = doc[tokens[1]]
                # what was reported is about the clause's subject, object and partners
                objects = subject_of(clause) + [
                    t
                    for t in clause.subtree
                    if t.i in mentions
                    and (t.dep_ == "dobj" or (t.dep_ == "pobj" and t.head.lower_ == "with"))
                ]
            else:
                subjects = subject_of(verb)
                objects = with_conjuncts(doc[tokens[-1]])
            yield from emit(doc, subjects, objects, frame.props, frame.confidence, verb)
        for noun, obj in deal_matches(doc):
            governor = governing_verb(noun)
            if governor is None:
                continue
            yield from emit(
                doc, subject_of(governor), with_conjuncts(obj), ("partnersWith",), 0.65, noun
            )
        # "according to Bloomberg, X ...": Bloomberg reports X
        for token in doc_tokens(doc):
            if token.lower_ == "according" and token.head.pos_ in ("VERB", "AUX"):
                sources = [
                    c
                    for t in token.children
                    if t.lower_ == "to"
                    for c in t.children
                    if c.dep_ == "pobj"
                ]
                yield from emit(doc, sources, subject_of(token.head), ("reports",), 0.7, token)
        # "Redgum Markets and Coastline Grocers agreed to merge", "X and Y met":
        # a symmetric verb with co-ordinated subjects and no object relates the subjects
        for token in doc_tokens(doc):
            if token.lemma_ not in SYMMETRIC_VERBS or token.pos_ != "VERB":
                continue
            if any(
                c.dep_ == "dobj" or (c.dep_ == "prep" and c.lower_ == "with")
                for c in token.children
            ):
                continue  # "X met Y", "X met with Y": the frames above handle these
            parties = subject_of(token)
            for n, first in enumerate(parties):
                yield from emit(doc, [first], parties[n + 1 :], ("partnersWith",), 0.65, token)
        # "X won the Palme d'Or at the Cannes Film Festival", "Mistral used the summit":
        # an agent doing anything to or at a named event takes part in it
        for token in doc_tokens(doc):
            if token.pos_ != "VERB":
                continue
            targets = [c for c in token.children if c.dep_ == "dobj"]
            targets += prep_objects(token, "at", "in", "during", "for")
            targets = [t for t in targets if t.i in mentions]
            if targets:
                yield from emit(doc, subject_of(token), targets, ("participatesIn",), 0.55, token)
        # "Runway, a rival of OpenAI" / "OpenAI's rival Runway" / "Larkspur's rival Greyfield"
        for token in doc_tokens(doc):
            if token.lower_ in RIVAL_NOUNS or token.lemma_ in RIVAL_NOUNS:
                firsts = [token.head] if token.dep_ in ("appos", "compound") else []
                firsts += [c for c in token.children if c.dep_ == "appos"]
                if token.dep_ == "attr":  # "X has long been the main rival of Y"
                    firsts += subject_of(token.head)
                others = [c for c in token.children if c.dep_ == "poss"]
                others += prep_objects(token, "of", "to")
                yield from emit(doc, firsts, others, ("competesWith",), 0.7, token)

    return rule


# ---------------------------------------------------------------------------
# Event names and locations


@relation_rules.register("kg.relations.event_names.v1")
def event_name_relations(lexicon: Lexicon, vocab: Vocab) -> CandidateRule:
    """Names inside an event's name: where it is and who takes part."""
    name = "kg.relations.event_names.v1"

    def rule(doc: Doc) -> Iterator[Candidate]:
        mentions = doc._.kg_mentions or ()
        events = [m for m in mentions if m.rule == "kg.mentions.event_names.v1"]
        for event in events:
            span = doc.char_span(event.start, event.end, alignment_mode="expand")
            if span is None:
                continue
            outer = Arg(event.start, event.end, event.text)
            for inner in mentions:
                if inner is event or not (event.start <= inner.start and inner.end <= event.end):
                    continue
                arg = Arg(inner.start, inner.end, inner.text)
                tokens = list(span)
                yield candidate(doc, outer, "locatedIn", arg, name, 0.75, tokens)
                yield candidate(doc, arg, "participatesIn", outer, name, 0.7, tokens)
        # "the Cannes Film Festival" where "Cannes" is named on its own elsewhere: the
        # event is located there (the resolver keeps it only if that name is a place)
        by_text = {m.text: m for m in mentions}
        for event in mentions:
            words = event.text.split()
            if len(words) < 2 or "Event" not in lexicon.classes_for_head(words[-1]):
                continue  # "The Denver Post" is not said to be in Denver
            for n in range(len(words) - 1, 0, -1):
                other = by_text.get(" ".join(words[:n]))
                if other is not None:
                    token = doc.char_span(event.start, event.end, alignment_mode="expand")
                    if token is None:
                        break
                    yield Candidate(
                        Arg(event.start, event.end, event.text),
                        "locatedIn",
                        Arg(other.start, other.end, other.text),
                        name,
                        0.6,
                        sentence_index(doc, token[0]),
                        event.start,
                        event.end,
                    )
                    break

    return rule


HEADQUARTERS = frozenset({"headquarters", "headquarter", "base", "office", "offices", "hq"})
DATE_DEPS = frozenset({"poss", "nummod", "compound", "amod", "npadvmod", "nmod"})
TIME_PREPS = frozenset({"in", "on", "during", "since", "at"})
HAPPEN_VERBS = frozenset(
    {
        "happen",
        "take",
        "begin",
        "start",
        "end",
        "open",
        "close",
        "kick",
        "run",
        "last",
        "occur",
        "conclude",
    }
)


def _date_span(token: Token) -> Span | None:
    if token.ent_type_ != "DATE":
        return None
    return next((e for e in token.doc.ents if e.start <= token.i < e.end), None)


@relation_rules.register("kg.relations.event_dates.v1")
def event_date_relations(lexicon: Lexicon, vocab: Vocab) -> CandidateRule:
    """Dates of named things: "last year's strike", "the 2023 strike", "the summit on May 2",
    "the Oscars took place in March". The resolver keeps them for events only."""
    name = "kg.relations.event_dates.v1"

    def rule(doc: Doc) -> Iterator[Candidate]:
        for mention in doc._.kg_mentions or ():
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None:
                continue
            head = span.root
            # "last year's Hollywood writers' strike": the date may hang off any word
            holders = list(span)
            if head.dep_ in ("nsubj", "nsubjpass") and head.head.lemma_ in HAPPEN_VERBS:
                holders.append(head.head)
            found: list[Span] = []
            for holder in holders:
                for child in holder.children:
                    if span.start <= child.i < span.end:
                        continue
                    if child.dep_ in DATE_DEPS:
                        found.append(_date_span(child))  # type: ignore[arg-type]
                    if child.dep_ == "prep" and child.lower_ in TIME_PREPS:
                        found += [_date_span(c) for c in child.children if c.dep_ == "pobj"]  # type: ignore[misc]
            subject = Arg(mention.start, mention.end, mention.text)
            for date in {d for d in found if d is not None}:
                obj = Arg(date.start_char, date.end_char, date.text, kind="date")
                yield candidate(doc, subject, "date", obj, name, 0.7, [head, date.root])

    return rule


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


class RelationComponent(RuleComponent):
    """spaCy component ``kg_relations``: runs the relation rules, writes ``doc._.kg_candidates``."""

    registry = relation_rules
    attribute = "kg_candidates"


@Language.factory(
    "kg_relations",
    assigns=["doc._.kg_candidates"],
    requires=["doc._.kg_mentions"],
    default_config={
        "rules": [
            "kg.relations.titles.v1",
            "kg.relations.possessives.v1",
            "kg.relations.verb_frames.v1",
            "kg.relations.event_names.v1",
            "kg.relations.event_dates.v1",
            "kg.relations.locations.v1",
        ],
        "ontology": [],
        "kb": True,
    },
)
def make_relation_component(
    nlp: Language, name: str, rules: list[str], ontology: list[str], kb: bool
) -> RelationComponent:
    return RelationComponent(nlp, name, rules, ontology, kb)


__all__ = ["FRAMES", "Frame", "governing_verb", "noun_phrase_head_text", "subject_of"]
