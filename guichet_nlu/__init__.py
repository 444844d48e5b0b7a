"""Guichet's own NLU components, used by config.yml alongside Rasa's."""
