"""Data files shipped inside the package: learned models under ``models/``."""
