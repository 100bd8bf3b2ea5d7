"""Relations a trained classifier reads off the parse: ``kg.relations.learned.v1``.

For two ends in one sentence (two names, or a name and a pronoun that stands for
one) the rule writes features that say *how* the sentence joins them and never
*who* they are: the dependency path between them at two levels of detail (with
its lemmas, and as a skeleton of labels, prepositions and the meeting word), the
words on the path and between the ends, the words that modify each end or that
each end modifies (title nouns such as "chief executive" or "founder" sit there),
the coarse class of each end (spaCy's entity label, or the kind of pronoun), the
order and distance of the ends. A name's own words are read as ``NAME``, so the
model cannot memorise the names it was trained on.

One logistic regression per property (trained by ``python -m kg.train
relations``, L1-regularised so that few features carry weight) scores the pair;
where the score reaches the property's threshold, chosen on the dev split for a
precision target, the rule proposes the fact with the score as its confidence. A
pronoun end becomes an argument of kind ``"pronoun"`` and the resolver maps it
to the entity it stands for, so "He co-founded Pixlee" states a fact of the
person named before, with this sentence as its evidence. The resolver keeps a
fact only where the ontology's domain and range fit, as for every rule.

Everything the features read comes from the Doc's arrays, once per Doc
(:func:`read_parse`): no ``Token`` object is made per pair.

The model is ``kg/data/models/relations.json`` (weights and a model card).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy
from spacy.attrs import DEP, ENT_TYPE, HEAD, LEMMA, LOWER, POS
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from kg.errors import InputError
from kg.extract.common import (
    ORG_PRONOUNS,
    PERSON_PRONOUNS,
    RELATIVE_PRONOUNS,
    _sentences,
    arg_for,
    doc_tokens,
    mention_bounds,
    mention_tokens,
)
from kg.extract.relations.base import CandidateRule, candidate
from kg.extract.relations.locations import _chains, within
from kg.lexicon import Lexicon
from kg.registry import relation_rules
from kg.types import Candidate

RULE = "kg.relations.learned.v1"
#: Longest path (in dependency edges) between two ends that the model reads.
MAX_EDGES = 5
#: Most words between two ends that count as "between" features.
MAX_GAP = 8
#: A sentence with more ends than this is a list; its pairs are not tried.
MAX_ENDS = 14
#: Parts of speech kept as words in a skeleton path besides the meeting point.
KEEP_POS = frozenset({"ADP"})
#: Dependency labels by which a word modifies an end ("Acme CEO Jo Park": compound).
MODIFIER_DEPS = frozenset({"compound", "amod", "appos", "nmod", "poss"})
#: Pronouns an end can be; :func:`kg.extract.common.arg_for` says what they stand for.
PRONOUN_ENDS = PERSON_PRONOUNS | ORG_PRONOUNS | RELATIVE_PRONOUNS
#: Roles in which a pronoun end is tried (a subject or an owner).
PRONOUN_DEPS = frozenset({"nsubj", "nsubjpass", "poss"})
MODEL = "relations.json"
#: spaCy's entity labels, coarsened.
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


def pronoun_class(lower: str) -> str:
    """The class feature of a pronoun end: whom it can stand for."""
    if lower in PERSON_PRONOUNS:
        return "PRON-PER"
    if lower in ORG_PRONOUNS:
        return "PRON-ORG"
    return "PRON-REL"


@dataclass(frozen=True)
class Parse:
    """What the features read of a Doc, as plain lists indexed by token (once per Doc)."""

    heads: list[int]
    deps: list[str]
    #: lemma, lower case; a word of a name is ``NAME``, a number ``NUM``
    words: list[str]
    pos: list[str]
    #: an end's class: coarse entity label, pronoun kind (``PRON-...``), or ``O``
    classes: list[str]
    children: list[list[int]]
    sentence: list[int]
    #: each token's climb towards the root, as far as a path reaches (filled as read)
    climbs: dict[int, list[int]] = field(default_factory=dict)
    #: each end's :func:`_around` features, by (token, role)
    around: dict[tuple[int, str], list[str]] = field(default_factory=dict)
    #: each path word's :func:`_near` features
    near: dict[int, tuple[list[str], list[str]]] = field(default_factory=dict)


def read_parse(doc: Doc, names: Sequence[tuple[int, int]]) -> Parse:
    """Read ``doc``'s arrays once. ``names`` are the token spans (start, end) of the
    names in it: their words become ``NAME`` and their class their entity label."""
    n = len(doc)
    if not n:
        return Parse([], [], [], [], [], [], [])
    strings = doc.vocab.strings
    array = doc.to_array([HEAD, DEP, LEMMA, POS, ENT_TYPE, LOWER])
    # HEAD is an offset stored unsigned: as signed, plus the position, it is the index
    heads = (array[:, 0].astype(numpy.int64) + numpy.arange(n)).tolist()

    def column(k: int) -> list[str]:
        ids = array[:, k].tolist()
        table = {key: strings[key] if key else "" for key in set(ids)}
        return [table[key] for key in ids]

    deps, lemmas, pos, ents, lower = column(1), column(2), column(3), column(4), column(5)
    named = [False] * n
    for start, end in names:
        for i in range(start, end):
            named[i] = True
    words = [
        "NAME"
        if named[i] or (pos[i] == "PROPN" and ents[i])
        else "NUM"
        if pos[i] == "NUM"
        else lemmas[i].lower()
        for i in range(n)
    ]
    classes = [
        pronoun_class(lower[i])
        if pos[i] == "PRON" and lower[i] in PRONOUN_ENDS
        else NER.get(ents[i], "O")
        for i in range(n)
    ]
    children: list[list[int]] = [[] for _ in range(n)]
    for i, head in enumerate(heads):
        if head != i:
            children[head].append(i)
    return Parse(heads, deps, words, pos, classes, children, _sentences(doc)[0])


def _climb_conjuncts(parse: Parse, i: int) -> int:
    """The first of the conjuncts ``i`` belongs to ("founded by X and Y": Y -> X),
    so that every conjunct shares the path of the first."""
    for _ in range(4):
        if parse.deps[i] != "conj" or parse.heads[i] == i:
            break
        i = parse.heads[i]
    return i


def _ancestors(parse: Parse, i: int) -> list[int]:
    chain = parse.climbs.get(i)
    if chain is None:  # each end meets every other end of its sentence: climb once
        chain = parse.climbs[i] = [i]
        while parse.heads[chain[-1]] != chain[-1] and len(chain) <= MAX_EDGES:
            chain.append(parse.heads[chain[-1]])
    return chain


def _path(parse: Parse, a: int, b: int) -> tuple[list[int], int, list[int]] | None:
    """a's side climbing, the meeting token, b's side climbing; None if too long."""
    up_a, up_b = _ancestors(parse, a), _ancestors(parse, b)
    where_b = {t: n for n, t in enumerate(up_b)}
    for n, token in enumerate(up_a):
        m = where_b.get(token)
        if m is not None:
            return (up_a[:n], token, up_b[:m]) if n + m <= MAX_EDGES else None
    return None


def _around(parse: Parse, i: int, role: str) -> list[str]:
    """The words that modify an end, and the word it modifies with how: titles,
    roles and kinds are written there ("Pixlee CEO Jo Park", "Jo Park, the founder")."""
    found = parse.around.get((i, role))
    if found is None:
        found = parse.around[(i, role)] = _read_around(parse, i, role)
    return found


def _read_around(parse: Parse, i: int, role: str) -> list[str]:
    out = []
    for c in parse.children[i]:
        if parse.deps[c] in MODIFIER_DEPS and parse.words[c] != "NAME":
            out.append(f"M{role}:{parse.words[c]}")
    head = parse.heads[i]
    if head != i and parse.deps[i] in MODIFIER_DEPS and parse.words[head] != "NAME":
        out.append(f"H{role}:{parse.deps[i]}:{parse.words[head]}")
    return out


def _near(parse: Parse, i: int) -> tuple[list[str], list[str]]:
    """A path word's noun dependents, and the words coordinated with it (once per token)."""
    found = parse.near.get(i)
    if found is None:
        words, deps = parse.words, parse.deps
        children = parse.children[i]
        found = parse.near[i] = (
            [f"TC:{deps[c]}:{words[c]}" for c in children if parse.pos[c] == "NOUN"],
            [
                f"C:{words[c]}"
                for c in children
                if deps[c] in ("conj", "appos") and words[c] != "NAME"
            ],
        )
    return found


