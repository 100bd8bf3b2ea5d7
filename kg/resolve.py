"""Mentions -> entities: cluster names, choose each entity's class, resolve relations.

Within one article:

1. Names with the same normalised form are one entity ("one sense per
   discourse"); so are the names one knowledge-base entry lists ("L.A.", "Los Angeles").
2. A one-word name joins the unique longer name it is the first or last word of
   ("Altman", "Sam" -> "Sam Altman"), and an acronym or initials the unique
   longer name they abbreviate ("WGA" -> "Writers Guild of America"), when the
   two are of compatible kinds. Every merge is recorded.
3. Each entity's class comes from a vote: each NER label on the entity's
   longest name counts 1, on a shorter name 0.5 (and a one-word PERSON with no
   full name in the article counts 0.5, as news introduces people by full name);
   type cues count their weight; the knowledge base decides.
4. Pronouns ("its") and definite descriptions ("the AI firm") take the nearest
   preceding entity of a compatible class within three sentences.
5. A candidate relation is kept only where its domain and range fit.
6. An organization named with words that bodies of many countries share ("Labour
   Party") has its country in its IRI (:class:`_Countries`), from its own article
   alone, so that one article built alone or with others gets the same IRI.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from itertools import pairwise
from typing import Any

from spacy.tokens import Doc

from kg.dates import EDITION_YEAR, resolve_date
from kg.doc import doc_text
from kg.errors import InputError
from kg.gazetteer import (
    COMPASS_WORDS,
    country_name,
    country_of,
    country_said,
    demonym_countries,
    place_kind,
)
from kg.given_names import is_given_name
from kg.layout import Layout, display_lines
from kg.lexicon import ANY_ORGANIZATION, BASE_CLASSES, KBEntry, Lexicon
from kg.types import (
    LEARNED_TYPES_RULE,
    MAKER_NAME,
    Arg,
    Article,
    Attribute,
    Candidate,
    Entity,
    Evidence,
    Extraction,
    Mention,
    Relation,
    Sentence,
    TypeCue,
)

HONORIFICS = frozenset(
    {
        "mr",
        "mr.",
        "mrs",
        "mrs.",
        "ms",
        "ms.",
        "dr",
        "dr.",
        "sir",
        "dame",
        "prof",
        "prof.",
        "sen.",
        "rep.",
        "gov.",
    }
)
ORG_SUFFIXES = frozenset(
    {"inc", "inc.", "corp", "corp.", "ltd", "ltd.", "llc", "plc", "co.", "gmbh", "ag", "s.a."}
)
CONNECTORS = frozenset({"of", "the", "and", "for", "&", "de", "du", "la"})
ANTECEDENT_WINDOW = 3  # sentences
ANTECEDENT_RULE = "kg.resolve.antecedent.v1"
#: The most different names news gives one entity ("Sam Altman", "Altman", "Mr Altman";
#: at most 1.6 a name per entity on any test article): an article with more names than
#: this many times ``max_entities`` is refused before its names are resolved.
NAMES_PER_ENTITY = 3
#: Order in which groups win a tied vote ("Valcourt": PERSON once, ORG once).
GROUP_ORDER = ("person", "organization", "place", "product", "event")


_DOTTED = re.compile(r"(?:[A-Za-z]\.){2,}")


#: The resolution of an organization's name joined to the same name after a place.
PLACE_QUALIFIED_RULE = "kg.resolve.place_qualified.v1"
#: The resolution of an acronym written in brackets after the name it stands for.
PARENTHETICAL_RULE = "kg.resolve.parenthetical.v1"
#: The resolution of "the Home Secretary" to the one person the article names with
#: that title ("Home Secretary Suella Braverman").
TITLE_REFERENCE_RULE = "kg.resolve.title_reference.v1"
#: A run of capitalised words ("Shadow Home Secretary") ending just before a name.
_TITLE_BEFORE = re.compile(r"((?:[A-Z][a-z]+ ){0,3}[A-Z][a-z]+) $")
#: "the Prime Minister", the capitalised run after "the", and what follows it.
_TITLE_AFTER_THE = re.compile(r"\b[Tt]he ((?:[A-Z][a-z]+ ){0,3}[A-Z][a-z]+)(?=(.{0,4}))", re.S)
#: An acronym as news writes it after a name: "(DAB)", "(SAG-AFTRA)", "[KPA]".
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&]*(?:[-.][A-Z0-9&]+)*\.?")


def _with_middle_names(short: list[str], long: list[str]) -> bool:
    """Whether ``long`` is ``short`` written more fully: the same last word, and each
    other word of ``short`` in order in ``long``, whole or as its initial ("john
    smith", "j. smith" and "john h. smith" in "john henry smith"), the first words
    matching."""
    if len(long) < len(short) or short == long or short[-1] != long[-1] or len(short) < 2:
        return False

    def fits(word: str, full: str) -> bool:
        return word == full or (len(word) == 2 and word[1] == "." and full[0] == word[0])

    if not fits(short[0], long[0]):
        return False
    rest = iter(long[1:-1])
    return all(any(fits(word, full) for full in rest) for word in short[1:-1])


def _join_fuller(
    clusters: list[Cluster],
    group: str,
    fuller: Callable[[list[str], list[str]], bool],
    merges: list[tuple[str, str, str]],
) -> None:
    """Join each name of two words or more of ``group`` into the unique other name of
    the group that ``fuller(short words, long words)`` says writes it more fully."""
    _join_unique(
        clusters,
        lambda short, key: len(key.split()) >= 2 and short.group() == group,
        lambda key, long, long_key: long.group() == group and fuller(key.split(), long_key.split()),
        merges,
        # a fuller name holds the shorter one's words, but for its initials ("j.")
        ways=lambda key: [[w for w in key.split() if len(w) != 2 or w[1] != "."]],
    )


class _ByWord:
    """The clusters of an article by the words of their names, so that a pass looks
    for a short name's fuller one among the few names that hold its words, not among
    all of them: an article of thousands of names is resolved in time near linear in
    them, not quadratic.

    A cluster stays listed under the words of every label it had (a cluster that
    takes a knowledge-base entry changes its label); the passes test the current
    label of each cluster they are given, so an old word only costs a test.
    """

    #: what a cluster's initials are listed under, beside its words
    INITIALS = "\0"

    def __init__(self, clusters: list[Cluster], with_initials: bool = False) -> None:
        self._position = {id(c): i for i, c in enumerate(clusters)}
        self._by_word: defaultdict[str, list[Cluster]] = defaultdict(list)
        self._with_initials = with_initials
        self._listed: set[tuple[int, str]] = set()
        for cluster in clusters:
            self.add(cluster)

    def add(self, cluster: Cluster) -> None:
        """List ``cluster`` under the words of its label (and its initials, if asked)."""
        text = cluster.label()
        words = name_key(text).split()
        if self._with_initials and (spelled := initials(text)):
            words.append(self.INITIALS + spelled)
        for word in words:
            if (id(cluster), word) not in self._listed:
                self._listed.add((id(cluster), word))
                self._by_word[word].append(cluster)

    def having(self, ways: Iterable[Sequence[str]]) -> list[Cluster]:
        """The unmerged clusters whose labels hold every word of one of ``ways``, and
        some more, in the article's order (a test of each is the caller's)."""
        found: dict[int, Cluster] = {}
        for words in ways:
            # every match is under each word: the shortest list of them is enough
            fewest = min((self._by_word.get(w, []) for w in words), key=len, default=[])
            for cluster in fewest:
                if cluster.merged_into is None:
                    found[id(cluster)] = cluster
        return sorted(found.values(), key=lambda c: self._position[id(c)])


def _join_unique(
    clusters: list[Cluster],
    takes: Callable[[Cluster, str], bool],
    names: Callable[[str, Cluster, str], bool],
    merges: list[tuple[str, str, str]],
    votes: bool = True,
    *,
    ways: Callable[[str], Iterable[Sequence[str]]],
) -> None:
    """Join each cluster that ``takes(cluster, name key)`` into the unique other one that
    ``names(its name key, other, other's name key)`` says it names (clusters already
    joined into another are neither); with ``votes`` false, the joined one's type cues
    are not the other's. Every name a cluster names holds all the words of one of
    ``ways(its name key)``: only the clusters that do are asked (:class:`_ByWord`)."""
    index = _ByWord(clusters)
    for short in clusters:
        key = name_key(short.label())
        if short.merged_into is not None or not takes(short, key):
            continue
        found = [
            long
            for long in index.having(ways(key))
            if long is not short and names(key, long, name_key(long.label()))
        ]
        if _join_one(short, found, merges, votes):
            index.add(found[0])


def _join_one(
    short: Cluster, found: list[Cluster], merges: list[tuple[str, str, str]], votes: bool = True
) -> bool:
    """Join ``short`` into the one name found for it, if exactly one was (and say so)."""
    if len(found) != 1:
        return False
    merges.append((short.label(), found[0].label(), "kg.resolve.name_part.v1"))
    found[0].absorb(short, "kg.resolve.name_part.v1", votes)
    return True


def _head_word(key: str) -> str | None:
    """The head of a name of two words or more: the word before its first "of" ("ministry"
    of "ministry of health"), else its last ("commission" of "philippine commission")."""
    words = key.split()
    if len(words) < 2:
        return None
    if "of" in words[1:]:
        return words[words.index("of", 1) - 1]
    return words[-1]


def _demonyms_only(cluster: Cluster) -> bool:
    """Whether a cluster is only demonyms the NER gave no class ("Italian" in a story
    that names no Italy): a mention of a country, never an entity of its own."""
    return all(m.ner_label in ("NORP", None) and demonym_countries(m.text) for m in cluster.names)


def _first_start(cluster: Cluster) -> int:
    """Where the text first names a cluster."""
    return min(m.start for m in cluster.mentions)


def _holds(short: list[str], long: list[str]) -> bool:
    """Whether ``long`` has ``short``'s words, in a row, and more."""
    n = len(short)
    return len(long) > n and any(long[i : i + n] == short for i in range(len(long) - n + 1))


