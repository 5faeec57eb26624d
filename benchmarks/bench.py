"""The course benchmark (`make bench`): run time, peak memory and headline results of every notebook.

Each numbered notebook runs in a fresh kernel, one after another, headless and offline-capable. The kernel's
peak resident memory is read from the kernel itself at the end (getrusage's ru_maxrss). The headline results are
the numbers the notebooks record with course_utils.results.record_result while they run. Writes
benchmarks/results.json, benchmarks/README.md and benchmarks/times.png.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks"

BUDGETS = {
    "course_seconds": 150.0,
    "notebook_seconds": 40.0,
    "peak_rss_mb": 1536.0,
    "forecast_gain_vs_persistence": 0.10,
    "text_accuracy": 0.78,
}

PEAK_CELL = (
    "import resource, sys\n"
    "_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "print('PEAK_RSS_KB', _peak // 1024 if sys.platform == 'darwin' else _peak)"
)


def run(path: Path, results_dir: Path) -> dict[str, float]:
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PEAK_CELL))
    os.environ["COURSE_RESULTS_DIR"] = str(results_dir)
    os.environ["COURSE_HEADLESS"] = "1"
    start = time.perf_counter()
    NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - start
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    peak_kb = int(text.split("PEAK_RSS_KB")[1].split()[0])
    return {"seconds": round(seconds, 1), "peak_rss_mb": round(peak_kb / 1024, 1)}


def machine() -> dict[str, object]:
    import torch

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "python": platform.python_version(),
        "torch": torch.__version__,
        "date": date.today().isoformat(),
    }


def budgets(results: dict) -> list[tuple[str, str, bool]]:
    rows = []
    nbs = results["notebooks"]
    total = sum(v["seconds"] for v in nbs.values())
    rows.append(
        (f"whole course under {BUDGETS['course_seconds']:.0f} s", f"{total:.1f} s", total < BUDGETS["course_seconds"])
    )
    slowest = max(nbs, key=lambda k: nbs[k]["seconds"])
    rows.append(
        (
            f"no notebook over {BUDGETS['notebook_seconds']:.0f} s",
            f"slowest {slowest}: {nbs[slowest]['seconds']} s",
            nbs[slowest]["seconds"] <= BUDGETS["notebook_seconds"],
        )
    )
    biggest = max(nbs, key=lambda k: nbs[k]["peak_rss_mb"])
    rows.append(
        (
            f"peak memory under {BUDGETS['peak_rss_mb']:.0f} MB per kernel",
            f"largest {biggest}: {nbs[biggest]['peak_rss_mb']} MB",
            nbs[biggest]["peak_rss_mb"] < BUDGETS["peak_rss_mb"],
        )
    )
    rows += forecast_budget_rows(results.get("forecast"))
    rows += text_budget_rows(results.get("text"))
    return rows


# ---- the forecast and text results (recorded by notebooks 06 and 07 with record_result) ----------------------


def _spread(values: list[float], fmt: str) -> str:
    """``mean ± std (min-max)`` of one model's per-seed scores."""
    mean, std = statistics.fmean(values), statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{mean:{fmt}} ± {std:{fmt}} ({min(values):{fmt}}-{max(values):{fmt}})"


def _seed_lines(part: str, test: str, val: str, res: dict, fmt: str) -> list[str]:
    """A table of every model's per-seed scores (mean ± std, min-max) and its seed ensemble."""
    lines = [f"Every model over its seeds (recorded by `benchmarks/seed_study.py {part}`): {test} and {val}",
             "as mean ± standard deviation (min-max), and the seed ensemble.", "",
             f"| model | {test}, seeds | {val}, seeds | ensemble {val} | ensemble {test} |", "|---|---|---|---:|---:|"]
    lines += [f"| {name} | {_spread(scores, fmt)} | {_spread(res['validation'][name], fmt)} | "
              f"{res['ensemble'][name]['val']:{fmt}} | {res['ensemble'][name]['test']:{fmt}} |"
              for name, scores in res["seeds"].items()]
    return [*lines, ""]


def forecast_budget_rows(fc: dict | None) -> list[tuple[str, str, bool]]:
    """The forecast targets: 10% better than persistence, and better than the best linear model, paired."""
    if not fc:
        return []
    gain = 1 - fc["best_mae"] / fc["persistence_mae"]
    target = BUDGETS["forecast_gain_vs_persistence"]
    rows = [(f"best forecaster (chosen on 2014) >= {target:.0%} better than persistence",
             f"{gain:.1%} ({fc.get('best_row', fc['best_model'])})", gain >= target)]
    if "seeds_beating_linear" in fc:
        seeds = len(fc["seeds"][fc["best_model"]])
        ok = fc["seeds_beating_linear"] == seeds and fc["sign_test_p_vs_linear"] < 0.05
        rows.append(("best forecaster better than the best linear model, paired",
                     f"{fc['seeds_beating_linear']} of {seeds} seeds; per day sign test p = "
                     f"{fc['sign_test_p_vs_linear']:.2g}", ok))
    else:
        linear = min(fc["linear_mae"], fc.get("linear_best_window_mae", fc["linear_mae"]))
        rows.append(("best forecaster better than the linear model", f"{fc['best_mae']:.2f} vs {linear:.2f} °C",
                     fc["best_mae"] < linear))
    return rows


