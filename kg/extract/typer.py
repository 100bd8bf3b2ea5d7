"""The learned typer: whether a candidate name names an entity, and of which class.

Every mention the mention rules propose is a candidate. A multinomial logistic
model reads sparse binary features of it (:func:`mention_features`) and gives
the probability of each of :data:`CLASSES`, "none" (not an entity kg keeps)
among them. The type rule ``kg.types.learned.v1`` turns those probabilities
into votes, one per class and mention: the log-odds of the class against
"none". The resolver sums its mentions' votes, so an entity's class is what its
mentions together say, and a name every mention of which leans to "none" is no
entity.

Features describe a class of phrasings, never one phrase: the NER's label and
the rule that proposed the name; the name's own words, first and last word,
suffix, shape, length, digits and capitals; the words around it (the tokens
before and after, the governing verb or noun and preposition, an apposition's
noun, what it possesses or modifies); and what kg's data know of it (the
ontology's name heads and cue nouns, the gazetteer, given names and surnames,
the knowledge base), and the cues the other type rules put on it, so the model
weighs each rule's word against the rest. The type component runs this rule last.

The weights are data (``kg/data/models/typer.json``, with its model card),
trained by ``python -m kg.train typer``; ``KG_TYPER_MODEL`` names another
artefact to use instead (a retrained or cross-validation model). Inference is
a dot product per class; scikit-learn is needed only to train.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from kg.extract.common import doc_tokens, mention_bounds
from kg.gazetteer import place_kind
from kg.given_names import is_given_name, is_surname
from kg.lexicon import ANY_ORGANIZATION, Lexicon
from kg.registry import type_rules
from kg.types import LEARNED_TYPES_RULE, RULE_CUES, Mention, TypeCue

__all__ = [
    "CLASSES",
    "MODEL_ENV",
    "NONE",
    "Lookups",
    "TyperModel",
    "default_model_path",
    "doc_features",
    "load_model",
    "mention_features",
]

NONE = "none"
#: The typer's classes: "none" and kg's top classes (Company and NewsOrganization
#: stay with the knowledge base and the description cues, inside Organization).
CLASSES = (NONE, "Person", "Organization", "Place", "Event", "Product")
#: The class each typer class votes for in the resolver (``Cluster.votes``).
VOTE_CLASS = {"Organization": ANY_ORGANIZATION}
MODEL_ENV = "KG_TYPER_MODEL"
#: The largest vote one mention gives (log-odds), so one confident mention does not
#: outvote every other mention of its entity.
MAX_VOTE = 6.0
#: How many answers :class:`Lookups` keeps before it starts again.
MAX_MEMO = 200_000


def default_model_path() -> Path:
    """The artefact kg uses: ``$KG_TYPER_MODEL``, else the bundled ``typer.json``."""
    chosen = os.environ.get(MODEL_ENV)
    if chosen:
        return Path(chosen)
    return Path(__file__).resolve().parent.parent / "data" / "models" / "typer.json"


class Lookups:
    """The lexicon's, gazetteer's and name lists' answers for a word, each looked up
    once per pipeline (a news corpus repeats its words)."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._memo: dict[tuple[str, str], Any] = {}

    def _get(self, kind: str, key: str, compute: Any) -> Any:
        found = self._memo.get((kind, key), self)
        if found is self:
            if len(self._memo) >= MAX_MEMO:
                self._memo.clear()  # a long build's vocabulary, kept bounded
            found = self._memo[(kind, key)] = compute(key)
        return found

    def noun(self, word: str) -> list[str]:
        return list(self._get("noun", word, self.lexicon.classes_for_noun))

    def head(self, word: str) -> list[str]:
        return list(self._get("head", word, self.lexicon.classes_for_head))

    def lead(self, word: str) -> list[str]:
        return list(self._get("lead", word, self.lexicon.classes_for_lead))

    def title(self, word: str) -> str | None:
        return self._get("title", word, self.lexicon.title_prop)  # type: ignore[no-any-return]

    def kb_group(self, name: str) -> str | None:
        def group(text: str) -> str | None:
            entry = self.lexicon.kb_entry(text)
            return None if entry is None else self.lexicon.group(entry.cls)

        return self._get("kb", name, group)  # type: ignore[no-any-return]

    def place(self, name: str) -> str | None:
        return self._get("place", name, place_kind)  # type: ignore[no-any-return]

    def given(self, word: str) -> bool:
        return bool(self._get("given", word, is_given_name))

    def surname(self, word: str) -> bool:
        return bool(self._get("surname", word, is_surname))

    def name(self, text: str, ner: str, rule: str) -> tuple[str, ...]:
        key = f"{ner}\t{rule}\t{text}"
        return self._get("name", key, lambda _: name_features(self, text, ner, rule))  # type: ignore[no-any-return]