@lru_cache(maxsize=65536)  # a pure function of names every article repeats
def name_key(text: str) -> str:
    """Normal form of a name: case-folded, curly quotes and honorifics and suffixes removed.

    >>> name_key("Mr. Sam  Altman")
    'sam altman'
    >>> name_key("Acme Corp.")
    'acme'
    >>> name_key("U.S."), name_key("US")
    ('us', 'us')
    >>> name_key("New People's Party")
    'new people party'
    """
    words = text.replace("\u2019", "'").replace(",", " ").split()
    # a possessive inside a name is often left out: "New People Party"
    words[:-1] = [w.removesuffix("'s") for w in words[:-1]]
    # dotted initials are the acronym: "U.S." is "US", "U.K." is "UK"
    words = _without_honorific([w.replace(".", "") if _DOTTED.fullmatch(w) else w for w in words])
    while len(words) > 1 and words[-1].casefold() in ORG_SUFFIXES:
        words = words[:-1]
    return " ".join(words).casefold()


def _key_name(label: str, group: str | None) -> str:
    """The name an entity's IRI is made from: a person's without the honorific
    ("Mr Altman" is "person/altman", so another article's "Sam Altman" can take it).

    >>> _key_name("Mr Altman", "person"), _key_name("Dr. Jane Roe", "person")
    ('Altman', 'Jane Roe')
    """
    return " ".join(_without_honorific(label.split())) if group == "person" else label


def _without_honorific(words: list[str]) -> list[str]:
    """A name's words without the honorifics it opens with ("Mr", "Dr."), keeping one."""
    while len(words) > 1 and words[0].casefold() in HONORIFICS:
        words = words[1:]
    return words


@lru_cache(maxsize=65536)  # a pure function of names every article repeats
def slug(text: str) -> str:
    """An IRI-safe, readable id for a name; a hash where no Latin letters remain.

    >>> slug("Sam Altman")
    'sam-altman'
    >>> slug("Zürich")
    'zurich'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()
    return out or "x" + hashlib.sha1(text.encode()).hexdigest()[:12]


@lru_cache(maxsize=65536)  # a pure function of names every article repeats
def initials(text: str) -> str:
    """Initials of a multi-word name's content words: "Writers Guild of America" -> "wga"."""
    words = [w for w in re.split(r"[\s\-]+", text) if w and w.casefold() not in CONNECTORS]
    return "".join(w[0] for w in words).casefold() if len(words) > 1 else ""


@lru_cache(maxsize=65536)  # a pure function of names every article repeats
def abbreviation(text: str) -> str:
    """Letters of an acronym or dotted initials ("L.A." -> "la", "WGA" -> "wga"), else ""."""
    compact = text.replace(".", "").replace(" ", "")
    if compact.isalpha() and (compact.isupper() or "." in text) and 2 <= len(compact) <= 6:
        return compact.casefold()
    return ""


@dataclass
class Cluster:
    """An entity under construction."""

    lexicon: Lexicon = field(repr=False)
    mentions: list[Mention] = field(default_factory=list)
    votes: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    kb: KBEntry | None = None
    merged_into: Cluster | None = None
    #: whether the NER's labels vote; not where the learned typer's votes, which read
    #: the label among their features, stand in for them
    ner_votes: bool = True
    _memo: dict[str, tuple[object, Any]] = field(default_factory=dict, repr=False)

    def root(self) -> Cluster:
        node = self
        while node.merged_into is not None:
            node = node.merged_into
        return node

    @property
    def names(self) -> list[Mention]:
        return [m for m in self.mentions if m.rule != ANTECEDENT_RULE]

    def absorb(self, other: Cluster, rule: str, votes: bool = True) -> None:
        """Take ``other``'s mentions (recording ``rule`` as their resolution), its votes
        (unless ``votes`` is false) and its knowledge-base entry if this cluster has
        none; ``other`` points here."""
        self.mentions.extend(replace(m, resolution=rule) for m in other.mentions)
        for cls, weight in other.votes.items() if votes else ():
            self.votes[cls] += weight
        if self.kb is None:
            self.kb = other.kb
        other.merged_into = self

    def _memoised(self, name: str, compute: Callable[[], Any]) -> Any:
        """``compute()``, kept until the cluster changes. Mentions are only ever
        appended, so their number and the votes say whether the last answer still
        holds (resolving a long article asks the same questions thousands of times)."""
        key = (len(self.mentions), tuple(self.votes.items()))
        kept = self._memo.get(name)
        if kept is None or kept[0] != key:
            kept = self._memo[name] = (key, compute())
        return kept[1]

    def scores(self) -> defaultdict[str, float]:
        return defaultdict(float, self._memoised("scores", self._scores))

    def _scores(self) -> defaultdict[str, float]:
        scores: defaultdict[str, float] = defaultdict(float)
        longest = max((len(m.text.split()) for m in self.names), default=1)
        # "Parton" after "Dolly Parton": the NER's place or organization for a bare
        # surname says nothing against the person the full name is
        surnames = {
            words[-1]
            for m in self.names
            if len(words := m.text.split()) == longest > 1
            and (m.ner_label == "PERSON" or is_given_name(words[0]))
        }
        for m in self.names if self.ner_votes else ():
            cls = self.lexicon.ner_classes.get(m.ner_label or "")
            if cls is None or (m.text in surnames and m.ner_label != "PERSON"):
                continue
            # the NER is surer of a full name than of a bare "Altman" or "Sora"
            if len(m.text.split()) < longest or (longest == 1 and cls == "Person"):
                scores[cls] += 0.5
            else:
                scores[cls] += 1.0
        for cls, weight in self.votes.items():
            scores[cls] += weight
        return scores

    def org_cues(self) -> float:
        return sum(w for c, w in self.votes.items() if self.lexicon.group(c) == "organization")

    def max_cue(self) -> float:
        return max(self.votes.values(), default=0.0)

    def max_cue_against(self, group: str) -> float:
        """The strongest cue for a class outside ``group``."""
        return max(
            (w for c, w in self.votes.items() if self.lexicon.group(c) != group), default=0.0
        )

    def weak(self) -> bool:
        """Typed by little more than one NER guess: no KB entry, no strong cue."""
        if self.kb is not None or self.max_cue() >= 3:
            return False
        return sum(self.scores().values()) < 2

    def group(self) -> str | None:
        if self.kb is not None:
            return self.lexicon.group(self.kb.cls)
        group: str | None = self._memoised("group", self._group)
        return group

    def _group(self) -> str | None:
        by_group: defaultdict[str, float] = defaultdict(float)
        for cls, weight in self.scores().items():
            group = self.lexicon.group(cls)
            if group is not None and weight > 0:
                by_group[group] += weight
        if not by_group:
            return None
        return max(by_group, key=lambda g: (by_group[g], -GROUP_ORDER.index(g)))

    def cls(self) -> str | None:
        """The class: the knowledge base's, else the best-cued class of the winning group.

        The NER only names the group ("ORG"); the class within it comes from cues.
        A tie goes to the group's base class. With no cue, a named organization in
        the news is most often a business (Company); other groups take their base
        class (Person, Event, ...)."""
        if self.kb is not None:
            return self.kb.cls
        group = self.group()
        if group is None:
            return None
        classes = self.lexicon.classes_in(group)
        base = classes[0]
        cues = {c: self.votes[c] for c in classes if c != ANY_ORGANIZATION}
        best = max(cues, key=lambda c: (cues[c], c == base))
        if cues[best] > 0:
            return best
        return "Company" if group == "organization" else base

    def label(self) -> str:
        if self.kb is not None:
            return self.kb.label
        label: str = self._memoised("label", self._label)  # asked for every pair when merging
        return label

    def _label(self) -> str:
        # "Madagascar", however often the text says "Malagasy"
        names = [m for m in self.names if not demonym_countries(m.text)] or self.names
        counts = Counter(m.text for m in names)
        first: dict[str, int] = {}
        for m in sorted(names, key=lambda m: m.start):
            first.setdefault(m.text, m.start)
        return max(counts, key=lambda t: (len(name_key(t).split()), counts[t], -first[t]))


