"""Settings for extraction from a TOML file (``kg build --config kg.toml``).

Every key is optional; the command line wins over the file::

    model = "en_core_web_sm"            # spaCy pipeline name
    ontology = ["my-ontology.ttl"]      # relative to the config file
    kb = true                           # use the bundled knowledge base
    min_confidence = 0.5
    max_entities = 2000                 # refuse an article that names more
    provenance = "mentions"             # or "full" or "facts" (see kg/rdf.py)

    [rules]                             # which registered rules run (see kg plugins)
    relations = ["kg.relations.titles.v1", "acme.relations.sponsors.v1"]  # only these
    exclude = ["kg.relations.locations.v1"]                               # never these

Without a ``[rules]`` list a component runs kg's rules and every plugin's.

>>> from kg.config import parse_settings
>>> s = parse_settings('min_confidence = 0.5\\n[rules]\\nexclude = ["kg.mentions.kb.v1"]')
>>> s.min_confidence, s.exclude
(0.5, ('kg.mentions.kb.v1',))
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import InputError, UsageError
from kg.limits import read_limited
from kg.types import DEFAULT_PROVENANCE, PROVENANCE_LEVELS

#: ``[rules]`` key -> the spaCy component that runs those rules.
RULE_KEYS = {"mentions": "kg_mentions", "types": "kg_types", "relations": "kg_relations"}
#: Largest config file kg reads: a few settings.
MAX_CONFIG_BYTES = 1_000_000
TOP_KEYS = {"model", "ontology", "kb", "min_confidence", "max_entities", "provenance", "rules"}


@dataclass(frozen=True)
class Settings:
    model: str | None = None
    ontology: tuple[str, ...] = ()
    kb: bool = True
    min_confidence: float = 0.0
    rules: dict[str, list[str]] = field(default_factory=dict)  # component -> rule names
    exclude: tuple[str, ...] = ()
    max_entities: int = 2000
    provenance: str = DEFAULT_PROVENANCE

    def component_config(self) -> dict[str, dict[str, object]]:
        return {component: {"rules": names} for component, names in self.rules.items()}


def _strings(value: Any, key: str, where: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError(f"{where}: {key} must be a list of strings")
    return list(value)


def parse_settings(text: str, where: str = "config", base: Path | None = None) -> Settings:
    """Settings from TOML text; relative ontology paths resolve against ``base``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{where}: not valid TOML ({exc})") from exc
    except RecursionError as exc:
        raise UsageError(f"{where}: not valid TOML (nested too deeply)") from exc
    unknown = set(data) - TOP_KEYS
    if unknown:
        raise UsageError(f"{where}: unknown setting {sorted(unknown)[0]!r}")
    rules_table = data.get("rules", {})
    if not isinstance(rules_table, dict):
        raise UsageError(f"{where}: [rules] must be a table")
    unknown = set(rules_table) - {*RULE_KEYS, "exclude"}
    if unknown:
        raise UsageError(f"{where}: unknown [rules] key {sorted(unknown)[0]!r}")
    ontology = _strings(data.get("ontology", []), "ontology", where)
    if base is not None:
        ontology = [str(base / p) for p in ontology]
    model = data.get("model")
    if model is not None and not isinstance(model, str):
        raise UsageError(f"{where}: model must be a string")
    kb = data.get("kb", True)
    if not isinstance(kb, bool):
        raise UsageError(f"{where}: kb must be true or false")
    confidence = data.get("min_confidence", 0.0)
    if not isinstance(confidence, int | float) or isinstance(confidence, bool):
        raise UsageError(f"{where}: min_confidence must be a number")
    max_entities = data.get("max_entities", Settings.max_entities)
    if not isinstance(max_entities, int) or isinstance(max_entities, bool) or max_entities < 1:
        raise UsageError(f"{where}: max_entities must be a whole number of at least 1")
    provenance = data.get("provenance", DEFAULT_PROVENANCE)
    if provenance not in PROVENANCE_LEVELS:
        raise UsageError(f"{where}: provenance must be one of {', '.join(PROVENANCE_LEVELS)}")
    return Settings(
        model=model,
        ontology=tuple(ontology),
        kb=kb,
        min_confidence=float(confidence),
        rules={
            RULE_KEYS[k]: _strings(v, k, where) for k, v in rules_table.items() if k in RULE_KEYS
        },
        exclude=tuple(_strings(rules_table.get("exclude", []), "exclude", where)),
        max_entities=max_entities,
        provenance=provenance,
    )


def load_settings(path: str | Path) -> Settings:
    """Read a config file; a missing or unreadable one is an input error."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"no such config file: {path}")
    try:
        text = read_limited(path, MAX_CONFIG_BYTES, f"config file {path}").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"cannot read config file {path}: {exc}") from exc
    return parse_settings(text, str(path), path.parent)
