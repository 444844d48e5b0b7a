"""A message's features of one kind combined without deep-copying a matrix that is replaced.

DIET (and the CRF, for its dense features) asks a message for all its sparse or dense
features of an attribute; Rasa's ``Message._combine_features`` deep-copies the first
featurizer's ``Features``, matrix included, then joins each next featurizer's matrix to
it with ``combine_with_features``. That join never changes the first matrix: it puts a
new one in its place (``np.concatenate`` or ``hstack``), or raises. So whenever a second
``Features`` follows, the deep copy of the first matrix is thrown away unread.

The patch then deep-copies the first ``Features`` with its matrix left out of the copy
(``fake_features.copy_sharing_matrix``) and joins the rest as Rasa does: every other
attribute is still a deep copy, and the result holds the new joined matrix, never the
message's own. A single ``Features`` (or anything unusual)
still goes to Rasa's code, whose deep copy is then the returned matrix.
Tests: tests/nlu_components/test_combined_features.py.
"""

from __future__ import annotations

import functools
from typing import List, Optional, Text

from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from guichet_nlu.patches.fake_features import copy_sharing_matrix

#: Rasa's staticmethod as the class holds it, and its function (for the fallback and tests).
ORIGINAL_STATICMETHOD = Message.__dict__["_combine_features"]
ORIGINAL = ORIGINAL_STATICMETHOD.__func__


@functools.wraps(ORIGINAL)
def combine_features(features: List[Features], featurizers: List[Text]) -> Optional[Features]:
    """Rasa's ``Message._combine_features`` without the copy of a matrix it replaces."""
    if len(features) < 2 or features[0] is None or features[1] is None:
        return ORIGINAL(features, featurizers)
    combined = copy_sharing_matrix(features[0])
    combined.origin = featurizers
    for other in features[1:]:
        combined.combine_with_features(other)
    return combined


def apply() -> None:
    """Installs the patch (idempotent)."""
    Message._combine_features = staticmethod(combine_features)
