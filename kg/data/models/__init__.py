"""Trained artefacts (JSON weights, each with its model card); see :mod:`kg.train`."""