class Resolver:
    """Turns the Doc's mentions, cues and candidates into entities and relations."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        #: head words of organizations' names ("commission", "ministry", "party")
        self._org_heads = lexicon.name_heads_in("organization")

    # -- clustering -------------------------------------------------------
    def _clusters(self, mentions: list[Mention]) -> dict[str, Cluster]:
        clusters: dict[str, Cluster] = {}
        for mention in mentions:
            entry = self.lexicon.kb_entry(mention.text) or self.lexicon.kb_entry(
                name_key(mention.text)
            )
            key = "kb:" + entry.iri if entry is not None else name_key(mention.text)
            cluster = clusters.setdefault(key, Cluster(self.lexicon, kb=entry))
            if entry is not None and name_key(mention.text) != name_key(entry.label):
                mention = replace(mention, resolution="kg.resolve.kb.v1")  # "L.A." -> "Los Angeles"
            cluster.mentions.append(mention)
        return clusters

    def _merge_place_qualified(
        self, clusters: list[Cluster], merges: list[tuple[str, str, str]]
    ) -> None:
        """Merge an organization's name into the unique longer name that is the same
        name after a place: "Home Office" into "United Kingdom Home Office", "Ministry
        of Health" into "Kenya Ministry of Health" (news names the body in full once,
        then without the country)."""
        index = _ByWord(clusters)
        for short in clusters:
            if short.merged_into is not None or short.group() not in ("organization", None):
                continue
            words = name_key(short.label()).split()
            if len(words) < 2:
                continue  # one-word names are _merge_names's
            targets = []
            for long in index.having([words]):  # the longer name ends with this one
                if long is short:
                    continue
                if long.group() != "organization":
                    continue
                long_text = long.label()
                long_words = name_key(long_text).split()
                extra = len(long_words) - len(words)
                if extra < 1 or long_words[extra:] != words:
                    continue
                qualifier = " ".join(long_text.split()[:extra])
                if place_kind(qualifier) is not None:
                    targets.append(long)
            if len(targets) == 1:
                merges.append((short.label(), targets[0].label(), PLACE_QUALIFIED_RULE))
                targets[0].absorb(short, PLACE_QUALIFIED_RULE)
                index.add(targets[0])

    def _merge_parenthetical(
        self,
        mentions: list[Mention],
        owner: dict[tuple[int, int], Cluster],
        text: str,
        merges: list[tuple[str, str, str]],
    ) -> None:
        """Join an acronym written in brackets right after a name to that name: "the
        Democratic Alliance for the Betterment and Progress of Hong Kong (DAB)",
        "Korean People's Army [KPA]", whatever letters the acronym keeps. Not after a
        person's name ("Sam Altman (OpenAI)" says where he works), and not between two
        different knowledge-base entries."""
        ordered = sorted(mentions, key=lambda m: m.start)
        for name, inner in pairwise(ordered):
            between = text[name.end : inner.start]
            after = text[inner.end : inner.end + 1]
            if (between, after) not in ((" (", ")"), ("(", ")"), (" [", "]"), ("[", "]")):
                continue
            if not _ACRONYM.fullmatch(inner.text) or sum(c.isupper() for c in inner.text) < 2:
                continue
            if len(name_key(name.text).split()) < 2 or name.ner_label == "PERSON":
                continue
            long = owner[(name.start, name.end)].root()
            short = owner[(inner.start, inner.end)].root()
            if long is short or "person" in (long.group(), short.group()):
                continue
            if long.kb is not None and short.kb is not None and long.kb is not short.kb:
                continue
            merges.append((short.label(), long.label(), PARENTHETICAL_RULE))
            long.absorb(short, PARENTHETICAL_RULE)

    def _merge_names(self, clusters: list[Cluster], merges: list[tuple[str, str, str]]) -> None:
        """Merge one-word names and abbreviations into the unique longer name they stand for."""
        # "the Malagasy parliament", "Swedish captain Andreas Granqvist" in a story that
        # names Madagascar or Sweden: a demonym is a mention of the one country of the
        # article it is of (whatever the country stands for there, its team included),
        # and no short name of "Malagasy National Assembly"
        _join_unique(
            clusters,
            lambda short, key: short.kb is None and bool(demonym_countries(key)),
            lambda key, long, long_key: long_key in demonym_countries(key),
            merges,
            # "Afghan President Karzai" says nothing of what Afghanistan is
            votes=False,
            ways=lambda key: [country.split() for country in demonym_countries(key)],
        )
        # a one-word name stands for a name that holds its word, or one it spells
        index = _ByWord(clusters, with_initials=True)
        for short in clusters:
            if short.merged_into is not None or demonym_countries(short.label()):
                continue
            text = short.label()
            words = name_key(text).split()
            if len(words) != 1:
                continue
            group = short.group()
            abbrev = abbreviation(text)
            targets: list[tuple[Cluster, str]] = []
            for long in index.having([words, [_ByWord.INITIALS + abbrev]] if abbrev else [words]):
                if long is short:
                    continue
                long_text = long.label()
                long_words = name_key(long_text).split()
                if len(long_words) < 2:
                    continue
                long_group = long.group()
                compatible = (
                    group is None
                    or long_group is None
                    or group == long_group
                    # a bare "Altman" or "Korvath" after the full name is that person or
                    # company, whatever the NER guessed for the fragment
                    # (a strong cue that it is a person says so too: "Ulrich scored")
                    or (
                        long_group == "person"
                        and short.kb is None
                        and short.max_cue_against("person") < 3
                    )
                    # "Korvath" for "Korvath Robotics", unless the fragment is a place
                    or (
                        long_group == "organization"
                        and short.kb is None
                        and short.max_cue() < 3
                        # a fragment the NER calls a place joins only if it acts like an
                        # organization ("Redgum's chief executive") or rests on one guess
                        and (
                            group != "place"
                            or short.org_cues() >= max(short.votes.get("Place", 0.0), 0.1)
                            or (short.max_cue() == 0 and short.weak())
                        )
                    )
                )
                # "Khalidi" after "Toufique Imrose Khalidi", which the NER took once for
                # an organization: a person's surname says whose full name it ends
                surname_of = (
                    group == "person"
                    and long_group == "organization"
                    and long.kb is None
                    and long.org_cues() == 0
                    and long.weak()
                    and len(long_words) <= 3
                    and words[0] == long_words[-1]
                    and long_words[-1] not in self._org_heads
                    and all(w[:1].isupper() for w in long_text.split())
                )
                if not compatible and not surname_of:
                    continue
                # an untyped run of proper nouns ("Ines Valcourt") takes the fragment's
                # kind, and may be a person's or a company's full name
                kind = long_group or group
                part = (
                    words[0] in (long_words[0], long_words[-1])
                    if kind == "person" or long_group is None
                    else words[0] == long_words[0]
                )
                # "Pacheco" for "Gregorio Pacheco Leyes": a person's first surname of
                # two, where it is no one's given name
                if (
                    not part
                    and long_group == "person"
                    and len(long_words) == 3
                    and words[0] == long_words[1]
                    and not is_given_name(words[0], common=False)
                ):
                    part = True
                if surname_of or (part and kind in ("person", "organization")):
                    targets.append((long, "kg.resolve.name_part.v1"))
                elif abbrev and abbrev == initials(long_text):
                    targets.append((long, "kg.resolve.initials.v1"))
            spelled = [(t, r) for t, r in targets if r == "kg.resolve.initials.v1"]
            if spelled and len({id(t) for t, _ in targets}) > 1:
                # "USI" is the University of Southern Indiana it spells, not "USI Art
                # Collections", which only starts with it
                targets = spelled
            if (
                len({id(t) for t, _ in targets}) > 1
                and group != "place"
                and place_kind(text) is None
                and all(t.group() == "person" for t, _ in targets)
            ):
                # "Piccard" in a story about Franck Piccard that names his siblings Leila
                # and Ian Piccard later: a surname the article uses before it names the
                # others is the person it named first
                first = _first_start(short)
                before = [(t, r) for t, r in targets if _first_start(t) < first]
                if len({id(t) for t, _ in before}) == 1:
                    targets = before
            if len({id(t) for t, _ in targets}) > 1 and (
                group == "person" or (group is not None and not short.weak())
            ):
                # "Warhol" after "Andy Warhol", "Warhol Factory" and "Warhol Polaroid": a
                # fragment joins the one name of its own kind (a fragment the NER took for
                # an organization once may be anything: it stays apart)
                targets = [(t, r) for t, r in targets if t.group() == group]
                if group == "person" and len({id(t) for t, _ in targets}) > 1:
                    # news calls a person by the surname: "Warhol" is Andy Warhol, not
                    # the "Warhol Polaroid" the NER took for a person too
                    targets = [
                        (t, r) for t, r in targets if name_key(t.label()).split()[-1] == words[0]
                    ]
            if len({id(t) for t, _ in targets}) == 1:
                target, rule = targets[0]
                merges.append((text, target.label(), rule))
                target.absorb(short, rule)
                index.add(target)
        # "Henrik Angell" for "Henrik August Angell": the unique person of the same
        # first and last names with a middle name more
        _join_fuller(clusters, "person", _with_middle_names, merges)
        # "the Winter Olympics" after "the 1988 Winter Olympics": the one edition named
        editions: dict[str, list[Cluster]] = defaultdict(list)
        for long in clusters:
            long_words = name_key(long.label()).split()
            if (
                long.merged_into is None
                and len(long_words) > 2
                and EDITION_YEAR.fullmatch(long_words[0])
            ):
                editions[" ".join(long_words[1:])].append(long)
        for short in clusters:
            found = editions.get(name_key(short.label()), [])
            if short.merged_into is None and short.group() in (None, "event"):
                _join_one(short, found, merges)
        # "the World Cup" after "the FIFA World Cup 2018": the one event whose name
        # holds the shorter one whole
        _join_fuller(clusters, "event", _holds, merges)
        # "the North" (or "North and South Korea") in a story about North Korea: a
        # compass word alone is the one country the article names with it
        _join_unique(
            clusters,
            lambda short, key: key in COMPASS_WORDS and short.group() in (None, "place"),
            lambda key, long, long_key: (
                long_key.startswith(key + " ") and place_kind(long.label()) == "country"
            ),
            merges,
            ways=lambda key: [[key]],
        )
        # "Korea" in a story that names South Korea and not North Korea: a name that is
        # no place of its own ("Africa" is) is the one country or state of the article
        # named with a compass word before it
        _join_unique(
            clusters,
            lambda short, key: (
                short.group() in (None, "place", "organization")
                and short.kb is None
                and " " not in key
                and place_kind(short.label()) is None
            ),
            lambda key, long, long_key: (
                long_key.endswith(" " + key)
                and long_key.split()[0] in COMPASS_WORDS
                and len(long_key.split()) == 2
                and place_kind(long.label()) in ("country", "state")
            ),
            merges,
            ways=lambda key: [[key]],
        )
        # "the Commission" after "the Philippine Commission", "the Ministry" after "the
        # Ministry of Health": the word that says what an organization is, alone, is
        # the one organization of the article named with it as its head
        _join_unique(
            clusters,
            lambda short, key: (
                key in self._org_heads
                and short.group() in (None, "organization")
                and short.kb is None
            ),
            lambda key, long, long_key: (
                long.group() == "organization" and _head_word(long_key) == key
            ),
            merges,
            ways=lambda key: [[key]],
        )

    # -- antecedents -------------------------------------------------------
    def _antecedent(
        self,
        owner: dict[tuple[int, int], Cluster],
        mentions: _Recent,
        start: int,
        sentence: int,
        cls: str | None,
    ) -> tuple[Cluster, Mention] | None:
        lex = self.lexicon
        want_group = lex.group(cls)
        # a description of a base class ("the organization", "the event") fits any of
        # its kind; "the company" prefers a company
        generic = {c for c in lex.entity_classes if c in BASE_CLASSES}
        fallback: tuple[Cluster, Mention] | None = None
        for mention in mentions.before(start, sentence - ANTECEDENT_WINDOW):
            cluster = owner[(mention.start, mention.end)].root()
            found_cls = cluster.cls()
            if found_cls is None or (want_group and lex.group(found_cls) != want_group):
                continue
            if cls in generic or found_cls == cls:
                return cluster, mention
            # "the company" prefers a company to the agency named just before it,
            # and "the news outlet" is never the company named just before
            if found_cls in generic and fallback is None:
                fallback = (cluster, mention)
        return fallback

    # -- main -------------------------------------------------------------
    def resolve(self, doc: Doc, article: Article, max_entities: int | None = None) -> Extraction:
        """The entities, relations and evidence of one parsed article.

        Raises:
            InputError: the article has more different names than ``max_entities``
                entities could have (:data:`NAMES_PER_ENTITY` each): a runaway input,
                refused before the work of resolving them.
        """
        body = doc_text(doc)
        layout = Layout(display=display_lines(body))  # the furniture is blank by now
        mentions = _confirmed(list(doc._.kg_mentions or ()), layout)
        cues: list[TypeCue] = [
            c for c in doc._.kg_type_cues or () if not layout.in_display(c.start, c.end)
        ]
        candidates: list[Candidate] = list(doc._.kg_candidates or ())
        sents = list(doc.sents)
        clusters = self._clusters(mentions)
        if any(c.rule == LEARNED_TYPES_RULE for c in cues):
            for unvoted in clusters.values():
                unvoted.ner_votes = False
        if max_entities is not None and len(clusters) > NAMES_PER_ENTITY * max_entities:
            raise InputError(
                f"{article.source} has {len(clusters):,} different names, more than the at "
                f"most {max_entities:,} entities kg takes per article (--max-entities) "
                f"could have"
            )
        owner = {(m.start, m.end): c for c in clusters.values() for m in c.mentions}
        recent = _Recent(mentions)

        def find(start: int, end: int) -> Cluster | None:
            if (start, end) in owner:
                return owner[(start, end)].root()
            inside = recent.around(start, end)
            if inside:
                best = min(inside, key=lambda m: m.end - m.start)
                return owner[(best.start, best.end)].root()
            return None

        descriptions: list[TypeCue] = []
        for cue in cues:
            cluster = find(cue.start, cue.end)
            if cluster is None:
                descriptions.append(cue)
            else:
                cluster.votes[cue.cls] += cue.weight
        merges: list[tuple[str, str, str]] = []
        ordered = sorted(clusters.values(), key=lambda c: min(m.start for m in c.mentions))
        self._merge_parenthetical(mentions, owner, body, merges)
        self._merge_names(ordered, merges)
        self._merge_place_qualified(ordered, merges)
        sent_starts = [s.start_char for s in sents]
        for cue in sorted(descriptions, key=lambda c: c.start):
            sent = bisect.bisect_right(sent_starts, cue.start) - 1
            if sent < 0 or cue.start >= sents[sent].end_char:
                sent = 0
            found = self._antecedent(owner, recent, cue.start, sent, cue.cls)
            if found is not None:
                found[0].votes[cue.cls] += cue.weight

        shift = article.body_start
        roots = [
            c
            for c in ordered
            if c.merged_into is None and c.cls() is not None and not _demonyms_only(c)
        ]
        keys: dict[int, str] = {}
        countries: _Countries | None = None  # the gazetteer's work, where an IRI needs it
        for cluster in roots:
            cls = cluster.cls()
            assert cls is not None
            group = self.lexicon.group(cls)
            key = f"{group}/{slug(_key_name(cluster.label(), group))}"
            if group == "organization" and cluster.kb is None and _national(cluster.label()):
                # "the Labour Party" of Hong Kong is not the United Kingdom's
                countries = countries or _Countries(mentions, owner)
                if (country := countries.of(cluster)) is not None:
                    key += "-" + slug(country_name(country))
            keys[id(cluster)] = key

        extra_mentions: dict[int, list[Mention]] = defaultdict(list)

        for cluster, mention in self._title_references(roots, body, sents):
            extra_mentions[id(cluster)].append(mention)

        # the entities by their names, for a maker's name ("Google" of "Google Maps")
        named: dict[str, list[Cluster]] = defaultdict(list)
        if any(c.subject.kind == MAKER_NAME for c in candidates):
            for cluster in roots:
                for text in {m.text for m in cluster.mentions}:
                    named[text].append(cluster)

        def resolve_arg(arg: Arg, sentence: int) -> Cluster | None:
            if arg.kind == "name":
                cluster = find(arg.start, arg.end)
                return cluster if cluster is not None and id(cluster) in keys else None
            if arg.kind == MAKER_NAME:  # "Google" of "Google Maps": the one entity so named
                within = find(arg.start, arg.end)
                others = [c for c in named.get(arg.text, ()) if c is not within]
                return others[0] if len(others) == 1 else None
            found = self._antecedent(owner, recent, arg.start, sentence, arg.cls)
            if found is None or id(found[0]) not in keys:
                return None
            extra_mentions[id(found[0])].append(
                Mention(
                    arg.start,
                    arg.end,
                    arg.text,
                    sentence,
                    ANTECEDENT_RULE,
                    0.6,
                    resolution=ANTECEDENT_RULE,
                )
            )
            return found[0]

        relations: dict[tuple[str, str, str, int, int, str], Relation] = {}
        attributes: dict[tuple[str, str, str], Attribute] = {}
        anchor = _article_date(article)

        def evidence_for(cand: Candidate) -> Evidence:
            source = find(cand.source.start, cand.source.end) if cand.source else None
            return Evidence(
                cand.sentence,
                cand.start + shift,
                cand.end + shift,
                cand.rule,
                cand.confidence,
                cand.title,
                keys.get(id(source)) if source is not None else None,
                cand.modality,
            )

        shown = {
            i for i, sent in enumerate(sents) if layout.in_display(sent.start_char, sent.start_char)
        }
        for cand in candidates:
            if cand.sentence in shown:
                continue  # no fact from a title-case line's capitals
            if cand.object.kind == "date":
                self._date(cand, find, keys, anchor, evidence_for, attributes)
                continue
            subject = resolve_arg(cand.subject, cand.sentence)
            obj = resolve_arg(cand.object, cand.sentence)
            if subject is None or obj is None or subject is obj:
                continue
            s_cls, o_cls = subject.cls(), obj.cls()
            if s_cls is None or o_cls is None or not self.lexicon.allows(cand.prop, s_cls, o_cls):
                continue
            s_key, o_key = keys[id(subject)], keys[id(obj)]
            evidence = evidence_for(cand)
            dedupe = (s_key, cand.prop, o_key, evidence.start, evidence.end, cand.rule)
            if dedupe not in relations or relations[dedupe].evidence.confidence < cand.confidence:
                relations[dedupe] = Relation(s_key, cand.prop, o_key, evidence)

        entities: dict[str, Entity] = {}
        for cluster in roots:
            key = keys[id(cluster)]
            label = cluster.label()
            cls = cluster.cls()
            assert cls is not None
            all_mentions = sorted(
                {_shift(m, shift) for m in (*cluster.mentions, *extra_mentions[id(cluster)])},
                key=lambda m: (m.start, m.end, m.rule),
            )
            # a demonym the cluster took ("Malagasy") is a mention, not a name of it
            alts = sorted(
                {m.text for m in cluster.names if not demonym_countries(m.text)} - {label}
            )
            if key in entities:  # two clusters with one name: keep one node
                old = entities[key]
                alts = sorted(set(old.alt_labels) | set(alts))
                all_mentions = sorted(
                    set(old.mentions) | set(all_mentions), key=lambda m: (m.start, m.end, m.rule)
                )
            same_as = cluster.kb.same_as if cluster.kb is not None else ()
            weight = round(
                sum(
                    w
                    for c, w in cluster.scores().items()
                    if self.lexicon.group(c) == self.lexicon.group(cls)
                ),
                2,
            )
            entities[key] = Entity(
                key, cls, label, tuple(alts), tuple(all_mentions), same_as, weight
            )

        sentences = tuple(
            Sentence(i, s.start_char + shift, s.end_char + shift, body[s.start_char : s.end_char])
            for i, s in enumerate(sents)
        )
        return Extraction(
            article=article,
            sentences=sentences,
            entities=tuple(sorted(entities.values(), key=lambda e: e.key)),
            relations=tuple(sorted(relations.values(), key=_relation_order)),
            merges=tuple(merges),
            attributes=tuple(attributes[k] for k in sorted(attributes)),
        )

    def _title_references(
        self, roots: list[Cluster], text: str, sents: list[Any]
    ) -> Iterator[tuple[Cluster, Mention]]:
        """ "The Home Secretary" after "Home Secretary Suella Braverman": a capitalised job
        title after "the" is a mention of the one person the article names with that
        title written just before the name, from then on. Not where two people hold it
        ("Prime Minister Rishi Sunak" and "Prime Minister Boris Johnson"), nor "the
        President of France", nor a title before a name, nor part of a longer title
        ("the Shadow Home Secretary" is not the Home Secretary)."""
        whole: dict[str, set[int]] = defaultdict(set)
        ends: dict[str, set[int]] = defaultdict(set)  # "Minister" of "Prime Minister"
        since: dict[int, int] = {}
        by_id = {id(c): c for c in roots}
        for cluster in roots:
            if cluster.group() != "person":
                continue
            for m in cluster.mentions:
                found = _TITLE_BEFORE.search(text[max(0, m.start - 60) : m.start])
                if found is None:
                    continue
                words = found.group(1).split()
                if self.lexicon.title_prop(words[-1]) is None:
                    continue
                whole[" ".join(words)].add(id(cluster))
                for k in range(1, len(words)):
                    ends[" ".join(words[k:])].add(id(cluster))
                since[id(cluster)] = min(since.get(id(cluster), m.start), m.start)
        if not whole:
            return
        starts = [s.start_char for s in sents]
        # the names of the article's entities (not a stray "Home" no class was found for)
        names = _Recent([m for c in roots for m in c.mentions])
        for match in _TITLE_AFTER_THE.finditer(text):
            title, after = match.group(1), match.group(2)
            if re.match(r" [A-Z]| of ", after):
                continue
            holders = whole.get(title) or ends.get(title, set())
            if len(holders) != 1:
                continue
            cluster = by_id[next(iter(holders))]
            start, end = match.span(1)
            if start < since[id(cluster)] or names.overlapping(start, end):
                continue
            sentence = bisect.bisect_right(starts, start) - 1
            yield (
                cluster,
                Mention(
                    start,
                    end,
                    title,
                    sentence,
                    TITLE_REFERENCE_RULE,
                    0.7,
                    resolution=TITLE_REFERENCE_RULE,
                ),
            )

    @staticmethod
    def _date(
        cand: Candidate,
        find: Callable[[int, int], Cluster | None],
        keys: dict[int, str],
        anchor: date | None,
        evidence_for: Callable[[Candidate], Evidence],
        out: dict[tuple[str, str, str], Attribute],
    ) -> None:
        """An event's date, resolved against the article's date; other things get none."""
        subject = find(cand.subject.start, cand.subject.end)
        if subject is None or id(subject) not in keys or subject.cls() != "Event":
            return
        value = resolve_date(cand.object.text, anchor)
        if value is None:
            return
        key = keys[id(subject)]
        out.setdefault(
            (key, value[0], value[1]),
            Attribute(key, "date", value[0], value[1], evidence_for(cand)),
        )


class _Recent:
    """An article's mentions by where they start, for the questions the resolver asks
    of each description and pronoun (which names come before it, which name holds
    it) in time that does not grow with the article's length."""

    def __init__(self, mentions: list[Mention]) -> None:
        # latest first; a stable sort keeps the mentions' own order among equal starts
        self._latest_first = sorted(mentions, key=lambda m: m.start, reverse=True)
        self._negated = [-m.start for m in self._latest_first]
        self._by_start = sorted(range(len(mentions)), key=lambda i: mentions[i].start)
        self._starts = [mentions[i].start for i in self._by_start]
        self._mentions = mentions
        self._longest = max((m.end - m.start for m in mentions), default=0)

    def before(self, start: int, from_sentence: int) -> Iterator[Mention]:
        """The mentions that end by ``start``, latest first, back to ``from_sentence``."""
        for mention in self._latest_first[bisect.bisect_right(self._negated, -start) :]:
            if mention.sentence < from_sentence:
                return  # mentions come in the order of their sentences
            if mention.end <= start:
                yield mention

    def overlapping(self, start: int, end: int) -> bool:
        """Whether a mention shares a character with ``start:end``."""
        first = bisect.bisect_right(self._starts, start - self._longest)
        last = bisect.bisect_left(self._starts, end)
        return any(start < self._mentions[i].end for i in self._by_start[first:last])

    def around(self, start: int, end: int) -> list[Mention]:
        """The mentions that hold ``start:end``, in the mentions' own order."""
        first = bisect.bisect_left(self._starts, end - self._longest)
        last = bisect.bisect_right(self._starts, start)
        held = sorted(i for i in self._by_start[first:last] if end <= self._mentions[i].end)
        return [self._mentions[i] for i in held]


