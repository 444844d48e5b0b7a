"""Sparse features of one message combined without ``scipy.sparse.hstack``'s generic path.

Before DIET classifies a message, Rasa gathers the sparse features every featurizer put
on it (regex, lexical-syntactic, word and character count vectors; sequence and
sentence) and joins them side by side: ``Features._combine_sparse_features`` calls
``scipy.sparse.hstack`` once per extra featurizer. For two COO matrices of a dozen rows
that call spends about 90 µs in ``bmat``'s general machinery (an object array of blocks,
per-block checks, offsets for any grid of blocks), for 7 % of the Rasa server's CPU under
load (py-spy, benchmarks/TUNING.md).

When both sides are ``coo_matrix`` objects (what all of Rasa's sparse featurizers
produce), the patch builds the same matrix directly, with ``bmat``'s own rules: data of
the upcast dtype, indices of ``get_index_dtype(maxval=max(shape))``, the left block's
entries first then the right block's with its columns shifted, in their stored order, as
a ``coo_matrix``. About 4 times faster; anything else (other formats, subclasses) still
goes to ``scipy.sparse.hstack``. The result is set up as ``coo_matrix``'s constructor
sets it up (same attributes) without the constructor's checks, which re-derive the index
type and scan every index for bounds: both blocks were valid matrices, so the joined
indices are in bounds and of the type just chosen (the checks were 60 % of the call). The row-count check
and its error message are Rasa's. Tests: tests/nlu_components/test_sparse_stack.py.
"""

from __future__ import annotations

import functools
from typing import Tuple

import numpy as np
import scipy.sparse
from rasa.shared.nlu.training_data.features import Features
from scipy.sparse._data import _data_matrix
from scipy.sparse._sputils import get_index_dtype, upcast

ORIGINAL_COMBINE_SPARSE = Features.__dict__["_combine_sparse_features"]


def hstack_pair(left: scipy.sparse.spmatrix, right: scipy.sparse.spmatrix
                ) -> scipy.sparse.spmatrix:
    """``scipy.sparse.hstack([left, right])``, directly for two ``coo_matrix``."""
    if type(left) is not scipy.sparse.coo_matrix or type(right) is not scipy.sparse.coo_matrix:
        return scipy.sparse.hstack([left, right])
    if left.shape[0] != right.shape[0]:
        return scipy.sparse.hstack([left, right])  # scipy's own error
    shape = (left.shape[0], left.shape[1] + right.shape[1])
    index_dtype = get_index_dtype(maxval=max(shape))
    split = left.nnz
    data = np.empty(split + right.nnz, dtype=upcast(left.dtype, right.dtype))
    row = np.empty(data.shape[0], dtype=index_dtype)
    col = np.empty(data.shape[0], dtype=index_dtype)
    data[:split] = left.data
    data[split:] = right.data
    row[:split] = left.row
    row[split:] = right.row
    col[:split] = left.col
    np.add(right.col, left.shape[1], out=col[split:], dtype=index_dtype)
    return checked_coo(data, row, col, shape)


def checked_coo(data: np.ndarray, row: np.ndarray, col: np.ndarray,
                shape: Tuple[int, int]) -> scipy.sparse.coo_matrix:
    """``coo_matrix((data, (row, col)), shape=shape)`` for arrays already valid for it:
    native-order data, ``row``/``col`` of ``get_index_dtype(maxval=max(shape))``, indices
    within ``shape`` (a tuple of ints)."""
    matrix = scipy.sparse.coo_matrix.__new__(scipy.sparse.coo_matrix)
    _data_matrix.__init__(matrix)
    matrix._shape = shape
    matrix.row, matrix.col, matrix.data = row, col, data
    matrix.has_canonical_format = False
    return matrix


@functools.wraps(ORIGINAL_COMBINE_SPARSE)
def combine_sparse_features(self: Features, additional_features: Features) -> None:
    """Rasa's ``Features._combine_sparse_features`` with :func:`hstack_pair`."""
    if self.features.shape[0] != additional_features.features.shape[0]:
        raise ValueError(
            f"Cannot combine sparse features as sequence dimensions do not "
            f"match: {self.features.shape[0]} != "
            f"{additional_features.features.shape[0]}."
        )
    self.features = hstack_pair(self.features, additional_features.features)
    self._cached_fingerprint = None


def apply() -> None:
    """Installs the direct combination on ``Features`` (idempotent)."""
    Features._combine_sparse_features = combine_sparse_features
