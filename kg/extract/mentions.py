"""Mention rules: where the names are.

Built-in rules:

- ``kg.mentions.ner.v1``: the statistical NER's entities, trimmed of determiners,
  quotes and possessive markers, and split at an inner possessive
  ("OpenAI's Sora" -> "OpenAI", "Sora"); a demonym ("Swedish") only as a mention
  for the resolver to give the country the article names.
- ``kg.mentions.event_names.v1``: "<name> <event noun>" phrases such as
  "the Hollywood writers' strike" or "the WGA strike", and a stoppage named for its
  workers ("the writers' strike").
- ``kg.mentions.kb.v1``: names from the knowledge base the NER missed.

The component then drops names the knowledge base calls concepts ("AI"),
resolves overlaps, and adds every later repeat of a name found once
("one sense per discourse").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from itertools import pairwise

from spacy.attrs import LOWER, ORTH, POS
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.strings import get_string_id
from spacy.symbols import NOUN, PROPN
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from kg.dates import EDITION_YEAR
from kg.doc import doc_text
from kg.extract.common import (
    DASHES,
    POSSESSIVE_MARKERS,
    RuleComponent,
    doc_ids,
    doc_tokens,
    sentence_bounds,
    sentence_index,
    string_ids,
)
from kg.gazetteer import COMPASS_WORDS, demonym_countries, place_kind
from kg.given_names import is_given_name
from kg.lexicon import Lexicon
from kg.registry import mention_rules
from kg.types import NER_CONFIDENCE, NER_RULE, NESTED_PLACE_RULE, Mention

_LEFT_TRIM = frozenset(
    {"the", "a", "an", "'", '"', "\u201c", "\u201d", "\u2018", "\u2019", "(", "["}
)
#: Words a name does not end with, in lower case: "Movement for the Liberation of Sao
#: Tome and" is the NER stopping inside a longer name ("Wilson Or" and "James To" are
#: Hong Kong legislators).
_RIGHT_TRIM = frozenset({"and", "or", "&", "of", "for", "the", "to", "with", "at", "by", "in"})
_YEAR = re.compile(r"1[5-9]\d\d|20\d\d")
_RANGE_WORDS = frozenset({"to", "-", "\u2013", "until"})
_NON_NAME_DATE = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY"})

MentionRule = Callable[[Doc], Iterable[Mention]]


#: Prefixes of a descriptor that opens a sentence before a name: "Pan-democrat Lam
#: Cheuk-ting", "Ex-minister Jo Park", "Anti-war campaigner ..." (hyphen, lower case).
_DESCRIPTOR_PREFIXES = frozenset({"pan", "pro", "anti", "ex", "non", "neo", "post", "pre", "far"})


def _balanced(tokens: list[Token]) -> list[Token]:
    """The tokens without an unclosed bracket and what it opens ("Piton des Neiges (Snow
    Peak" is "Piton des Neiges"), or an unopened one and what comes before it ("Gus) Shinn"
    is "Shinn")."""
    depth = 0
    for n, token in enumerate(tokens):
        if token.text in "([":
            depth += 1
        elif token.text in ")]":
            if depth == 0:
                return _balanced(tokens[n + 1 :])
            depth -= 1
    if depth:
        opened = max(n for n, t in enumerate(tokens) if t.text in "([")
        return _balanced(tokens[:opened])
    return tokens


def _without_years(tokens: list[Token]) -> list[Token]:
    """The tokens without a span of years the NER ran into the name ("Department of
    Social Welfare 1993 to 1994"; "Expo 2010", one year, is a name)."""
    if len(tokens) < 3 or not _YEAR.fullmatch(tokens[-1].text):
        return tokens
    if tokens[-2].lower_ in _RANGE_WORDS and _YEAR.fullmatch(tokens[-3].text):
        return tokens[:-3] if len(tokens) > 3 else tokens
    doc, end = tokens[-1].doc, tokens[-1].i + 1
    if (
        end + 1 < len(doc)
        and doc[end].lower_ in _RANGE_WORDS
        and _YEAR.fullmatch(doc[end + 1].text)
    ):
        return tokens[:-1]  # "... Welfare 1993" before "to 1994"
    return tokens


def _trim(tokens: list[Token]) -> list[Token]:
    tokens = _balanced(tokens)
    if (
        len(tokens) >= 3
        and tokens[0].lower_ in _DESCRIPTOR_PREFIXES
        and tokens[1].text == "-"
        and tokens[2].is_alpha
        # "pro-democracy Civic Party", and "pro-Beijing New People's Party" (not
        # "Pan-American Highway": a capital opens the name itself), also where a
        # sentence opens with it ("Pro-Beijing DAB's Starry Lee")
        and (
            tokens[2].is_lower
            or ((tokens[0].is_lower or tokens[0].is_sent_start) and len(tokens) >= 4)
            or len(tokens) == 3  # "pro-Beijing" alone names no one
        )
    ):
        tokens = tokens[3:]  # a descriptor, not the name's first word
    while tokens and (
        tokens[0].lower_ in _LEFT_TRIM
        or tokens[0].is_punct
        or tokens[0].is_space
        or tokens[0].text in POSSESSIVE_MARKERS
    ):
        tokens = tokens[1:]
    while tokens and (
        (tokens[-1].is_punct and len(tokens[-1]) == 1)
        or tokens[-1].is_space
        or tokens[-1].text in POSSESSIVE_MARKERS
        or (len(tokens) > 1 and tokens[-1].text in _RIGHT_TRIM)
    ):
        tokens = tokens[:-1]
    return _without_years(tokens)


def make_mention(
    doc: Doc,
    tokens: list[Token],
    rule: str,
    confidence: float,
    label: str | None,
    lower_case: bool = False,
) -> Mention | None:
    """A mention of the tokens' text, or None if it is no name (lower case unless
    ``lower_case`` allows it, no letters, across a line break)."""
    if not tokens or not any(ch.isalpha() for t in tokens for ch in t.text):
        return None
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
    text = doc_text(doc)[start:end]
    if "\n" in text:
        return None
    if not lower_case and not any(ch.isupper() or not ch.isascii() for ch in text if ch.isalpha()):
        return None  # names are capitalised; a lower-case "week" is not one
    return Mention(start, end, text, sentence_index(doc, tokens[0]), rule, confidence, label)


#: Nouns of a group whose possessive is part of a name, not a possessor before one:
#: "Korean People's Army", "Women's World Cup", "Children's Hospital", "Her Majesty's".
NAME_POSSESSIVES = frozenset(
    {"people", "women", "men", "children", "workers", "farmers", "veterans", "citizens"}
    | {"writers", "actors", "teachers", "students", "soldiers", "ladies", "majesty"}
)


def split_entity(span: Span) -> list[list[Token]]:
    """Split an entity at possessive markers and trim each part ("OpenAI's Sora"), but
    not after a group's noun that the name goes on from ("Korean People's Army")."""
    parts: list[list[Token]] = [[]]
    for token in span:
        if (
            token.text in POSSESSIVE_MARKERS
            and token.tag_ == "POS"
            and not (
                parts[-1]
                and parts[-1][-1].lower_ in NAME_POSSESSIVES
                and token.i + 1 < span.end
                and span.doc[token.i + 1].is_title
            )
        ):
            parts.append([])
        else:
            parts[-1].append(token)
    return [p for p in (_trim(part) for part in parts) if p]


#: Words after a hyphen that make an adjective of a name ("Sony-style", "Obama-era").
_NOT_NAME_PARTS = frozenset(
    "style era type size class level grade wide area region owned based led run backed "
    "made born funded linked focused friendly free proof".split()
)


def _mend_end(tokens: list[Token], part: list[Token]) -> list[Token]:
    """Mend where the NER ends a name: take in a hyphenated part it left off
    ("Wong Kwok" + "-hing"), and leave out a team's score ("Sweden 1" in "Sweden 1 - 0")."""
    end = part[-1].i + 1
    while (
        end + 1 < len(tokens)
        and tokens[end - 1].whitespace_ == ""
        and tokens[end].text == "-"
        and tokens[end].whitespace_ == ""
        and tokens[end + 1].is_alpha
        and tokens[end + 1].tag_ in ("NN", "NNP")
        and tokens[end + 1].lower_ not in _NOT_NAME_PARTS
    ):
        end += 2
    if end > part[-1].i + 1:
        return part + tokens[part[-1].i + 1 : end]
    if len(part) > 3 and part[-1].like_num and part[-2].text in DASHES and part[-3].like_num:
        return _trim(part[:-3])  # "Chile 2 - 1"
    if (
        len(part) > 1
        and part[-1].like_num
        and end + 1 < len(tokens)
        and tokens[end].text in DASHES
        and tokens[end + 1].like_num
    ):
        return _trim(part[:-1])  # "Sweden 1" before "- 0"
    return part


def _surname_after(doc: Doc, part: list[Token], in_entities: set[int]) -> list[Token]:
    """A person's name the NER ended a word early: "Dr Amara" of "Dr Amara Obi", where
    the parse makes the last word it took part of the capitalised proper noun after it
    that no entity holds."""
    end = part[-1].i + 1
    if (
        end < len(doc)
        and doc[end].pos_ == "PROPN"
        and doc[end].is_title
        and end not in in_entities
        and part[-1].dep_ == "compound"
        and part[-1].head.i == end
    ):
        return [*part, doc[end]]
    return part


def _mend_start(
    doc: Doc, part: list[Token], in_entities: set[int], person: bool = False
) -> list[Token]:
    """Mend where the NER starts a name: take in the capitalised proper nouns just
    before it that the parse makes part of it and no entity holds ("Excite" of
    "Excite Truck" when the NER saw "Truck"); before a person's name, only a
    common given name ("Carly" of "Carly Simon")."""
    start = part[0].i
    while (
        start > 0
        and (before := doc[start - 1]).pos_ == "PROPN"
        and before.is_title
        and before.i not in in_entities
        and before.dep_ == "compound"
        and part[0].i <= before.head.i <= part[-1].i
        and (not person or (start == part[0].i and is_given_name(before.text)))
    ):
        start -= 1
    return [*doc[start : part[0].i], *part] if start < part[0].i else part


#: Time zones news gives after a time ("10:00 GMT", "9 a.m. EST"), which the NER
#: often takes for organizations.
TIME_ZONES = frozenset(
    "GMT UTC BST CET CEST EET EEST WET WEST MSK IST PKT ICT WIB HKT SGT CST JST KST "
    "AEST AEDT ACST AWST NZST NZDT EST EDT CDT MST MDT PST PDT AKST HST ET PT".split()
)
_TIME_WORDS = frozenset({"am", "pm", "a.m.", "p.m.", "noon", "midnight", "hours", "hrs"})
_CLOCK = re.compile(r"\d{1,2}[:.]\d\d")


def _time_zone(doc: Doc, part: list[Token]) -> bool:
    """Whether a name is a time zone written after a time: "10:00 GMT", "3 pm BST"."""
    if len(part) != 1 or part[0].text not in TIME_ZONES or part[0].i == 0:
        return False
    before = doc[part[0].i - 1]
    return (
        before.like_num or before.lower_ in _TIME_WORDS or _CLOCK.fullmatch(before.text) is not None
    )


def _compass_split(part: list[Token]) -> list[list[Token]]:
    """ "North and South Korea": two places that share the last words, the first written
    with its compass word alone (the resolver joins "North" to "North Korea")."""
    if (
        len(part) >= 4
        and part[0].lower_ in COMPASS_WORDS
        and part[1].lower_ == "and"
        and part[2].lower_ in COMPASS_WORDS
        and all(t.is_title for t in part[3:])
    ):
        return [part[:1], part[2:]]
    return [part]


def _year_before(doc: Doc, start: int) -> int:
    """Where an event's name starts with the year written before it: "the 1988 Winter
    Olympics", "the 2024 Halvern Marathon" name one edition, which the NER often
    leaves out as a date."""
    if start > 0 and doc[start].is_title and EDITION_YEAR.fullmatch(doc[start - 1].text):
        return start - 1
    return start


#: Words after a comma that end a name rather than start one.
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "esq", "phd", "md"})
_AND = get_string_id("and")
_FOR = get_string_id("for")
#: Lower-case words inside a name ("Foundation for the Visual Arts", "Welfare of Immigrants").
_NAME_JOINERS = frozenset({"of", "and", "the", "&"})


