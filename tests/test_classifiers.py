"""Tests of course_utils.classifiers: the bag of words, the recurrent classifier, pretrained starts, training."""

import numpy as np
import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence

from course_utils.classifiers import (
    BagOfWords,
    RecurrentClassifier,
    binary_accuracy,
    train_recipe,
    train_text_classifier,
)
from course_utils.text import PAD_ID, pad_sequences, prepare_text_data


def _toy_corpus(n=400, seed=0):
    """Sentences of filler words with one keyword, "great" (label 1) or "awful" (label 0), somewhere."""
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
    with pytest.raises(ValueError, match=r"word_dropout must be a finite number in \[0, 1\); got word_dropout=1.0"):
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


def test_binary_accuracy_refuses_shapes_that_would_broadcast():
    logits, labels = torch.tensor([2.0, -1.0]), torch.tensor([[1.0], [0.0]])
    with pytest.raises(ValueError, match=r"same shape; got \(2,\) and \(2, 1\)"):
        binary_accuracy(logits, labels)  # broadcasting would give 0.5 for a perfect prediction
    with pytest.raises(ValueError, match="empty"):
        binary_accuracy(torch.tensor([]), torch.tensor([]))


@pytest.mark.parametrize("make", [lambda w, f: RecurrentClassifier("gru", 6, 3, 2, pretrained=w, freeze=f),
                                  lambda w, f: BagOfWords(6, 3, pretrained=w, freeze=f)])
def test_pretrained_start_is_copied_and_frozen_on_request(make):
    table = torch.arange(18, dtype=torch.float32).reshape(6, 3)
    for freeze in (False, True):
        model = make(table, freeze)
        weight = model.embed.weight if hasattr(model, "embed") else model.bag.weight
        torch.testing.assert_close(weight[1:], table[1:])
        assert float(weight[PAD_ID].abs().sum()) == 0.0  # <pad> stays zero
        assert weight.requires_grad is (not freeze)
    with pytest.raises(ValueError, match=r"shape \(vocab_size, embed_dim\) = \(6, 3\)"):
        make(torch.zeros(5, 3), False)
    with pytest.raises(ValueError, match="freeze=True needs pretrained"):
        make(None, True)




# ---------------------------------------------------------------------------------------------
# Training


@pytest.mark.parametrize("make", [lambda v: RecurrentClassifier("gru", v, 8, 8), lambda v: BagOfWords(v, 8)])
def test_train_text_classifier_learns_a_keyword_task(make):
    texts, labels = _toy_corpus()
    data = prepare_text_data(texts, labels, min_freq=1, seed=0)
    result = train_text_classifier(make(len(data.vocab)), data, epochs=4, lr=3e-2, batch_size=32,
                                   patience=None, progress=False, device="cpu")
    assert result.test_accuracy > 0.9
    assert result.val_accuracy > 0.9
    assert result.seconds > 0 and result.history.epochs == 4


def test_train_recipe_builds_the_same_model_as_by_hand_and_keeps_frozen_vectors():
    texts, labels = _toy_corpus()
    data = prepare_text_data(texts, labels, min_freq=1, seed=0)
    vectors = torch.randn(len(data.vocab), 4, generator=torch.Generator().manual_seed(0))
    recipe = {"model": "gru", "vectors": "frozen", "model_options": {"hidden_size": 4},
              "train_options": {"epochs": 2, "lr": 3e-2, "batch_size": 32, "patience": None}}
    result = train_recipe(recipe, data, vectors, seed=1, progress=False, device="cpu")
    kept = vectors.clone()
    kept[PAD_ID] = 0.0
    torch.testing.assert_close(result.model.embed.weight.detach(), kept)  # frozen: never moved
    torch.manual_seed(1)
    by_hand = RecurrentClassifier("gru", len(data.vocab), 4, 4, pretrained=vectors, freeze=True)
    again = train_text_classifier(by_hand, data, epochs=2, lr=3e-2, batch_size=32, patience=None, seed=1,
                                  progress=False, device="cpu")
    assert again.val_accuracy == result.val_accuracy
    for p, q in zip(result.model.parameters(), again.model.parameters(), strict=True):
        torch.testing.assert_close(p, q)


def test_train_recipe_rejects_bad_recipes():
    texts, labels = _toy_corpus(40)
    data = prepare_text_data(texts, labels, min_freq=1, seed=0)
    with pytest.raises(ValueError, match=r"recipe\['vectors'\] must be one of \('random', 'glove', 'frozen'\)"):
        train_recipe({"model": "gru", "vectors": "word2vec"}, data)
    with pytest.raises(ValueError, match="recipe needs 'model'"):
        train_recipe({"model": "gru", "epochs": 3}, data)
    with pytest.raises(ValueError, match="pass vectors="):
        train_recipe({"model": "gru", "vectors": "glove"}, data)
