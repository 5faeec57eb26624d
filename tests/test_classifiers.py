"""Tests of course_utils.classifiers: the bag of words, the recurrent classifier, pretrained starts, training."""

import copy
import re

import numpy as np
import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence

from course_utils import classifiers
from course_utils.classifiers import (
    BagOfWords,
    RecurrentClassifier,
    binary_accuracy,
    train_recipe,
    train_text_classifier,
)
from course_utils.text import PAD_ID, pad_sequences, prepare_text_data
from course_utils.train import History, predict


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
    assert binary_accuracy(torch.tensor([0.0, 0.0]), torch.tensor([0.0, 0.0])) == 1.0  # a logit of 0 says 0


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
        assert float(weight[PAD_ID].detach().abs().sum()) == 0.0  # <pad> stays zero
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


# ---------------------------------------------------------------------------------------------
# Exact behaviour (these pin what the mutation tests found loose)


def _exactly(message):
    """A ``match`` pattern for the whole message, word for word."""
    return "^" + re.escape(message) + "$"


def test_whole_error_messages_of_the_models():
    with pytest.raises(ValueError, match=_exactly("embed_dim must be at least 1; got embed_dim=0.")):
        BagOfWords(10, embed_dim=0)
    with pytest.raises(ValueError, match=_exactly("embed_dim must be at least 1; got embed_dim=0.")):
        RecurrentClassifier("gru", 10, embed_dim=0)
    with pytest.raises(ValueError, match=_exactly("vocab_size must be at least 1; got vocab_size=0.")):
        RecurrentClassifier("gru", 0)
    with pytest.raises(ValueError, match=_exactly(
            "embed_init must be a finite number in (0, inf]; got embed_init=0.0. "
            "It is the half-width of the embedding's uniform start, e.g. 0.1.")):
        BagOfWords(10, embed_init=0.0)
    with pytest.raises(ValueError, match=_exactly(
            "dropout must be a finite number in [0, 1); got dropout=1.0. "
            "It is the share of values zeroed in training; 0 turns it off.")):
        RecurrentClassifier("gru", 10, dropout=1.0)
    with pytest.raises(ValueError, match=_exactly(
            "word_dropout must be a finite number in [0, 1); got word_dropout=-0.5. "
            "It is the share of values zeroed in training; 0 turns it off.")):
        RecurrentClassifier("gru", 10, word_dropout=-0.5)
    with pytest.raises(ValueError, match=_exactly("pooling must be one of ('last', 'maxmean'); got 'sum'.")):
        RecurrentClassifier("gru", 10, pooling="sum")
    with pytest.raises(ValueError, match=_exactly(
            "pretrained must have shape (vocab_size, embed_dim) = (10, 64); got (10, 3). "
            "Build it with word_vectors.embedding_matrix(vocab, ...).")):
        BagOfWords(10, pretrained=torch.zeros(10, 3))
    with pytest.raises(ValueError, match=_exactly(
            "freeze=True needs pretrained vectors; a frozen random table would never learn.")):
        RecurrentClassifier("gru", 10, freeze=True)
    with pytest.raises(ValueError, match=_exactly(
            "logits and labels must have the same shape; got (2,) and (2, 1). "
            "Reshape one of them (for example .reshape(-1) or .squeeze(-1)) so they match.")):
        binary_accuracy(torch.tensor([2.0, -1.0]), torch.tensor([[1.0], [0.0]]))
    with pytest.raises(ValueError, match=_exactly("logits is empty; score at least one sentence.")):
        binary_accuracy(torch.tensor([]), torch.tensor([]))


