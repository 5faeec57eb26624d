"""Text for recurrent networks: tokens, a vocabulary, padded batches and sentence classifiers.

* ``tokenize`` splits a sentence into lower-case words; ``add_bigrams`` appends word pairs.
* ``Vocab`` (built by ``build_vocab``) maps words to indices, with ``<pad>`` = 0 and ``<unk>`` = 1.
* ``pad_sequences`` turns index lists of different lengths into one padded tensor and their lengths;
  ``BucketBatches`` serves ``(tokens, lengths, labels)`` batches of similar lengths.
* ``BagOfWords`` (mean of word embeddings, then a linear layer) and ``RecurrentClassifier`` (embedding,
  RNN / LSTM / GRU, pooling over the real steps, a linear layer) each return one logit per sentence.
* ``split_indices`` gives a seeded train / validation / test split; ``prepare_text_data`` runs the whole
  pipeline, and ``train_text_classifier`` trains and tests one model with ``course_utils.train.fit``.
"""

from __future__ import annotations

import numbers
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from course_utils.train import History, fit, get_device, predict

PAD, UNK = "<pad>", "<unk>"
PAD_ID, UNK_ID = 0, 1


# ----------------------------------------------------------------------------------------------
# Words and indices.


def tokenize(text: str) -> list[str]:
    """Lower-case ``text`` and split it on white space: ``"A fine film ."`` -> ``["a", "fine", "film", "."]``."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str; got {type(text).__name__}. Tokenise one sentence at a time.")
    return text.lower().split()


def add_bigrams(tokens: Sequence[str]) -> list[str]:
    """The tokens followed by every pair of neighbours: ``[a, b, c]`` -> ``[a, b, c, "a b", "b c"]``."""
    tokens = list(tokens)
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]


class Vocab:
    """A word <-> index table. Index 0 is ``<pad>`` (filler), 1 is ``<unk>`` (any word not in the table)."""

    def __init__(self, words: Iterable[str]) -> None:
        self.itos: list[str] = [PAD, UNK]
        for word in words:
            if word not in (PAD, UNK):
                self.itos.append(word)
        self.stoi: dict[str, int] = {w: i for i, w in enumerate(self.itos)}
        if len(self.stoi) != len(self.itos):
            raise ValueError("words holds duplicates; give each word once.")

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, word: object) -> bool:
        return word in self.stoi

    def __repr__(self) -> str:
        return f"Vocab({len(self)} entries: {self.itos[:6]}...)"

    def encode(self, tokens: Sequence[str]) -> list[int]:
        """The index of each token; unknown tokens get ``UNK_ID`` (1)."""
        if isinstance(tokens, str):
            raise TypeError("encode takes a list of tokens, not a str; call tokenize(text) first.")
        return [self.stoi.get(t, UNK_ID) for t in tokens]

    def decode(self, ids: Iterable[int]) -> list[str]:
        """The word of each index (``<pad>`` included)."""
        ids = [int(i) for i in ids]
        bad = [i for i in ids if not 0 <= i < len(self)]
        if bad:
            raise ValueError(f"indices must be in 0..{len(self) - 1}; got {bad[:5]}.")
        return [self.itos[i] for i in ids]


def build_vocab(token_lists: Iterable[Sequence[str]], min_freq: int = 1, max_size: int | None = None) -> Vocab:
    """A ``Vocab`` of the words seen at least ``min_freq`` times, most frequent first (ties alphabetically).

    Build it on the training sentences only: words seen only in validation or test become ``<unk>``.
    ``max_size`` caps the number of words (``<pad>`` and ``<unk>`` not counted).
    """
    if isinstance(min_freq, bool) or not isinstance(min_freq, numbers.Integral) or min_freq < 1:
        raise ValueError(f"min_freq must be an integer of at least 1; got {min_freq!r}.")
    if max_size is not None and max_size < 0:
        raise ValueError(f"max_size must be None or at least 0; got {max_size}.")
    counts: Counter[str] = Counter()
    for tokens in token_lists:
        if isinstance(tokens, str):
            raise TypeError("token_lists must hold lists of tokens, not strings; map tokenize over the texts first.")
        counts.update(tokens)
    words = sorted((w for w, c in counts.items() if c >= min_freq), key=lambda w: (-counts[w], w))
    return Vocab(words[:max_size] if max_size is not None else words)


def pad_sequences(seqs: Sequence[Sequence[int]], pad_id: int = PAD_ID) -> tuple[torch.Tensor, torch.Tensor]:
    """Pad index lists to the longest one: ``(tokens (B, T) long, lengths (B,) long)``.

    Every sequence needs at least one token (an empty sentence has nothing to read; encode it as ``[UNK_ID]``).
    """
    if len(seqs) == 0:
        raise ValueError("seqs is empty; give at least one sequence.")
    lengths = torch.tensor([len(s) for s in seqs], dtype=torch.long)  # (B,)
    if int(lengths.min()) < 1:
        raise ValueError(f"sequence {int(lengths.argmin())} is empty; every sequence needs at least one token.")
    tokens = torch.full((len(seqs), int(lengths.max())), pad_id, dtype=torch.long)  # (B, T)
    for row, seq in enumerate(seqs):
        tokens[row, : len(seq)] = torch.as_tensor(list(seq), dtype=torch.long)
    return tokens, lengths


def padding_mask(lengths: torch.Tensor, max_len: int | None = None) -> torch.Tensor:
    """``mask[b, t]`` is True where step ``t`` is a real token of sequence ``b`` (``t < lengths[b]``)."""
    lengths = torch.as_tensor(lengths)
    max_len = int(lengths.max()) if max_len is None else max_len
    return torch.arange(max_len, device=lengths.device)[None, :] < lengths[:, None]  # (B, T)


def split_indices(n: int, fractions: Sequence[float] = (0.8, 0.1, 0.1), seed: int = 0) -> tuple[np.ndarray, ...]:
    """A seeded random split of ``range(n)`` into parts of the given fractions (train, validation, test)."""
    if n < len(fractions):
        raise ValueError(f"n must be at least the number of parts ({len(fractions)}); got n={n}.")
    fractions = np.asarray(fractions, dtype=float)
    if np.any(fractions <= 0) or not np.isclose(fractions.sum(), 1.0):
        raise ValueError(f"fractions must be positive and add up to 1; got {fractions.tolist()}.")
    order = np.random.default_rng(seed).permutation(n)
    cuts = np.round(np.cumsum(fractions)[:-1] * n).astype(int)
    return tuple(np.sort(part) for part in np.split(order, cuts))


class BucketBatches:
    """Batches ``(tokens (B, T), lengths (B,), labels (B,) float)`` of sentences of similar length.

    With ``shuffle=True`` each pass sorts the sentences by length inside random chunks of
    ``batch_size * 50``, cuts batches and serves them in random order: each batch has little padding,
    yet the order changes every epoch (seeded by ``seed`` and the pass number). Without shuffling the
    batches follow the original order, so predictions line up with the data.
    """

    def __init__(self, seqs: Sequence[Sequence[int]], labels: Sequence[float], batch_size: int = 64,
                 shuffle: bool = False, seed: int = 0) -> None:
        if len(seqs) != len(labels):
            raise ValueError(f"seqs and labels must have the same length; got {len(seqs)} and {len(labels)}.")
        if len(seqs) == 0:
            raise ValueError("seqs is empty; give at least one sentence.")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1; got {batch_size}.")
        self.seqs = [list(s) if len(s) else [UNK_ID] for s in seqs]
        self.labels = torch.as_tensor(np.asarray(labels), dtype=torch.float32)
        self.lengths = np.array([len(s) for s in self.seqs])
        self.batch_size, self.shuffle, self.seed, self.passes = batch_size, shuffle, seed, 0

    def __len__(self) -> int:
        return -(-len(self.seqs) // self.batch_size)

    def _batches(self) -> list[np.ndarray]:
        n, size = len(self.seqs), self.batch_size
        if not self.shuffle:
            return [np.arange(i, min(i + size, n)) for i in range(0, n, size)]
        rng = np.random.default_rng((self.seed, self.passes))
        order, chunk = rng.permutation(n), size * 50
        batches = []
        for start in range(0, n, chunk):
            part = order[start : start + chunk]
            part = part[np.argsort(self.lengths[part], kind="stable")]
            batches += [part[i : i + size] for i in range(0, len(part), size)]
        return [batches[k] for k in rng.permutation(len(batches))]

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
        batches = self._batches()
        self.passes += 1
        for idx in batches:
            tokens, lengths = pad_sequences([self.seqs[i] for i in idx])
            yield tokens, lengths, self.labels[idx]


# ----------------------------------------------------------------------------------------------
# Models: one logit per sentence (positive when the model says "positive").


class BagOfWords(nn.Module):
    """Mean of the word embeddings (``nn.EmbeddingBag``, padding ignored), then a linear layer."""

    def __init__(self, vocab_size: int, embed_dim: int = 64, dropout: float = 0.0, embed_init: float = 0.1) -> None:
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, embed_dim, mode="mean", padding_idx=PAD_ID)
        with torch.no_grad():
            self.bag.weight.uniform_(-embed_init, embed_init)
            self.bag.weight[PAD_ID] = 0.0
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
    many more steps to move the word vectors.
    """

    def __init__(self, kind: str, vocab_size: int, embed_dim: int = 64, hidden_size: int = 64,
                 bidirectional: bool = False, pooling: str = "maxmean", word_dropout: float = 0.0,
                 dropout: float = 0.0, embed_init: float = 0.1) -> None:
        super().__init__()
        layers = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
        if kind not in layers:
            raise ValueError(f"kind must be one of {tuple(layers)}; got {kind!r}.")
        if pooling not in ("last", "maxmean"):
            raise ValueError(f"pooling must be 'last' or 'maxmean'; got {pooling!r}.")
        if not 0.0 <= word_dropout < 1.0 or not 0.0 <= dropout < 1.0:
            raise ValueError(f"word_dropout and dropout must be in [0, 1); got {word_dropout} and {dropout}.")
        self.kind, self.pooling, self.word_dropout = kind, pooling, word_dropout
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=PAD_ID)
        with torch.no_grad():
            self.embed.weight.uniform_(-embed_init, embed_init)
            self.embed.weight[PAD_ID] = 0.0
        self.rnn = layers[kind](embed_dim, hidden_size, batch_first=True, bidirectional=bidirectional)
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