def features(parse: Parse, a: int, b: int) -> list[str] | None:
    """The features of the pair (token ``a`` the would-be subject, ``b`` the object),
    or None where no short path joins them or they are one name's conjuncts."""
    a0, b0 = a, b
    a, b = _climb_conjuncts(parse, a), _climb_conjuncts(parse, b)
    if a == b:
        return None
    # a conjunct that governs the other end keeps its own place ("Jo Park and Ada
    # Reyes of the Labour Party": Reyes' "of" is hers, not Park's)
    if a != a0 and a0 in _ancestors(parse, b0):
        a = a0
    if b != b0 and b0 in _ancestors(parse, a0):
        b = b0
    found = _path(parse, a, b)
    if found is None:
        return None
    side_a, top, side_b = found
    words, deps, pos, heads = parse.words, parse.deps, parse.pos, parse.heads
    lexical: list[str] = []
    skeleton: list[str] = []
    on_path: list[str] = []
    for token in side_a:  # a's side, climbing: the edge, then the word it reaches
        head = heads[token]
        lexical.append(f"{deps[token]}<")
        skeleton.append(f"{deps[token]}<")
        if head != top:
            lexical.append(words[head])
            skeleton.append(words[head] if pos[head] in KEEP_POS else pos[head])
            on_path.append(words[head])
    if top not in (a, b):
        lexical.append(f"[{words[top]}]")
        skeleton.append(f"[{words[top]}]")
    for token in reversed(side_b):  # b's side, descending
        head = heads[token]
        if head != top:
            lexical.append(words[head])
            skeleton.append(words[head] if pos[head] in KEEP_POS else pos[head])
            on_path.append(words[head])
        lexical.append(f">{deps[token]}")
        skeleton.append(f">{deps[token]}")
    top_word = words[top] if top not in (a, b) else "-"
    ca, cb = parse.classes[a0], parse.classes[b0]
    out = [
        "L:" + " ".join(lexical),
        "S:" + " ".join(skeleton),
        f"T:{top_word}",
        f"E:{ca}>{cb}",
        f"EL:{ca}>{cb}:" + " ".join(skeleton),
        f"N:{len(side_a)}/{len(side_b)}",
        f"A:{deps[side_a[0]] if side_a else '-'}",
        f"B:{deps[side_b[0]] if side_b else '-'}",
    ]
    out += [f"W:{w}" for w in on_path]
    out += _around(parse, a, "a") + _around(parse, b, "b")
    if top not in (a, b):
        out += _near(parse, top)[0]
    # words coordinated with a word of the path share its role ("founder and CEO of")
    for token in {*(heads[t] for t in side_a), top, *(heads[t] for t in side_b)} - {a, b}:
        out += _near(parse, token)[1]
    first, last = (a0, b0) if a0 < b0 else (b0, a0)
    order = "ab" if a0 < b0 else "ba"
    if last - first - 1 <= MAX_GAP:
        gap = range(first + 1, last)
        out += [f"G:{words[t]}" for t in gap if pos[t] not in ("PROPN", "DET", "PUNCT")]
        out.append(f"O:{order}{len(gap) // 3}")
    else:
        out.append(f"O:{order}far")
    return list(dict.fromkeys(out))  # each once, in a fixed order


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

    def probabilities(self, feats: Sequence[str]) -> list[float]:
        """Each property's probability for a pair's features."""
        sums = list(self.bias)
        for feat in feats:
            for index, weight in self.weights.get(feat, ()):
                sums[index] += weight
        return [sigmoid(total) for total in sums]

    def score(self, feats: Sequence[str]) -> Iterator[tuple[str, float]]:
        """(property, probability) for each property whose threshold the pair reaches."""
        sums = list(self.bias)
        for feat in feats:
            for index, weight in self.weights.get(feat, ()):
                sums[index] += weight
        for index, total in enumerate(sums):
            if total >= self.logits[index]:  # most pairs stop here, without an exp
                p = sigmoid(total)
                if p >= self.thresholds[index]:
                    yield self.properties[index], p

    @property
    def logits(self) -> tuple[float, ...]:
        """Each threshold as a sum of weights (a little below, for rounding)."""
        found: tuple[float, ...] | None = self.__dict__.get("_logits")
        if found is None:
            found = tuple(
                math.log(t / (1 - t)) - 1e-9 if 0 < t < 1 else (-math.inf if t <= 0 else math.inf)
                for t in self.thresholds
            )
            object.__setattr__(self, "_logits", found)
        return found