def test_default_models_have_the_documented_sizes_and_start():
    torch.manual_seed(0)
    bag = BagOfWords(500)
    assert bag.bag.embedding_dim == 64 and bag.bag.mode == "mean" and bag.drop.p == 0.0
    start = bag.bag.weight.detach()
    assert float(start.min()) < -0.09 and 0.09 < float(start.max()) <= 0.1  # uniform in +-0.1
    assert bag.bag.weight.requires_grad and float(start[PAD_ID].abs().sum()) == 0.0
    rnn = RecurrentClassifier("lstm", 500)
    assert rnn.embed.embedding_dim == 64 and rnn.rnn.hidden_size == 64 and not rnn.rnn.bidirectional
    assert isinstance(rnn.rnn, torch.nn.LSTM) and rnn.kind == "lstm" and rnn.rnn.batch_first
    assert rnn.pooling == "maxmean" and rnn.out.in_features == 128  # max and mean of 64 features
    assert rnn.word_dropout == 0.0 and rnn.drop.p == 0.0
    start = rnn.embed.weight.detach()
    assert float(start.min()) < -0.09 and 0.09 < float(start.max()) <= 0.1
    assert rnn.embed.weight.requires_grad and float(start[PAD_ID].abs().sum()) == 0.0
    small = RecurrentClassifier("gru", 500, embed_init=0.01).embed.weight
    assert float(small.detach().min()) < -0.009 and 0.009 < float(small.detach().max()) <= 0.01
    assert RecurrentClassifier("gru", 50, 8, 5, bidirectional=True, pooling="last").out.in_features == 10
    assert RecurrentClassifier("gru", 50, 8, 5, bidirectional=True).out.in_features == 20


def test_bag_of_words_gives_one_logit_per_sentence():
    torch.manual_seed(0)
    model = BagOfWords(20, 4).eval()
    tokens = torch.tensor([[3, 4, PAD_ID], [5, PAD_ID, PAD_ID]])
    logits = model(tokens)
    assert logits.shape == (2,)
    torch.testing.assert_close(logits[1], model.out(model.bag.weight[5]).squeeze(-1))


def test_word_dropout_scales_the_kept_words_up():
    torch.manual_seed(0)
    model = RecurrentClassifier("gru", 30, 6, 4, word_dropout=0.25).train()
    tokens = torch.randint(2, 30, (8, 10))
    x, plain = model.embed_tokens(tokens), model.embed(tokens)
    kept = x.abs().sum(-1) > 0
    assert 0 < kept.float().mean() < 1
    torch.testing.assert_close(x[kept], plain[kept] / 0.75)  # kept words are scaled by 1 / (1 - 0.25)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_maxmean_pooling_is_the_max_and_the_mean_over_the_real_steps(kind, bidirectional):
    torch.manual_seed(0)
    model = RecurrentClassifier(kind, 30, 2, 4, bidirectional, pooling="maxmean").double().eval()
    tokens, lengths = pad_sequences([[3, 4, 5, 6, 9], [7, 8]])  # sentences longer than the 2-dim word vectors
    features = model.features(tokens, lengths)
    for i, n in enumerate(lengths.tolist()):
        out, _ = model.rnn(model.embed(tokens[i : i + 1, :n]))
        torch.testing.assert_close(features[i], torch.cat([out[0].amax(0), out[0].mean(0)]))


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_bidirectional_last_state_is_both_directions_final_states(kind):
    torch.manual_seed(0)
    model = RecurrentClassifier(kind, 30, 5, 4, bidirectional=True, pooling="last").double().eval()
    tokens, lengths = pad_sequences([[3, 4, 5, 6], [7, 8]])
    for i, n in enumerate(lengths.tolist()):
        _, h_n = model.rnn(model.embed(tokens[i : i + 1, :n]))
        h_n = h_n[0] if kind == "lstm" else h_n
        torch.testing.assert_close(model.features(tokens, lengths)[i], torch.cat([h_n[0, 0], h_n[1, 0]]))


@pytest.fixture
def small_data():
    texts, labels = _toy_corpus(60)
    return prepare_text_data(texts, labels, min_freq=1, seed=0)


def test_whole_error_messages_of_training(small_data):
    model = BagOfWords(len(small_data.vocab))
    with pytest.raises(TypeError, match=_exactly(
            "model must be a Module; got str. Build a BagOfWords or a RecurrentClassifier first.")):
        train_text_classifier("gru", small_data, progress=False)
    with pytest.raises(TypeError, match=_exactly(
            "data must be a TextData; got dict. Build it with text.prepare_text_data(texts, labels).")):
        train_text_classifier(model, {}, progress=False)
    with pytest.raises(ValueError, match=_exactly(
            "weight_decay must be a finite number in [0, inf]; got weight_decay=-0.0001. 0 turns the L2 penalty off.")):
        train_text_classifier(model, small_data, weight_decay=-1e-4, progress=False)
    with pytest.raises(TypeError, match=_exactly(
            "recipe must be a dict; got str. For example {'model': 'gru', 'vectors': 'glove'}.")):
        train_recipe("gru", small_data)
    with pytest.raises(ValueError, match=_exactly("batch_size must be at least 1; got batch_size=0.")):
        train_text_classifier(model, small_data, batch_size=0, progress=False)
    with pytest.raises(ValueError, match=_exactly("seed must be at least 0; got seed=-1.")):
        train_text_classifier(model, small_data, seed=-1, progress=False)
    with pytest.raises(ValueError, match=_exactly(
            "recipe 'bag' starts from pretrained vectors: pass vectors=embedding_matrix(...)[0].")):
        train_recipe({"model": "bag", "vectors": "frozen"}, small_data)


