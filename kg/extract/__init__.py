"""Extraction: spaCy components that find mentions, type cues and candidate relations.

Importing this package registers the components ``kg_paragraphs`` (sentence
starts at paragraph breaks, before the parser), ``kg_mentions``, ``kg_types``
and ``kg_relations`` and kg's built-in rules.
"""

from kg.extract import cues, mentions, paragraphs, relations, typer

__all__ = ["cues", "mentions", "paragraphs", "relations", "typer"]