@mention_rules.register(NER_RULE)
def ner_mentions(lexicon: Lexicon, vocab: Vocab) -> MentionRule:
    """The statistical NER's names, trimmed and split at inner possessives.

    Only labels the ontology maps to a class (``kg:spacyLabel``) count; the rest
    (dates, money, nationalities) are not entities."""
    labels = frozenset(lexicon.ner_classes)
    person_nouns = lexicon.cue_nouns.get("Person", frozenset())
    org_heads = lexicon.name_heads.get("Organization", frozenset())

    def is_role(words: list[Token]) -> bool:
        text = " ".join(t.lower_ for t in words)
        return text in person_nouns or lexicon.title_prop(text) is not None

    def without_role(part: list[Token]) -> list[Token]:
        """A person's name without the title the NER took in ("Striker Ingrid Solberg",
        "Prime Minister John Key"): the title is a fact about the name, not part of it."""
        if len(part) < 3 or not part[0].is_title:
            return part
        for n in (3, 2, 1):
            if len(part) > n + 1 and all(t.is_title for t in part[:n]) and is_role(part[:n]):
                return part[n:]
        return part

    heads = frozenset().union(*lexicon.name_heads.values())
    # (not the bodies one word names: "the Navy", "Congress", "the Senate")
    generic = (heads | frozenset().union(*lexicon.cue_nouns.values())) - lexicon.name_heads.get(
        "Organization", frozenset()
    )

    def fragment(doc: Doc, part: list[Token], label: str) -> bool:
        """Whether the NER took one generic word of a longer name for a name: "Award"
        of "Emmy Award", "Village" of "Village Chairman", "Avenue" of "118 Avenue"."""
        if len(part) != 1 or label == "PERSON" or part[0].lower_ not in generic:
            return False
        word = part[0]
        if lexicon.kb_entry(word.text) is not None:
            return False
        before = doc[word.i - 1] if word.i else None
        after = doc[word.i + 1] if word.i + 1 < len(doc) else None
        return (
            before is not None
            and (before.is_title or before.like_num or before.text in POSSESSIVE_MARKERS)
            and before.sent == word.sent
        ) or (after is not None and after.is_title and after.sent == word.sent)

    def cut_title(doc: Doc, part: list[Token]) -> bool:
        """Whether the NER took the first words of a title for a name: the name's last
        words and the word after it make a title ("Home" + "Secretary")."""
        after = part[-1].i + 1
        if after >= len(doc) or not doc[after].is_title:
            return False
        words = [t for t in part if not t.is_punct] + [doc[after]]
        return any(is_role(words[n:]) for n in range(len(words) - 1))

    def at_split(part: list[Token]) -> list[list[Token]]:
        """ "Block Museum of Art at Northwestern University": two names, where what
        follows "at" is a name with a name head of its own ("University of
        California at Berkeley" stays one)."""
        for n, token in enumerate(part):
            after = part[n + 1 :]
            if (
                token.lower_ == "at"
                and n >= 2
                and len(after) >= 2
                and all(t.text[:1].isupper() for t in after)
                and after[-1].lower_ in heads
            ):
                return [part[:n], after]
        return [part]

    def comma_split(part: list[Token]) -> list[list[Token]]:
        """A name the NER ran across a comma into the next ("Prior to Bridgewater,
        Bohigian founded ...", "gods such as Tarnu, Velka and Osrin"): one-word proper
        nouns on both sides are two names. A name with "and" or "&" in it stays whole
        ("Farrar, Straus and Giroux")."""
        commas = [n for n, t in enumerate(part) if t.text == ","]
        if not commas or any(t.lower_ in ("and", "&") for t in part):
            return [part]
        pieces, start = [], 0
        for n in [*commas, len(part)]:
            pieces.append(part[start:n])
            start = n + 1
        if all(
            len(p) == 1
            and p[0].pos_ == "PROPN"
            and p[0].is_title
            and p[0].lower_ not in heads  # "Atari, Inc."
            and p[0].lower_.rstrip(".") not in _NAME_SUFFIXES  # "Martin Luther King, Jr."
            for p in pieces
        ):
            return pieces
        return [part]

    def rule(doc: Doc) -> Iterator[Mention]:
        ent_tokens = {t.i for e in doc.ents for t in e}
        for ent in doc.ents:
            if ent.label_ == "NORP" and ent[-1].lower_ in org_heads:
                # "the Liberal Democrats", "the Neo Democrats": a party named for its
                # members (a name head of ontology/lexicon.ttl's), with the words before
                # the plural the NER left out
                start = ent[-1].i
                while start > 0 and _in_name(doc, start - 1) and start - 1 not in ent_tokens:
                    start -= 1
                if start < ent[-1].i:
                    mention = make_mention(doc, list(doc[start : ent.end]), NER_RULE, 0.7, "ORG")
                    if mention is not None:
                        yield mention
                continue
            if ent.label_ == "NORP" and len(ent) == 1 and demonym_countries(ent.text):
                # "Swedish captain Andreas Granqvist": a demonym has no class of its
                # own; the resolver makes it a mention of the country, where the
                # article names that country (not inside a name: "Royal Swedish Opera")
                if _in_name(doc, ent.start - 1) or _in_name(doc, ent.end):
                    continue
                mention = make_mention(doc, list(ent), NER_RULE, NER_CONFIDENCE, "NORP")
                if mention is not None:
                    yield mention
                continue
            if ent.label_ not in labels:
                continue
            parts = split_entity(ent)
            # the possessor in "OpenAI's Sora" is a name, but the label was for the whole
            labelled = 1
            if parts:
                # "Carly" of "Carly Simon" when the NER saw "Simon": for a person,
                # only a given name
                parts[0] = _mend_start(doc, parts[0], ent_tokens, ent.label_ == "PERSON")
            if parts and ent.label_ == "EVENT":  # "the 1988 Winter Olympics"
                first = _year_before(doc, parts[0][0].i)
                parts[0] = [*doc[first : parts[0][0].i], *parts[0]]
            if parts:
                parts[-1] = _mend_end(doc_tokens(doc), parts[-1])
                if ent.label_ == "PERSON":
                    mended = _surname_after(doc, parts[-1], ent_tokens)
                    if not is_role(mended[-1:]):  # not "Edwin O. Reischauer Professor"
                        parts[-1] = mended
                    parts[-1] = without_role(parts[-1])
                elif ent.label_ in ("ORG", "FAC"):
                    split = at_split(parts[-1])
                    parts[-1:] = split
                    labelled = len(split)  # both names at "at" are what the NER said
                # "Tarnu, Velka": the NER ran two names together; "North and South
                # Korea": two countries
                for split_names in (comma_split, _compass_split):
                    split = split_names(parts[-1])
                    if len(split) > 1:
                        parts[-1:] = split
                        labelled = len(split)
            if parts and ent.label_ != "PERSON" and cut_title(doc, parts[-1]):
                parts = parts[:-1]  # "Shadow Home" of "Shadow Home Secretary Yvette Cooper"
            for n, part in enumerate(parts):
                if is_role(part):
                    continue  # "joined OpenAI as CFO": a title alone is no name
                if fragment(doc, part, ent.label_) or _time_zone(doc, part):
                    continue
                label = ent.label_ if n >= len(parts) - labelled else None
                mention = make_mention(doc, part, NER_RULE, NER_CONFIDENCE, label)
                if mention is not None:
                    yield mention

    return rule


