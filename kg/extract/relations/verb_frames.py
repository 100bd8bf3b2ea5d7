"""Subject-verb-object frames: "X launched Y", "X met with Y", "Y was developed by X",
"X signed a deal with Y"."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from spacy.attrs import LEMMA, LOWER, POS
from spacy.strings import get_string_id
from spacy.symbols import AUX, VERB
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from kg.extract.common import (
    FOUND_VERBS,
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
    governing_verb,
    subject_of,
)
from kg.lexicon import Lexicon
from kg.registry import relation_rules
from kg.types import Candidate, Mention


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
            {
                "found",
                "co-found",
                "cofound",
                "establish",
                "start",
                "launch",
                "create",
                "set",
                "form",
            }
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
    Frame(
        ("reports",), frozenset({"report", "reveal", "write", "learn", "observe"}), ("ccomp",), 0.7
    ),
    # "The Guardian quoted Colin Yeo", "Yeo was interviewed by Sky News": an outlet
    # (the resolver keeps it only for a news organization) reports whom it quotes
    Frame(("reports",), frozenset({"quote", "interview", "profile"}), ("dobj", "passive"), 0.65),
    # leading an organization is working for it; leading a trial or a strike is taking part
    Frame(
        ("worksFor", "participatesIn"),
        frozenset({"lead", "head", "run", "chair", "manage", "join", "represent", "coach"}),
        ("dobj", "passive"),
        0.65,
    ),
    # "sits on the board of X", "serves on its board"
    Frame(("worksFor",), frozenset({"sit", "serve"}), ("prep:on",), 0.65),
    # a player scores, plays or signs for a team
    Frame(
        ("worksFor",),
        frozenset({"score", "equalise", "equalize", "net", "play", "debut", "sign", "captain"}),
        ("prep:for",),
        0.6,
    ),
    # an investor and the company it backs deal with each other
    Frame(("partnersWith",), frozenset({"back", "fund", "finance"}), ("dobj", "passive"), 0.65),
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
#: Nouns for a body that deals with another: "Microsoft, OpenAI's biggest investor",
#: "an investor in Runway", "its long-time partner Acme".
#: ("partner" is left out: a law firm's partner works there.)
PARTNER_NOUNS = frozenset({"investor", "backer", "shareholder", "ally", "supplier"})
#: Verbs of speaking whose "to" names who heard it ("Whitmore stated to LA Weekly").
SPOKE_TO = frozenset({"state", "say", "speak", "explain", "confirm", "describe", "write"})
#: Nouns for bodies that work together, and the prepositions that name them: "a team
#: from A and B", "researchers at A and B", "a partnership between A and B".
JOINT_NOUNS = frozenset(
    {"team", "researchers", "scientists", "consortium", "collaboration", "partnership"}
)
JOINT_PREPS = ("from", "at", "between")
#: Bodies of an organization that a person joins or sits on ("the board of OpenAI").
BODY_NOUNS = frozenset({"board", "staff", "faculty", "payroll"})
#: A prize is won or received, not taken part in: "won a Grammy Award", "received
#: two Ivor Novello Awards", "nominated for the Booker Prize" (but "won the World
#: Cup", a tournament, and "attended the Academy Awards", a ceremony, are events).
PRIZE_HEADS = frozenset(
    {"award", "prize", "medal", "trophy", "honour", "honor"}
    | {"awards", "prizes", "medals", "trophies", "honours", "honors"}
)
RECEIVE_VERBS = frozenset(
    {"win", "receive", "earn", "collect", "grant", "award", "give", "get", "gain", "hold"}
    | {"accept", "claim", "share", "nominate", "bestow", "present", "pick"}
)


def _may_be_event(mention: Mention, lexicon: Lexicon) -> bool:
    """Whether a name may be an event's: not one the NER reads as a place, unless its
    head word is an event's ("the Halvern Rebellion", "Battle of Warsaw")."""
    if mention.ner_label not in _PLACE_LABELS:
        return True
    words = mention.text.split()
    if "of" in words[1:]:
        words = words[: words.index("of", 1)]
    return "Event" in lexicon.classes_for_head(words[-1])


