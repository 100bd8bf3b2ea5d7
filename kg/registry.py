"""Named registries for the swappable pieces of extraction.

Like spaCy's, each registry maps a versioned name (``"kg.relations.titles.v1"``)
to a factory. Third-party packages add their own through entry-point groups
``kg_mention_rules``, ``kg_type_rules`` and ``kg_relation_rules``.

A factory takes the :class:`~kg.lexicon.Lexicon` and the ``Vocab`` and returns a
callable ``rule(doc) -> iterable`` of :class:`~kg.types.Mention`,
:class:`~kg.types.TypeCue` or :class:`~kg.types.Candidate`. Factories run once
per pipeline, so matchers are built once, not per document.
"""

from __future__ import annotations

import catalogue

mention_rules = catalogue.create("kg", "mention_rules", entry_points=True)
type_rules = catalogue.create("kg", "type_rules", entry_points=True)
relation_rules = catalogue.create("kg", "relation_rules", entry_points=True)

REGISTRIES = {
    "mention_rules": mention_rules,
    "type_rules": type_rules,
    "relation_rules": relation_rules,
}