#: The words of names that bodies of many countries share ("Labour Party", "Supreme
#: Court", "Ministry of Health", "National Assembly"): an organization named with
#: these words alone is the one of its article's country, and its IRI says which.
NATIONAL_WORDS = frozenset(
    """party parliament ministry court police senate assembly congress army navy
    government council commission department office union league front alliance
    coalition federation bank reserve service guard force forces committee
    labour labor conservative conservatives liberal liberals democratic democrats
    republican republicans socialist socialists communist communists green greens
    national nationalist nationalists people people's workers workers' progressive
    progressives reform independence unionist unionists social christian new united
    free justice supreme high central constitutional federal home foreign interior
    health finance defence defense education treasury environment election electoral
    legislative executive civic citizens' citizens left right centre center popular
    revolutionary royal air naval state
    of the and for &""".split()
)


def _national(label: str) -> bool:
    """Whether an organization's name is made of :data:`NATIONAL_WORDS` alone, with a
    word that says what the body is (not "the National" alone).

    >>> _national("Labour Party"), _national("the Ministry of Health"), _national("Acme Party")
    (True, True, False)
    """
    words = name_key(label).split()
    return (
        len(words) >= 2
        and all(w in NATIONAL_WORDS for w in words)
        and any(w in _BODY_WORDS for w in words)
    )


