"""Sentence classifiers that read ``course_utils.text`` batches, and their training (taught in notebook 07).

* ``BagOfWords`` (mean of word embeddings, then a linear layer) and ``RecurrentClassifier`` (embedding,
  RNN / LSTM / GRU, pooling over the real steps, a linear layer) each return one logit per sentence; both can
  start from pretrained word vectors (``course_utils.word_vectors``), frozen or fine-tuned.
* ``binary_accuracy`` scores logits against 0/1 labels; ``train_text_classifier`` trains one model with
  ``course_utils.train.fit`` and scores it on the validation and test sentences; ``train_recipe`` builds and
  trains a model from a recipe (a dict of settings), so that a notebook and a seed study share one recipe.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from course_utils._validate import (
    KINDS,
    instance_of,
    integer,
    one_of,
    positive,
    positive_int,
    probability,
    real,
    recurrent_layer,
    same_shape,
)
from course_utils.text import PAD_ID, TextData, padding_mask
from course_utils.train import History, fit, get_device, predict


def _init_embedding(weight: torch.Tensor, embed_init: float, pretrained: torch.Tensor | None,
                    freeze: bool) -> None:
    """Fill an embedding table: uniform in +-``embed_init``, or a copy of ``pretrained``; ``<pad>`` stays 0."""
    if pretrained is not None:
        pretrained = torch.as_tensor(pretrained, dtype=weight.dtype)
        if tuple(pretrained.shape) != tuple(weight.shape):
            raise ValueError(f"pretrained must have shape (vocab_size, embed_dim) = {tuple(weight.shape)}; got "
                             f"{tuple(pretrained.shape)}. Build it with word_vectors.embedding_matrix(vocab, ...).")
    elif freeze:
        raise ValueError("freeze=True needs pretrained vectors; a frozen random table would never learn.")
    with torch.no_grad():
        if pretrained is None:
            weight.uniform_(-embed_init, embed_init)
        else:
            weight.copy_(pretrained)
        weight[PAD_ID] = 0.0
    weight.requires_grad_(not freeze)


class BagOfWords(nn.Module):
    """Mean of the word embeddings (``nn.EmbeddingBag``, padding ignored), then a linear layer.

    ``pretrained`` (a ``(vocab_size, embed_dim)`` table) starts the embedding from pretrained word vectors;
    ``freeze=True`` keeps them fixed.
    """

    def __init__(self, vocab_size: int, embed_dim: int = 64, dropout: float = 0.0, embed_init: float = 0.1,
                 pretrained: torch.Tensor | None = None, freeze: bool = False) -> None:
        super().__init__()
        _check_options(vocab_size=vocab_size, embed_dim=embed_dim, dropout=dropout, embed_init=embed_init)
        self.bag = nn.EmbeddingBag(vocab_size, embed_dim, mode="mean", padding_idx=PAD_ID)
        _init_embedding(self.bag.weight, embed_init, pretrained, freeze)
        self.drop = nn.Dropout(dropout)
        self.out = nn.Linear(embed_dim, 1)

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        return self.out(self.drop(self.bag(tokens))).squeeze(-1)  # (B,)


class RecurrentClassifier(nn.Module):
    """Embedding -> RNN, LSTM or GRU -> pooling over the real steps -> linear layer -> one logit.

    ``pooling="last"`` reads the final hidden state (both directions' when bidirectional);
    ``pooling="maxmean"`` concatenates the maximum and the mean of the outputs over the real steps.
    A one-way network runs on the padded batch: the pads come after the last word, so the outputs at the
    real steps never see them, and the pooling skips the pads. A bidirectional network reads a packed batch
    (``pack_padded_sequence``), so that its backward direction starts at each sentence's own last word.
    ``word_dropout`` zeroes whole word vectors during training (each with that probability), which fights
    over-fitting on a small data set; ``dropout`` acts on the sentence vector before the linear layer.
    The embedding starts small (uniform in +-``embed_init``): with the default N(0, 1) start, Adam needs
    many more steps to move the word vectors. Or it starts from ``pretrained`` word vectors (a
    ``(vocab_size, embed_dim)`` table), fine-tuned, or kept fixed with ``freeze=True``.
    """

    def __init__(self, kind: str, vocab_size: int, embed_dim: int = 64, hidden_size: int = 64,
                 bidirectional: bool = False, pooling: str = "maxmean", word_dropout: float = 0.0,
                 dropout: float = 0.0, embed_init: float = 0.1, pretrained: torch.Tensor | None = None,
                 freeze: bool = False) -> None:
        super().__init__()
        layer = recurrent_layer(kind)
        _check_options(vocab_size=vocab_size, embed_dim=embed_dim, hidden_size=hidden_size, pooling=pooling,
                       word_dropout=word_dropout, dropout=dropout, embed_init=embed_init)
        self.kind, self.pooling, self.word_dropout = kind, pooling, word_dropout
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=PAD_ID)
        _init_embedding(self.embed.weight, embed_init, pretrained, freeze)
        self.rnn = layer(embed_dim, hidden_size, batch_first=True, bidirectional=bidirectional)
        directions = 2 if bidirectional else 1
        features = directions * hidden_size * (2 if pooling == "maxmean" else 1)
        self.drop = nn.Dropout(dropout)
        self.out = nn.Linear(features, 1)

    def embed_tokens(self, tokens: torch.Tensor) -> torch.Tensor:
        """Word vectors ``(B, T, E)``; in training each word is dropped (zeroed) with ``word_dropout``."""
        x = self.embed(tokens)  # (B, T, E)
        if self.training and self.word_dropout > 0:
            keep = torch.rand(x.shape[:2] + (1,), device=x.device) >= self.word_dropout  # (B, T, 1)
            x = x * keep / (1.0 - self.word_dropout)
        return x

    def features(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """The sentence vector that the linear layer reads: ``(B, features)``."""
        x = self.embed_tokens(tokens)
        lengths = lengths.to(x.device)
        if self.rnn.bidirectional:
            packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
            out, h_n = self.rnn(packed)
            out, _ = pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])  # zeros after the end
            h_n = h_n[0] if self.kind == "lstm" else h_n  # (2, B, H): final forward and backward states
            last = torch.cat([h_n[0], h_n[1]], dim=-1)  # (B, 2H)
        else:
            out, _ = self.rnn(x)  # (B, T, H); the outputs at real steps never see the pads after them
            last = out[torch.arange(len(lengths), device=x.device), lengths - 1]  # (B, H) at each last word
        if self.pooling == "last":
            return last
        mask = padding_mask(lengths, out.shape[1]).unsqueeze(-1)  # (B, T, 1)
        largest = out.masked_fill(~mask, float("-inf")).amax(dim=1)  # (B, D)
        mean = (out * mask).sum(dim=1) / lengths.unsqueeze(-1)  # (B, D)
        return torch.cat([largest, mean], dim=-1)  # (B, 2D)

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        return self.out(self.drop(self.features(tokens, lengths))).squeeze(-1)  # (B,)


def _check_options(**options: object) -> None:
    """The shared checks of the two models' settings (sizes, rates, pooling)."""
    for name, value in options.items():
        if name in ("vocab_size", "embed_dim", "hidden_size"):
            positive_int(name, value)
        elif name in ("dropout", "word_dropout"):
            probability(name, value, hint="It is the share of values zeroed in training; 0 turns it off.")
        elif name == "embed_init":
            positive(name, value, hint="It is the half-width of the embedding's uniform start, e.g. 0.1.")
        elif name == "pooling":
            one_of(name, value, ("last", "maxmean"))


def binary_accuracy(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """Share of sentences whose sign of the logit matches the 0/1 label; both of shape ``(B,)``."""
    logits, labels = torch.as_tensor(logits), torch.as_tensor(labels)
    same_shape("logits", logits, "labels", labels)
    if logits.numel() == 0:
        raise ValueError("logits is empty; score at least one sentence.")
    return float(((logits > 0).float() == labels.float()).float().mean())


@dataclass
class TextResult:
    """A trained text classifier: its history, its accuracy on the validation and test parts (a share of
    sentences right), and its training time in seconds."""

    model: nn.Module
    history: History
    val_accuracy: float
    test_accuracy: float
    seconds: float


def train_text_classifier(model: nn.Module, data: TextData, epochs: int = 4, lr: float = 3e-3,
                          batch_size: int = 64, patience: int | None = 1, weight_decay: float = 0.0, seed: int = 0,
                          device: torch.device | str | None = None, progress: bool = True,
                          desc: str = "epochs") -> TextResult:
    """Train ``model`` on ``data`` with ``fit`` (Adam, early stopping on the validation loss) and test it.

    ``seed`` seeds the dropout and the order of the training batches (build the model after ``set_seed`` for
    a repeatable start). Returns the model with its best validation weights (with ``patience``; else the
    last), the history, the validation and test accuracy and the training seconds (``fit``'s own clock).
    """
    instance_of("model", model, nn.Module, hint="Build a BagOfWords or a RecurrentClassifier first.")
    instance_of("data", data, TextData, hint="Build it with text.prepare_text_data(texts, labels).")
    batch_size = positive_int("batch_size", batch_size)
    weight_decay = real("weight_decay", weight_decay, 0.0, hint="0 turns the L2 penalty off.")
    torch.manual_seed(integer("seed", seed, 0))
    device = torch.device(device) if device is not None else get_device()
    model.to(device)
    # The fused Adam updates all parameters in one kernel: ten times faster than the default on a CPU,
    # where the embedding table is most of the parameters.
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay, fused=True)
    history = fit(model, data.loader("train", batch_size, shuffle=True, seed=seed), nn.BCEWithLogitsLoss(),
                  epochs=epochs, optimizer=optimizer, val_loader=data.loader("val", 256), patience=patience,
                  metrics={"accuracy": binary_accuracy}, device=device, progress=progress, desc=desc)
    val_logits = predict(model, data.loader("val", 256))
    val_acc = binary_accuracy(val_logits, torch.as_tensor(data.labels["val"], dtype=torch.float32))
    logits = predict(model, data.loader("test", 256))
    test_acc = binary_accuracy(logits, torch.as_tensor(data.labels["test"], dtype=torch.float32))
    return TextResult(model, history, val_acc, test_acc, history.seconds)


def train_recipe(recipe: dict, data: TextData, vectors: torch.Tensor | None = None, seed: int = 0,
                 device: torch.device | str | None = None, progress: bool = True, desc: str = "epochs") -> TextResult:
    """Seed, build and train the model that ``recipe`` describes, on ``data`` (the same seed, the same model).

    ``recipe["model"]`` is ``"bag"`` (``BagOfWords``) or a kind (``"rnn"``, ``"lstm"``, ``"gru"``,
    ``RecurrentClassifier``); ``recipe["vectors"]`` is ``"random"`` (a small random start), ``"glove"``
    (start from ``vectors``, fine-tuned) or ``"frozen"`` (``vectors``, kept fixed); ``"model_options"``
    go to the model, ``"train_options"`` to ``train_text_classifier``. Other keys (``"bigrams"``) describe
    ``data`` and are not read here.
    """
    instance_of("recipe", recipe, dict, hint="For example {'model': 'gru', 'vectors': 'glove'}.")
    unknown = set(recipe) - {"model", "vectors", "model_options", "train_options", "bigrams"}
    if unknown or "model" not in recipe:
        raise ValueError(f"recipe needs 'model' and may hold 'vectors' ('random', 'glove' or 'frozen'), "
                         f"'model_options', 'train_options', 'bigrams'; got {recipe!r} (unknown: {sorted(unknown)}).")
    one_of("recipe['model']", recipe["model"], ("bag", *KINDS))
    one_of("recipe['vectors']", recipe.get("vectors", "random"), ("random", "glove", "frozen"))
    kind, start = recipe["model"], recipe.get("vectors", "random")
    if start != "random" and vectors is None:
        raise ValueError(f"recipe {kind!r} starts from pretrained vectors: pass vectors=embedding_matrix(...)[0].")
    pretrained = None if start == "random" else vectors
    options = dict(recipe.get("model_options", {}))
    if pretrained is not None:
        options["embed_dim"] = int(pretrained.shape[1])
    torch.manual_seed(seed)
    if kind == "bag":
        model: nn.Module = BagOfWords(len(data.vocab), pretrained=pretrained, freeze=start == "frozen", **options)
    else:
        model = RecurrentClassifier(kind, len(data.vocab), pretrained=pretrained, freeze=start == "frozen", **options)
    return train_text_classifier(model, data, seed=seed, device=device, progress=progress, desc=desc,
                                 **recipe.get("train_options", {}))