def binary_accuracy(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """Share of sentences whose sign of the logit matches the 0/1 label."""
    return float(((logits > 0).float() == labels).float().mean())


# ----------------------------------------------------------------------------------------------
# The whole pipeline, so that a later notebook can re-run a short training in a few lines.


@dataclass
class TextData:
    """Encoded splits of a labelled text data set and the vocabulary built on its training part."""

    vocab: Vocab
    texts: dict[str, list[str]]
    labels: dict[str, np.ndarray]
    ids: dict[str, list[list[int]]]
    bigrams: bool

    def loader(self, split: str, batch_size: int = 64, shuffle: bool = False, seed: int = 0) -> BucketBatches:
        """Batches of one split (``"train"``, ``"val"`` or ``"test"``)."""
        if split not in self.ids:
            raise ValueError(f"split must be one of {tuple(self.ids)}; got {split!r}.")
        return BucketBatches(self.ids[split], self.labels[split], batch_size, shuffle, seed)

    def encode(self, text: str) -> list[int]:
        """The indices of a new sentence, tokenised as the data was."""
        tokens = tokenize(text)
        ids = self.vocab.encode(add_bigrams(tokens) if self.bigrams else tokens)
        return ids or [UNK_ID]


def prepare_text_data(texts: Sequence[str], labels: Sequence[int], min_freq: int = 2, bigrams: bool = False,
                      fractions: Sequence[float] = (0.8, 0.1, 0.1), seed: int = 0) -> TextData:
    """Tokenise, split (seeded), build the vocabulary on the training part and encode every split."""
    texts, labels = list(texts), np.asarray(labels)
    if len(texts) != len(labels):
        raise ValueError(f"texts and labels must have the same length; got {len(texts)} and {len(labels)}.")
    tokens = [tokenize(t) for t in texts]
    if bigrams:
        tokens = [add_bigrams(t) for t in tokens]
    parts = dict(zip(("train", "val", "test"), split_indices(len(texts), fractions, seed), strict=True))
    vocab = build_vocab([tokens[i] for i in parts["train"]], min_freq=min_freq)
    return TextData(
        vocab=vocab,
        texts={k: [texts[i] for i in idx] for k, idx in parts.items()},
        labels={k: labels[idx] for k, idx in parts.items()},
        ids={k: [vocab.encode(tokens[i]) or [UNK_ID] for i in idx] for k, idx in parts.items()},
        bigrams=bigrams,
    )


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
    torch.manual_seed(seed)
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