_BODY_WORDS = frozenset(
    """party parliament ministry court police senate assembly congress army navy
    government council commission department office union league front alliance
    coalition federation bank reserve service guard force forces committee""".split()
)


class _Countries:
    """The countries an article's places are in, for the organizations whose names
    many countries share: the country named nearest an organization's name in its
    sentences (by its name or demonym: "Hong Kong's Labour Party"; a city there may be
    where the body met, not whose it is), else the country the article's places are
    in most (cities too; the first of a tie)."""

    def __init__(self, mentions: list[Mention], owner: dict[tuple[int, int], Cluster]) -> None:
        self._in_sentence: defaultdict[int, list[tuple[int, str]]] = defaultdict(list)
        counts: Counter[str] = Counter()
        first: dict[str, int] = {}
        for m in mentions:
            cluster = owner[(m.start, m.end)].root()
            if cluster.group() not in ("place", None) and not demonym_countries(m.text):
                continue  # "Jordan" the person is no country
            code = country_of(m.text)
            if code is None:
                continue
            if country_of(m.text, within=False) is not None:
                self._in_sentence[m.sentence].append((m.start, code))
            counts[code] += 1
            first.setdefault(code, m.start)
        self._article = max(counts, key=lambda c: (counts[c], -first[c])) if counts else None

    def of(self, cluster: Cluster) -> str | None:
        """The country of the organization ``cluster`` is, by its article's places."""
        votes: Counter[str] = Counter()
        for m in cluster.names:
            near = self._in_sentence.get(m.sentence)
            if near:
                votes[min(near, key=lambda p: abs(p[0] - m.start))[1]] += 1
        if votes:
            best = max(votes.values())
            tied = sorted(c for c, n in votes.items() if n == best)
            if len(tied) == 1:
                return tied[0]
        return self._article


def _confirmed(mentions: list[Mention], layout: Layout) -> list[Mention]:
    """The mentions, less those in title-case display lines (headlines, sub-heads)
    that the body does not confirm: there the capitals say nothing about names, so
    a name counts only if the body uses it, whole or as a part ("Altman" of "Sam
    Altman"). See :mod:`kg.layout`."""
    if not layout.display:
        return mentions
    body = {f" {m.text} " for m in mentions if not layout.in_display(m.start, m.end)}
    return [
        m
        for m in mentions
        if not layout.in_display(m.start, m.end) or any(f" {m.text} " in b for b in body)
    ]


