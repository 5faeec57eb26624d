"""Tests of course_utils.word_vectors: the shipped GloVe rows, nearest neighbours and the embedding table."""

import shutil

import numpy as np
import pytest

from course_utils import data
from course_utils.text import PAD_ID, UNK_ID, Vocab
from course_utils.word_vectors import GLOVE_VECTORS, GLOVE_WORDS, WordVectors, embedding_matrix, load_glove


@pytest.fixture(scope="module")
def glove():
    return load_glove()


def test_shipped_glove_rows(glove):
    assert len(glove) == 15916 and glove.dim == 50
    assert glove.vectors.dtype == np.float32
    assert glove.words[:3] == ["the", ",", "."]  # GloVe's order: most frequent first
    np.testing.assert_allclose(glove["the"][:3], [0.418, 0.24968, -0.41242], atol=1e-3)  # float16 copy of GloVe
    assert "good" in glove and "<unk>" not in glove


def test_nearest_uses_cosine_similarity():
    vectors = WordVectors(["a", "b", "c", "d"], np.array([[1, 0], [10, 1], [0, 1], [-1, 0]], dtype=np.float32))
    assert [w for w, _ in vectors.nearest("a", 2)] == ["b", "c"]  # b is far in length, close in direction
    assert vectors.nearest("a", 1)[0][1] == pytest.approx(10 / np.sqrt(101))
    with pytest.raises(KeyError, match="has no vector"):
        vectors.nearest("zebra")
    with pytest.raises(ValueError, match="k must be at least 1; got k=0. It is the number of neighbours"):
        vectors.nearest("a", 0)


def test_nearest_neighbours_have_meaning(glove):
    assert "movies" in [w for w, _ in glove.nearest("movie", 3)]
    assert "hilarious" in [w for w, _ in glove.nearest("funny", 3)]


def test_embedding_matrix_copies_known_words_only(glove):
    vocab = Vocab(["good", "zzzqx", "film"])
    table, covered = embedding_matrix(vocab, glove, seed=0, scale=0.1)
    assert table.shape == (5, 50)
    np.testing.assert_array_equal(table[vocab.stoi["good"]].numpy(), glove["good"])
    np.testing.assert_array_equal(table[vocab.stoi["film"]].numpy(), glove["film"])
    assert float(table[PAD_ID].abs().sum()) == 0.0
    assert float(table[UNK_ID].abs().max()) <= 0.1 and float(table[vocab.stoi["zzzqx"]].abs().max()) <= 0.1
    assert covered == pytest.approx(2 / 3)
    with pytest.raises(TypeError, match="vocab must be a Vocab; got list. Build it with text.build_vocab"):
        embedding_matrix(["good"], glove)


def test_altered_or_missing_glove_is_refused(tmp_path):
    words = tmp_path / GLOVE_WORDS
    shutil.copy(data.DATA_DIR / GLOVE_WORDS, words)
    with pytest.raises(FileNotFoundError, match="glove-6b-50d-polarity.npy is missing"):
        load_glove(tmp_path / GLOVE_VECTORS, words)
    vectors = tmp_path / GLOVE_VECTORS
    shutil.copy(data.DATA_DIR / GLOVE_VECTORS, vectors)
    with vectors.open("r+b") as f:
        f.seek(-2, 2)
        f.write(b"\x00\x01")
    with pytest.raises(ValueError, match="has been altered"):
        load_glove(vectors, words)
