"""Pretrained word vectors: GloVe 6B 50d, the rows for the sentence polarity words (taught in notebook 07).

* ``load_glove`` reads the vectors shipped in ``data/`` (checksum-verified) as ``WordVectors``.
* ``WordVectors.nearest`` lists a word's nearest neighbours by cosine similarity.
* ``embedding_matrix`` builds the starting table of an ``nn.Embedding`` for a vocabulary: the GloVe vector
  of every word that has one, a small random vector for the others, zeros for ``<pad>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from course_utils._validate import instance_of, integer, positive, positive_int
from course_utils.data import verified_path
from course_utils.text import PAD_ID, Vocab

GLOVE_VECTORS, GLOVE_WORDS = "glove-6b-50d-polarity.npy", "glove-6b-50d-polarity-words.npy"


@dataclass
class WordVectors:
    """A table of word vectors: ``vectors[i]`` (float32) belongs to ``words[i]``."""

    words: list[str]
    vectors: np.ndarray
    index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.vectors.ndim != 2 or len(self.vectors) != len(self.words):
            raise ValueError(f"vectors must be (len(words), dim) = ({len(self.words)}, dim); got {self.vectors.shape}.")
        self.index = {w: i for i, w in enumerate(self.words)}

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self.index

    @property
    def dim(self) -> int:
        """The number of dimensions of each vector."""
        return int(self.vectors.shape[1])

    def __getitem__(self, word: str) -> np.ndarray:
        if word not in self.index:
            raise KeyError(f"{word!r} has no vector; check `word in vectors` first (words are lower case).")
        return self.vectors[self.index[word]]

    def nearest(self, word: str, k: int = 5) -> list[tuple[str, float]]:
        """The ``k`` other words with the highest cosine similarity to ``word``, with their similarities."""
        instance_of("word", word, str, hint="Give one word, e.g. 'good'.")
        k = positive_int("k", k, hint="It is the number of neighbours to list.")
        unit = self.vectors / np.linalg.norm(self.vectors, axis=1, keepdims=True)
        similarity = unit @ unit[self.index[word]] if word in self.index else self[word]
        order = [i for i in np.argsort(-similarity, kind="stable")[: k + 1] if self.words[i] != word][:k]
        return [(self.words[i], float(similarity[i])) for i in order]


def load_glove(vectors_path: str | Path | None = None, words_path: str | Path | None = None) -> WordVectors:
    """GloVe 6B 50d (Pennington, Socher and Manning 2014; PDDL 1.0) for the 15,916 words of the sentence
    polarity data that GloVe knows, most frequent first. Both files are checked against their SHA-256."""
    words = np.load(verified_path(GLOVE_WORDS, words_path)).tolist()
    vectors = np.load(verified_path(GLOVE_VECTORS, vectors_path)).astype(np.float32)
    return WordVectors(words, vectors)


def embedding_matrix(vocab: Vocab, vectors: WordVectors, seed: int = 0,
                     scale: float = 0.1) -> tuple[torch.Tensor, float]:
    """The ``(len(vocab), vectors.dim)`` starting table for ``vocab`` and the share of its words covered.

    A word with a pretrained vector gets it; a word without one (``<unk>``, rare spellings, bigrams) gets a
    random vector uniform in +-``scale`` (seeded); ``<pad>`` gets zeros. The share counts the vocabulary's
    words (``<pad>`` and ``<unk>`` left out) that have a vector.
    """
    instance_of("vocab", vocab, Vocab, hint="Build it with text.build_vocab (or use data.vocab).")
    instance_of("vectors", vectors, WordVectors, hint="Load them with load_glove().")
    seed, scale = integer("seed", seed, 0), positive("scale", scale, hint="For example 0.1.")
    rng = np.random.default_rng(seed)
    table = rng.uniform(-scale, scale, size=(len(vocab), vectors.dim)).astype(np.float32)
    found = [(i, vectors.index[w]) for i, w in enumerate(vocab.itos) if i > 1 and w in vectors.index]
    if found:
        rows, source = zip(*found, strict=True)
        table[list(rows)] = vectors.vectors[list(source)]
    table[PAD_ID] = 0.0
    return torch.from_numpy(table), len(found) / max(len(vocab) - 2, 1)
