"""kg's ontology, cue-noun lexicon and knowledge base, shipped as package data (kg.ontology)."""
