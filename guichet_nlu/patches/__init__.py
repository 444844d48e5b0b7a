"""Small runtime patches of Rasa 3.6 hot paths, one module each.

:func:`guichet_nlu.runtime_patches.apply` is the single entry point that installs them.
"""
