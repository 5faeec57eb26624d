"""Text for recurrent networks: tokens, a vocabulary and padded batches (taught in notebook 07).

* ``tokenize`` splits a sentence into lower-case words; ``add_bigrams`` appends word pairs.
* ``Vocab`` (built by ``build_vocab``) maps words to indices, with ``<pad>`` = 0 and ``<unk>`` = 1.
* ``pad_sequences`` turns index lists of different lengths into one padded tensor and their lengths;
  ``BucketBatches`` serves ``(tokens, lengths, labels)`` batches of similar lengths.
* ``split_indices`` gives a seeded train / validation / test split; ``prepare_text_data`` runs the whole
  pipeline into a ``TextData``. The models that read these batches live in ``course_utils.classifiers``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
import torch

from course_utils._validate import instance_of, integer, non_negative_int, one_of, positive_int

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
    if isinstance(tokens, str):
        raise TypeError("add_bigrams takes a list of tokens, not a str; call tokenize(text) first.")
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
    min_freq = positive_int("min_freq", min_freq, hint="1 keeps every word; 2 drops the words seen once.")
    if max_size is not None:
        max_size = non_negative_int("max_size", max_size, hint="Or None for no cap.")
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
    lengths = _check_sequences(seqs)  # (B,) numpy
    tokens = np.full((len(seqs), int(lengths.max())), pad_id, dtype=np.int64)  # (B, T), all pads
    real = np.arange(tokens.shape[1])[None, :] < lengths[:, None]  # (B, T): the padding mask
    tokens[real] = np.fromiter(chain.from_iterable(seqs), dtype=np.int64, count=int(lengths.sum()))  # row by row
    return torch.from_numpy(tokens), torch.from_numpy(lengths)


def _check_sequences(seqs: Sequence[Sequence[int]]) -> np.ndarray:
    """The lengths of ``seqs`` (int64), after checking that there is at least one and none is empty."""
    if isinstance(seqs, (str, torch.Tensor)) or not isinstance(seqs, Sequence):
        raise TypeError(f"seqs must be a list of index lists, e.g. [[4, 7, 2], [5]]; got {type(seqs).__name__}. "
                        "Encode each sentence with vocab.encode(tokens) first.")
    if len(seqs) == 0:
        raise ValueError("seqs is empty; give at least one sequence.")
    lengths = np.array([len(s) for s in seqs], dtype=np.int64)
    if lengths.min() < 1:
        raise ValueError(f"sequence {int(lengths.argmin())} is empty; every sequence needs at least one token "
                         "(encode an empty sentence as [UNK_ID]).")
    return lengths


def padding_mask(lengths: torch.Tensor, max_len: int | None = None) -> torch.Tensor:
    """``mask[b, t]`` is True where step ``t`` is a real token of sequence ``b`` (``t < lengths[b]``)."""
    lengths = torch.as_tensor(lengths)
    if lengths.ndim != 1 or lengths.numel() == 0 or lengths.is_floating_point():
        raise ValueError(f"lengths must be a 1-D integer tensor with one length per sequence; got {lengths!r}.")
    longest = int(lengths.max())
    max_len = longest if max_len is None else integer("max_len", max_len, longest,
                                                      hint="It must cover the longest sequence (or pass None).")
    return torch.arange(max_len, device=lengths.device)[None, :] < lengths[:, None]  # (B, T)


def split_indices(n: int, fractions: Sequence[float] = (0.8, 0.1, 0.1), seed: int = 0) -> tuple[np.ndarray, ...]:
    """A seeded random split of ``range(n)`` into parts of the given fractions (train, validation, test)."""
    n = integer("n", n, len(fractions), hint="Each part needs at least one item.")
    seed = integer("seed", seed, 0)
    fractions = np.asarray(fractions, dtype=float)
    if np.any(fractions <= 0) or not np.isclose(fractions.sum(), 1.0):
        raise ValueError(f"fractions must be positive and add up to 1; got {fractions.tolist()}.")
    order = np.random.default_rng(seed).permutation(n)
    sizes = np.floor(fractions * n).astype(int)
    for k in np.argsort(-(fractions * n - sizes), kind="stable")[: n - sizes.sum()]:
        sizes[k] += 1  # the largest remainders get the left-over items
    while sizes.min() == 0:  # rounding emptied a part: take one from the largest
        sizes[sizes.argmax()] -= 1
        sizes[sizes.argmin()] += 1
    return tuple(np.sort(part) for part in np.split(order, np.cumsum(sizes)[:-1]))


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
        batch_size = positive_int("batch_size", batch_size)
        seed = integer("seed", seed, 0)
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
        one_of("split", split, tuple(self.ids), hint="'val' is the validation part.")
        return BucketBatches(self.ids[split], self.labels[split], batch_size, shuffle, seed)

    def encode(self, text: str) -> list[int]:
        """The indices of a new sentence, tokenised as the data was."""
        tokens = tokenize(text)
        ids = self.vocab.encode(add_bigrams(tokens) if self.bigrams else tokens)
        return ids or [UNK_ID]


def prepare_text_data(texts: Sequence[str], labels: Sequence[int], min_freq: int = 2, bigrams: bool = False,
                      fractions: Sequence[float] = (0.8, 0.1, 0.1), seed: int = 0) -> TextData:
    """Tokenise, split (seeded), build the vocabulary on the training part and encode every split."""
    if isinstance(texts, str):
        raise TypeError("texts must be a list of sentences, not one str; wrap a single sentence in a list.")
    instance_of("bigrams", bigrams, bool)
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


