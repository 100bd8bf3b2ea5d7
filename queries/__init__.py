"""kg's shipped SPARQL queries, as package data (kg.queries)."""
