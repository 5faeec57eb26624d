"""The shared input checks: each returns the good value and refuses bad ones with a clear message."""

import math

import numpy as np
import pytest
import torch
from torch import nn

from course_utils import _validate as v


def test_integer_checks_accept_numpy_ints_and_refuse_bools_floats_and_small_values():
    assert v.positive_int("epochs", np.int64(3)) == 3
    assert type(v.positive_int("epochs", np.int64(3))) is int
    assert v.non_negative_int("gap", 0) == 0
    assert v.integer("n", 3, minimum=3) == 3
    with pytest.raises(TypeError, match=r"epochs must be a whole number \(int\) of at least 1; got 2.5 \(float\)"):
        v.positive_int("epochs", 2.5)
    with pytest.raises(TypeError, match="got True"):
        v.positive_int("epochs", True)
    with pytest.raises(ValueError, match="epochs must be at least 1; got epochs=0"):
        v.positive_int("epochs", 0)
    with pytest.raises(ValueError, match="gap must be at least 0; got gap=-1"):
        v.non_negative_int("gap", -1)
    with pytest.raises(ValueError, match=r"n must be at least 3; got n=2\. Use more rows\."):
        v.integer("n", 2, minimum=3, hint="Use more rows.")


def test_real_checks_bounds_open_and_closed():
    assert v.positive("lr", 1e-3) == 1e-3
    assert v.probability("dropout", 0.0) == 0.0
    assert v.probability("p", 1, allow_one=True) == 1.0
    assert v.real("x", 2, low=2, high=3) == 2.0
    with pytest.raises(ValueError, match=r"lr must be a finite number in \(0, inf\]; got lr=0\.0"):
        v.positive("lr", 0)
    with pytest.raises(ValueError, match=r"dropout must be a finite number in \[0, 1\)"):
        v.probability("dropout", 1.0)
    with pytest.raises(ValueError, match=r"\[2, 3\)"):
        v.real("x", 3, low=2, high=3, high_open=True)
    with pytest.raises(ValueError, match=r"\(2, 3\]"):
        v.real("x", 2, low=2, high=3, low_open=True)
    with pytest.raises(ValueError, match="finite"):
        v.positive("lr", math.nan)
    with pytest.raises(ValueError, match="finite"):
        v.positive("lr", math.inf)
    with pytest.raises(TypeError, match=r"lr must be a number; got '0.1' \(str\)"):
        v.positive("lr", "0.1")
    with pytest.raises(TypeError):
        v.positive("lr", True)


def test_one_of_instance_of_and_same_shape():
    assert v.one_of("pooling", "last", ("last", "maxmean")) == "last"
    with pytest.raises(ValueError, match=r"pooling must be one of \('last', 'maxmean'\); got 'mean'"):
        v.one_of("pooling", "mean", ("last", "maxmean"))
    with pytest.raises(ValueError, match="must be one of"):
        v.one_of("kind", ["lstm"], {"lstm": 1})
    assert v.instance_of("x", torch.zeros(1), torch.Tensor) is not None
    with pytest.raises(TypeError, match="x must be a Tensor or ndarray; got list"):
        v.instance_of("x", [1.0], (torch.Tensor, np.ndarray))
    v.same_shape("a", np.zeros(3), "b", torch.zeros(3))
    with pytest.raises(ValueError, match=r"logits and labels must have the same shape; got \(4,\) and \(4, 1\)\. Resh"):
        v.same_shape("logits", torch.zeros(4), "labels", torch.zeros(4, 1))


def test_one_map_of_recurrent_layers():
    assert v.KINDS == ("rnn", "lstm", "gru")
    assert [v.recurrent_layer(k) for k in v.KINDS] == [nn.RNN, nn.LSTM, nn.GRU]
    assert v.check_kind("gru") == "gru"
    for bad in ("LSTM", "transformer", None):
        with pytest.raises(ValueError, match=r"kind must be one of \('rnn', 'lstm', 'gru'\).*lower case"):
            v.recurrent_layer(bad)