def test_train_recipe_defaults_a_random_start_and_the_training_defaults(small_data, capsys):
    recipe = {"model": "bag", "bigrams": False}  # "bigrams" describes the data: accepted, not read
    result = train_recipe(recipe, small_data)  # seed 0, a progress bar named "epochs", 4 epochs, patience 1
    assert re.search(r"(^|\r)epochs: ", capsys.readouterr().err)
    assert isinstance(result.model, BagOfWords) and result.model.bag.embedding_dim == 64
    assert result.model.bag.weight.requires_grad
    torch.manual_seed(0)
    by_hand = train_text_classifier(BagOfWords(len(small_data.vocab)), small_data, seed=0, progress=False)
    assert result.history.train_loss == by_hand.history.train_loss
    assert capsys.readouterr().err == ""  # progress=False prints nothing


def test_train_recipe_bag_from_vectors_frozen_or_fine_tuned(small_data, capsys, monkeypatch):
    monkeypatch.setattr(classifiers, "get_device", lambda: pytest.fail("device='cpu' was given"))
    vectors = torch.randn(len(small_data.vocab), 3, generator=torch.Generator().manual_seed(0))
    kept = vectors.clone()
    kept[PAD_ID] = 0.0
    options = {"epochs": 1, "patience": None}
    frozen = train_recipe({"model": "bag", "vectors": "frozen", "train_options": options}, small_data, vectors,
                          device="cpu", desc="frozen bag")
    assert "frozen bag" in capsys.readouterr().err
    assert not frozen.model.bag.weight.requires_grad and frozen.history.epochs == 1
    torch.testing.assert_close(frozen.model.bag.weight.detach(), kept)
    tuned = train_recipe({"model": "bag", "vectors": "glove", "train_options": options}, small_data, vectors,
                         device="cpu", progress=False)
    assert capsys.readouterr().err == ""
    assert tuned.model.bag.weight.requires_grad and tuned.model.bag.embedding_dim == 3
    assert not torch.allclose(tuned.model.bag.weight.detach(), kept)  # fine-tuned: it moved from the start
    torch.manual_seed(0)
    random = train_recipe({"model": "bag", "vectors": "random", "model_options": {"embed_dim": 5},
                           "train_options": options}, small_data, vectors, device="cpu", progress=False)
    assert random.model.bag.embedding_dim == 5  # the vectors given are not used for a random start