def _article_date(article: Article) -> date | None:
    try:
        return date.fromisoformat(article.date) if article.date else None
    except ValueError:
        return None


def _shift(mention: Mention, shift: int) -> Mention:
    return (
        replace(mention, start=mention.start + shift, end=mention.end + shift) if shift else mention
    )


def _relation_order(rel: Relation) -> tuple[str, str, str, int, int, str]:
    ev = rel.evidence
    return (rel.subject, rel.prop, rel.object, ev.start, ev.end, ev.rule)


HOMONYM_RULE = "kg.resolve.homonym.v1"
#: What separates a homonym's name from what tells it apart in its key
#: ("organization/phoenix--band"): slugs never hold two hyphens in a row.
SENSE_MARK = "--"
#: The kinds of organization a description says, each with the nouns that say it
#: ("Phoenix, a Dutch software company", "the Texas band Phoenix", "Atlas is a
#: charity"): two same-named organizations described as kinds no article shares are
#: two. Nouns that fit any kind ("group", "organization", "body") say nothing.
ORGANIZATION_KINDS = {
    kind: frozenset(nouns.split())
    for kind, nouns in {
        "company": """company firm startup start-up corporation business maker manufacturer
            conglomerate retailer bank lender insurer airline carrier subsidiary chipmaker
            automaker publisher label studio brand developer supplier vendor""",
        "party": "party",
        "band": "band orchestra choir duo trio quartet ensemble",
        "club": "club team side",
        "museum": "museum gallery",
        "school": "university college school academy",
        "outlet": "newspaper paper broadcaster magazine outlet tabloid channel",
        "charity": "charity nonprofit non-profit foundation",
        "union": "union guild",
        "church": "church sect",
        "agency": "agency ministry department regulator authority commission watchdog",
        "court": "court tribunal",
        "hospital": "hospital clinic",
        "army": "army militia",
    }.items()
}
_KIND_OF = {noun: kind for kind, nouns in ORGANIZATION_KINDS.items() for noun in nouns}
#: The properties that tie people to an organization: a person two articles tie to one
#: name makes it one organization; only a founder tells two apart (a chief executive,
#: or staff, change).
PEOPLE_PROPS = frozenset({"ceoOf", "founderOf", "worksFor"})
#: Describing words after a name (an apposition or a copula: ", a Dutch software
#: company", " is a charity") and before it ("the Texas band "), up to a clause's end.
_DESCRIBED_AFTER = re.compile(
    r"(?:\s*,\s*|\s+(?:is|was|has been|remains)\s+)(?:a|an|the|one of the)\s+([^,;:()\"]{1,60})"
)
_CLAUSE_BREAK = re.compile(r"[,;:()\"]")


def _kind_at(word: str) -> str | None:
    """The kind a description's word says: a kind noun in lower case, not a possessive
    ("the party's candidate" is no party)."""
    return None if word[:1].isupper() else _KIND_OF.get(word.rstrip(".").casefold())


def _described(words: list[str]) -> tuple[str | None, tuple[str, ...]]:
    """The kind a description's head says (its first kind noun, or the last of a run of
    them: "a paper company" is a company), and its capitalised words before the head,
    which may say where it is ("Dutch", "Texas", "New Zealand", "Utrecht-based")."""
    for i, word in enumerate(words):
        kind = _kind_at(word)
        if kind is None:
            continue
        while i + 1 < len(words) and (following := _kind_at(words[i + 1])) is not None:
            i, kind = i + 1, following
        # "U.S." is "US", "Utrecht-based" names Utrecht
        where = [w.removesuffix("-based").replace(".", "") for w in words[:i]]
        return kind, tuple(w for w in where if w[:1].isupper())
    return None, ()


@lru_cache(maxsize=65536)  # a pure function of names articles repeat
def _countries_named(words: tuple[str, ...]) -> frozenset[str]:
    """The countries a run of capitalised words names, two words before one ("New
    York" is not York's); a place's whole name is one word here."""
    found: set[str] = set()
    j = 0
    while j < len(words):
        pair = " ".join(words[j : j + 2]) if j + 1 < len(words) else ""
        if pair and (code := country_said(pair)) is not None:
            found.add(code)
            j += 2
        else:
            if (code := country_said(words[j])) is not None:
                found.add(code)
            j += 1
    return frozenset(found)


#: What a store holds of an organization (:meth:`kg.store.Store.entity_evidence`): its
#: mentions (a sentence's text and the mention's offsets in it), the people tied to it
#: ((property, person key)) and the names of the places it is in.
HeldEvidence = tuple[Sequence[tuple[str, int, int]], Sequence[tuple[str, str]], Sequence[str]]


@dataclass(frozen=True)
class Profile:
    """What the articles say of an organization that could tell it from another of its
    name: where it is (the names of its places, its descriptions' words before their
    heads: "Dutch", "Texas"), its kinds ("company", "band"), its founders (by surname)
    and the people they tie to it (full names: founders, chief executives, staff).

    The countries those names are in are looked up only where two profiles are
    compared and name different places: the gazetteer of cities loads only then.

    >>> dutch = Profile.of([("Phoenix, a Dutch software company, grew.", 0, 7)], (), ())
    >>> band = Profile.of([("Phoenix, a Texas band, toured.", 0, 7)], (), ())
    >>> dutch.differs(band), sorted(dutch.countries), sorted(band.kinds)
    ('kinds', ['NL'], ['band'])
    >>> dutch.differs(Profile.of([("Shares in Phoenix rose.", 10, 17)], (), ())) is None
    True
    """

    places: frozenset[tuple[str, ...]] = frozenset()
    kinds: frozenset[str] = frozenset()
    founders: frozenset[str] = frozenset()
    people: frozenset[str] = frozenset()

    @property
    def countries(self) -> frozenset[str]:
        """The countries its places are or are in (ISO 3166 codes)."""
        return frozenset().union(*(_countries_named(p) for p in self.places))

    def differs(self, other: Profile) -> str | None:
        """What says the two are different organizations ("kinds", "founders",
        "countries"), or None: a person both are tied to makes them one, and evidence
        one side lacks says nothing."""
        if self.people & other.people:
            return None
        for what in ("kinds", "founders"):
            mine, theirs = getattr(self, what), getattr(other, what)
            if mine and theirs and not mine & theirs:
                return what
        if self.places and other.places and not self.places & other.places:
            mine, theirs = self.countries, other.countries
            if mine and theirs and not mine & theirs:
                return "countries"
        return None

    def __or__(self, other: Profile) -> Profile:
        if other is _NOTHING or other == self:
            return self
        if self is _NOTHING:
            return other
        return Profile(
            self.places | other.places,
            self.kinds | other.kinds,
            self.founders | other.founders,
            self.people | other.people,
        )

    def marks(self) -> list[str]:
        """The words that may tell this organization apart in its key, the most telling
        first: its country, its kind, its founder (each the first in order)."""
        found = [slug(country_name(c)) for c in sorted(self.countries)[:1]]
        found += sorted(self.kinds)[:1] + sorted(self.founders)[:1]
        return found

    @classmethod
    def of(
        cls,
        contexts: Iterable[tuple[str, int, int]],
        people: Iterable[tuple[str, str]],
        places: Iterable[str],
    ) -> Profile:
        """The profile of an organization from its mentions (each a sentence's text and
        the mention's offsets in it), the people tied to it ((property, person key))
        and the names of the places it is located in."""
        kinds: set[str] = set()
        where: set[tuple[str, ...]] = {(p,) for p in places}
        described: list[list[str]] = []
        for text, start, end in contexts:
            after = _DESCRIBED_AFTER.match(text, end)
            if after is not None:
                described.append(after.group(1).split())
            # "the Texas band Phoenix": the words before a name, ending in a kind noun
            last = text[text.rfind(" ", 0, max(start - 1, 0)) + 1 : start].strip()
            if _kind_at(last) is not None:
                before = _CLAUSE_BREAK.split(text[max(0, start - 60) : start])[-1].split()
                described.append(before[-4:])
        for words in described:
            kind, said = _described(words)
            if kind is not None:
                kinds.add(kind)
                if said:
                    where.add(said)
        people = list(people)
        if not (kinds or where or people):
            return _NOTHING
        founders = {
            p.rpartition("/")[2].rpartition("-")[2] for prop, p in people if prop == "founderOf"
        }
        named = {p for prop, p in people if prop in PEOPLE_PROPS and "-" in p}
        return cls(frozenset(where), frozenset(kinds), frozenset(founders), frozenset(named))


_NOTHING = Profile()


def _may_be_homonym(entity: Entity) -> bool:
    """Whether an entity is an organization whose name another may share: not one the
    knowledge base vouches for, nor one with its country in its key already."""
    return (
        entity.key.startswith("organization/")
        and not entity.same_as
        and _country_in_key(entity.key) is None
    )


