"""Match reports: the sides of a match compete, and take part in the tournament the
sentence of their result names ("day five of the 2018 World Cup, Sweden defeated
South Korea 1 - 0"); a player plays for the side the sentence says they score or
play for ("Lukaku scored a third goal for Belgium")."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from kg.extract.common import doc_tokens, mention_tokens, sentence_index, with_conjuncts
from kg.extract.matches import name_key, read_match_report
from kg.extract.relations.base import CandidateRule, candidate
from kg.lexicon import Lexicon
from kg.registry import relation_rules
from kg.types import Arg, Candidate, Mention

RULE = "kg.relations.matches.v1"
#: Verbs by which a side changes its own players ("Korea substituted Park Joo-Ho").
CHANGE_VERBS = frozenset({"substitute", "replace", "bring", "field", "start", "select"})
#: Nouns for a player's own part in a goal, owned by the player ("Hazard's assist").
SHARE_NOUNS = frozenset({"assist", "cross", "pass", "corner", "free-kick"})
#: A player's tries at goal, which a side owns ("Panama's attempt ... by Murillo").
ATTEMPT_NOUNS = frozenset({"attempt", "shot", "header", "chance", "effort"})
#: The roles a player holds in a side ("Tunisia's goalkeeper Mouez Hassen").
ROLE_NOUNS = frozenset(
    "captain goalkeeper keeper striker defender midfielder forward winger substitute".split()
)


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
        yield from _players(doc, report.sides, mentions)

    return rule


def _players(doc: Doc, sides: frozenset[str], mentions: dict[int, Mention]) -> Iterator[Candidate]:
    """A player plays for the side their sentence names as theirs: "Lukaku scored a
    third goal for Belgium" (and Hazard, whose assist it was), "missed a chance to put
    Sweden in the lead", "Korea substituted Park Joo-Ho", "Tunisia's goalkeeper
    Mouez Hassen". Only where the sentence names one side so."""

    def side_at(token: Token) -> Mention | None:
        mention = mentions.get(token.i)
        if mention is None or name_key(mention.text) not in sides:
            return None
        return mention

    def arg(mention: Mention) -> Arg:
        return Arg(mention.start, mention.end, mention.text)

    def plays_for(
        named: Token, side: Mention, evidence: list[Token], confidence: float = 0.6
    ) -> Iterator[Candidate]:
        """worksFor from the name at ``named`` to ``side``, unless it is a side itself."""
        if named.i in mentions and side_at(named) is None:
            player = arg(mentions[named.i])
            yield candidate(doc, player, "worksFor", arg(side), RULE, confidence, evidence)

    for token in doc_tokens(doc):
        player = mentions.get(token.i)
        if player is not None and player.ner_label != "ORG":
            # "Tunisia's goalkeeper Mouez Hassen"
            # (or "Ghana's keeper, Kofi Mensah", the name in apposition)
            roles = [c for c in token.children if c.dep_ == "compound"]
            roles += [token.head] if token.dep_ == "appos" else []
            for role in roles:
                if role.lower_ not in ROLE_NOUNS:
                    continue
                for owner in (c for c in role.children if c.dep_ == "poss"):
                    if (side := side_at(owner)) is not None:
                        yield from plays_for(token, side, [owner, token], 0.65)
        if token.lemma_ in ATTEMPT_NOUNS and token.i not in mentions:
            # "attempts from Lingard, Maguire and Kane" that England started with,
            # "Panama's attempt in the 54th minute, by Michael Murillo"
            owners = [c for c in token.children if c.dep_ == "poss"]
            verb = token.head.head if token.dep_ == "pobj" else token.head
            if not owners and token.dep_ in ("dobj", "pobj") and verb.pos_ == "VERB":
                owners = [c for c in verb.children if c.dep_ == "nsubj"]
            sides_named = [side for o in owners if (side := side_at(o)) is not None]
            if len(sides_named) != 1:
                continue
            for prep in (c for c in token.children if c.lower_ in ("from", "by")):
                for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                    for named in with_conjuncts(pobj):
                        yield from plays_for(named, sides_named[0], [token, prep, named])
            continue
        if token.pos_ not in ("VERB", "AUX"):
            continue
        subjects = [c for c in token.children if c.dep_ == "nsubj" and c.i in mentions]
        if not subjects:
            continue
        if token.lemma_ in CHANGE_VERBS:
            # "Korea substituted Park Joo-Ho": the side's own players
            changer = side_at(subjects[0])
            if changer is None:
                continue
            for named in (c for c in token.children if c.dep_ == "dobj"):
                yield from plays_for(named, changer, [subjects[0], token, named])
            continue
        scorer = subjects[0]
        if side_at(scorer) is not None:
            continue
        # the side the clause plays for: "for Belgium" on the verb or its object, or
        # the object of "put" under it ("to put Sweden in the lead")
        found: dict[str, tuple[Token, Mention]] = {}
        sharers: list[Token] = []
        for t in token.subtree:
            if t.i == token.i or (t.pos_ == "VERB" and t.dep_ in ("conj", "ccomp", "relcl")):
                continue
            if (
                t.dep_ == "pobj"
                and t.head.lower_ == "for"
                and t.head.head in (token, *token.children)
            ):
                owner = t
            elif t.dep_ == "dobj" and t.head.lemma_ == "put":
                owner = t
            else:
                if t.dep_ == "poss" and t.head.lemma_ in SHARE_NOUNS and t.i in mentions:
                    sharers.append(t)
                continue
            if (side := side_at(owner)) is not None:
                found[name_key(side.text)] = (owner, side)
        if len(found) != 1:
            continue
        [(owner, side)] = found.values()
        for named in (scorer, *sharers):
            yield from plays_for(named, side, [named, token, owner])
