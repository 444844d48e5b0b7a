"""Guichet's own NLU components, used by config.yml alongside Rasa's.

Importing the package also applies the runtime patches of Rasa's hot paths
(:mod:`guichet_nlu.runtime_patches`, :mod:`guichet_nlu.tf_predict`,
:mod:`guichet_nlu.tf_model_load`): Rasa imports it
when it loads a Guichet model, so the serving process always runs patched.
"""

from guichet_nlu import runtime_patches, tf_model_load, tf_predict  # noqa: F401

tf_predict.apply()
tf_model_load.apply()
