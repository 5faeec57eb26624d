"""Tests of course_utils.text: tokens, vocabulary, padding, batches and the sentence classifiers."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn.utils.rnn import pack_padded_sequence

from course_utils import text
from course_utils.text import (
    PAD_ID,
    UNK_ID,
    BagOfWords,
    BucketBatches,
    RecurrentClassifier,
    add_bigrams,
    binary_accuracy,
    build_vocab,
    pad_sequences,
    padding_mask,
    prepare_text_data,
    split_indices,
    tokenize,
    train_text_classifier,
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
    with pytest.raises(ValueError, match="min_freq must be an integer"):
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
    with pytest.raises(ValueError, match="at least the number of parts"):
        split_indices(2)


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
    seqs, labels = [[5], [6, 7], [8]], [1, 0, 1]
    (tokens, lengths, y), = list(BucketBatches(seqs, labels, batch_size=8))
    assert tokens.tolist() == [[5, 0], [6, 7], [8, 0]]
    assert lengths.tolist() == [1, 2, 1] and y.tolist() == [1.0, 0.0, 1.0]


def test_bucket_batches_reject_bad_input():
    with pytest.raises(ValueError, match="same length"):
        BucketBatches([[1]], [1, 0])
    with pytest.raises(ValueError, match="batch_size"):
        BucketBatches([[1]], [1], batch_size=0)


# ---------------------------------------------------------------------------------------------
# Models


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("pooling", ["last", "maxmean"])
def test_recurrent_classifier_reads_each_sentence_as_if_alone(kind, bidirectional, pooling):
    torch.manual_seed(0)
    model = RecurrentClassifier(kind, 30, 5, 4, bidirectional, pooling, word_dropout=0.3, dropout=0.3).double()
    model.eval()
    seqs = [[3, 4, 5, 6, 7], [8, 9], [10, 11, 12]]
    tokens, lengths = pad_sequences(seqs)
    batch = model(tokens, lengths)
    alone = torch.cat([model(*pad_sequences([s])) for s in seqs])
    torch.testing.assert_close(batch, alone, rtol=1e-12, atol=1e-12)


def test_recurrent_classifier_last_state_matches_packed_h_n():
    torch.manual_seed(1)
    model = RecurrentClassifier("gru", 30, 5, 4, pooling="last").double().eval()
    tokens, lengths = pad_sequences([[3, 4, 5], [6]])
    _, h_n = model.rnn(pack_padded_sequence(model.embed(tokens), lengths, batch_first=True, enforce_sorted=False))
    torch.testing.assert_close(model.features(tokens, lengths), h_n[0])


def test_recurrent_classifier_word_dropout_only_in_training():
    torch.manual_seed(0)
    model = RecurrentClassifier("gru", 30, 6, 4, word_dropout=0.5)
    tokens = torch.randint(2, 30, (8, 10))
    model.train()
    x = model.embed_tokens(tokens)
    dropped = (x.abs().sum(-1) == 0)
    assert 0 < dropped.float().mean() < 1  # whole word vectors are zeroed
    model.eval()
    torch.testing.assert_close(model.embed_tokens(tokens), model.embed(tokens))


def test_recurrent_classifier_rejects_bad_options():
    with pytest.raises(ValueError, match="kind must be one of"):
        RecurrentClassifier("transformer", 10)
    with pytest.raises(ValueError, match="pooling must be"):
        RecurrentClassifier("gru", 10, pooling="sum")
    with pytest.raises(ValueError, match="word_dropout and dropout"):
        RecurrentClassifier("gru", 10, word_dropout=1.0)


def test_bag_of_words_ignores_padding():
    torch.manual_seed(0)
    model = BagOfWords(20, 4).eval()
    short = model(torch.tensor([[3, 4]]))
    padded = model(torch.tensor([[3, 4, PAD_ID, PAD_ID]]))
    torch.testing.assert_close(short, padded)
    expected = model.out(model.bag.weight[[3, 4]].mean(0)).squeeze(-1)
    torch.testing.assert_close(short[0], expected)


def test_binary_accuracy():
    assert binary_accuracy(torch.tensor([2.0, -1.0, 0.5, -3.0]), torch.tensor([1.0, 0.0, 0.0, 0.0])) == 0.75


# ---------------------------------------------------------------------------------------------
# The pipeline, on a tiny synthetic task


def _toy_corpus(n=400, seed=0):
    rng = np.random.default_rng(seed)
    filler = ["the", "film", "was", "a", "plot", "and", "it", "really", "story", "very"]
    texts, labels = [], []
    for _ in range(n):
        label = int(rng.integers(0, 2))
        words = list(rng.choice(filler, size=int(rng.integers(3, 9))))
        words.insert(int(rng.integers(0, len(words) + 1)), "great" if label else "awful")
        texts.append(" ".join(words))
        labels.append(label)
    return texts, labels


def test_prepare_text_data_builds_the_vocab_on_train_only():
    texts, labels = _toy_corpus()
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


@pytest.mark.parametrize("make", [lambda v: RecurrentClassifier("gru", v, 8, 8), lambda v: BagOfWords(v, 8)])
def test_train_text_classifier_learns_a_keyword_task(make):
    texts, labels = _toy_corpus()
    data = prepare_text_data(texts, labels, min_freq=1, seed=0)
    result = train_text_classifier(make(len(data.vocab)), data, epochs=4, lr=3e-2, batch_size=32,
                                   patience=None, progress=False, device="cpu")
    assert result.test_accuracy > 0.9
    assert result.val_accuracy > 0.9
    assert result.seconds > 0 and result.history.epochs == 4