def model_from(data: Any, origin: str) -> Model:
    """A :class:`Model` from the JSON the trainer writes."""
    try:
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


def load_model(path: str | Path | None = None) -> Model:
    """Read a model the trainer wrote (the shipped one when ``path`` is None)."""
    if path is None:
        text = resources.files("kg.data.models").joinpath(MODEL).read_text(encoding="utf-8")
        origin = MODEL
    else:
        origin = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the learned model {origin}: {exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"the learned model {origin} is not one kg wrote: {exc}") from exc
    return model_from(data, origin)


#: The environment variable naming a model to use instead of the shipped one (one
#: ``python -m kg.train relations --out FILE`` wrote).
MODEL_ENV = "KG_RELATIONS_MODEL"


@cache
def _load(path: str | None) -> Model:
    return load_model(path)


def _shipped() -> Model:
    """The model the rule uses: ``$KG_RELATIONS_MODEL``, else the shipped one."""
    return _load(os.environ.get(MODEL_ENV) or None)


def ends(parse: Parse, name_roots: Sequence[int]) -> dict[int, list[int]]:
    """Per sentence, the tokens that can end a fact: the roots of its names and the
    pronouns that stand for a person or an organization as a subject or an owner
    (where a sentence states a fact of its referent: "he joined", "its founder")."""
    found = set(name_roots)
    found.update(
        i
        for i, cls in enumerate(parse.classes)
        if cls.startswith("PRON") and parse.deps[i] in PRONOUN_DEPS
    )
    by_sentence: dict[int, list[int]] = {}
    for i in sorted(found):
        by_sentence.setdefault(parse.sentence[i], []).append(i)
    return by_sentence


