"""Match reports: the sides of the results a sports story gives, and who played whom.

A text is read as a match report only where it gives two results or more
("Sweden 1 - 0 Korea Republic", "Belgium defeated Panama 3-0"): "Russia defeated
..." in a story without scores may be a war. :func:`read_match_report` is shared
by the type rule ``kg.types.teams.v1`` (the sides are teams) and the relation
rule ``kg.relations.matches.v1`` (the sides of a match compete, and take part in
the tournament the sentence names).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from kg.doc import doc_text
from kg.extract.common import (
    DASHES,
    doc_tokens,
    mention_tokens,
    sentence_index,
    with_conjuncts,
)
from kg.types import Mention

#: A result: "1 - 0", "3-1", with an en or em dash too (one token or three).
SCORE = re.compile(r"\d{1,2}\s*[-\u2013\u2014]\s*\d{1,2}")
#: Verbs whose subject and object are the sides of a match.
MATCH_VERBS = frozenset(
    "beat defeat face play draw lose edge thrash overcome rout down eliminate "
    "knock host trail lead win tie battle".split()
)
#: Of those, the verbs that say two sides met ("X faced Y"), not what one did in the
#: game ("X led", "put Y into the lead").
MEETING_VERBS = frozenset(
    "beat defeat face play draw lose edge thrash overcome rout down eliminate knock "
    "host tie battle".split()
)
#: Nouns a side owns in a match report ("Panama coach", "Sweden's first victory").
TEAM_NOUNS = frozenset(
    "coach captain goalkeeper keeper striker defender midfielder manager squad side "
    "forward winger team fans supporters victory win defeat loss goal lead equaliser "
    "equalizer".split()
)
TEAM_PREPS = frozenset({"to", "against", "with", "over", "from", "past"})


@dataclass(frozen=True)
class MatchReport:
    """What a match report says of its sides."""

    #: the sides' names, casefolded with spaces normalised
    sides: frozenset[str]
    #: (one side's token, the other side's token, the token that says they met): a
    #: result's neighbours ("Sweden 1 - 0 Korea Republic") or a meeting verb's
    #: subject and object ("Belgium faced Panama"), both sides
    meetings: tuple[tuple[int, int, int], ...]


def name_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def score_tokens(tokens: list[Token]) -> list[tuple[int, int]]:
    """Token bounds of the results in the text."""
    found = []
    for t in tokens:
        if SCORE.fullmatch(t.text):
            found.append((t.i, t.i + 1))
        elif (
            t.like_num
            and t.i + 2 < len(tokens)
            and tokens[t.i + 1].text in DASHES
            and tokens[t.i + 2].like_num
            and SCORE.fullmatch(t.text + "-" + tokens[t.i + 2].text)
        ):
            found.append((t.i, t.i + 3))
    return found


def _verb_of(token: Token) -> Token | None:
    """The match verb ``token`` is a side of: its subject or object, or the object of
    "to", "against", "with" ... after it ("lost 1 - 2 to England")."""
    head = token.head
    if token.dep_ in ("nsubj", "dobj") and head.lemma_ in MATCH_VERBS:
        return head
    if token.dep_ == "pobj" and head.lower_ in TEAM_PREPS and head.head.lemma_ in MATCH_VERBS:
        return head.head
    return None


def read_match_report(doc: Doc) -> MatchReport | None:
    """The sides and meetings of a match report; None for a text with fewer than two
    results (most texts, told by a regular expression before any token is read)."""
    if len(SCORE.findall(doc_text(doc))) < 2:
        return None
    tokens = doc_tokens(doc)
    scores = score_tokens(tokens)
    if len(scores) < 2:
        return None
    mentions: dict[int, Mention] = mention_tokens(doc)
    with_score = {sentence_index(doc, tokens[start]) for start, _ in scores}
    sides: set[str] = set()

    def side(i: int) -> bool:
        mention = mentions.get(i)
        if mention is None or mention.ner_label == "PERSON":
            return False
        sides.add(name_key(mention.text))
        return True

    meetings: list[tuple[int, int, int]] = []
    for start, end in scores:  # "Sweden 1 - 0 Korea Republic", "Panama 3 - 0"
        if side(start - 1) & side(end):
            meetings.append((start - 1, end, start))
    by_verb: dict[int, tuple[list[int], list[int]]] = {}
    # the name just before a result, hung on the verb whatever the parse calls it
    # ("Belgium defeated debutants Panama 3 - 0")
    before_score = {start - 1 for start, _ in scores}
    for token in tokens:
        if token.i not in mentions:
            continue
        verb = _verb_of(token)
        if (
            verb is None
            and token.i in before_score
            and token.head.lemma_ in MEETING_VERBS
            and token.dep_ not in ("nsubj", "nsubjpass")
        ):
            verb = token.head
        if verb is not None and sentence_index(doc, verb) in with_score:
            for named in with_conjuncts(token):  # "Ghana and Peru drew 0-0"
                side(named.i)
        elif token.dep_ in ("poss", "compound") and token.head.lemma_.lower() in TEAM_NOUNS:
            side(token.i)
        if verb is not None and verb.lemma_ in MEETING_VERBS:
            subjects, objects = by_verb.setdefault(verb.i, ([], []))
            (subjects if token.dep_ == "nsubj" else objects).extend(
                t.i for t in with_conjuncts(token)
            )
    for verb_i, (subjects, objects) in sorted(by_verb.items()):
        for a in subjects:
            for b in objects:
                meetings.append((a, b, verb_i))
    # a verb's two ends meet only where both are sides ("Belgium faced Panama at the
    # Fisht Stadium", not "Kane beat the keeper")
    names = {i: name_key(m.text) for i, m in mentions.items()}
    kept = tuple(
        (a, b, cue)
        for a, b, cue in meetings
        if names.get(a) in sides
        and names.get(b) in sides
        and names[a] != names[b]
        and mentions[a].ner_label != "PERSON"
        and mentions[b].ner_label != "PERSON"
    )
    return MatchReport(frozenset(sides), kept)
