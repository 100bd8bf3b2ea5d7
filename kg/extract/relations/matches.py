"""Match reports: the sides of a match compete, and take part in the tournament the
sentence of their result names ("day five of the 2018 World Cup, Sweden defeated
South Korea 1 - 0")."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc
from spacy.vocab import Vocab

from kg.extract.common import doc_tokens, mention_tokens, sentence_index
from kg.extract.matches import read_match_report
from kg.extract.relations.base import CandidateRule, candidate
from kg.lexicon import Lexicon
from kg.registry import relation_rules
from kg.types import Arg, Candidate

RULE = "kg.relations.matches.v1"


@relation_rules.register(RULE)
def match_relations(lexicon: Lexicon, vocab: Vocab) -> CandidateRule:
    """In a match report (two results or more), the two sides of a result or of a
    meeting verb ("Sweden 1 - 0 Korea Republic", "Belgium faced Panama") compete;
    and each side of a result takes part in an event named in the same sentence.
    The resolver keeps them only between organizations (teams) and, for the
    second, an event."""

    def rule(doc: Doc) -> Iterator[Candidate]:
        report = read_match_report(doc)
        if report is None:
            return
        tokens = doc_tokens(doc)
        mentions = mention_tokens(doc)
        sides = {i for a, b, _ in report.meetings for i in (a, b)}
        by_sentence: dict[int, list[Arg]] = {}
        for i, mention in mentions.items():
            if i in sides or mention.ner_label in ("PERSON", "GPE", "LOC", "FAC"):
                continue
            if mentions.get(i - 1) is mention:
                continue  # one Arg per name, at its first token
            sentence = sentence_index(doc, tokens[i])
            by_sentence.setdefault(sentence, []).append(
                Arg(mention.start, mention.end, mention.text)
            )
        seen: set[tuple[int, int]] = set()
        for a, b, cue in report.meetings:
            one, other = mentions[a], mentions[b]
            pair = (min(one.start, other.start), max(one.start, other.start))
            evidence = [tokens[a], tokens[cue], tokens[b]]
            first = Arg(one.start, one.end, one.text)
            second = Arg(other.start, other.end, other.text)
            if pair not in seen:
                seen.add(pair)
                yield candidate(doc, first, "competesWith", second, RULE, 0.7, evidence)
            for event in by_sentence.get(sentence_index(doc, tokens[cue]), ()):
                for side in (first, second):
                    yield candidate(doc, side, "participatesIn", event, RULE, 0.6, evidence)

    return rule
