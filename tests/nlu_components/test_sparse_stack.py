"""Sparse features combined by guichet_nlu.patches.sparse_stack equal scipy.sparse.hstack's."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
from rasa.shared.nlu.training_data.features import Features

from guichet_nlu.patches import sparse_stack


def assert_same_matrix(ours: scipy.sparse.spmatrix, theirs: scipy.sparse.spmatrix) -> None:
    assert type(ours) is type(theirs)
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
    assert vars(ours).keys() == vars(theirs).keys()
    assert type(ours.shape[0]) is type(theirs.shape[0]) is int
    assert (ours.has_canonical_format, ours.maxprint) == (theirs.has_canonical_format, theirs.maxprint)
    assert ours.data.dtype.isnative
    for name in ("row", "col", "data"):
        mine, reference = getattr(ours, name), getattr(theirs, name)
        assert mine.dtype == reference.dtype, name
        np.testing.assert_array_equal(mine, reference, err_msg=name)


def random_coo(rng: np.random.Generator, rows: int, columns: int, dtype: type,
               duplicates: bool = False) -> scipy.sparse.coo_matrix:
    nnz = int(rng.integers(0, rows * columns // 3 + 1)) if rows and columns else 0
    row = rng.integers(0, max(rows, 1), nnz)
    col = rng.integers(0, max(columns, 1), nnz)
    if duplicates and nnz:
        row, col = np.concatenate([row, row[:1]]), np.concatenate([col, col[:1]])
    data = rng.random(len(row)) * 10
    return scipy.sparse.coo_matrix((data.astype(dtype), (row, col)), shape=(rows, columns))


@pytest.mark.parametrize("left_dtype,right_dtype", [
    (np.float32, np.float32), (np.float32, np.float64), (np.int64, np.float32),
    (np.bool_, np.float32), (np.int32, np.int64)])
def test_random_pairs_equal_scipys_hstack(left_dtype: type, right_dtype: type) -> None:
    rng = np.random.default_rng(7)
    for _ in range(200):
        rows = int(rng.integers(0, 15))
        left = random_coo(rng, rows, int(rng.integers(0, 40)), left_dtype,
                          duplicates=bool(rng.integers(0, 2)))
        right = random_coo(rng, rows, int(rng.integers(0, 3000)), right_dtype)
        assert_same_matrix(sparse_stack.hstack_pair(left, right),
                           scipy.sparse.hstack([left, right]))


def test_index_dtype_follows_the_shape_as_in_scipy() -> None:
    wide = scipy.sparse.coo_matrix(([1.0], ([0], [2 ** 31 + 3])), shape=(1, 2 ** 31 + 5))
    narrow = scipy.sparse.coo_matrix(([2.0], ([0], [1])), shape=(1, 4))
    ours = sparse_stack.hstack_pair(narrow, wide)
    assert ours.col.dtype == np.int64
    assert_same_matrix(ours, scipy.sparse.hstack([narrow, wide]))
    assert ours.col.tolist() == [1, 2 ** 31 + 7]


def test_other_formats_and_mismatched_rows_go_to_scipy() -> None:
    left = scipy.sparse.csr_matrix(np.eye(3, dtype=np.float32))
    right = scipy.sparse.coo_matrix(np.ones((3, 2), dtype=np.float32))
    assert_same_matrix(sparse_stack.hstack_pair(left, right), scipy.sparse.hstack([left, right]))
    with pytest.raises(ValueError):
        sparse_stack.hstack_pair(right, scipy.sparse.coo_matrix(np.ones((2, 2))))


def test_rasas_features_are_combined_by_the_patch_with_rasas_checks() -> None:
    assert Features._combine_sparse_features is sparse_stack.combine_sparse_features
    rng = np.random.default_rng(3)
    first = Features(random_coo(rng, 5, 30, np.float32), "sequence", "text", "regex")
    second = Features(random_coo(rng, 5, 900, np.float32), "sequence", "text", "cvf")
    expected = scipy.sparse.hstack([first.features, second.features])
    first.fingerprint()
    first.combine_with_features(second)
    assert_same_matrix(first.features, expected)
    assert first._cached_fingerprint is None
    with pytest.raises(ValueError, match="sequence dimensions do not match: 5 != 4"):
        first.combine_with_features(
            Features(random_coo(rng, 4, 3, np.float32), "sequence", "text", "lex"))