def test_train_text_classifier_passes_its_defaults_to_fit_and_scores_val_and_test(monkeypatch):
    texts, labels = _toy_corpus(200)
    data = prepare_text_data(texts, labels, min_freq=1, seed=2)  # 40% positive in val, 55% in test
    calls = {}

    def fake_fit(model, train_loader, loss_fn, **kwargs):
        calls.update(model=model, train=train_loader, loss=loss_fn, **kwargs)
        return History(seconds=1.5)

    monkeypatch.setattr(classifiers, "fit", fake_fit)
    torch.manual_seed(0)
    model = BagOfWords(len(data.vocab), 8)
    result = train_text_classifier(model, data)
    assert calls["model"] is model and isinstance(calls["loss"], torch.nn.BCEWithLogitsLoss)
    assert {k: calls[k] for k in ("epochs", "patience", "progress", "desc")} == {
        "epochs": 4, "patience": 1, "progress": True, "desc": "epochs"}
    assert calls["device"] == torch.device("cpu") and calls["metrics"] == {"accuracy": binary_accuracy}
    group = calls["optimizer"].param_groups[0]
    assert group["lr"] == 3e-3 and group["weight_decay"] == 0.0 and group["fused"]  # one fused kernel: fast on CPU
    first_pass = [y.tolist() for _, _, y in calls["train"]]
    assert first_pass == [y.tolist() for _, _, y in data.loader("train", 64, shuffle=True, seed=0)]  # seed 0
    assert max(map(len, first_pass)) == 64 and sum(map(len, first_pass)) == len(data.labels["train"])
    assert [len(y) for _, _, y in calls["val_loader"]] == [len(data.labels["val"])]  # up to 256 at once
    val_logits, test_logits = predict(model, data.loader("val", 256)), predict(model, data.loader("test", 256))
    val = binary_accuracy(val_logits, torch.as_tensor(data.labels["val"], dtype=torch.float32))
    test = binary_accuracy(test_logits, torch.as_tensor(data.labels["test"], dtype=torch.float32))
    assert (result.val_accuracy, result.test_accuracy, result.seconds) == (val, test, 1.5)
    assert val != test and result.model is model and result.history.seconds == 1.5
    monkeypatch.setattr(classifiers, "get_device", lambda: pytest.fail("device='cpu' was given"))
    train_text_classifier(model, data, epochs=2, lr=0.1, batch_size=16, patience=None, weight_decay=1e-3, seed=5,
                          device="cpu", progress=False, desc="bag")
    assert calls["device"] == torch.device("cpu")
    assert {k: calls[k] for k in ("epochs", "patience", "progress", "desc")} == {
        "epochs": 2, "patience": None, "progress": False, "desc": "bag"}
    group = calls["optimizer"].param_groups[0]
    assert group["lr"] == 0.1 and group["weight_decay"] == 1e-3
    assert [y.tolist() for _, _, y in calls["train"]] == [
        y.tolist() for _, _, y in data.loader("train", 16, shuffle=True, seed=5)]


def test_the_pad_row_gets_no_gradient():
    model = RecurrentClassifier("gru", 10, 4, 3)
    tokens, lengths = pad_sequences([[3, 4, 5], [6]])
    model(tokens, lengths).sum().backward()
    assert float(model.embed.weight.grad[PAD_ID].abs().sum()) == 0.0
    assert float(model.embed.weight.grad[3].abs().sum()) > 0.0


def test_train_text_classifier_seeds_its_own_dropout_and_batches(small_data):
    torch.manual_seed(0)
    start = BagOfWords(len(small_data.vocab), 8, dropout=0.5)
    runs = []
    for before in (1, 2):
        torch.manual_seed(before)  # whatever ran before, seed=3 gives the same training
        result = train_text_classifier(copy.deepcopy(start), small_data, epochs=2, patience=None, seed=3,
                                       progress=False, device="cpu")
        runs.append(result.history.train_loss)
    assert runs[0] == runs[1]


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("pooling", ["last", "maxmean"])
def test_padding_beyond_the_longest_sentence_changes_nothing(bidirectional, pooling):
    torch.manual_seed(0)
    model = RecurrentClassifier("gru", 30, 5, 4, bidirectional, pooling).double().eval()
    tokens, lengths = pad_sequences([[3, 4, 5], [7, 8]])
    wide = torch.cat([tokens, torch.full((2, 3), PAD_ID)], dim=1)  # e.g. a batch padded to a fixed width
    torch.testing.assert_close(model(wide, lengths), model(tokens, lengths))


def test_the_seed_seeds_dropout_as_well_as_the_batch_order():
    # Every training sentence is the same, so no batch order can differ between seeds: only the dropout masks can.
    data = prepare_text_data(["a fine film"] * 20, [1] * 20, min_freq=1)

    def trained(seed: int, dropout: float) -> torch.Tensor:
        torch.manual_seed(0)
        model = classifiers.RecurrentClassifier("gru", len(data.vocab), embed_dim=4, hidden_size=4, dropout=dropout)
        result = classifiers.train_text_classifier(model, data, epochs=2, patience=None, seed=seed, progress=False,
                                                   device="cpu")
        return torch.cat([p.detach().flatten() for p in result.model.parameters()])

    assert torch.equal(trained(1, 0.0), trained(2, 0.0))
    assert not torch.equal(trained(1, 0.5), trained(2, 0.5))