@lru_cache(maxsize=65536)
def _shape(word: str) -> str:
    """A word's shape with runs collapsed: "Falcon" Xx, "F-16" X-d, "iPhone" xXx."""
    out: list[str] = []
    for ch in word:
        s = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        if not out or out[-1] != s:
            out.append(s)
    return "".join(out)[:6]


def _around(prefix: str, token: Token | None) -> list[str]:
    if token is None:
        return [f"{prefix}=<none>"]
    return [f"{prefix}={token.lower_}", f"{prefix}_shape={_shape(token.text)}"]


def _noun_classes(lookups: Lookups, prefix: str, token: Token) -> list[str]:
    """The word itself and the classes the ontology's cue nouns give it."""
    lemma = token.lemma_.lower()
    return [f"{prefix}={lemma}", *(f"{prefix}_cls={c}" for c in lookups.noun(lemma))]


def name_features(lookups: Lookups, text: str, ner: str, rule: str) -> tuple[str, ...]:
    """The features of a name itself, whatever its context: its NER label and rule,
    words, shape and what kg's data know of it (the same for every repeat)."""
    words = text.split()
    lowered = [w.lower() for w in words]
    out = [
        "bias",
        f"ner={ner}",
        f"rule={rule}",
        f"ntok={min(len(words), 5)}",
        f"first={lowered[0]}" if words else "first=",
        f"last={lowered[-1]}" if words else "last=",
        f"suf3={lowered[-1][-3:]}" if words else "suf3=",
        f"shape={'_'.join(_shape(w) for w in words[:4])}",
        f"shape_last={_shape(words[-1]) if words else ''}",
    ]
    out.extend(f"w={w}" for w in lowered)
    if any(ch.isdigit() for ch in text):
        out.append("has_digit")
    if text.isupper():
        out.append("all_caps")
    if "-" in text:
        out.append("has_hyphen")
    if words:
        out.extend(f"head_cls={c}" for c in lookups.head(lowered[-1].rstrip(".")))
        out.extend(f"lead_cls={c}" for c in lookups.lead(lowered[0]))
        if lookups.given(words[0]):
            out.append("given_first")
        if len(words) > 1 and lookups.surname(words[-1]):
            out.append("surname_last")
    kind = lookups.place(text)
    if kind is not None:
        out.append(f"gaz={kind}")
    if (group := lookups.kb_group(text)) is not None:
        out.append(f"kb={group}")
    return tuple(out)


def mention_features(
    lookups: Lookups, tokens: Sequence[Token], first: int, last: int, mention: Mention
) -> list[str]:
    """Sparse binary features of the mention at tokens ``first..last`` (inclusive).

    ``tokens`` is the Doc's token list (read once per Doc). The features are
    strings; a model weighs those it has seen and ignores the rest.
    """
    out = list(lookups.name(mention.text, mention.ner_label or "-", mention.rule))
    span = tokens[first : last + 1]
    out.append(f"pos_last={span[-1].pos_}")
    out.append("pos=" + "_".join(t.pos_ for t in span[:4]))
    out.extend(_around("prev", tokens[first - 1] if first > 0 else None))
    out.extend(_around("next", tokens[last + 1] if last + 1 < len(tokens) else None))
    out.append(f"prev2={tokens[first - 2].lower_ if first > 1 else '<none>'}")
    after = tokens[last + 2] if last + 2 < len(tokens) else None
    out.append(f"next2={after.lower_ if after is not None else '<none>'}")
    out.append(f"next2_shape={_shape(after.text) if after is not None else ''}")  # ", 45,"
    if span[0].is_sent_start:
        out.append("sent_start")
    if first > 0 and (title := lookups.title(tokens[first - 1].text)) is not None:
        out.append(f"prev_title={title}")
    # the syntactic head of the name: its token whose head lies outside it
    root = next((t for t in span if not first <= t.head.i <= last), span[-1])
    head = root.head
    out.append(f"dep={root.dep_}")
    out.append(f"gov={head.lemma_.lower()}")
    out.append(f"dep_gov={root.dep_}:{head.lemma_.lower()}")
    if root.dep_ == "pobj":
        out.append(f"prep={head.lower_}")
        out.append(f"prep_gov={head.lower_}:{head.head.lemma_.lower()}")
    elif root.dep_ in ("appos", "compound", "poss", "conj", "attr"):
        out.extend(_noun_classes(lookups, f"{root.dep_}_of", head))
        if root.dep_ == "conj" and head.ent_type_:
            out.append(f"conj_ner={head.ent_type_}")
    for child in root.children:
        if child.i < first or child.i > last:
            if child.dep_ in ("appos", "conj", "amod", "compound", "relcl", "acl"):
                out.extend(_noun_classes(lookups, f"child_{child.dep_}", child))
            if child.dep_ == "conj" and child.ent_type_:
                out.append(f"conj_ner={child.ent_type_}")
    if root.dep_ == "nsubj" and head.lemma_ == "be":
        for child in head.children:
            if child.dep_ == "attr":
                out.extend(_noun_classes(lookups, "is_a", child))
    return out


