"""What kg's stages share about a spaCy ``Doc``: the names of kg's ``Doc._`` extensions
and components, and the Doc's text read once. Below both :mod:`kg.nlp`, which loads
the pipeline, and :mod:`kg.extract`, whose components fill the extensions, so
neither has to import the other for them."""

from __future__ import annotations

from spacy.tokens import Doc

__all__ = ["EXTENSIONS", "PARAGRAPHS", "doc_text", "register_extensions"]

#: kg's component that sets sentence starts at paragraph breaks, before the parser.
PARAGRAPHS = "kg_paragraphs"
#: Doc extensions, written by kg's components in this order.
EXTENSIONS = ("kg_mentions", "kg_type_cues", "kg_candidates")


def register_extensions() -> None:
    for name in EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


def doc_text(doc: Doc) -> str:
    """The Doc's text, joined once and kept in ``doc.user_data`` until kg's caches are
    released (``Doc.text`` joins every token each time it is read)."""
    cached: str | None = doc.user_data.get("kg_text")
    if cached is None:
        cached = doc.text
        doc.user_data["kg_text"] = cached
    return cached
