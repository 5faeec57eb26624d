"""course_utils: the small helper package of the RNN, LSTM and GRU course.

One concept per module, each taught in the notebook named here, which shows its source:
``cells`` (RNN, LSTM and GRU cells in numpy; 01, 03, 04), ``gradients`` (how far a gradient reaches; 02),
``stock`` (the StatQuest one-unit example; 03, 04), ``timing`` (forward and backward time; 04),
``windows`` (time-series windows and splits; 05), ``forecast`` (the weather task; 06), ``paired`` (sign and
McNemar tests of two models on the same examples; 06, 07), ``text`` (tokens,
vocabulary and batches; 07), ``classifiers`` (sentence classifiers and their training; 07),
``word_vectors`` (pretrained GloVe word vectors; 07), and the tools every notebook uses: ``data`` (the data
sets), ``train`` (a training loop), ``plots``, ``widgets``, ``checks`` (exercise self-checks), ``results`` (numbers for
``make bench``) and ``source`` (``show_source``).
"""

from course_utils.source import show_source

__all__ = ["show_source"]
__version__ = "1.0.0"
