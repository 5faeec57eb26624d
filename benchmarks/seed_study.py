"""Seed studies behind notebooks 06 and 07: every model of their tables, trained with several seeds.

The notebooks train one seed of each model live; this script trains them all, with the settings written in the
notebook's ``STUDY = {...}`` cell (read from the notebook, so there is one copy), and writes a small results file
that the notebook reads, plots and labels as recorded::

    nice -n 10 .venv/bin/python benchmarks/seed_study.py forecast   # -> benchmarks/seed_study_06.json (~5 min)
    nice -n 10 .venv/bin/python benchmarks/seed_study.py search     # -> benchmarks/search_06.json (~5 min)
    nice -n 10 .venv/bin/python benchmarks/seed_study.py text       # -> benchmarks/seed_study_07.json (~5 min)

Choices use validation only (2014, or the validation sentences); test numbers are recorded for every model so
that ``make bench`` can list them per seed, and the notebooks read the test column of the chosen models.
``tests/test_seed_study.py`` fails when a recorded file no longer matches its notebook's ``STUDY`` cell.
"""

from __future__ import annotations

import ast
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = {"forecast": "06_time_series_rnn_lstm_gru.ipynb", "search": "06_time_series_rnn_lstm_gru.ipynb",
             "text": "07_text_rnn_lstm_gru.ipynb"}
OUTPUTS = {"forecast": "seed_study_06.json", "search": "search_06.json", "text": "seed_study_07.json"}


