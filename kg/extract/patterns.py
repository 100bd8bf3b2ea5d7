"""Rules from patterns: the quickest way to teach kg a new class or relation.

Two helpers register rules built from spaCy's own matchers, so a user writes
patterns, not components:

- :func:`entity_patterns` registers a mention rule and a type rule: spans that
  match (token patterns for spaCy's ``Matcher``, or plain strings matched as
  phrases) become names voting for a class.
- :func:`relation_patterns` registers a relation rule: ``DependencyMatcher``
  patterns whose nodes ``subject`` and ``object`` mark the two ends of a relation.

Like every registered rule, these run in each pipeline made after they are
registered (unless excluded). Both return the rule's name.

A plugin names its rules in entry points instead of registering them when it is
imported: :func:`relation_rule` and :func:`entity_rules` return the same factories,
unregistered, for its ``pyproject.toml`` to name in the groups
``kg_relation_rules``, ``kg_mention_rules`` and ``kg_type_rules`` (the README's
"Ship it as a plugin" has a complete one)::

    # kg_sport/__init__.py; pyproject.toml:
    #   [project.entry-points.kg_relation_rules]
    #   "kg_sport.sponsors.v1" = "kg_sport:sponsors"
    sponsors = relation_rule("kg_sport.sponsors.v1", "sponsors", PATTERNS)
    trophy_mentions, trophy_types = entity_rules("kg_sport.trophies.v1", "Trophy", TROPHIES)

>>> from kg.extract.patterns import relation_patterns
>>> relation_patterns(
...     "doctest.relations.sponsors.v1",
...     "partnersWith",
...     [[
...         {"RIGHT_ID": "verb", "RIGHT_ATTRS": {"LEMMA": "sponsor"}},
...         {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "subject",
...          "RIGHT_ATTRS": {"DEP": "nsubj"}},
...         {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "object",
...          "RIGHT_ATTRS": {"DEP": "dobj"}},
...     ]],
... )
'doctest.relations.sponsors.v1'
>>> from kg.registry import relation_rules, unregister
>>> "doctest.relations.sponsors.v1" in relation_rules.get_all()
True
>>> unregister("relation_rules", "doctest.relations.sponsors.v1")
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from spacy.matcher import DependencyMatcher, Matcher, PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from kg.errors import UsageError
from kg.extract.common import arg_for, with_conjuncts
from kg.extract.mentions import make_mention, phrase_doc
from kg.extract.relations import candidate
from kg.lexicon import Lexicon
from kg.registry import mention_rules, relation_rules, type_rules
from kg.types import Candidate, Mention, TypeCue

__all__ = ["entity_patterns", "entity_rules", "relation_patterns", "relation_rule"]

#: Token patterns (lists of dicts) or phrases (strings).
Patterns = Sequence[str | Sequence[dict[str, Any]]]
MentionFactory = Callable[[Lexicon, Vocab], Callable[[Doc], Iterator[Mention]]]
CueFactory = Callable[[Lexicon, Vocab], Callable[[Doc], Iterator[TypeCue]]]
CandidateFactory = Callable[[Lexicon, Vocab], Callable[[Doc], Iterator[Candidate]]]


def _matcher(vocab: Vocab, name: str, patterns: Patterns) -> Callable[[Doc], list[tuple[int, int]]]:
    """One function that returns the token spans of every match."""
    phrases = [p for p in patterns if isinstance(p, str)]
    tokens = [list(p) for p in patterns if not isinstance(p, str)]
    phrase_matcher = PhraseMatcher(vocab, attr="LOWER")
    token_matcher = Matcher(vocab)
    if phrases:
        phrase_matcher.add(name, [phrase_doc(vocab, p) for p in phrases])
    if tokens:
        token_matcher.add(name, tokens)

    def matches(doc: Doc) -> list[tuple[int, int]]:
        found = {(s, e) for _, s, e in phrase_matcher(doc)} if phrases else set()
        if tokens:
            found |= {(s, e) for _, s, e in token_matcher(doc)}
        return sorted(found)

    return matches


def entity_patterns(
    name: str, cls: str, patterns: Patterns, confidence: float = 0.8, weight: float = 3.0
) -> str:
    """Register rules that find names of class ``cls`` by pattern.

    Args:
        name: the rules' name (``"acme.entities.awards.v1"``), used in both the
            mention and the type registry and recorded on every mention found.
        cls: the class's local name, kg's or an extension's (``"Award"``).
        patterns: spaCy ``Matcher`` token patterns, or strings matched as phrases
            (case-insensitively, tokenized as spaCy tokenizes text).
        confidence: of the mentions found.
        weight: of the vote for ``cls`` (a cue noun weighs 1 to 3, the NER 1).
    """
    mentions, types = entity_rules(name, cls, patterns, confidence, weight)
    mention_rules.register(name, func=mentions)
    type_rules.register(name, func=types)
    return name


def entity_rules(
    name: str, cls: str, patterns: Patterns, confidence: float = 0.8, weight: float = 3.0
) -> tuple[MentionFactory, CueFactory]:
    """The mention and type rule factories :func:`entity_patterns` registers, unregistered:
    a plugin names them in its entry points instead."""
    if not patterns:
        raise UsageError(f"entity_patterns {name!r}: no patterns given")

    def mentions(lexicon: Lexicon, vocab: Vocab) -> Callable[[Doc], Iterator[Mention]]:
        match = _matcher(vocab, name, patterns)

        def rule(doc: Doc) -> Iterator[Mention]:
            for start, end in match(doc):
                mention = make_mention(doc, list(doc[start:end]), name, confidence, None)
                if mention is not None:
                    yield mention

        return rule

    def types(lexicon: Lexicon, vocab: Vocab) -> Callable[[Doc], Iterator[TypeCue]]:
        if lexicon.group(cls) is None:
            raise UsageError(
                f"entity_patterns {name!r}: {cls!r} is no entity class of the ontology; "
                "declare it in a Turtle file (--ontology) as a subclass of one of kg's"
            )
        match = _matcher(vocab, name, patterns)

        def rule(doc: Doc) -> Iterator[TypeCue]:
            for start, end in match(doc):
                span = doc[start:end]
                yield TypeCue(span.start_char, span.end_char, cls, name, weight)

        return rule

    mentions.__doc__ = types.__doc__ = f"Names of class {cls} found by pattern."
    return mentions, types


def relation_patterns(
    name: str, prop: str, patterns: Sequence[Sequence[dict[str, Any]]], confidence: float = 0.7
) -> str:
    """Register a relation rule from ``DependencyMatcher`` patterns.

    Each pattern names two of its nodes ``subject`` and ``object`` (``RIGHT_ID``);
    a match proposes ``subject prop object`` for them and for the names
    co-ordinated with them ("X and Y joined Z"). Pronouns and descriptions
    ("the union") resolve like those kg's own rules find; domain and range are
    checked against the ontology before anything is written.
    """
    relation_rules.register(name, func=relation_rule(name, prop, patterns, confidence))
    return name


def relation_rule(
    name: str, prop: str, patterns: Sequence[Sequence[dict[str, Any]]], confidence: float = 0.7
) -> CandidateFactory:
    """The factory :func:`relation_patterns` registers, unregistered (for entry points)."""
    for pattern in patterns:
        ids = {node.get("RIGHT_ID") for node in pattern}
        if not {"subject", "object"} <= ids:
            raise UsageError(
                f"relation_patterns {name!r}: each pattern needs nodes named "
                "'subject' and 'object' (RIGHT_ID)"
            )

    def relations(lexicon: Lexicon, vocab: Vocab) -> Callable[[Doc], Iterator[Candidate]]:
        if prop not in lexicon.domains:
            raise UsageError(
                f"relation_patterns {name!r}: {prop!r} is no object property of the ontology; "
                "declare it in a Turtle file (--ontology)"
            )
        matcher = DependencyMatcher(vocab)
        order: list[list[str]] = []
        for n, pattern in enumerate(patterns):
            matcher.add(f"{name}|{n}", [list(pattern)])
            order.append([str(node["RIGHT_ID"]) for node in pattern])

        def rule(doc: Doc) -> Iterator[Candidate]:
            seen: set[tuple[int, int, int, int]] = set()
            for match_id, tokens in matcher(doc):
                ids = order[int(vocab.strings[match_id].rsplit("|", 1)[1])]
                node = dict(zip(ids, tokens, strict=True))
                trigger = doc[tokens[0]]
                for s_tok in with_conjuncts(doc[node["subject"]]):
                    subject = arg_for(s_tok, lexicon)
                    if subject is None:
                        continue
                    for o_tok in with_conjuncts(doc[node["object"]]):
                        obj = arg_for(o_tok, lexicon)
                        if obj is None or obj.start == subject.start:
                            continue
                        key = (subject.start, subject.end, obj.start, obj.end)
                        if key in seen:
                            continue
                        seen.add(key)
                        yield candidate(
                            doc, subject, prop, obj, name, confidence, [s_tok, trigger, o_tok]
                        )

        return rule

    relations.__doc__ = f"{prop} from dependency patterns."
    return relations