def _profiles(extraction: Extraction, keys: set[str]) -> dict[str, Profile]:
    """The profiles of the organizations ``keys`` in one article, from what its graph
    keeps, so that an article weighed against a store's is weighed as in one build of
    both: its facts and the sentences they cite."""
    cited = {a.evidence.sentence for a in extraction.attributes}
    people: defaultdict[str, list[tuple[str, str]]] = defaultdict(list)
    located: defaultdict[str, list[str]] = defaultdict(list)
    for r in extraction.relations:
        cited.add(r.evidence.sentence)
        if r.object in keys and r.prop in PEOPLE_PROPS:
            people[r.object].append((r.prop, r.subject))
        elif r.subject in keys and r.prop == "locatedIn":
            located[r.subject].append(r.object)
    sentences = {s.index: s for s in extraction.sentences if s.index in cited}
    labels = {e.key: e.label for e in extraction.entities} if located else {}
    found = {}
    for e in extraction.entities:
        if e.key not in keys:
            continue
        contexts = [
            (s.text, m.start - s.start, m.end - s.start)
            for m in e.mentions
            if m.sentence in sentences and (s := sentences[m.sentence]).start <= m.start < s.end
        ]
        if contexts or e.key in people or e.key in located:
            places = [labels[p] for p in located.get(e.key, ()) if p in labels]
            found[e.key] = Profile.of(contexts, people.get(e.key, ()), places)
        else:
            found[e.key] = _NOTHING
    return found


CROSS_TYPE_RULE = "kg.resolve.cross_article_type.v1"
CROSS_NAME_RULE = "kg.resolve.cross_article_name.v1"
#: The groups whose bare names join full names across articles, and the word of the
#: full name a bare one is: a person's surname, an organization's first word.
NAME_POSITIONS = {"person": -1, "organization": 0}


def _full_word(key: str) -> tuple[str, str] | None:
    """(group, word) a full name's key is indexed by ("person/sam-altman" -> ("person",
    "altman")); None for a bare name, a homonym's key ("organization/phoenix--band") or a
    group that is not linked by a part."""
    group, _, slug = key.partition("/")
    position = NAME_POSITIONS.get(group)
    if position is None or "-" not in slug or SENSE_MARK in slug:
        return None
    return group, slug.split("-")[position]


class NameIndex:
    """What is already held (in a store, or written by earlier batches of a build) that
    a batch links its names to: every entity by its name, with the number of articles
    that mention it and whether the knowledge base vouches for it; and full names of
    people and organizations by the word a bare name would be ("person/sam-altman"
    under ("person", "altman")). :func:`link_articles` weighs a batch's names against
    them as it weighs the batch's own; a bare name held before a full name that
    explains it, and a name held under the type a batch outvotes, are noted, so that
    their stored articles can move (:meth:`take_explained`).

    It also holds what the articles said of each organization (:class:`Profile`), so
    that a batch keeps apart a same-named one they say differs: the batches' own as they
    are added, a store's as first needed, from ``evidence`` (a key -> its mentions'
    sentences, the people tied to it and its places' names:
    :meth:`kg.store.Store.entity_evidence`)."""

    def __init__(
        self,
        entities: Mapping[str, str] | None = None,
        articles: Mapping[str, int] | None = None,
        vouched: Iterable[str] = (),
        evidence: Callable[[str], HeldEvidence] | None = None,
    ) -> None:
        self._by: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
        #: bare names held ("person/altman"), which a full name written later may explain
        self._bare: set[str] = set()
        self._explained: dict[str, str] = {}
        self._moved: dict[str, str] = {}
        #: every key held, by its name ("openai" -> {"organization": "Company"})
        self._groups: dict[str, dict[str, str]] = defaultdict(dict)
        self._articles: Counter[str] = Counter(articles or {})
        self._vouched: set[str] = set(vouched)
        #: held organizations by their name's key: the plain key and the homonyms' keys
        self._senses: defaultdict[str, list[str]] = defaultdict(list)
        self._profiles: dict[str, Profile] = {}
        self._evidence = evidence
        self._unread: set[str] = set(entities or {}) if evidence is not None else set()
        for key, cls in (entities or {}).items():
            self.add(key, cls)

    def add(self, key: str, cls: str) -> None:
        """Index entity ``key`` ("group/slug") of class ``cls``: a full name by its word,
        a bare one as held."""
        group, _, slug = key.partition("/")
        self._groups[slug].setdefault(group, cls)
        if group == "organization":
            senses = self._senses[f"{group}/{slug.partition(SENSE_MARK)[0]}"]
            if key not in senses:
                senses.append(key)
        word = _full_word(key)
        if word is not None:
            self._by[word].setdefault(key, cls)
        elif group in NAME_POSITIONS:
            self._bare.add(key)

    def add_all(self, extractions: Iterable[Extraction], profiles: bool = True) -> None:
        """Index every entity of ``extractions`` (one more article for each); note each
        bare name held before them that one of their full names now explains as the
        unique full name of its word (the bare "person/altman" stored yesterday, today's
        "person/sam-altman"): :meth:`take_explained` hands those over. With
        ``profiles``, what each article says of its organizations joins their
        :class:`Profile`."""
        extractions = list(extractions)
        entities = [(e, _full_word(e.key)) for ex in extractions for e in ex.entities]
        for e, _word in entities:
            self._articles[e.key] += 1
            if e.same_as:
                self._vouched.add(e.key)
        held = set(self._bare)
        for e, word in entities:
            if word is not None:
                self.add(e.key, e.cls)
        for e, word in entities:
            if word is None:
                continue
            bare = "/".join(word)
            # a held "Labour" may be of any country: a full name with one in its key
            # ("labour-party-hong-kong") does not take it
            if (
                bare in held
                and list(self.lookup(*word)) == [e.key]
                and _country_in_key(e.key) is None
            ):
                self._explained[bare] = e.key
                self._bare.discard(bare)
        for e, word in entities:
            if word is None:
                self.add(e.key, e.cls)
        for ex in extractions if profiles else ():
            keys = {e.key for e in ex.entities if _may_be_homonym(e)}
            for key, profile in _profiles(ex, keys).items():
                if profile is not _NOTHING:  # a store's is read only when needed
                    self._profiles[key] = self._profiles.get(key, _NOTHING) | profile

    def profile(self, key: str) -> Profile:
        """What the articles held say of organization ``key`` (a store's read once)."""
        if key in self._unread and self._evidence is not None:
            self._unread.discard(key)
            found = Profile.of(*self._evidence(key))
            self._profiles[key] = self._profiles.get(key, Profile()) | found
        return self._profiles.get(key, Profile())

    def senses(self, key: str) -> list[str]:
        """The keys of the organizations held under name key ``key``: the plain key
        first, then its homonyms' ("organization/phoenix--band"), in the order they were
        held; none where the knowledge base vouches for the name."""
        if key in self._vouched:
            return []
        return sorted(self._senses.get(key, ()), key=lambda k: k != key)  # stable

    def held_types(self, slug: str) -> dict[str, tuple[str, int, bool]]:
        """The types a name is held under: group -> (class, articles, vouched for)."""
        return {
            group: (cls, self._articles[f"{group}/{slug}"], f"{group}/{slug}" in self._vouched)
            for group, cls in self._groups.get(slug, {}).items()
        }

    def move(self, old: str, new: str) -> None:
        """Note that the held entity ``old`` is now ``new`` (a type the articles
        outvote): its articles count for ``new``, and :meth:`take_explained` hands the
        move over."""
        group, _, slug = old.partition("/")
        self._groups[slug].pop(group, None)
        senses = self._senses.get(f"{group}/{slug.partition(SENSE_MARK)[0]}", [])
        if old in senses:
            senses.remove(old)
        self._articles[new] += self._articles.pop(old, 0)
        self._bare.discard(old)
        word = _full_word(old)
        if word is not None:
            self._by[word].pop(old, None)
        self._moved[old] = new

    def take_explained(self) -> list[tuple[str, str]]:
        """(held key, key it becomes) pairs noted since the last call: names moved to
        the type their articles outvote, then bare names a full name explains."""
        found = sorted(self._moved.items()) + sorted(self._explained.items())
        self._moved, self._explained = {}, {}
        return found

    def lookup(self, group: str, word: str) -> Mapping[str, str]:
        """The full names (key -> class) a bare ``word`` of ``group`` may stand for."""
        return self._by.get((group, word), {})


def _group_rank(group: str) -> int:
    return GROUP_ORDER.index(group) if group in GROUP_ORDER else len(GROUP_ORDER)


#: Below this much evidence for its type, a bare name may join a full name of another
#: kind (as :meth:`Resolver._merge_names` lets a fragment with no cue of 3 or more).
WEAK = 3.0


