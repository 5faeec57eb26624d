"""Bad input to the text modules (text, classifiers, word_vectors, paired) gets a clear error from the shared
checks of course_utils._validate: what was expected, what was given, how to fix it."""

import numpy as np
import pytest
import torch

from course_utils import text
from course_utils.classifiers import BagOfWords, RecurrentClassifier, train_recipe, train_text_classifier
from course_utils.paired import mcnemar, sign_test
from course_utils.word_vectors import WordVectors, embedding_matrix


@pytest.fixture(scope="module")
def data():
    texts = ["a good film", "a bad film", "good fun", "bad acting", "a fine cast", "dull plot"] * 3
    return text.prepare_text_data(texts, [1, 0, 1, 0, 1, 0] * 3, min_freq=1, seed=0)


@pytest.fixture(scope="module")
def vectors():
    return WordVectors(["good", "bad", "film"], np.eye(3, dtype=np.float32))


def test_text_pipeline_refuses_bad_input(data):
    with pytest.raises(TypeError, match="add_bigrams takes a list of tokens, not a str; call tokenize"):
        text.add_bigrams("a good film")
    with pytest.raises(TypeError, match="max_size must be a whole number .* got 2.5 .* Or None for no cap"):
        text.build_vocab([["a"]], max_size=2.5)
    with pytest.raises(TypeError, match=r"seqs must be a list of index lists, e.g. \[\[4, 7, 2\], \[5\]\]; got str"):
        text.pad_sequences("abc")
    with pytest.raises(ValueError, match=r"sequence 1 is empty; .* \[UNK_ID\]"):
        text.pad_sequences([[3], []])
    with pytest.raises(ValueError, match="max_len must be at least 3; got max_len=2. It must cover the longest"):
        text.padding_mask(torch.tensor([3, 1]), max_len=2)
    with pytest.raises(ValueError, match="lengths must be a 1-D integer tensor"):
        text.padding_mask(torch.tensor([2.0, 1.0]))
    with pytest.raises(TypeError, match="seed must be a whole number"):
        text.split_indices(10, seed=0.5)
    with pytest.raises(TypeError, match="batch_size must be a whole number .* got 8.0"):
        text.BucketBatches([[1]], [1], batch_size=8.0)
    with pytest.raises(ValueError, match=r"split must be one of \('train', 'val', 'test'\); got 'valid'"):
        data.loader("valid")
    with pytest.raises(TypeError, match="texts must be a list of sentences, not one str"):
        text.prepare_text_data("a good film", [1])
    with pytest.raises(TypeError, match="bigrams must be a bool; got str"):
        text.prepare_text_data(["a", "b", "c"], [1, 0, 1], bigrams="yes")


def test_padding_is_the_same_as_one_row_at_a_time():
    seqs = [[5, 6, 7], [8], (9, 10), np.array([11, 12, 13, 14])]
    tokens, lengths = text.pad_sequences(seqs, pad_id=-1)
    assert tokens.dtype == torch.long and lengths.tolist() == [3, 1, 2, 4]
    assert tokens.tolist() == [[5, 6, 7, -1], [8, -1, -1, -1], [9, 10, -1, -1], [11, 12, 13, 14]]


def test_classifiers_refuse_bad_settings(data):
    with pytest.raises(ValueError, match="hidden_size must be at least 1; got hidden_size=0"):
        RecurrentClassifier("gru", 10, hidden_size=0)
    with pytest.raises(TypeError, match="vocab_size must be a whole number"):
        BagOfWords(10.0)
    with pytest.raises(ValueError, match=r"dropout must be a finite number in \[0, 1\); got dropout=-0.1"):
        BagOfWords(10, dropout=-0.1)
    with pytest.raises(ValueError, match=r"embed_init must be a finite number in \(0, inf\]"):
        RecurrentClassifier("lstm", 10, embed_init=0.0)
    with pytest.raises(ValueError, match=r"pooling must be one of \('last', 'maxmean'\); got 'sum'"):
        RecurrentClassifier("gru", 10, pooling="sum")
    model = BagOfWords(len(data.vocab))
    with pytest.raises(TypeError, match="data must be a TextData; got dict. Build it with text.prepare_text_data"):
        train_text_classifier(model, {"train": []}, progress=False)
    with pytest.raises(TypeError, match="model must be a Module; got str"):
        train_text_classifier("gru", data, progress=False)
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        train_text_classifier(model, data, batch_size=0, progress=False)
    with pytest.raises(ValueError, match=r"weight_decay must be a finite number in \[0, inf\]"):
        train_text_classifier(model, data, weight_decay=-1e-4, progress=False)
    with pytest.raises(TypeError, match="recipe must be a dict; got str"):
        train_recipe("gru", data)
    with pytest.raises(ValueError, match=r"recipe\['model'\] must be one of \('bag', 'rnn', 'lstm', 'gru'\)"):
        train_recipe({"model": "GRU"}, data)
    with pytest.raises(ValueError, match=r"recipe needs 'model'.*\(unknown: \['epochs'\]\)"):
        train_recipe({"model": "gru", "epochs": 3}, data)


def test_word_vectors_refuse_bad_input(data, vectors):
    with pytest.raises(TypeError, match="k must be a whole number .* got 2.0"):
        vectors.nearest("good", 2.0)
    with pytest.raises(TypeError, match="word must be a str; got list"):
        vectors.nearest(["good"])
    with pytest.raises(TypeError, match="vectors must be a WordVectors; got dict. Load them with load_glove"):
        embedding_matrix(data.vocab, {"good": np.ones(3)})
    with pytest.raises(ValueError, match=r"scale must be a finite number in \(0, inf\]; got scale=0.0"):
        embedding_matrix(data.vocab, vectors, scale=0.0)


def test_paired_tests_refuse_mismatched_input():
    with pytest.raises(ValueError, match=r"errors_a and errors_b must have the same shape; got \(3,\) and \(3, 1\)"):
        sign_test(np.zeros(3), np.zeros((3, 1)))
    with pytest.raises(ValueError, match="correct_b must hold 0/1 or booleans"):
        mcnemar(np.array([1, 0]), np.array([1, 2]))
    assert sign_test(np.array([1.0, 2.0, 3.0]), np.array([2.0, 2.0, 1.0]))[:2] == (1, 1)