def _in_name(doc: Doc, i: int) -> bool:
    """Whether token ``i`` is a capitalised proper noun (part of a name)."""
    return 0 <= i < len(doc) and doc[i].pos_ == "PROPN" and doc[i].is_title


#: NER labels of names that may hold a place's name ("Volgograd Arena").
HOLDS_PLACES = frozenset({"ORG", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART"})
#: Kinds of GeoNames place a name inside a name must be (a town's name is too often a
#: word or a surname).
NESTED_KINDS = frozenset({"country", "state", "city"})


@mention_rules.register(NESTED_PLACE_RULE)
def nested_place_mentions(lexicon: Lexicon, vocab: Vocab) -> MentionRule:
    """A place named inside an organization's, a building's or an event's name, at its
    start or after "of": "Volgograd" in "Volgograd Arena", "Sheffield" in "University of
    Sheffield". The text names the place, so it is a mention of it; nothing is said
    about where the holder is."""
    place_kind("")  # read the tables now, with the pipeline
    # the holder's head word must say what it is ("Arena", "University", "Festival"):
    # "Paris Hilton", which the NER may call an organization, holds no place
    heads = frozenset().union(
        *lexicon.name_heads.values(),
        *(nouns for cls, nouns in lexicon.cue_nouns.items() if lexicon.group(cls) != "person"),
    )

    def rule(doc: Doc) -> Iterator[Mention]:
        for ent in doc.ents:
            if ent.label_ not in HOLDS_PLACES or len(ent) < 2:
                continue
            tokens = _trim(list(ent))
            if len(tokens) < 2:
                continue  # trimmed to one word or none ("the ...")
            head = next((t for t in tokens if t.lower_ == "of"), None)
            head = tokens[-1] if head is None or head.i == tokens[0].i else doc[head.i - 1]
            if head.lower_ not in heads:
                continue
            starts = [0] + [n + 1 for n, t in enumerate(tokens[:-1]) if t.lower_ == "of"]
            for at in starts:
                last = len(tokens) if at else len(tokens) - 1
                for end in range(last, at, -1):
                    run = tokens[at:end]
                    if not all(t.text[:1].isupper() for t in run):
                        continue
                    text = doc_text(doc)[run[0].idx : run[-1].idx + len(run[-1])]
                    # "Lincoln Center", "Jackson Hole": a given name honours a person
                    if place_kind(text) in NESTED_KINDS and not is_given_name(text, common=False):
                        mention = make_mention(doc, run, NESTED_PLACE_RULE, 0.7, "GPE")
                        if mention is not None:
                            yield mention
                        break

    return rule


def _modifier_tokens(token: Token) -> set[int]:
    """Token indices of the name-like modifiers in front of an event noun."""
    keep: set[int] = set()
    todo = [c for c in token.lefts]
    while todo:
        child = todo.pop()
        if child.ent_type_ in _NON_NAME_DATE or child.dep_ in ("det", "nummod", "punct", "cc"):
            continue
        if child.pos_ == "PRON":
            continue
        if child.dep_ in ("compound", "poss", "amod", "nmod", "case") or (
            child.dep_ == "punct" and child.text in POSSESSIVE_MARKERS
        ):
            keep.add(child.i)
            todo.extend(c for c in child.children if c.i < token.i)
    return keep


#: Events named after the workers who stop work ("the writers' strike").
STOPPAGES = frozenset({"strike", "strikes", "walkout", "walkouts", "lockout", "stoppage"})


def _workers(doc: Doc, i: int, person_nouns: frozenset[str]) -> bool:
    """Whether token ``i`` names workers as a stoppage's owner: a plural noun for people
    with a possessive apostrophe ("writers'", "actors'", "nurses'")."""
    token = doc[i]
    return (
        token.tag_ == "NNS"
        and token.lemma_ in person_nouns
        and i + 1 < len(doc)
        and doc[i + 1].text in POSSESSIVE_MARKERS
    )


@mention_rules.register("kg.mentions.event_names.v1")
def event_name_mentions(lexicon: Lexicon, vocab: Vocab) -> MentionRule:
    """Event names: proper-noun modifiers before an event noun ("the WGA strike"), and
    the workers whose stoppage it is ("the writers' strike", "the nurses' walkout")."""
    nouns = lexicon.cue_nouns.get("Event", frozenset())
    person_nouns = lexicon.cue_nouns.get("Person", frozenset())

    noun_ids = string_ids(nouns)

    def rule(doc: Doc) -> Iterator[Mention]:
        pos, lowers = doc_ids(doc, POS), doc_ids(doc, LOWER)
        for token in doc_tokens(doc):
            if lowers[token.i] not in noun_ids or pos[token.i] not in (NOUN, PROPN):
                continue
            keep = _modifier_tokens(token)
            names = [i for i in keep if doc[i].pos_ == "PROPN"]
            if token.lower_ in STOPPAGES:
                names += [i for i in keep if _workers(doc, i, person_nouns)]
            if not names:
                continue
            start = min(names)
            # the phrase must be contiguous: drop anything before a gap
            for i in range(token.i - 1, start - 1, -1):
                if i not in keep:
                    start = i + 1
                    break
            if not any(
                doc[i].pos_ == "PROPN" or _workers(doc, i, person_nouns)
                for i in range(start, token.i)
            ):
                continue
            start = _year_before(doc, start)
            mention = make_mention(
                doc,
                list(doc[start : token.i + 1]),
                "kg.mentions.event_names.v1",
                0.8,
                "EVENT",
                # "the writers' strike" names the strike, in lower case
                lower_case=_workers(doc, start, person_nouns),
            )
            if mention is not None:
                yield mention

    return rule


@mention_rules.register("kg.mentions.proper_nouns.v1")
def proper_noun_mentions(lexicon: Lexicon, vocab: Vocab) -> MentionRule:
    """Runs of capitalised proper nouns the NER left out ("Ines Valcourt won ...",
    "Facebook co-founder ..."): candidates for the typer.

    They carry no NER label, so they become entities only where the learned typer
    (or a type rule) says what they are, or where they join a name the NER did find.
    """

    org_heads = lexicon.name_heads_in("organization")

    def titled(run: list[Token]) -> bool:
        """A run of capitals that is a job title, not a name ("Chief Operating Officer")."""
        text = " ".join(t.text for t in run)
        return lexicon.title_prop(text) is not None or bool(lexicon.classes_for_noun(text))

    def rule(doc: Doc) -> Iterator[Mention]:
        covered = {t.i for e in doc.ents for t in e}
        run: list[Token] = []
        tokens = doc_tokens(doc)
        for token in [*tokens, None]:
            if (
                token is not None
                and token.pos_ == "PROPN"
                # "PC World": an acronym may open a name, or stand in it (not one the
                # knowledge base knows alone: "LA" of "the LA Sheriff's office")
                and (
                    token.is_title
                    or (
                        token.is_upper
                        and token.is_alpha
                        and len(token) > 1
                        and token.lower_ not in lexicon.kb
                        and lexicon.title_prop(token.text) is None  # "Acme CEO Jo Park"
                    )
                )
                and token.i not in covered
                and token.ent_type_ not in _NON_NAME_DATE
            ):
                run.append(token)
                continue
            if (
                token is not None
                and token.lower_ == "of"
                and run
                and run[-1].lower_ in org_heads
                and token.i + 1 < len(tokens)
                and tokens[token.i + 1].pos_ == "PROPN"
                and tokens[token.i + 1].is_title
                and tokens[token.i + 1].i not in covered
            ):
                run.append(token)  # "Directors Guild of America"
                continue
            if run and not titled(run):
                mention = make_mention(doc, run, "kg.mentions.proper_nouns.v1", 0.6, None)
                if mention is not None:
                    yield mention
            run = []

    return rule


@mention_rules.register("kg.mentions.joined_names.v1")
def joined_name_mentions(lexicon: Lexicon, vocab: Vocab) -> MentionRule:
    """Names with "and" inside that the NER cut in two: "Australian Competition and
    Consumer Commission", when the part before "and" is no name on its own (it ends in
    no name head) and the part after ends in an organization's name head; and names
    with "for" inside, after an organization's name head: "Joint Council for the
    Welfare of Immigrants"."""
    org_heads = lexicon.name_heads_in("organization")
    any_heads = {w for words in lexicon.name_heads.values() for w in words}
    labels = frozenset(lexicon.ner_classes)

    def rule(doc: Doc) -> Iterator[Mention]:
        tokens = doc_tokens(doc)
        for i, lower in enumerate(doc_ids(doc, LOWER)):
            if lower != _AND or i == 0 or i + 1 >= len(doc):
                continue
            token = tokens[i]
            left, right = token.i - 1, token.i + 1
            if not (doc[left].is_title and doc[right].is_title):
                continue
            start = left
            while (
                start > sentence_bounds(token)[0]
                and doc[start - 1].is_title
                and doc[start - 1].pos_ == "PROPN"
            ):
                start -= 1
            end = right
            while (
                end + 1 < sentence_bounds(token)[1]
                and doc[end + 1].is_title
                and doc[end + 1].pos_ in ("PROPN", "NOUN")
            ):
                end += 1
            if doc[left].lower_ in any_heads or doc[end].lower_ not in org_heads:
                continue
            if any(e.end == token.i and e.label_ in labels for e in doc.ents):
                continue  # "Netflix and Bell Media": the NER saw a whole name before "and"
            mention = make_mention(
                doc, list(doc[start : end + 1]), "kg.mentions.joined_names.v1", 0.7, "ORG"
            )
            if mention is not None:
                yield mention
        # "Joint Council for the Welfare of Immigrants", "Andy Warhol Foundation for the
        # Visual Arts": an organization's name head, then "for" and a title-case phrase
        for i, lower in enumerate(doc_ids(doc, LOWER)):
            if lower != _FOR or i == 0 or tokens[i - 1].lower_ not in org_heads:
                continue
            token = tokens[i]
            first, last = sentence_bounds(token)
            if not tokens[i - 1].is_title:
                continue
            start = i - 1
            while (
                start > first and tokens[start - 1].is_title and tokens[start - 1].pos_ == "PROPN"
            ):
                start -= 1
            end = i + 1
            if end < last and tokens[end].lower_ == "the":
                end += 1
            stop = end
            while stop < last and (
                tokens[stop].is_title
                or (
                    tokens[stop].lower_ in _NAME_JOINERS
                    and stop + 1 < last
                    and tokens[stop + 1].is_title
                )
            ):
                stop += 1
            if stop == end or not tokens[stop - 1].is_title:
                continue  # "the Council for all of us": no name after "for"
            mention = make_mention(
                doc, list(doc[start:stop]), "kg.mentions.joined_names.v1", 0.7, "ORG"
            )
            if mention is not None:
                yield mention
        # "Screen Actors Guild-American Federation of Television and Radio Artists": the
        # NER's two organizations around "and", the first "<...> of <words>" whose words
        # name no place ("Bank of England and Barclays" are two), the second ending in
        # no name head of its own ("University of Oxford and Cambridge University") and
        # more than one word ("Bank of England and Barclays")
        ents = list(doc.ents)
        for left_org, right_org in pairwise(ents):
            if (
                left_org.label_ != "ORG"
                or right_org.label_ != "ORG"
                or right_org.start != left_org.end + 1
                or doc[left_org.end].lower_ != "and"
                or len(right_org) < 2
                or not all(t.is_title for t in right_org)
                or right_org[-1].lower_ in any_heads
                or lexicon.kb_entry(right_org.text) is not None
            ):
                continue
            ofs = [t.i for t in left_org if t.lower_ == "of"]
            if not ofs or ofs[-1] + 1 >= left_org.end:
                continue
            after_of = doc[ofs[-1] + 1 : left_org.end]
            if not all(t.is_title for t in after_of) or place_kind(after_of.text) is not None:
                continue
            mention = make_mention(
                doc,
                _trim(list(doc[left_org.start : right_org.end])),  # without "The"
                "kg.mentions.joined_names.v1",
                0.7,
                "ORG",
            )
            if mention is not None:
                yield mention

    return rule


@mention_rules.register("kg.mentions.kb.v1")
def kb_mentions(lexicon: Lexicon, vocab: Vocab) -> MentionRule:
    """Names from the knowledge base that the NER missed."""
    matcher = PhraseMatcher(vocab)
    names = sorted({n for e in lexicon.kb.values() if e.cls != "Concept" for n in e.names})
    matcher.add("KB", [phrase_doc(vocab, n) for n in names])

    def rule(doc: Doc) -> Iterator[Mention]:
        for _, start, end in matcher(doc):
            mention = make_mention(doc, _trim(list(doc[start:end])), "kg.mentions.kb.v1", 0.8, None)
            if mention is not None:
                yield mention

    return rule


def phrase_doc(vocab: Vocab, text: str) -> Doc:
    """``text`` tokenized as spaCy tokenizes English (for phrase matchers: "Mary's" is
    two tokens in a parsed text, so it must be two in the pattern)."""
    from spacy.lang.en import English

    tokenizer = _TOKENIZERS.get(id(vocab))
    if tokenizer is None:
        tokenizer = English(vocab=vocab).tokenizer
        _TOKENIZERS[id(vocab)] = tokenizer
    return tokenizer(text)


_TOKENIZERS: dict[int, Callable[[str], Doc]] = {}


def _key(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").split()).casefold()


def select(mentions: Iterable[Mention]) -> list[Mention]:
    """Resolve overlaps: the longer name wins, except that an event name keeps the
    names inside it ("Hollywood" in "the Hollywood writers' strike"). Names found
    by a user's or a plugin's rules (any rule not named ``kg.*``) come first: a
    pattern someone wrote outranks the statistical NER it overlaps."""
    chosen: list[Mention] = []
    spans: set[tuple[int, int]] = set()
    # character offset -> the chosen mentions covering it: finding what a mention
    # overlaps costs its own length, not the number of mentions chosen so far
    covering: dict[int, list[Mention]] = {}
    by_length = sorted(
        set(mentions),
        key=lambda m: (m.rule.startswith("kg."), -(m.end - m.start), m.start, m.rule),
    )
    for mention in by_length:
        clash = {id(c): c for i in range(mention.start, mention.end) for c in covering.get(i, ())}
        nested = all(
            (
                # an event keeps the names inside it ("Hollywood" in "the Hollywood
                # writers' strike"), not itself without its year ("Halvern Marathon")
                (c.rule == "kg.mentions.event_names.v1" and mention.end < c.end)
                or mention.rule == NESTED_PLACE_RULE
            )
            and c.start <= mention.start
            and mention.end <= c.end
            for c in clash.values()
        )
        if not clash or nested:
            if (mention.start, mention.end) in spans:
                continue
            chosen.append(mention)
            spans.add((mention.start, mention.end))
            for i in range(mention.start, mention.end):
                covering.setdefault(i, []).append(mention)
    return sorted(chosen, key=lambda m: (m.start, m.end))


#: First words of names that are not names on their own ("New" of "New York Times").
_COMMON_FIRST = frozenset(
    {
        "new",
        "the",
        "north",
        "south",
        "east",
        "west",
        "united",
        "national",
        "american",
        "british",
        "european",
        "international",
        "royal",
        "saint",
        "san",
        "los",
        "las",
        "general",
        "first",
        "great",
        "upper",
        "lower",
    }
)


def add_repeats(doc: Doc, mentions: list[Mention], lexicon: Lexicon) -> list[Mention]:
    """Add later occurrences of names already found, where the NER missed them.

    Words are compared as the Doc's ORTH ids (:func:`kg.extract.common.doc_ids`), so the walk over
    every token makes a ``Token`` only where a known name's first word stands."""
    orths = doc_ids(doc, ORTH)
    by_first: dict[int, set[tuple[int, ...]]] = {}
    for m in mentions:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        ids = tuple(orths[span.start : span.end])
        by_first.setdefault(ids[0], set()).add(ids)
        if len(ids) > 1:
            words = [t.text for t in span]
            # the short forms news uses later: "Meridian" for "Meridian Pictures",
            # "Ashdown" for "Colin Ashdown", "DCTA" for "Denver Classroom Teachers Association"
            part = words[-1] if m.ner_label == "PERSON" else words[0]
            if part[:1].isupper() and part.isalpha() and part.lower() not in _COMMON_FIRST:
                by_first.setdefault(get_string_id(part), set()).add((get_string_id(part),))
            acronym = "".join(w[0] for w in words if w[:1].isupper() and w.lower() != "of")
            if len(acronym) >= 2 and acronym.isupper():
                by_first.setdefault(get_string_id(acronym), set()).add((get_string_id(acronym),))
    covered = {i for m in mentions for i in range(m.start, m.end)}
    extra: list[Mention] = []
    tokens = doc_tokens(doc)
    for i, orth in enumerate(orths):
        found = by_first.get(orth)
        if not found:
            continue
        token = tokens[i]
        for ids in sorted(found, key=len, reverse=True):
            end = i + len(ids)
            if end > len(orths) or tuple(orths[i:end]) != ids:
                continue
            if len(ids) == 1 and not (token.pos_ == "PROPN" or token.is_upper):
                continue
            if (
                len(ids) == 1
                and end < len(tokens)
                and tokens[end].is_title
                and lexicon.title_prop(tokens[end].text) is not None
            ):
                continue  # "Home" of "Home Office" is not the "Home" of "Home Secretary"
            start = i
            # a first name the NER missed with it ("Ines Valcourt" where only "Valcourt" is known)
            while (
                start > sentence_bounds(token)[0]
                and tokens[start - 1].pos_ == "PROPN"
                and tokens[start - 1].is_title
                and tokens[start - 1].idx not in covered
            ):
                start -= 1
            span = doc[start:end]
            if any(c in covered for c in range(span.start_char, span.end_char)):
                break
            mention = make_mention(doc, tokens[start:end], "kg.mentions.repeat.v1", 0.7, None)
            if mention is not None:
                extra.append(mention)
                covered.update(range(span.start_char, span.end_char))
            break
    return sorted([*mentions, *extra], key=lambda m: (m.start, m.end))


class MentionComponent(RuleComponent):
    """spaCy component ``kg_mentions``: runs the mention rules, writes ``doc._.kg_mentions``."""

    registry = mention_rules
    attribute = "kg_mentions"

    def collect(self, doc: Doc) -> list[Mention]:
        concepts = self.lexicon.concepts
        found = [m for m in super().collect(doc) if _key(m.text) not in concepts]
        mentions = add_repeats(doc, select(found), self.lexicon)
        doc.user_data.pop("kg_mention_tokens", None)
        doc.user_data.pop("kg_mention_bounds", None)
        return [m for m in mentions if _key(m.text) not in concepts]


@Language.factory(
    "kg_mentions",
    assigns=["doc._.kg_mentions"],
    requires=["doc.ents", "token.dep"],
    default_config={
        "rules": [
            "kg.mentions.ner.v1",
            "kg.mentions.event_names.v1",
            "kg.mentions.kb.v1",
            "kg.mentions.proper_nouns.v1",
            "kg.mentions.joined_names.v1",
            NESTED_PLACE_RULE,
        ],
        "ontology": [],
        "kb": True,
    },
)
def make_mention_component(
    nlp: Language, name: str, rules: list[str], ontology: list[str], kb: bool
) -> MentionComponent:
    return MentionComponent(nlp, name, rules, ontology, kb)
