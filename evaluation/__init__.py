"""Measuring Guichet: NLU scores on the held-out set, pipeline comparisons, reports."""
