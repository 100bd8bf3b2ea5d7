"""Relations a trained classifier reads off the parse: ``kg.relations.learned.v1``.

For every two names in one sentence the rule writes a handful of features: the
path between them through spaCy's parse at two levels of detail ("Rivermark, a
firm based in Rotterdam": ``>appos firm >acl base >prep in >pobj``, and the same
with only its labels, prepositions and meeting word), the words on that path,
the words between the names, and their named-entity labels. A logistic-regression
model per property (trained by :mod:`kg.extract.relations.learn`, L1-regularised
so that few features carry weight) scores the pair; where the score reaches the
property's threshold, chosen on held-back documents so that the measured
precision meets a target, the rule proposes the fact with the score as its
confidence. The resolver then keeps it only where the ontology's domain and range
fit, as it does for every rule.

The model lives in ``learned_model.json`` beside this module;
``python -m kg.extract.relations.learn`` rebuilds it (see the README).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from kg.errors import InputError
from kg.extract.common import arg_for, doc_tokens, mention_tokens, sentence_bounds
from kg.extract.relations.base import CandidateRule, candidate
from kg.extract.relations.locations import within
from kg.lexicon import Lexicon
from kg.registry import relation_rules
from kg.types import Candidate

RULE = "kg.relations.learned.v1"
#: Longest path (in dependency edges) between two names that the model reads.
MAX_EDGES = 5
#: Most words between two names that count as "between" features.
MAX_GAP = 8
#: A sentence with more names than this is a list; its pairs are not tried.
MAX_NAMES = 12
#: Words kept in a skeleton path besides the meeting point: they carry the relation.
KEEP_POS = frozenset({"ADP"})
MODEL = "learned_model.json"
#: spaCy's entity labels, coarsened the way the model was trained.
NER = {
    "PERSON": "PER",
    "ORG": "ORG",
    "NORP": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "PRODUCT": "MISC",
    "EVENT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
}


# spaCy makes a new Token object each time one is read: tokens compare by index.


def _climb_conjuncts(token: Token) -> Token:
    """The first of the conjuncts ``token`` belongs to ("founded by X and Y": Y -> X),
    so that every conjunct shares the path of the first."""
    for _ in range(4):
        if token.dep_ != "conj" or token.head.i == token.i:
            break
        token = token.head
    return token


def _ancestors(token: Token) -> list[Token]:
    chain = [token]
    while chain[-1].head.i != chain[-1].i and len(chain) <= MAX_EDGES:
        chain.append(chain[-1].head)
    return chain


def _word(token: Token) -> str:
    if token.pos_ in ("PROPN", "NUM"):
        return token.pos_
    return token.lemma_.lower()


def _path(
    a: Token, b: Token, ancestors: Callable[[Token], list[Token]] = _ancestors
) -> tuple[list[Token], Token, list[Token]] | None:
    """a's side climbing, the meeting token, b's side climbing; None if too long."""
    up_a, up_b = ancestors(a), ancestors(b)
    where_b = {t.i: n for n, t in enumerate(up_b)}
    for n, token in enumerate(up_a):
        m = where_b.get(token.i)
        if m is not None:
            return (up_a[:n], token, up_b[:m]) if n + m <= MAX_EDGES else None
    return None


def features(
    a: Token,
    b: Token,
    ancestors: Callable[[Token], list[Token]] = _ancestors,
    _word: Callable[[Token], str] = _word,
) -> list[str] | None:
    """The features of the pair (``a`` the would-be subject, ``b`` the object), or
    None where no short path joins them or they are one name's conjuncts.
    ``ancestors`` and ``_word`` may be memos of the functions of those names, for
    a Doc's many pairs."""
    a, b = _climb_conjuncts(a), _climb_conjuncts(b)
    if a.i == b.i:
        return None
    found = _path(a, b, ancestors)
    if found is None:
        return None
    side_a, top, side_b = found
    lexical: list[str] = []
    skeleton: list[str] = []
    words: list[str] = []
    for token in side_a:  # a's side, climbing: the edge, then the word it reaches
        head = token.head
        lexical.append(f"{token.dep_}<")
        skeleton.append(f"{token.dep_}<")
        if head.i != top.i:
            lexical.append(_word(head))
            skeleton.append(_word(head) if head.pos_ in KEEP_POS else head.pos_)
            words.append(_word(head))
    if top.i not in (a.i, b.i):
        lexical.append(f"[{_word(top)}]")
        skeleton.append(f"[{_word(top)}]")
    for token in reversed(side_b):  # b's side, descending
        if token.head.i != top.i:
            lexical.append(_word(token.head))
            skeleton.append(_word(token.head) if token.head.pos_ in KEEP_POS else token.head.pos_)
            words.append(_word(token.head))
        lexical.append(f">{token.dep_}")
        skeleton.append(f">{token.dep_}")
    top_word = _word(top) if top.i not in (a.i, b.i) else "-"
    out = [
        "L:" + " ".join(lexical),
        "S:" + " ".join(skeleton),
        f"T:{top_word}",
        f"E:{NER.get(a.ent_type_, 'O')}>{NER.get(b.ent_type_, 'O')}",
        f"N:{len(side_a)}/{len(side_b)}",
        f"A:{side_a[0].dep_ if side_a else '-'}",
        f"B:{side_b[0].dep_ if side_b else '-'}",
    ]
    out += [f"W:{w}" for w in words]
    first, last = (a.i, b.i) if a.i < b.i else (b.i, a.i)
    if last - first - 1 <= MAX_GAP:
        tokens = doc_tokens(a.doc)
        gap = [tokens[i] for i in range(first + 1, last)]
        out += [f"G:{_word(t)}" for t in gap if t.pos_ not in ("PROPN", "DET", "PUNCT")]
        out.append(f"O:{'ab' if a.i < b.i else 'ba'}{len(gap) // 3}")
    else:
        out.append(f"O:{'ab' if a.i < b.i else 'ba'}far")
    return out


