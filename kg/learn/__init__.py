"""kg's learned parts: pure feature functions and the models that read them.

A model here is data (JSON weights with a model card under ``kg/data/models/``)
applied by plain dot products over sparse features; :mod:`kg.train` fits them.
"""
