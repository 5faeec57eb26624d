"""course_utils: the small helper package of the RNN, LSTM and GRU course.

One concept per module: ``cells`` (the recurrent cells in numpy), ``windows`` (time-series windows and
splits), ``data`` (the real data sets), ``train`` (a training loop), ``plots``, ``widgets``, ``checks``
(exercise self-checks) and ``source`` (``show_source``). Each is taught in a notebook that shows its source.
"""

from course_utils.source import show_source

__all__ = ["show_source"]
__version__ = "1.0.0"
