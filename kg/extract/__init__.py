"""Extraction: spaCy components that find mentions, type cues and candidate relations.

Importing this package registers the components ``kg_mentions``, ``kg_types``
and ``kg_relations`` and kg's built-in rules.
"""

from kg.extract import cues, mentions, relations

__all__ = ["cues", "mentions", "relations"]