def _article_country(extraction: Extraction) -> str | None:
    """The country an article names most (by its mentions; the first named of a tie),
    as :class:`_Countries` finds it while the article is resolved."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for e in extraction.entities:
        code = country_of(e.label) if e.cls == "Place" else None
        if code is not None and e.mentions:
            counts[code] += len(e.mentions)
            first[code] = min(
                [first.get(code, e.mentions[0].start), *(m.start for m in e.mentions)]
            )
    return max(counts, key=lambda c: (counts[c], -first[c])) if counts else None


def _country_in_key(key: str) -> str | None:
    """The country an organization's key was made with (:data:`NATIONAL_WORDS`), if any.

    >>> _country_in_key("organization/labour-party-hong-kong"), _country_in_key("organization/acme")
    ('HK', None)
    """
    words = key.partition("/")[2].split("-")
    for i in range(2, len(words)):
        if _national(" ".join(words[:i])):
            code = country_of(" ".join(words[i:]))
            if code is not None and slug(country_name(code)) == "-".join(words[i:]):
                return code
    return None


def _full_names(group: str, name: str, full: NameIndex, known: NameIndex | None) -> dict[str, str]:
    matches = {**(known.lookup(group, name) if known is not None else {})}
    matches.update(full.lookup(group, name))  # the batch's own class, where it has one
    return matches


def link_articles(
    extractions: list[Extraction], known: NameIndex | None = None
) -> list[Extraction]:
    """Resolve entities across articles built together.

    - The same name typed differently in different articles ("OpenAI" a company
      in three articles, a place in one where the NER erred) takes the type at
      least twice as many articles give it (each article's type weighed within it),
      unless the knowledge base vouches for the minority: a name with evenly split
      articles is left as two entities. With ``known``, the articles already held
      count too, and a held minority is noted to move (:meth:`NameIndex.move`).
    - A one-word name that no full name explains in its own article joins the
      unique full name of the same kind from another article ("Altman" ->
      "Sam Altman", "Korvath" -> "Korvath Robotics"), or, with ``known``, the
      unique such name among the batch's and those already held, so that articles
      built one batch (or one build) after another link as if built together.
    - An organization's name two articles share (or one held in ``known``) names one
      organization only where nothing they say of it differs (:class:`Profile`: its
      places, its kind, its founders); otherwise the later one takes a key of its own
      (:func:`_keep_homonyms_apart`).

    Every re-pointed mention records the rule (``kg:resolution``).
    """
    entities = [e for ex in extractions for e in ex.entities]
    by_name: dict[str, dict[str, list[Entity]]] = defaultdict(lambda: defaultdict(list))
    for e in entities:
        group, name = e.key.split("/", 1)
        by_name[name][group].append(e)
    remap: dict[str, tuple[str, str, str]] = {}  # old key -> (new key, class, rule)
    for name, groups in by_name.items():
        held = known.held_types(name) if known is not None else {}
        if len(groups) < 2 and not set(held) - set(groups):
            continue
        # each article is one vote for the type it gives the name; the articles
        # already held vote too, so one build and many give the same types
        votes = {g: len(es) for g, es in groups.items()}
        for g, (_cls, articles, _vouched) in held.items():
            votes[g] = votes.get(g, 0) + articles
        best = max(votes, key=lambda g: (votes[g], -_group_rank(g), g))
        best_cls = (
            Counter(e.cls for e in groups[best]).most_common(1)[0][0]
            if best in groups
            else held[best][0]
        )
        for group, n in votes.items():
            if group == best or n * 2 > votes[best]:
                continue
            if any(e.same_as for e in groups.get(group, ())) or held.get(group, ("", 0, False))[2]:
                continue  # the knowledge base vouches for the minority
            if group in groups:
                remap[f"{group}/{name}"] = (f"{best}/{name}", best_cls, CROSS_TYPE_RULE)
            if group in held and known is not None:
                known.move(f"{group}/{name}", f"{best}/{name}")  # its stored articles too
    # a person by surname, a company by its first word
    full = NameIndex()
    full.add_all(extractions, profiles=False)
    countries: dict[int, str | None] = {}  # each article's, found where first needed
    for ex, e in ((x, e) for x in extractions for e in x.entities):
        group, name = e.key.split("/", 1)
        if "-" in name or e.key in remap or group not in NAME_POSITIONS:
            continue
        matches = _full_names(group, name, full, known)
        if not matches and group == "organization" and not e.same_as and e.weight < WEAK:
            # a bare surname the NER took for a company ("Altman said ..."), on weak
            # evidence, joins the unique person it is the surname of, as within an article
            matches = _full_names("person", name, full, known)
        # "Labour" in a story about Britain is not Hong Kong's Labour Party
        placed = {k: _country_in_key(k) for k in matches}
        if any(placed.values()):
            if id(ex) not in countries:
                countries[id(ex)] = _article_country(ex)
            matches = {k: c for k, c in matches.items() if placed[k] in (None, countries[id(ex)])}
        if len(matches) == 1:
            [(target, cls)] = matches.items()
            remap[e.key] = (target, cls, CROSS_NAME_RULE)
    apart = _keep_homonyms_apart(extractions, remap, known)
    if not remap and not any(apart):
        return extractions
    return [
        _apply_remap(ex, {k: v for k, v in {**remap, **own}.items() if v} if own else remap)
        for ex, own in zip(extractions, apart, strict=True)
    ]


def _sense_keys(key: str, profile: Profile) -> Iterator[str]:
    """The keys an organization named ``key`` may take, in order: the name's own, then
    the name marked by what tells it apart (its country, kind or founder:
    "organization/phoenix--band"), then numbered ("organization/phoenix--2")."""
    yield key
    for mark in profile.marks():
        yield f"{key}{SENSE_MARK}{mark}"
    n = 2
    while True:
        yield f"{key}{SENSE_MARK}{n}"
        n += 1


def _keep_homonyms_apart(
    extractions: list[Extraction],
    remap: Mapping[str, tuple[str, str, str]],
    known: NameIndex | None,
) -> list[dict[str, tuple[str, str, str] | None]]:
    """Per article, the organizations that take a key of their own (old key -> (new
    key, class, rule)) because what their article says of them (:class:`Profile`)
    differs from what the articles before it say of every organization of that name
    (those held in ``known`` first, then the batch's, in order). An article joins the
    first of them nothing tells it from, and that one's profile grows by its own; a
    bare name another article's full name was to explain ("Academy" -> "Academy of
    Fine Arts") that differs from every organization so named keeps its own key (None).
    Only names that two articles share (counting those held) are weighed."""
    seen: defaultdict[str, dict[int, list[Entity]]] = defaultdict(dict)
    for i, ex in enumerate(extractions):
        for e in ex.entities:
            key = remap[e.key][0] if e.key in remap else e.key
            if _may_be_homonym(e) and key.startswith("organization/") and SENSE_MARK not in key:
                seen[key].setdefault(i, []).append(e)
    shared = sorted(
        key
        for key, found in seen.items()
        if len(found) > 1 or (known is not None and known.senses(key))
    )
    wanted: defaultdict[int, set[str]] = defaultdict(set)
    for key in shared:
        for i, es in seen[key].items():
            wanted[i].update(e.key for e in es)
    profiles = {i: _profiles(extractions[i], keys) for i, keys in wanted.items()}
    apart: list[dict[str, tuple[str, str, str] | None]] = [{} for _ in extractions]
    for key in shared:
        # each organization so named, with its profile once read (a store's is read
        # only where an article says something of its own)
        senses: list[tuple[str, Profile | None]] = [
            (k, None) for k in (known.senses(key) if known is not None else ())
        ]
        for i, es in sorted(seen[key].items()):
            profile = _NOTHING
            for e in es:
                profile |= profiles[i].get(e.key, _NOTHING)
            sense = _sense_of(profile, senses, known)
            if sense is None:
                joined = [e.key in remap and remap[e.key][2] == CROSS_NAME_RULE for e in es]
                if senses and all(joined):
                    for e in es:  # a bare name joins none of its full name's homonyms
                        apart[i][e.key] = None
                    continue
                taken = {k for k, _ in senses}
                sense = next(k for k in _sense_keys(key, profile) if k not in taken)
                senses.append((sense, profile))
            if sense != key:
                for e in es:
                    cls = remap[e.key][1] if e.key in remap else e.cls
                    apart[i][e.key] = (sense, cls, HOMONYM_RULE)
    return apart


def _sense_of(
    profile: Profile,
    senses: list[tuple[str, Profile | None]],
    known: NameIndex | None,
) -> str | None:
    """The first of ``senses`` (key, profile or None where not yet read) that nothing
    in ``profile`` tells apart, its profile grown by ``profile``; None if none is."""
    if profile is _NOTHING:
        return senses[0][0] if senses else None
    for n, (sense, held) in enumerate(senses):
        if held is None:
            held = known.profile(sense) if known is not None else _NOTHING
        if held.differs(profile) is None:
            senses[n] = (sense, held | profile)
            return sense
        senses[n] = (sense, held)
    return None


def _apply_remap(ex: Extraction, remap: dict[str, tuple[str, str, str]]) -> Extraction:
    def key(k: str) -> str:
        return remap[k][0] if k in remap else k

    own = {e.key for e in ex.entities}
    merged: dict[str, Entity] = {}
    for e in ex.entities:
        if e.key in remap:
            new_key, cls, rule = remap[e.key]
            mentions = tuple(replace(m, resolution=rule) for m in e.mentions)
            e = replace(e, key=new_key, cls=cls, mentions=mentions)
        if e.key in merged:
            old = merged[e.key]
            names = (set(old.alt_labels) | set(e.alt_labels) | {e.label}) - {old.label}
            e = replace(
                old,
                alt_labels=tuple(sorted(names)),
                mentions=tuple(
                    sorted(
                        set(old.mentions) | set(e.mentions), key=lambda m: (m.start, m.end, m.rule)
                    )
                ),
            )
        merged[e.key] = e
    relations: dict[tuple[str, str, str, int, int, str], Relation] = {}
    for r in ex.relations:
        ev = r.evidence
        if ev.source in remap:
            ev = replace(ev, source=key(ev.source))
        moved = replace(r, subject=key(r.subject), object=key(r.object), evidence=ev)
        if moved.subject != moved.object:
            relations.setdefault(_relation_order(moved), moved)
    attributes = tuple(replace(a, subject=key(a.subject)) for a in ex.attributes)
    return replace(
        ex,
        entities=tuple(sorted(merged.values(), key=lambda e: e.key)),
        relations=tuple(sorted(relations.values(), key=_relation_order)),
        attributes=attributes,
        merges=ex.merges
        + tuple((old, new, rule) for old, (new, _, rule) in sorted(remap.items()) if old in own),
    )