def sigmoid(total: float) -> float:
    """A logistic regression's probability for a sum of weights (0 far below zero)."""
    return 1.0 / (1.0 + math.exp(-total)) if total > -30 else 0.0


@dataclass(frozen=True)
class Model:
    """Per property: bias, threshold; per feature: (property index, weight) pairs."""

    properties: tuple[str, ...]
    bias: tuple[float, ...]
    thresholds: tuple[float, ...]
    weights: dict[str, tuple[tuple[int, float], ...]]

    def score(self, feats: list[str]) -> Iterator[tuple[str, float]]:
        """(property, probability) for each property whose threshold the pair reaches."""
        sums = list(self.bias)
        for feat in feats:
            for index, weight in self.weights.get(feat, ()):
                sums[index] += weight
        for index, total in enumerate(sums):
            p = sigmoid(total)
            if p >= self.thresholds[index]:
                yield self.properties[index], p


def load_model(path: str | Path | None = None) -> Model:
    """Read a model the trainer wrote (the shipped one when ``path`` is None)."""
    if path is None:
        text = resources.files("kg.extract.relations").joinpath(MODEL).read_text(encoding="utf-8")
        origin = MODEL
    else:
        origin = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the learned model {origin}: {exc}") from exc
    try:
        data: Any = json.loads(text)
        props = tuple(str(p) for p in data["properties"])
        return Model(
            props,
            tuple(float(data["bias"][p]) for p in props),
            tuple(float(data["thresholds"][p]) for p in props),
            {
                feat: tuple((props.index(prop), float(w)) for prop, w in pairs)
                for feat, pairs in data["weights"].items()
            },
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"the learned model {origin} is not one kg wrote: {exc}") from exc


@cache
def _shipped() -> Model:
    return load_model()


def name_roots(doc: Doc) -> dict[tuple[int, int], list[Token]]:
    """Per sentence (its token bounds), the root token of each name in it."""
    roots: dict[int, Token] = {}
    for mention in doc._.kg_mentions or ():
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is not None:
            roots[span.root.i] = span.root
    by_sentence: dict[tuple[int, int], list[Token]] = {}
    for root in sorted(roots.values(), key=lambda t: t.i):
        by_sentence.setdefault(sentence_bounds(root), []).append(root)
    return by_sentence


def proposals(doc: Doc, model: Model) -> Iterator[tuple[Token, Token, str, float]]:
    """(subject token, object token, property, probability) for every pair of names
    in one sentence that the model scores above the property's threshold."""
    mentions = mention_tokens(doc)
    chains: dict[int, list[Token]] = {}
    words: dict[int, str] = {}

    def ancestors(token: Token) -> list[Token]:
        # each name meets every other name of its sentence: climb from it once
        chain = chains.get(token.i)
        if chain is None:
            chain = chains[token.i] = _ancestors(token)
        return chain

    def word(token: Token) -> str:
        found = words.get(token.i)
        if found is None:
            found = words[token.i] = _word(token)
        return found

    for names in name_roots(doc).values():
        if len(names) < 2 or len(names) > MAX_NAMES:
            continue
        for a in names:
            for b in names:
                if a.i == b.i or mentions.get(a.i) is mentions.get(b.i):
                    continue
                feats = features(a, b, ancestors, word)
                if feats is None:
                    continue
                for prop, p in model.score(feats):
                    if prop == "locatedIn" and not within(mentions[a.i], mentions[b.i]):
                        continue  # "Madrid, Barcelona", "Germany, Vienna": a list of places
                    yield a, b, prop, p


def path_tokens(a: Token, b: Token) -> list[Token]:
    """The tokens on the path from ``a`` to ``b`` (both ends included): a fact's evidence."""
    found = _path(_climb_conjuncts(a), _climb_conjuncts(b))
    if found is None:
        return [a, b]
    side_a, top, side_b = found
    return [a, *side_a, top, *side_b, b]


@relation_rules.register(RULE)
def learned_relations(lexicon: Lexicon, vocab: Vocab) -> CandidateRule:
    """Facts a model trained on annotated real text reads off the parse."""
    model = _shipped()

    def rule(doc: Doc) -> Iterator[Candidate]:
        for a, b, prop, p in proposals(doc, model):
            subject, obj = arg_for(a, lexicon), arg_for(b, lexicon)
            if subject is None or obj is None or subject.start == obj.start:
                continue
            yield candidate(doc, subject, prop, obj, RULE, round(p, 2), path_tokens(a, b))

    return rule
