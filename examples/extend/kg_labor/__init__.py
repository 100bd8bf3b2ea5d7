"""kg-labor: an example kg plugin.

It adds, without touching kg's code:

- ``labor:LaborUnion`` (a kind of ``kg:Organization``), ``labor:Award`` (a kind
  of ``kg:Event``) and the relation ``labor:memberOf``, in ``labor.ttl``;
- a pattern rule that finds award names the NER misses ("the Harbourside Labour
  Prize"), registered as ``kg_labor.awards.v1``;
- dependency patterns for membership ("X, a member of Y", "X joined Y",
  "X belongs to Y"), registered as ``kg_labor.member_of.v1``.

Its ``pyproject.toml`` names each of these in kg's entry-point groups, so
installing the package is all it takes: ``kg build`` then runs the rules and
reads the ontology, and ``kg plugins`` lists them.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from kg.extract.patterns import entity_rules, relation_rule


def ontology_files() -> list[Path]:
    """The plugin's Turtle files (entry point ``kg_ontologies``)."""
    return [Path(str(resources.files(__name__).joinpath("labor.ttl")))]


# "the Harbourside Labour Prize", "Golden Rivet Award": capitalised words ending in an award noun
AWARD_PATTERNS = [
    [
        {"IS_TITLE": True, "POS": {"IN": ["PROPN", "ADJ", "NOUN"]}, "OP": "+"},
        {"LOWER": {"IN": ["prize", "award", "awards", "medal", "trophy"]}, "IS_TITLE": True},
    ],
]
award_mentions, award_types = entity_rules("kg_labor.awards.v1", "Award", AWARD_PATTERNS)


def _member_of_noun(dep: str, subject_rel: str) -> list[dict[str, object]]:
    """ "X is a member of Y" (the noun is an attribute) or "X, a member of Y" (apposition)."""
    nodes: list[dict[str, object]] = [
        {"RIGHT_ID": "member", "RIGHT_ATTRS": {"LEMMA": "member", "DEP": dep}},
        {
            "LEFT_ID": "member",
            "REL_OP": ">",
            "RIGHT_ID": "of",
            "RIGHT_ATTRS": {"DEP": "prep", "LOWER": "of"},
        },
        {"LEFT_ID": "of", "REL_OP": ">", "RIGHT_ID": "object", "RIGHT_ATTRS": {"DEP": "pobj"}},
    ]
    if subject_rel == "appos":
        nodes.append({"LEFT_ID": "member", "REL_OP": "<", "RIGHT_ID": "subject", "RIGHT_ATTRS": {}})
    else:
        nodes += [
            {"LEFT_ID": "member", "REL_OP": "<", "RIGHT_ID": "verb", "RIGHT_ATTRS": {}},
            {
                "LEFT_ID": "verb",
                "REL_OP": ">",
                "RIGHT_ID": "subject",
                "RIGHT_ATTRS": {"DEP": "nsubj"},
            },
        ]
    return nodes


def _verb(lemma: str, object_path: str) -> list[dict[str, object]]:
    """ "X joined Y" (direct object) or "X belongs to Y" (object of "to")."""
    nodes: list[dict[str, object]] = [
        {"RIGHT_ID": "verb", "RIGHT_ATTRS": {"LEMMA": lemma, "POS": "VERB"}},
        {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "subject", "RIGHT_ATTRS": {"DEP": "nsubj"}},
    ]
    if object_path == "dobj":
        nodes.append(
            {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "object", "RIGHT_ATTRS": {"DEP": "dobj"}}
        )
    else:
        nodes += [
            {
                "LEFT_ID": "verb",
                "REL_OP": ">",
                "RIGHT_ID": "prep",
                "RIGHT_ATTRS": {"DEP": "prep", "LOWER": object_path},
            },
            {
                "LEFT_ID": "prep",
                "REL_OP": ">",
                "RIGHT_ID": "object",
                "RIGHT_ATTRS": {"DEP": "pobj"},
            },
        ]
    return nodes


MEMBER_PATTERNS = [
    _member_of_noun("attr", "nsubj"),
    _member_of_noun("appos", "appos"),
    _verb("join", "dobj"),
    _verb("belong", "to"),
]
# the range check keeps only unions: "joined the strike" stays participatesIn
member_of = relation_rule("kg_labor.member_of.v1", "memberOf", MEMBER_PATTERNS, confidence=0.75)

__all__ = ["award_mentions", "award_types", "member_of", "ontology_files"]