def described_by(noun: Token) -> list[Token]:
    """What a noun phrase modified by "developed by X" stands for: the noun itself
    ("Sora, developed by OpenAI"), or the name a copula or apposition says it is
    ("Breakout is an arcade game developed by Atari", "Downy is a brand of fabric
    softener produced by P&G", "Zephyr, a game developed by Brightwave")."""
    found = [noun]
    if noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.pos_ == "NOUN":
        noun = noun.head.head  # "a brand of fabric softener"
    if noun.dep_ == "attr" and noun.head.lemma_ == "be":
        found += subject_of(noun.head)
    elif noun.dep_ == "appos":
        found.append(noun.head)
    return found


#: The same words as ids, for walks over :func:`kg.extract.common.doc_ids`.
_DEAL_IDS = string_ids(DEAL_NOUNS)
_BE = get_string_id("be")
#: Words that open a relative clause.
_RELATIVE_WORDS = frozenset({"who", "whom", "whose", "which", "that", "where", "when"})
#: NER labels of places, which take part in nothing
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_SYMMETRIC_IDS = string_ids(SYMMETRIC_VERBS)
_RIVAL_IDS = string_ids(RIVAL_NOUNS)
_PARTNER_IDS = string_ids(PARTNER_NOUNS)
_JOINT_IDS = string_ids(JOINT_NOUNS)
#: Words whose form (``LOWER``) or lemma marks a source: "told", "interview", "reported",
#: "according", "stated to".
_CUE_IDS = string_ids(("tell", "interview", "interviews", "report", "according", *SPOKE_TO))


def frames_by_lemma(frames: Sequence[Frame]) -> dict[int, list[int]]:
    """Verb lemma (its id, as :func:`kg.extract.common.doc_ids` reads ``LEMMA``) -> the
    indices of the frames that list it."""
    index: dict[int, list[int]] = {}
    for n, frame in enumerate(frames):
        for verb in frame.verbs:
            index.setdefault(get_string_id(verb), []).append(n)
    return index


def frame_matches(
    doc: Doc, frames: Sequence[Frame], frames_of: dict[int, list[int]]
) -> list[tuple[int, str, list[int]]]:
    """Every (frame, object position, token indices) the parse offers: the verb and its
    object ("dobj": verb, object; "prep:X": verb, preposition, object; "ccomp": verb,
    clause; "passive": verb, "by", agent).

    One walk over the verbs with a lemma index does what a dependency pattern per
    frame and position would, at a fraction of the cost.
    """
    found: list[tuple[int, str, list[int]]] = []
    tokens = doc_tokens(doc)
    for i, lemma in enumerate(doc_ids(doc, LEMMA)):
        numbers = frames_of.get(lemma)
        if not numbers:
            continue
        verb = tokens[i]
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        children = list(verb.children)
        for n in numbers:
            for where in frames[n].objects:
                if where == "dobj" or where == "ccomp":
                    found += [(n, where, [verb.i, c.i]) for c in children if c.dep_ == where]
                    if (
                        where == "dobj"
                        and verb.dep_ == "relcl"
                        and verb.head.i < verb.i
                        and any(c.dep_ == "nsubj" for c in children)
                        and not any(c.dep_ == "dobj" for c in children)
                        and not any(
                            t.lower_ in _RELATIVE_WORDS for t in tokens[verb.head.i + 1 : verb.i]
                        )
                    ):
                        # "the company she founded" (no relative word: the clause's
                        # object is the noun), not "Sony, whose consoles compete"
                        found.append((n, where, [verb.i, verb.head.i]))
                elif where.startswith("prep:") or where == "passive":
                    dep, word = ("agent", None) if where == "passive" else ("prep", where[5:])
                    heads = children
                    if where == "passive":  # "developed and published by Atari": a shared agent
                        heads = children + [
                            c for v in children if v.dep_ == "conj" for c in v.children
                        ]
                    for p in heads:
                        if p.dep_ != dep or (word is not None and p.lower_ != word):
                            continue
                        found += [
                            (n, where, [verb.i, p.i, c.i]) for c in p.children if c.dep_ == "pobj"
                        ]
    return sorted(found, key=lambda m: (m[2], m[0], m[1]))


