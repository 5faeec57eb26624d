"""Self-checks for the exercises: compare a learner's answer with the reference and answer kindly.

A check prints a short "✅ ..." line and returns True, or raises ``CheckFailed`` (an ``AssertionError``)
that says, in plain words, what came back and what to look at. A wrong try gets a hint aimed at the likely
mistake, never the answer: a multiple-choice explanation is printed after the right answer, or when the
learner asks for it by setting the answer to ``"?"``. A function not written yet (``NotImplementedError``)
gets a reminder of where to write it; a missing ``return`` (``None``) is named as such.
"""

from __future__ import annotations

import copy
import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from course_utils.i18n import tr

ASK = "?"  # the answer that asks a multiple-choice check for the right answer and its explanation
SIZE_ERROR = re.compile(r"shape|size|dimension|broadcast|mismatch|out of bounds", re.I)  # errors about sizes


class CheckFailed(AssertionError):
    """A self-check did not pass; the message says why and what to try."""


def _as_array(value: Any) -> np.ndarray:
    if hasattr(value, "detach"):  # a torch tensor
        value = value.detach().cpu().numpy()
    return np.asarray(value, dtype=float)


def _kind(value: Any) -> str:
    """``value`` described in plain words, for messages."""
    if value is None:
        return "None"
    if isinstance(value, bool):
        return tr("the truth value {value}").format(value=value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return tr("the number {value}").format(value=value)
    if isinstance(value, str):
        return tr("the text {value!r}").format(value=value)
    if hasattr(value, "shape"):
        return tr("an array of shape {shape}").format(shape=tuple(value.shape))
    return tr("a {kind}").format(kind=type(value).__name__)


def _ordinal(k: int) -> str:
    return {1: tr("1st"), 2: tr("2nd"), 3: tr("3rd")}.get(k) or tr("{k}th").format(k=k)


def _index(where: tuple) -> str:
    return "" if not where else tr(" at index [{index}]").format(index=", ".join(str(int(i)) for i in where))


def _shape_hint(got: tuple, expected: tuple) -> str:
    if len(got) == len(expected) and sorted(got) == sorted(expected) and got != expected:
        return " " + tr("The sizes are swapped: did you multiply by a transposed matrix (W.T instead of W)?")
    if len(got) != len(expected):
        return " " + tr("The number of dimensions differs: check for a missing or extra axis (reshape, squeeze).")
    return ""


def _numbers(name: str, value: Any) -> np.ndarray:
    """``value`` as a float array, or ``CheckFailed`` saying in plain words why it is not numbers."""
    if value is None:
        raise CheckFailed(tr("{name} is None: no answer yet? Set it to your answer and run its cell. If it comes "
                             "from a function you wrote, a function that ends without `return` gives None: did you "
                             "forget the `return` line?").format(name=name))
    if isinstance(value, (str, bytes, Mapping)) or value is ...:
        raise CheckFailed(tr("{name} is {kind}; a number or an array of numbers is expected here.").format(
            name=name, kind=_kind(value)))
    try:
        return _as_array(value)
    except (TypeError, ValueError) as err:
        raise CheckFailed(tr("{name} is {kind}, which cannot be read as numbers ({error}); a number or an array of "
                             "numbers is expected here.").format(name=name, kind=_kind(value), error=err)) from err


def _difference(name: str, got: Any, expected: Any, atol: float, rtol: float, reveal: bool) -> str | None:
    """Why ``got`` is not ``expected`` in plain words, or None when they agree.

    With ``reveal`` the message shows the expected number at the first place they differ (a function check on a
    random input); without, it says only whether the answer is too large or too small (a value check, whose
    expected number would be the answer itself).
    """
    if isinstance(expected, tuple):
        if got is None:
            _numbers(name, got)
        if not isinstance(got, (tuple, list)):
            return tr("{name} is {kind}; a tuple of {n} values is expected, such as (a, b).").format(
                name=name, kind=_kind(got), n=len(expected))
        if len(got) != len(expected):
            return tr("{name} holds {got} values; {n} are expected.").format(name=name, got=len(got), n=len(expected))
        for k, (g, e) in enumerate(zip(got, expected, strict=True)):
            part = tr("the {ordinal} value of {name}").format(ordinal=_ordinal(k + 1), name=name)
            problem = _difference(part, g, e, atol, rtol, reveal)
            if problem:
                return problem
        return None
    got_a, exp_a = _numbers(name, got), _as_array(expected)
    if got_a.shape != exp_a.shape:
        hint = _shape_hint(got_a.shape, exp_a.shape)
        return tr("{name} has shape {got}; shape {expected} is expected.").format(
            name=name, got=got_a.shape, expected=exp_a.shape) + hint
    bad_nan = np.isnan(got_a) & ~np.isnan(exp_a)
    if bad_nan.any():
        where = tuple(np.argwhere(bad_nan)[0]) if got_a.ndim else ()
        return tr("{name} is NaN (not a number){where}. NaN comes from 0/0, the log of a negative number, or an "
                  "array made with np.empty and never filled.").format(name=name, where=_index(where))
    if np.allclose(got_a, exp_a, atol=atol, rtol=rtol, equal_nan=True):
        return None
    gap = np.where(np.isnan(exp_a), 0.0, np.abs(got_a - exp_a))
    where = np.unravel_index(np.argmax(gap), exp_a.shape) if exp_a.ndim else ()
    g, e = got_a[where], exp_a[where]
    if reveal:
        return tr("{name} differs from the reference{where}: you have {got:.6g}, the reference {expected:.6g}.").format(
            name=name, where=_index(where), got=g, expected=e)
    if g > e:
        return tr("{name} is not right yet{where}: you have {got:.6g}, which is too large.").format(
            name=name, where=_index(where), got=g)
    return tr("{name} is not right yet{where}: you have {got:.6g}, which is too small.").format(
        name=name, where=_index(where), got=g)


def _agrees(got: Any, value: Any, atol: float, rtol: float) -> bool:
    try:
        return _difference("x", got, value, atol, rtol, reveal=True) is None
    except CheckFailed:
        return False


def _with_hint(message: str, hint: str) -> str:
    return tr("{message} Hint: {hint}").format(message=message, hint=tr(hint)) if hint else message


def check_value(answer: Any, expected: Any, name: str = "", atol: float = 1e-6,
                rtol: float = 1e-6, hint: str = "", *, mistakes: Mapping[str, Any] | None = None) -> bool:
    """Check a number or array (or a tuple of them) against the expected value.

    ``mistakes`` maps a hint to the value that a typical mistake gives; an answer equal to one of them gets that
    hint instead of ``hint``. A wrong answer is told whether it is too large or too small, never the expected value.
    """
    name = tr(name) if name else tr("your answer")
    problem = _difference(name, answer, expected, atol, rtol, reveal=False)
    if problem is None:
        print(tr("✅ {name} is right.").format(name=name))
        return True
    for mistake_hint, wrong in (mistakes or {}).items():
        if _agrees(answer, wrong, atol, rtol):
            raise CheckFailed(_with_hint(tr("{name} is not right yet.").format(name=name), mistake_hint))
    raise CheckFailed(_with_hint(problem, hint))


def _shapes(value: Any) -> Any:
    """A hashable summary of the sizes in ``value`` (arrays, tensors, dicts and tuples of them)."""
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _shapes(v)) for k, v in value.items()))
    if isinstance(value, (tuple, list)):
        return tuple(_shapes(v) for v in value)
    if hasattr(value, "shape"):
        return tuple(value.shape)
    if isinstance(value, (int, float, np.number)):
        return ()
    return type(value).__name__