def read_study(notebook: str | Path) -> dict:
    """The literal ``STUDY = {...}`` of a notebook's code cells (the settings its seed study uses)."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        for node in ast.parse("".join(cell["source"])).body:
            if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["STUDY"]:
                return ast.literal_eval(node.value)
    raise ValueError(f"{notebook} has no code cell that assigns STUDY = {{...}} (a literal).")


def _round(values, digits: int = 4) -> list[float]:
    return [round(float(v), digits) for v in values]


def forecast_study(study: dict) -> dict:
    from course_utils.baselines import mae
    from course_utils.forecasters import predict_degrees, train_forecaster, weather_task

    task = weather_task(**study["task"])
    out: dict = {"models": {}, "ensemble": {}}
    for name, options in study["models"].items():
        preds = {"val": [], "test": []}
        row = {"val": [], "test": [], "epochs": [], "seconds": []}
        for seed in study["seeds"]:
            model, history = train_forecaster(task, seed=seed, progress=False, device="cpu",
                                              **study["common"], **options)
            for split in ("val", "test"):
                preds[split].append(predict_degrees(model, task, split))
                row[split].append(mae(preds[split][-1], task.truth(split)))
            row["epochs"].append(history.epochs)
            row["seconds"].append(history.seconds)
            print(f"{name} seed {seed}: 2014 {row['val'][-1]:.3f}", flush=True)
        out["models"][name] = {k: _round(v, 4 if k in ("val", "test") else 2) for k, v in row.items()}
        mean = {split: np.mean(preds[split], axis=0) for split in preds}
        out["ensemble"][name] = {"val": round(mae(mean["val"], task.truth("val")), 4),
                                 "test": round(mae(mean["test"], task.truth("test")), 4),
                                 "test_forecast": _round(mean["test"][:, 0], 3)}
    return out


def search_study(study: dict) -> dict:
    from course_utils.baselines import mae
    from course_utils.forecasters import predict_degrees, train_forecaster, weather_task

    grid, rows = study["search"], []
    for window in grid["window"]:
        task = weather_task(window=window)
        for hidden_size in grid["hidden_size"]:
            for dropout in grid["dropout"]:
                common = {**study["common"], "hidden_size": hidden_size, "dropout": dropout}
                val = [mae(predict_degrees(train_forecaster(task, grid["kind"], seed=seed, progress=False, device="cpu",
                                                            **common)[0], task, "val"), task.truth("val"))
                       for seed in grid["seeds"]]
                rows.append({"window": window, "hidden_size": hidden_size, "dropout": dropout,
                             "val_mean": round(float(np.mean(val)), 4),
                             "val_std": round(float(np.std(val, ddof=1)), 4)})
                print(rows[-1], flush=True)
    return {"rows": rows}


def text_study(study: dict) -> dict:
    from course_utils.classifiers import train_recipe
    from course_utils.data import load_sentence_polarity
    from course_utils.text import prepare_text_data
    from course_utils.train import predict
    from course_utils.word_vectors import embedding_matrix, load_glove

    reviews = load_sentence_polarity()
    datasets = {bigrams: prepare_text_data(reviews["text"], reviews["label"], bigrams=bigrams, **study["data"])
                for bigrams in (False, True)}
    glove = load_glove()
    vectors = {b: embedding_matrix(d.vocab, glove)[0] for b, d in datasets.items()}

    def run(recipe: dict) -> dict:
        data = datasets[recipe.get("bigrams", False)]
        row: dict = {"val": [], "test": [], "epochs": [], "seconds": [], "test_correct": []}
        probs = {"val": [], "test": []}
        for seed in study["seeds"]:
            result = train_recipe(recipe, data, vectors[recipe.get("bigrams", False)], seed=seed, device="cpu",
                                  progress=False)
            for split in ("val", "test"):
                probs[split].append(torch.sigmoid(predict(result.model, data.loader(split, 256))).numpy())
            row["val"].append(round(result.val_accuracy, 4))
            row["test"].append(round(result.test_accuracy, 4))
            row["epochs"].append(result.history.epochs)
            row["seconds"].append(round(result.seconds, 2))
            row["test_correct"].append("".join(str(int(c)) for c in (probs["test"][-1] > 0.5) == data.labels["test"]))
        ensemble = {split: np.mean(probs[split], axis=0) > 0.5 for split in probs}
        row["ensemble"] = {split: round(float(np.mean(ensemble[split] == data.labels[split])), 4) for split in probs}
        row["ensemble"]["test_correct"] = "".join(str(int(c)) for c in ensemble["test"] == data.labels["test"])
        return row

    out: dict = {"bag_search": [], "models": {}}
    for name, base in study["bag_models"].items():  # the baselines' own small search, on validation
        candidates = []
        for vectors_start in study["bag_search"]["vectors"]:
            for lr in study["bag_search"]["lr"]:
                recipe = {**base, "vectors": vectors_start,
                          "train_options": {**base["train_options"], "lr": lr}}
                row = run(recipe)
                candidates.append((float(np.mean(row["val"])), recipe, row))
                out["bag_search"].append({"model": name, "vectors": vectors_start, "lr": lr,
                                          "val_mean": round(float(np.mean(row["val"])), 4),
                                          "val_min": min(row["val"]), "val_max": max(row["val"])})
                print(out["bag_search"][-1], flush=True)
        _, recipe, row = max(candidates, key=lambda c: c[0])  # first best on validation
        out["models"][name] = {**row, "recipe": recipe}
    for name, recipe in study["models"].items():
        out["models"][name] = {**run(recipe), "recipe": recipe}
        print(name, out["models"][name]["val"], flush=True)
    return out


def main(part: str) -> None:
    if part not in OUTPUTS:
        raise SystemExit(f"usage: seed_study.py {{{', '.join(OUTPUTS)}}}")
    torch.set_num_threads(1)
    study = read_study(ROOT / "notebooks" / NOTEBOOKS[part])
    start = time.perf_counter()
    result = {"forecast": forecast_study, "search": search_study, "text": text_study}[part](study)
    record = {"command": f"nice -n 10 .venv/bin/python benchmarks/seed_study.py {part}", "settings": study,
              "torch": torch.__version__, "minutes": round((time.perf_counter() - start) / 60, 1), **result}
    path = Path(__file__).resolve().parent / OUTPUTS[part]
    path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)} in {record['minutes']} min")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "")
