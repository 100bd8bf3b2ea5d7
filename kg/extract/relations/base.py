"""What every relation rule shares: the candidate it yields, who a fact is attributed to
(and whether it is planned), and a verb's subject."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from spacy.attrs import DEP, LOWER
from spacy.strings import get_string_id
from spacy.tokens import Doc, Token

from kg.extract.common import (
    RELATIVE_PRONOUNS,
    doc_ids,
    doc_tokens,
    mention_tokens,
    sentence_index,
    span_of,
    string_ids,
    with_conjuncts,
)
from kg.types import Arg, Candidate

CandidateRule = Callable[[Doc], Iterable[Candidate]]


#: Dependency labels and words the per-Doc walks below look for, as ids.
_SUBJECT_DEPS = string_ids(("nsubj", "nsubjpass"))
_CLAUSE_DEPS = string_ids(("aux", "nsubj"))
_ACCORDING = get_string_id("according")


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
    tokens, deps, lowers = doc_tokens(doc), doc_ids(doc, DEP), doc_ids(doc, LOWER)
    for i, dep in enumerate(deps):
        if dep not in _CLAUSE_DEPS and lowers[i] != _ACCORDING:
            continue  # neither "aux", "nsubj" nor "according"
        token = tokens[i]
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
        if node.head.i == node.i:
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
        tokens = doc_tokens(doc)
        for i, dep in enumerate(doc_ids(doc, DEP)):
            if dep in _SUBJECT_DEPS and (head := tokens[i].head.i) != i:
                cached.setdefault(head, []).append(i)
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
        if verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.i != verb.head.i:
            verb = verb.head.head  # "After serving in the war, Steiner took a job"
            continue
        if verb.dep_ in ("xcomp", "conj", "advcl", "pcomp") and verb.head.i != verb.i:
            verb = verb.head
            continue
        break
    return []


def governing_verb(token: Token) -> Token | None:
    """The nearest verb above ``token`` ("talks" in "is in talks with" -> "is")."""
    node = token
    for _ in range(4):
        if node.head.i == node.i:
            return node if node.pos_ in ("VERB", "AUX") else None
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            return node
    return None