def _describe(value: Any) -> str:
    if isinstance(value, Mapping):
        return tr("a dict of {n} ({keys})").format(n=len(value), keys=", ".join(str(k) for k in value))
    if hasattr(value, "shape") and getattr(value, "ndim", 1) > 0:
        return tr("shape {shape}").format(shape=tuple(int(s) for s in value.shape))
    if isinstance(value, (int, float, np.number)) or hasattr(value, "shape"):
        return f"{float(value):.4g}"
    if isinstance(value, (tuple, list)):
        return tr("a {kind} of {n}").format(kind=type(value).__name__, n=len(value))
    return _kind(value)


def _argument_names(func: Callable[..., Any], count: int) -> list[str]:
    try:
        params = [p.name for p in inspect.signature(func).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    return (params + [f"argument {k + 1}" for k in range(len(params), count)])[:count]


def check_function(learner: Callable[..., Any], reference: Callable[..., Any],
                   make_inputs: Callable[[np.random.Generator], tuple], trials: int = 5, seed: int = 0,
                   atol: float = 1e-8, rtol: float = 1e-6, hint: str = "", *,
                   mistakes: Mapping[str, Callable[..., Any]] | None = None, sizes_vary: bool = True) -> bool:
    """Call ``learner`` and ``reference`` on ``trials`` random inputs and compare what they return.

    ``make_inputs(rng)`` returns the tuple of arguments for one trial. It should draw the sizes at random, so that
    a function with a hard-coded size fails: with ``sizes_vary`` (the default) inputs of one shape on every trial
    are refused as a mistake of the exercise's author. ``mistakes`` maps a hint to a function with the
    reference's signature that makes a typical mistake; a learner's result equal to its result gets that hint.
    """
    if trials < 1:
        raise ValueError(f"trials must be at least 1; got {trials}.")
    name = getattr(learner, "__name__", None) or tr("your function")
    rng = np.random.default_rng(seed)
    inputs = [tuple(make_inputs(rng)) for _ in range(trials)]
    if sizes_vary and len({_shapes(args) for args in inputs}) < 2:
        raise ValueError(
            f"make_inputs gave inputs of the same shapes on all {trials} trials, so a function with a hard-coded "
            "size would pass: draw the sizes at random (for example hidden = int(rng.integers(1, 6))), or pass "
            "sizes_vary=False where the problem fixes the sizes."
        )
    for trial, args in enumerate(inputs, start=1):
        names = _argument_names(reference, len(args))
        shown = ", ".join(f"{n}: {_describe(a)}" for n, a in zip(names, args, strict=True))
        where = tr("on test {trial} of {trials} ({shown})").format(trial=trial, trials=trials, shown=shown)
        expected = reference(*copy.deepcopy(args))
        try:
            got = learner(*copy.deepcopy(args))
        except NotImplementedError as err:
            raise CheckFailed(tr(
                "{name} is not written yet: replace `raise NotImplementedError` in the exercise cell with your code, "
                "run that cell, then run this check again.").format(name=name)) from err
        except Exception as err:
            sizes = ""
            if trial > 1 and _shapes(args) != _shapes(inputs[0]):
                sizes = " " + tr("This test uses other sizes than test 1: does your code fix a size (like hidden = 4) "
                                 "instead of reading it from the inputs' shapes (like h_prev.shape)?")
            elif SIZE_ERROR.search(str(err)):
                sizes = " " + tr("The sizes do not fit together: print the shapes of the arrays on that line, and "
                                 "read each size from the inputs' shapes (like h_prev.shape) rather than writing it "
                                 "as a number.")
            raised = tr("{name} raised {error} {where}: {message}.").format(
                name=name, error=type(err).__name__, where=where, message=err)
            raise CheckFailed(_with_hint(raised + sizes, hint)) from err
        if got is None:
            raise CheckFailed(tr("{name} returned None {where}. A function that ends without `return` gives None: "
                                 "did you forget the `return` line?").format(name=name, where=where))
        try:
            problem = _difference(tr("your result"), got, expected, atol, rtol, reveal=True)
        except CheckFailed as failed:  # a result that is not numbers at all
            raise CheckFailed(tr("{name} is not right {where}: {problem}").format(
                name=name, where=where, problem=failed)) from None
        if problem is None:
            continue
        for mistake_hint, wrong in (mistakes or {}).items():
            if _agrees(got, wrong(*copy.deepcopy(args)), atol, rtol):
                raise CheckFailed(_with_hint(tr("{name} is not right {where}.").format(name=name, where=where),
                                             mistake_hint))
        raise CheckFailed(_with_hint(tr("{name} is not right {where}: {problem}").format(
            name=name, where=where, problem=problem), hint))
    print(tr("✅ {name} matches the reference on {trials} random inputs. Well done!").format(name=name, trials=trials))
    return True


def _option_list(options: str | Sequence[Any] | None) -> list[str] | None:
    if options is None:
        return None
    return [str(o).strip().lower() for o in (list(options) if isinstance(options, str) else options)]


def _listing(options: list[str]) -> str:
    quoted = [f'"{o}"' for o in options]
    return quoted[0] if len(quoted) == 1 else tr("{first} or {last}").format(first=", ".join(quoted[:-1]),
                                                                              last=quoted[-1])


def check_choice(answer: Any, correct: Any, explanation: str = "", name: str = "", *,
                 options: str | Sequence[Any] | None = None, hints: Mapping[Any, str] | None = None,
                 hint: str = "") -> bool:
    """Check a quiz answer (a letter, a word or a number). The explanation comes with the right answer.

    ``options`` are the valid answers ("abcd" for the letters a to d); ``hints`` maps a wrong option to a hint aimed
    at the idea it misses, ``hint`` is the hint for the others. A wrong try gets its hint, never the answer; the
    answer ``"?"`` prints the right answer and its explanation (and returns False).
    """
    name, explanation = tr(name) if name else tr("your answer"), tr(explanation) if explanation else ""
    opts = _option_list(options)
    key = str(correct).strip().lower()
    hints = {str(k).strip().lower(): v for k, v in (hints or {}).items()}
    if opts is not None and key not in opts:
        raise ValueError(f"the correct answer {correct!r} is not among the options {opts}.")
    if key in hints or (opts is not None and set(hints) - set(opts)):
        raise ValueError("hints are for wrong options only, and each must be one of the options.")
    say = tr("one of {options}").format(options=_listing(opts)) if opts else tr("your answer")
    if answer is None or answer is ...:
        raise CheckFailed(tr("{name}: no answer yet. Set it to {say} (in quotes), then run this cell again.").format(
            name=name, say=say))
    if isinstance(answer, (int, np.integer)) and not isinstance(answer, bool) and opts and str(answer) in opts:
        answer = str(answer)  # 2014 for the option "2014": the same answer, written without quotes
    if isinstance(correct, str) and not isinstance(answer, str):
        value = f'"{opts[0]}"' if opts else '"..."'
        example = f"{name} = {value}" if name.isidentifier() else value
        raise CheckFailed(tr("{name} is {kind}, but the answers here are written as text in quotes: set it to {say}, "
                             "for example {example}.").format(name=name, kind=_kind(answer), say=say, example=example))
    given = answer.strip().lower() if isinstance(answer, str) else answer
    if given == ASK:
        print(tr("The answer is {correct!r}. {explanation}").format(correct=correct, explanation=explanation).strip())
        return False
    if not isinstance(correct, str):
        given = str(given)
    if opts is not None and str(given) not in opts:
        raise CheckFailed(tr("{name}: {answer!r} is not one of the options. Set it to {say}.").format(
            name=name, answer=answer, say=say))
    if str(given) != key:
        advice = tr(hints.get(str(given), hint)) or tr("Read the question again and rule out the options one by one.")
        raise CheckFailed(tr("{name}: {answer!r} is not right. Hint: {hint} Try again, or set {name} to \"?\" and run "
                             "the check to see the answer and why.").format(name=name, answer=answer, hint=advice))
    print(tr("✅ {name}: {correct!r} is right. {explanation}").format(
        name=name, correct=correct, explanation=explanation).strip())
    return True
