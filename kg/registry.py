"""Named registries for the swappable pieces of extraction, and the plugins that fill them.

Like spaCy's, each registry maps a versioned name (``"kg.relations.titles.v1"``)
to a factory. Third-party packages add their own through entry-point groups
``kg_mention_rules``, ``kg_type_rules``, ``kg_relation_rules`` and
``kg_ontologies``; code registers with the decorator::

    from kg.registry import relation_rules

    @relation_rules.register("acme.relations.sponsors.v1")
    def sponsors(lexicon, vocab):
        def rule(doc):
            ...  # yield kg.types.Candidate
        return rule

A factory takes the :class:`~kg.lexicon.Lexicon` and the ``Vocab`` and returns a
callable ``rule(doc) -> iterable`` of :class:`~kg.types.Mention`,
:class:`~kg.types.TypeCue` or :class:`~kg.types.Candidate`. Factories run once
per pipeline, so matchers are built once, not per document.

Every registered rule runs unless the user chooses otherwise (``rules`` or
``exclude`` in a config file, ``--exclude-rule`` on the command line): kg's
own first, in their fixed order, then the others by name.

An entry in ``ontologies`` is a callable that returns Turtle files (paths);
they extend the ontology, lexicon and knowledge base of every command, as if
given with ``--ontology``. With ``KG_NO_PLUGINS=1`` in the environment kg reads
no entry point: only its own rules and those registered in-process.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import catalogue

from kg.errors import UsageError

#: Set (to anything but 0) to run kg without the plugins installed beside it, as
#: kg's own tests do: read when kg is imported.
NO_PLUGINS = "KG_NO_PLUGINS"


def plugins_enabled() -> bool:
    """Whether kg reads the entry points of installed plugins (not with ``KG_NO_PLUGINS=1``)."""
    return os.environ.get(NO_PLUGINS, "") in ("", "0")


mention_rules = catalogue.create("kg", "mention_rules", entry_points=plugins_enabled())
type_rules = catalogue.create("kg", "type_rules", entry_points=plugins_enabled())
relation_rules = catalogue.create("kg", "relation_rules", entry_points=plugins_enabled())
ontologies = catalogue.create("kg", "ontologies", entry_points=plugins_enabled())

REGISTRIES = {
    "mention_rules": mention_rules,
    "type_rules": type_rules,
    "relation_rules": relation_rules,
}
#: The spaCy component that runs each registry's rules.
COMPONENTS = {
    "kg_mentions": "mention_rules",
    "kg_types": "type_rules",
    "kg_relations": "relation_rules",
}


def choose_rules(
    registry: str,
    builtin: Sequence[str],
    chosen: Sequence[str] | None = None,
    exclude: Iterable[str] = (),
) -> list[str]:
    """The rules a component runs: ``chosen`` if given, else kg's ``builtin`` rules
    followed by every other registered one (plugins'), less ``exclude``.

    Raises :class:`~kg.errors.UsageError` for a name no registry knows.
    """
    known = REGISTRIES[registry].get_all()
    if chosen is None:
        names = [*builtin, *sorted(n for n in known if n not in builtin)]
    else:
        names = list(chosen)
    for name in names:
        if name not in known:
            raise UsageError(f"unknown {registry.replace('_', ' ')[:-1]} {name!r}; see kg plugins")
    dropped = set(exclude)
    return [n for n in names if n not in dropped]


def all_rule_names() -> set[str]:
    return {n for registry in REGISTRIES.values() for n in registry.get_all()}


def plugin_ontologies() -> list[Path]:
    """Turtle files that plugins add (entry-point group ``kg_ontologies``)."""
    files: list[Path] = []
    for _name, provider in sorted(ontologies.get_all().items()):
        found = provider()
        files.extend(Path(p) for p in ([found] if isinstance(found, str | Path) else found))
    return files


def unregister(registry: str, name: str) -> None:
    """Remove a rule registered in this process (not a plugin's entry point)."""
    key = ("kg", registry, name)
    if catalogue.check_exists(*key):
        catalogue._remove(key)