def pairs(
    parse: Parse, by_sentence: dict[int, list[int]], named: set[int]
) -> Iterator[tuple[int, int, list[str]]]:
    """(subject token, object token, features) for every ordered pair of ends in one
    sentence with at least one name among them and a short path between them."""
    for found in by_sentence.values():
        if len(found) < 2 or len(found) > MAX_ENDS:
            continue
        for a in found:
            for b in found:
                if a == b or (a not in named and b not in named):
                    continue
                feats = features(parse, a, b)
                if feats is not None:
                    yield a, b, feats


def path_tokens(parse: Parse, a: int, b: int) -> list[int]:
    """The tokens on the path from ``a`` to ``b`` (both ends included): a fact's evidence."""
    found = _path(parse, _climb_conjuncts(parse, a), _climb_conjuncts(parse, b))
    if found is None:
        return [a, b]
    side_a, top, side_b = found
    return [a, *side_a, top, *side_b, b]


def doc_parse(doc: Doc) -> tuple[Parse, list[int]]:
    """The Doc's :class:`Parse` with kg's mentions as its names, and each name's root."""
    spans = [(first, last + 1) for first, last in mention_bounds(doc).values()]
    parse = read_parse(doc, spans)
    roots = set()
    for start, end in spans:  # a name's root: its first word whose head is outside it
        roots.add(next((i for i in range(start, end) if not start <= parse.heads[i] < end), start))
    return parse, sorted(roots)


@relation_rules.register(RULE)
def learned_relations(lexicon: Lexicon, vocab: Vocab) -> CandidateRule:
    """Facts a model trained on annotated real text reads off the parse."""
    model = _shipped()

    def rule(doc: Doc) -> Iterator[Candidate]:
        parse, roots = doc_parse(doc)
        mentions = mention_tokens(doc)
        named = set(roots)
        tokens = doc_tokens(doc)
        chains: dict[int, list[Token]] | None = None  # places written after a place
        stated = doc.user_data.get("kg_stated", ())
        for a, b, feats in pairs(parse, ends(parse, roots), named):
            if a in named and b in named and mentions.get(a) is mentions.get(b):
                continue
            for prop, p in model.score(feats):
                if (
                    prop == "locatedIn"
                    and a in named
                    and b in named
                    and not within(mentions[a], mentions[b])
                ):
                    continue  # "Madrid, Barcelona", "Germany, Vienna": a list of places
                subject, obj = arg_for(tokens[a], lexicon), arg_for(tokens[b], lexicon)
                if subject is None or obj is None or subject.start == obj.start:
                    continue
                evidence = [tokens[i] for i in path_tokens(parse, a, b)]
                # what a hand rule said, the component would drop: not built
                if (parse.sentence[a], subject.start, prop, obj.start) not in stated:
                    yield candidate(doc, subject, prop, obj, RULE, round(p, 2), evidence)
                if prop == "locatedIn":  # "based in Irving, Texas": in Texas too
                    if chains is None:
                        chains = _chains(tokens, mentions)
                    for outer in chains.get(b, ()):
                        place = arg_for(outer, lexicon)
                        key = (parse.sentence[a], subject.start, prop, place.start) if place else ()
                        if place is not None and place.kind == "name" and key not in stated:
                            yield candidate(
                                doc, subject, prop, place, RULE, round(p, 2), [*evidence, outer]
                            )

    return rule
