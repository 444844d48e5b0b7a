"""Guichet's own NLU components, used by config.yml alongside Rasa's.

Importing the package also applies :mod:`guichet_nlu.runtime_patches` (Rasa imports it
when it loads a Guichet model, so the serving process always runs patched).
"""

from guichet_nlu import runtime_patches  # noqa: F401
