"""Events: the names inside an event's name ("the WGA strike") and the dates of events
("last year's strike")."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from kg.dates import EDITION_YEAR
from kg.extract.common import (
    sentence_index,
)
from kg.extract.relations.base import (
    CandidateRule,
    candidate,
)
from kg.lexicon import Lexicon
from kg.registry import relation_rules
from kg.types import Arg, Candidate


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
        # "the Writers Guild of America said the writers' strike would go on": the
        # body named for the workers takes part in their stoppage
        for event in events:
            first = event.text.split()[0]
            if not first.islower():
                continue
            workers = first.rstrip("'\u2019").removesuffix("'s").casefold()
            forms = {workers, workers.removesuffix("s")}
            span = doc.char_span(event.start, event.end, alignment_mode="expand")
            if span is None:
                continue
            outer = Arg(event.start, event.end, event.text)
            for body in mentions:
                if (
                    body.sentence == event.sentence
                    and body is not event
                    and any(w.casefold().strip("'\u2019") in forms for w in body.text.split())
                ):
                    arg = Arg(body.start, body.end, body.text)
                    yield candidate(doc, arg, "participatesIn", outer, name, 0.7, list(span))
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
            # "the 2023 Hollywood writers' strike": an edition's year opens its name
            if len(span) > 1 and EDITION_YEAR.fullmatch(span[0].text):
                found.append(span[0:1])
            subject = Arg(mention.start, mention.end, mention.text)
            for date in {d for d in found if d is not None}:
                obj = Arg(date.start_char, date.end_char, date.text, kind="date")
                yield candidate(doc, subject, "date", obj, name, 0.7, [head, date.root])

    return rule