def deal_matches(doc: Doc) -> list[tuple[Token, Token]]:
    """(deal noun, party) for "a deal/talks/... with Y", in document order."""
    found = []
    tokens = doc_tokens(doc)
    for i, lower in enumerate(doc_ids(doc, LOWER)):
        if lower in _DEAL_IDS:
            noun = tokens[i]
            parties = prep_objects(noun, "with")
            if not parties and noun.dep_ == "dobj":
                # "struck a deal with Y": the parse may hang "with" on the verb
                parties = prep_objects(noun.head, "with")
            found += [(noun, party) for party in parties]
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
                if (
                    "participatesIn" in props
                    and o_tok.lower_ in PRIZE_HEADS
                    and trigger.lemma_ in RECEIVE_VERBS
                ):
                    continue
                obj = arg_for(o_tok, lexicon)
                if obj is None or (obj.start, obj.end) == (subject.start, subject.end):
                    continue
                if obj.kind == "pronoun" and "develops" in props and o_tok.lower_ == "it":
                    # "Halvern Quest is a game. It was developed by Zarnok": what is
                    # developed is a product
                    obj = replace(obj, cls="Product")
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
                    objects += described_by(verb.head)
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
                if verb.dep_ == "relcl" and tokens[-1] == verb.head.i:
                    # "Copperline, the company she founded", "the firm he founded, Zed"
                    objects += described_by(verb.head)[1:]
                # "joined the board of OpenAI", "sits on the board of Acme": the
                # organization whose board it is
                objects += [
                    c
                    for o in list(objects)
                    if o.i not in mentions and o.lemma_ in BODY_NOUNS
                    for c in prep_objects(o, "of")
                ]
                # "met studios including Paramount and Universal": the names the object lists
                objects += [
                    named
                    for o in list(objects)
                    if o.i not in mentions and o.tag_ == "NNS"
                    for c in prep_objects(o, "including", "as", "like")
                    for named in with_conjuncts(c)
                ]
            yield from emit(doc, subjects, objects, frame.props, frame.confidence, verb)
        for noun, obj in deal_matches(doc):
            governor = governing_verb(noun)
            if governor is None:
                continue
            yield from emit(
                doc, subject_of(governor), with_conjuncts(obj), ("partnersWith",), 0.65, noun
            )
        every = doc_tokens(doc)
        lemmas = doc_ids(doc, LEMMA)
        for i, lower_id in enumerate(doc_ids(doc, LOWER)):
            if lower_id not in _CUE_IDS and lemmas[i] not in _CUE_IDS:
                continue  # none of tell, interview, report, according, the speaking verbs
            token = every[i]
            lower = token.lower_
            # "Whitmore told LA Weekly ...", "Altman said in an interview with Bloomberg":
            # the outlet reports the speaker
            outlets: list[Token] = []
            speaker_verb: Token | None = None
            if lower.startswith("tel") or lower.startswith("tol"):
                if token.lemma_ == "tell" and token.pos_ == "VERB":
                    outlets = [c for c in token.children if c.dep_ == "dobj" and c.i in mentions]
                    speaker_verb = token
            elif token.lemma_ in SPOKE_TO and token.pos_ == "VERB":
                # "Whitmore stated to LA Weekly that ...": the resolver keeps it only
                # where who heard it is a news organization
                outlets = [c for c in prep_objects(token, "to") if c.i in mentions]
                speaker_verb = token
            elif lower in ("interview", "interviews") and token.pos_ == "NOUN":
                outlets = [c for c in prep_objects(token, "with") if c.i in mentions]
                speaker_verb = governing_verb(token)
            if outlets and speaker_verb is not None:
                yield from emit(doc, outlets, subject_of(speaker_verb), ("reports",), 0.65, token)
            # "The Information first reported the talks between OpenAI and the studios",
            # "Bloomberg reported OpenAI's plans": the names in what was reported
            if lower.startswith("report") and token.lemma_ == "report" and token.pos_ == "VERB":
                told = [c for c in token.children if c.dep_ == "dobj" and c.i not in mentions]
                about = [
                    t
                    for noun in told
                    for t in noun.subtree
                    if t.i in mentions
                    and ((t.dep_ == "poss" and t.head.i == noun.i) or t.dep_ == "pobj")
                ]
                if about:
                    yield from emit(doc, subject_of(token), about, ("reports",), 0.65, token)
            # "according to Bloomberg, X ...": Bloomberg reports X
            if lower == "according" and token.head.pos_ in ("VERB", "AUX"):
                sources = [
                    c
                    for t in token.children
                    if t.lower_ == "to"
                    for c in t.children
                    if c.dep_ == "pobj"
                ]
                yield from emit(doc, sources, subject_of(token.head), ("reports",), 0.7, token)
        # "a research team from MIT and Colorado State University", "researchers at
        # Stanford and Google", "a partnership between X and Y": the bodies named
        # together work together
        for i, lower_id in enumerate(doc_ids(doc, LOWER)):
            if lower_id not in _JOINT_IDS and lemmas[i] not in _JOINT_IDS:
                continue
            noun = every[i]
            if noun.pos_ != "NOUN" or noun.i in mentions:
                continue
            for first in prep_objects(noun, *JOINT_PREPS):
                members = with_conjuncts(first)
                # "from the Massachusetts Institute of Technology and Colorado State
                # University": the parse may hang the first name on the second
                members += [
                    c
                    for c in first.children
                    if c.dep_ == "nmod"
                    and c.i in mentions
                    and mentions[c.i] is not mentions.get(first.i)
                ]
                named = [m for m in members if m.i in mentions]
                for n, one in enumerate(named):
                    yield from emit(doc, [one], named[n + 1 :], ("partnersWith",), 0.6, noun)
        # "Redgum Markets and Coastline Grocers agreed to merge", "X and Y met":
        # a symmetric verb with co-ordinated subjects and no object relates the subjects
        pos = doc_ids(doc, POS)
        for i, lemma in enumerate(lemmas):
            if lemma not in _SYMMETRIC_IDS or pos[i] != VERB:
                continue
            token = every[i]
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
        for i, tag in enumerate(pos):
            if tag != VERB and not (tag == AUX and lemmas[i] == _BE):
                continue
            token = every[i]
            # "X was an officer in the Navy during the Quasi-War", "served as a general
            # in the First World War": the role's own "during"/"in"/"at" counts too
            roles = [c for c in token.children if c.dep_ == "attr"]
            roles += prep_objects(token, "as")
            if tag == AUX and not roles:
                continue  # a bare "is": no one is said to do anything
            targets = [] if tag == AUX else [c for c in token.children if c.dep_ == "dobj"]
            targets += prep_objects(token, "at", "in", "during", "for")
            targets += [t for r in roles for t in prep_objects(r, "at", "in", "during")]
            if tag == AUX or roles:
                # "X is a village in Y": no event, and a candidate here would stand in
                # the way of the learned rule's locatedIn for the pair
                targets = [
                    t for t in targets if t.i in mentions and _may_be_event(mentions[t.i], lexicon)
                ]
            targets = [t for t in targets if t.i in mentions]
            if targets:
                yield from emit(doc, subject_of(token), targets, ("participatesIn",), 0.55, token)
        # "Runway, a rival of OpenAI" / "OpenAI's rival Runway" / "Larkspur's rival
        # Greyfield"; "Microsoft, OpenAI's biggest investor" / "an investor in Runway"
        for i, lower_id in enumerate(doc_ids(doc, LOWER)):
            preps: tuple[str, ...]
            if lower_id in _RIVAL_IDS or lemmas[i] in _RIVAL_IDS:
                prop, preps, confidence = "competesWith", ("of", "to"), 0.7
            elif lower_id in _PARTNER_IDS or lemmas[i] in _PARTNER_IDS:
                prop, preps, confidence = "partnersWith", ("of", "in", "to"), 0.65
            else:
                continue
            token = every[i]
            if token.i in mentions:
                continue  # a name's own word ("Ally Financial")
            firsts = [token.head] if token.dep_ in ("appos", "compound") else []
            firsts += [c for c in token.children if c.dep_ == "appos"]
            if token.dep_ == "attr":  # "X has long been the main rival of Y"
                firsts += subject_of(token.head)
            others = [c for c in token.children if c.dep_ == "poss"]
            others += prep_objects(token, *preps)
            if token.dep_ == "compound":  # "OpenAI investor Thrive Capital"
                others += [c for c in token.children if c.dep_ == "compound" and c.i in mentions]
            yield from emit(doc, firsts, others, (prop,), confidence, token)

    return rule