def doc_features(
    doc: Doc, lookups: Lookups, cues: Iterable[TypeCue] = ()
) -> Iterator[tuple[Mention, list[str]]]:
    """Each mention of ``doc._.kg_mentions`` with its features, reading the Doc once.

    ``cues`` are the type rules' cues: one on a mention's own span is a feature of
    it (the rule and the class it says), so the model weighs each rule's word."""
    tokens = doc_tokens(doc)
    bounds = mention_bounds(doc)
    said: dict[tuple[int, int], set[str]] = {}
    for cue in cues:
        if cue.rule != LEARNED_TYPES_RULE:
            said.setdefault((cue.start, cue.end), set()).add(f"cue={cue.rule}:{cue.cls}")
    for mention in doc._.kg_mentions or ():
        found = bounds.get(mention)
        if found is None:
            continue
        features = mention_features(lookups, tokens, found[0], found[1], mention)
        features.extend(sorted(said.get((mention.start, mention.end), ())))
        yield mention, features


@dataclass(frozen=True)
class TyperModel:
    """Weights of a multinomial logistic model over sparse binary features.

    ``weights`` maps a feature to one weight per class; ``temperature`` divides the
    scores (calibrated on the dev split); ``card`` says what the model learned from.
    """

    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]
    temperature: float = 1.0
    card: dict[str, Any] = field(default_factory=dict)
    #: how much a mention's log-odds weigh beside the type rules' cues (chosen on dev)
    vote_scale: float = 1.0

    def scores(self, features: Iterable[str]) -> list[float]:
        get = self.weights.get
        rows = [row for f in features if (row := get(f)) is not None]
        t = self.temperature
        return [sum(column) / t for column in zip(self.bias, *rows, strict=True)]

    def log_probabilities(self, features: Iterable[str]) -> list[float]:
        """The log-probability of each class, in the order of ``classes``."""
        scores = self.scores(features)
        top = max(scores)
        norm = top + math.log(sum(math.exp(s - top) for s in scores))
        return [s - norm for s in scores]

    def explain(self, features: Iterable[str], cls: str, n: int = 5) -> list[tuple[str, float]]:
        """The ``n`` features that pushed hardest towards ``cls`` against "none"."""
        k, none = self.classes.index(cls), self.classes.index(NONE)
        pushes = [
            (f, (row[k] - row[none]) / self.temperature)
            for f in set(features)
            if (row := self.weights.get(f)) is not None
        ]
        return sorted(pushes, key=lambda p: -p[1])[:n]

    def to_json(self) -> dict[str, Any]:
        return {
            "card": self.card,
            "classes": list(self.classes),
            "temperature": self.temperature,
            "vote_scale": self.vote_scale,
            "bias": list(self.bias),
            "weights": {f: list(w) for f, w in sorted(self.weights.items())},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TyperModel:
        return cls(
            classes=tuple(data["classes"]),
            bias=tuple(float(b) for b in data["bias"]),
            weights={f: tuple(float(x) for x in w) for f, w in data["weights"].items()},
            temperature=float(data.get("temperature", 1.0)),
            card=dict(data.get("card", {})),
            vote_scale=float(data.get("vote_scale", 1.0)),
        )


@lru_cache(maxsize=4)
def _load(path: str) -> TyperModel:
    return TyperModel.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


def load_model(path: str | Path | None = None) -> TyperModel:
    """The typer's weights (read once per path): ``path``, else :func:`default_model_path`."""
    return _load(str(path or default_model_path()))


def votes(model: TyperModel, features: list[str]) -> dict[str, float]:
    """The vote a mention gives each class: the log-odds of the class against "none",
    at most :data:`MAX_VOTE` either way."""
    logp = model.log_probabilities(features)
    none = logp[model.classes.index(NONE)]
    scale = model.vote_scale
    return {
        VOTE_CLASS.get(c, c): scale * max(-MAX_VOTE, min(MAX_VOTE, lp - none))
        for c, lp in zip(model.classes, logp, strict=True)
        if c != NONE
    }


@type_rules.register(LEARNED_TYPES_RULE)
def learned_type_cues(lexicon: Lexicon, vocab: Vocab) -> Any:
    """Votes of the learned typer for every mention (see the module's docstring)."""
    model = load_model()
    lookups = Lookups(lexicon)

    def rule(doc: Doc) -> Iterator[TypeCue]:
        for mention, features in doc_features(doc, lookups, doc.user_data.get(RULE_CUES, ())):
            for cls, weight in votes(model, features).items():
                yield TypeCue(mention.start, mention.end, cls, LEARNED_TYPES_RULE, weight)

    return rule
