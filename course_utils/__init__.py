"""course_utils: the small helper package of the RNN, LSTM and GRU course.

One concept per module. Each is taught in the notebooks named after it, which import it and show its source
with ``show_source``; later notebooks import it again. (``tests/test_package.py`` checks this list.)

- ``cells``: RNN, LSTM and GRU cells in numpy, in PyTorch's weight layout. Taught in 01, 03, 04.
- ``gradients``: how far back a gradient reaches through time. Taught in 02.
- ``memory_unit``: one LSTM or GRU unit on the stock example, and many trained at once. Taught in 03, 04.
- ``timing``: forward and backward time of a model. Taught in 04.
- ``windows``: time-series windows and splits that do not leak the future. Taught in 05.
- ``forecasters``: the course's forecasting task (next days' weather) and recurrent forecasters. Taught in 06.
- ``baselines``: forecasting baselines (persistence, climatology, linear) and the MAE. Taught in 06.
- ``paired``: sign and McNemar tests of two models on the same examples. Taught in 06, 07.
- ``text``: tokens, vocabulary and padded batches. Taught in 07.
- ``classifiers``: bag-of-words and recurrent sentence classifiers and their training. Taught in 07.
- ``word_vectors``: pretrained GloVe word vectors. Taught in 07.
- ``data``: the course's data sets, loaded offline and checksummed. Taught in 00, 05.
- ``train``: a small training loop with early stopping. Taught in 00.
- ``threads``: how many CPU threads PyTorch uses in the course. Taught in 00.
- ``checks``: the exercises' self-checks. Taught in 00.
- ``widgets``: sliders that still run headless. Taught in 00.

Tools that the notebooks use without teaching them: ``plots``, ``results``, ``source``, ``i18n``.
Private plumbing (the shared input checks): ``_validate``.
"""

from pathlib import Path

from course_utils.source import show_source

# The course folder (notebooks/, data/, benchmarks/, requirements.txt), wherever a notebook runs from: notebooks/,
# notebooks/vi/, student/ or student/vi/.
COURSE_DIR = Path(__file__).resolve().parent.parent

__all__ = ["COURSE_DIR", "show_source"]
__version__ = "1.0.0"