def text_budget_rows(tx: dict | None) -> list[tuple[str, str, bool]]:
    """The text target: the chosen recurrent model at 78% or more, above the bag of words in a paired test."""
    if not tx:
        return []
    rows = [(f"best recurrent text model (chosen on validation) >= {BUDGETS['text_accuracy']:.0%}",
             f"{tx['best_accuracy']:.1%} ({tx['best_model']})", tx["best_accuracy"] >= BUDGETS["text_accuracy"])]
    if "paired" in tx:
        pair = tx["paired"]
        seeds = len(pair["per_seed_difference"])
        ok = pair["seeds_favouring_best"] == seeds and pair["mcnemar_ensemble_p"] < 0.05
        rows.append(("best recurrent text model above the bag of words, paired",
                     f"{pair['seeds_favouring_best']} of {seeds} seeds; McNemar p = {pair['mcnemar_ensemble_p']:.2f}",
                     ok))
    return rows


def forecast_readme_lines(fc: dict | None) -> list[str]:
    """The forecast section of benchmarks/README.md: the chosen row, the baselines and every model's seeds."""
    if not fc:
        return []
    lines = ["## Weather forecast (notebook 06: next day's maximum temperature, Seattle 2015 test year, MAE in °C)", "",
             "| model | MAE |", "|---|---:|", f"| persistence | {fc['persistence_mae']:.2f} |"]
    if "climatology_mae" in fc:
        lines.append(f"| climatology (training years) | {fc['climatology_mae']:.2f} |")
    lines += [f"| linear | {fc['linear_mae']:.2f} |",
              f"| chosen on 2014: {fc.get('best_row', fc['best_model'])} | {fc['best_mae']:.2f} |", ""]
    return lines + (_seed_lines("forecast", "2015 MAE", "2014 MAE", fc, ".2f") if "seeds" in fc else [])


def text_readme_lines(tx: dict | None) -> list[str]:
    """The text section of benchmarks/README.md: the chosen rows, every model's seeds and the paired test."""
    if not tx:
        return []
    lines = ["## Text (notebook 07: sentence polarity, test accuracy)", "", "| model | accuracy |", "|---|---:|",
             f"| baseline chosen on validation: {tx['baseline_model']} | {tx['baseline_accuracy']:.1%} |",
             f"| recurrent chosen on validation: {tx['best_model']} ({tx['train_seconds']:.1f} s of training a seed) | "
             f"{tx['best_accuracy']:.1%} |", ""]
    if "seeds" in tx:
        pair = tx["paired"]
        lines += _seed_lines("text", "test", "validation", tx, ".3f")
        lines += [f"Paired, {pair['best']} against {pair['baseline']}: per-seed test differences "
                  f"{[round(100 * d, 1) for d in pair['per_seed_difference']]} points; on the seed ensembles only the "
                  f"recurrent model is right on {pair['only_best_right']} sentences, only the baseline on "
                  f"{pair['only_baseline_right']} (McNemar p = {pair['mcnemar_ensemble_p']:.2f}).", ""]
    return lines


def write_readme(results: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    nbs = results["notebooks"]
    names = list(nbs)
    fig, ax = plt.subplots(figsize=(8, 3.6))
    ax.barh(names[::-1], [nbs[n]["seconds"] for n in names[::-1]], color="#0072B2")
    ax.axvline(BUDGETS["notebook_seconds"], color="#D55E00", ls="--", label="budget per notebook")
    ax.set(xlabel="seconds (fresh kernel, headless)", title="Run time of each notebook")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(OUT / "times.png", dpi=100)

    m = results["machine"]
    lines = [
        "# The course benchmark",
        "",
        "Made by `make bench` (`benchmarks/bench.py`): every numbered notebook runs in a fresh kernel, one after",
        "another, headless; the kernel's peak resident memory is read at the end of each run; the headline results",
        "are recorded by the notebooks themselves while they run (`course_utils.results.record_result`).",
        "The numbers below are from a real run; rerun `make bench` after changing a notebook.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, torch {m['torch']} ({m['torch_threads']} threads), "
        f"Python {m['python']}, GPU: {m['gpu'] or 'none'}. Run on {m['date']}.",
        "",
        "| notebook | seconds | peak memory (MB) |",
        "|---|---:|---:|",
    ]
    lines += [f"| {n} | {v['seconds']} | {v['peak_rss_mb']} |" for n, v in nbs.items()]
    lines += [
        f"| **whole course** | **{results['total_seconds']}** | |",
        "",
        "![Run time of each notebook](times.png)",
        "",
    ]
    lines += forecast_readme_lines(results.get("forecast"))
    lines += text_readme_lines(results.get("text"))
    lines += ["## Budgets", "", "| budget | measured | met |", "|---|---|---|"]
    lines += [f"| {name} | {value} | {'yes' if ok else '**no**'} |" for name, value, ok in budgets(results)]
    if not all(ok for _, _, ok in budgets(results)):
        lines += ["", "A missed result target is discussed where it is measured: the results sections of notebook 06",
                  "(forecast) and notebook 07 (text) say by how much the models fall short, what was tried and why."]
    (OUT / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if len(sys.argv) > 1:
        paths = [p for p in paths if any(p.stem.startswith(a) for a in sys.argv[1:])]
    results: dict = {"notebooks": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for path in paths:
            results["notebooks"][path.stem] = run(path, Path(tmp))
            print(f"{path.stem:40s} {results['notebooks'][path.stem]}", flush=True)
        for name in ("forecast", "text"):
            file = Path(tmp) / f"{name}.json"
            if file.exists():
                results[name] = json.loads(file.read_text())
    results["total_seconds"] = round(sum(v["seconds"] for v in results["notebooks"].values()), 1)
    results["machine"] = machine()
    results["budgets"] = [{"budget": n, "measured": v, "met": ok} for n, v, ok in budgets(results)]
    (OUT / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    write_readme(results)
    for name, value, ok in budgets(results):
        print(f"{'ok  ' if ok else 'MISS'} {name}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
