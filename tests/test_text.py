"""Tests of course_utils.text: tokens, vocabulary, padding, splits, batches and the data pipeline."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import text
from course_utils.text import (
    PAD_ID,
    UNK_ID,
    BucketBatches,
    add_bigrams,
    build_vocab,
    pad_sequences,
    padding_mask,
    prepare_text_data,
    split_indices,
    tokenize,
)

SENTENCES = ["A fine film .", "not a good film", "the acting is great", "boring and too long"]


# ---------------------------------------------------------------------------------------------
# Tokens and vocabulary


def test_tokenize_lowercases_and_splits_on_white_space():
    assert tokenize("A  fine\tFilm .") == ["a", "fine", "film", "."]
    assert tokenize("") == []


def test_tokenize_rejects_a_list():
    with pytest.raises(TypeError, match="must be a str"):
        tokenize(["a", "b"])


def test_add_bigrams_appends_neighbour_pairs():
    assert add_bigrams(["a", "b", "c"]) == ["a", "b", "c", "a b", "b c"]
    assert add_bigrams(["a"]) == ["a"]


def test_build_vocab_reserves_pad_and_unk_and_orders_by_frequency():
    vocab = build_vocab([tokenize(s) for s in SENTENCES])
    assert vocab.itos[:2] == ["<pad>", "<unk>"]
    assert vocab.stoi["<pad>"] == PAD_ID and vocab.stoi["<unk>"] == UNK_ID
    assert vocab.itos[2:4] == ["a", "film"]  # seen twice each, ties in alphabetical order
    assert len(vocab) == 2 + len({w for s in SENTENCES for w in tokenize(s)})


def test_build_vocab_min_freq_and_max_size():
    tokens = [tokenize(s) for s in SENTENCES]
    assert build_vocab(tokens, min_freq=2).itos == ["<pad>", "<unk>", "a", "film"]
    assert len(build_vocab(tokens, max_size=3)) == 5


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_build_vocab_rejects_bad_min_freq(bad):
    with pytest.raises((TypeError, ValueError), match="min_freq must be (a whole|at least 1).*2 drops"):
        build_vocab([["a"]], min_freq=bad)


def test_build_vocab_rejects_untokenised_text():
    with pytest.raises(TypeError, match="map tokenize"):
        build_vocab(SENTENCES)


def test_encode_maps_unknown_words_to_unk_and_decode_inverts():
    vocab = build_vocab([tokenize(s) for s in SENTENCES])
    ids = vocab.encode(["a", "fine", "zebra"])
    assert ids[2] == UNK_ID
    assert vocab.decode(ids) == ["a", "fine", "<unk>"]
    with pytest.raises(TypeError, match="call tokenize"):
        vocab.encode("a fine film")
    with pytest.raises(ValueError, match="indices must be in"):
        vocab.decode([len(vocab)])


def test_vocab_rejects_duplicates():
    with pytest.raises(ValueError, match="duplicates"):
        text.Vocab(["a", "a"])


# ---------------------------------------------------------------------------------------------
# Padding and masks


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.integers(2, 50), min_size=1, max_size=8), min_size=1, max_size=6))
def test_pad_sequences_keeps_every_token_and_pads_the_rest(seqs):
    tokens, lengths = pad_sequences(seqs)
    assert tokens.shape == (len(seqs), max(len(s) for s in seqs))
    assert lengths.tolist() == [len(s) for s in seqs]
    for row, seq in enumerate(seqs):
        assert tokens[row, : len(seq)].tolist() == seq
        assert (tokens[row, len(seq) :] == PAD_ID).all()
    assert torch.equal(padding_mask(lengths), tokens != PAD_ID)  # no real token is 0 here


def test_pad_sequences_rejects_empty_input():
    with pytest.raises(ValueError, match="seqs is empty"):
        pad_sequences([])
    with pytest.raises(ValueError, match="sequence 1 is empty"):
        pad_sequences([[3], []])


def test_padding_mask_with_max_len():
    mask = padding_mask(torch.tensor([1, 3]), max_len=4)
    assert mask.tolist() == [[True, False, False, False], [True, True, True, False]]


# ---------------------------------------------------------------------------------------------
# Splits and batches


def test_split_indices_is_a_seeded_partition():
    train, val, test = split_indices(1000, seed=3)
    assert (len(train), len(val), len(test)) == (800, 100, 100)
    assert np.array_equal(np.sort(np.concatenate([train, val, test])), np.arange(1000))
    again = split_indices(1000, seed=3)
    assert all(np.array_equal(a, b) for a, b in zip((train, val, test), again, strict=True))
    assert not np.array_equal(train, split_indices(1000, seed=4)[0])


def test_split_indices_rejects_bad_fractions():
    with pytest.raises(ValueError, match="add up to 1"):
        split_indices(10, (0.5, 0.2, 0.2))
    with pytest.raises(ValueError, match="n must be at least 3; got n=2. Each part needs at least one item"):
        split_indices(2)


@settings(max_examples=40, deadline=None)
@given(st.integers(3, 60), st.floats(0.05, 0.9), st.floats(0.05, 0.9))
def test_split_indices_never_returns_an_empty_part(n, a, b):
    fractions = np.array([a, b, 1.0])
    fractions = fractions / fractions.sum()
    parts = split_indices(n, fractions, seed=0)
    assert [len(p) for p in parts] and min(len(p) for p in parts) >= 1
    assert sum(len(p) for p in parts) == n
    assert [len(p) for p in split_indices(3)] == [1, 1, 1]  # rounding used to give 2, 1, 0


def test_bucket_batches_serve_every_sentence_once_per_pass():
    rng = np.random.default_rng(0)
    seqs = [list(rng.integers(2, 30, size=rng.integers(1, 20))) for _ in range(203)]
    labels = np.arange(203) % 2
    loader = BucketBatches(seqs, labels, batch_size=16, shuffle=True, seed=0)
    assert len(loader) == 13
    first = [b for b in loader]
    second = [b for b in loader]
    for batches in (first, second):
        served = sorted(tuple(row[: int(n)].tolist()) for tok, lengths, _ in batches
                        for row, n in zip(tok, lengths, strict=True))
        assert served == sorted(tuple(int(v) for v in s) for s in seqs)
    assert any(not torch.equal(a[0], b[0]) for a, b in zip(first, second, strict=True))  # a new order each pass
    # bucketing: far less padding than the same batches in random order
    pads = sum(int((tok == PAD_ID).sum()) for tok, _, _ in first)
    plain = sum(int((tok == PAD_ID).sum()) for tok, _, _ in BucketBatches(seqs, labels, 16))
    assert pads < plain / 3


def test_bucket_batches_without_shuffle_keep_the_order_and_labels():
    seqs, labels = [[5], [6, 7], [8, 9, 4]], [1, 1, 0]  # not a palindrome: a reversed order would show
    (tokens, lengths, y), = list(BucketBatches(seqs, labels, batch_size=8))
    assert tokens.tolist() == [[5, 0, 0], [6, 7, 0], [8, 9, 4]]
    assert lengths.tolist() == [1, 2, 3] and y.tolist() == [1.0, 1.0, 0.0]


def test_bucket_batches_reject_bad_input():
    with pytest.raises(ValueError, match="same length"):
        BucketBatches([[1]], [1, 0])
    with pytest.raises(ValueError, match="batch_size"):
        BucketBatches([[1]], [1], batch_size=0)


# ---------------------------------------------------------------------------------------------
# The pipeline, on a tiny synthetic task


def _keyword_corpus(n=200):
    """Short sentences, each with the keyword "great" (label 1) or "awful" (label 0)."""
    texts = [f"the film number{i % 13} was {'great' if i % 3 else 'awful'}" for i in range(n)]
    return texts, [int(i % 3 != 0) for i in range(n)]


def test_prepare_text_data_builds_the_vocab_on_train_only():
    texts, labels = _keyword_corpus()
    texts[-1] = texts[-1] + " zzz"  # a word in one sentence only
    data = prepare_text_data(texts, labels, min_freq=1, seed=0)
    assert sum(len(v) for v in data.texts.values()) == len(texts)
    in_train = any("zzz" in t for t in data.texts["train"])
    assert ("zzz" in data.vocab) == in_train
    assert data.encode("great zebra") == [data.vocab.stoi["great"], UNK_ID]
    assert data.encode("") == [UNK_ID]
    with pytest.raises(ValueError, match="split must be one of"):
        data.loader("dev")
    bigram = prepare_text_data(texts, labels, min_freq=1, bigrams=True)
    assert any(" " in w for w in bigram.vocab.itos)  # word pairs are tokens too
    assert bigram.encode("the film")[-1] == bigram.vocab.stoi.get("the film", UNK_ID)


def test_prepare_text_data_rejects_mismatched_labels():
    with pytest.raises(ValueError, match="same length"):
        prepare_text_data(["a b"], [1, 0])


