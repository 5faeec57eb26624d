"""The course benchmark (`make bench`): run time, peak memory and headline results of every notebook.

Each numbered notebook runs in a fresh kernel, one after another, headless, with no thread variables set (what a
learner gets; the notebooks set their threads with course_utils.threads). Then the whole course runs a second time
beside four busy processes that the benchmark starts and stops itself (a laptop with a browser and a video call,
a shared Binder pod). The kernel's peak resident memory and its thread count are read from the kernel itself at
the end. The headline results are the numbers the notebooks record with course_utils.results.record_result
while they run (quiet pass). Writes benchmarks/results.json, benchmarks/README.md and benchmarks/times.png, and
updates the run times stated in the README, the instructor guide and the notebooks (see `stated_times`).

    python benchmarks/bench.py                 # both passes, every notebook
    python benchmarks/bench.py 02 05           # only these notebooks (results.json is not written)
    python benchmarks/bench.py --no-busy       # skip the busy pass
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks"
sys.path.insert(0, str(ROOT / "tools"))
from nbtools import run_notebook  # noqa: E402

BUDGETS = {
    "course_seconds": 90.0,
    "notebook_seconds": 25.0,
    "peak_rss_mb": 1024.0,
    "busy_ratio": 1.5,
    "forecast_gain_vs_persistence": 0.10,
    "text_accuracy": 0.78,
}
BUSY_PROCESSES = 4
THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
               "NUMEXPR_NUM_THREADS")

PEAK_CELL = (
    "import resource, sys, torch\n"
    "_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "print('PEAK_RSS_KB', _peak // 1024 if sys.platform == 'darwin' else _peak, 'THREADS', torch.get_num_threads())"
)


def run(path: Path, results_dir: Path) -> dict[str, float]:
    """Run one notebook as a learner would (no thread variables) and return its seconds, peak memory, threads."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PEAK_CELL))
    env: dict[str, str | None] = dict.fromkeys(THREAD_VARS)
    env["COURSE_RESULTS_DIR"] = str(results_dir)
    start = time.perf_counter()
    run_notebook(nb, path.parent, timeout=900, env=env)
    seconds = time.perf_counter() - start
    words = "".join(o.get("text", "") for o in nb.cells[-1].outputs).split()
    peak_kb = int(words[words.index("PEAK_RSS_KB") + 1])
    threads = int(words[words.index("THREADS") + 1])
    return {"seconds": round(seconds, 1), "peak_rss_mb": round(peak_kb / 1024, 1), "threads": threads}


@contextlib.contextmanager
def busy_processes(n: int = BUSY_PROCESSES, limit_s: float = 1800) -> Iterator[None]:
    """``n`` processes that keep a CPU core busy while the block runs; each stops by itself after ``limit_s``."""
    spin = f"import time\nend = time.monotonic() + {limit_s}\nwhile time.monotonic() < end:\n    pass\n"
    procs = [subprocess.Popen([sys.executable, "-c", spin]) for _ in range(n)]
    try:
        yield
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)


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
    busy = results.get("busy")
    if busy:
        rows.append(
            (
                f"beside {BUSY_PROCESSES} busy processes at most {BUDGETS['busy_ratio']} times the quiet time",
                f"{busy['ratio']:.2f} times ({busy['course_seconds']:.1f} s)",
                busy["ratio"] <= BUDGETS["busy_ratio"],
            )
        )
    rows += forecast_budget_rows(results.get("forecast"))
    rows += text_budget_rows(results.get("text"))
    return rows


def thread_study_lines() -> list[str]:
    """The table of benchmarks/threads.json (`python benchmarks/thread_study.py`), if it has been made."""
    file = OUT / "threads.json"
    if not file.exists():
        return []
    study = json.loads(file.read_text(encoding="utf-8"))
    models = list(next(iter(next(iter(study.values())).values())))
    lines = [
        "## Threads: why the course uses one",
        "",
        "`python benchmarks/thread_study.py` times a training step of the two largest models the course trains, in a",
        "fresh process per thread count, alone and beside four busy processes (mean over about 3 s of steps, so",
        "stalls count; median of 3 runs). `course_utils.threads.COURSE_THREADS` is set from this table.",
        "",
        "| machine | threads | " + " | ".join(f"{m}: mean / median ms a step" for m in models) + " |",
        "|---|---:|" + "---:|" * len(models),
    ]
    for load, rows in study.items():
        if load == "note":
            continue
        for threads, row in rows.items():
            lines.append(f"| {load} | {threads} | " + " | ".join(
                f"{row[m]['mean_ms']} / {row[m]['median_ms']}" for m in models) + " |")
    if study.get("note"):
        lines += ["", study["note"]]
    return lines + [""]


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
    busy = results.get("busy", {}).get("notebooks", {})
    names = list(nbs)[::-1]
    fig, ax = plt.subplots(figsize=(8, 3.6))
    y = range(len(names))
    ax.barh([i + 0.2 for i in y], [nbs[n]["seconds"] for n in names], height=0.4, color="#0072B2", label="quiet")
    if busy:
        ax.barh([i - 0.2 for i in y], [busy.get(n, 0) for n in names], height=0.4, color="#E69F00",
                label=f"beside {BUSY_PROCESSES} busy processes")
    ax.set_yticks(list(y), names)
    ax.axvline(BUDGETS["notebook_seconds"], color="#D55E00", ls="--", label="budget per notebook")
    ax.set(xlabel="seconds (fresh kernel, headless, no thread variables)", title="Run time of each notebook")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(OUT / "times.png", dpi=100)

    m = results["machine"]
    lines = [
        "# The course benchmark",
        "",
        "Made by `make bench` (`benchmarks/bench.py`): every numbered notebook runs in a fresh kernel, one after",
        "another, headless, with no thread variables set, as a learner runs it (the notebooks choose their threads",
        "with `course_utils.threads`). Then the whole course runs again beside "
        f"{BUSY_PROCESSES} busy processes that the benchmark",
        "starts and stops (a laptop with a browser and a video call open, a shared Binder pod). The kernel's peak",
        "resident memory is read at the end of each run; the headline results are recorded by the notebooks themselves",
        "while they run (`course_utils.results.record_result`). The numbers below are from a real run; rerun",
        "`make bench` after changing a notebook: it also updates the run times that the README, the instructor guide",
        "and the notebooks state (a test checks them against `results.json`).",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, torch {m['torch']}, Python {m['python']}, "
        f"GPU: {m['gpu'] or 'none'}. Run on {m['date']}. Threads chosen by the course: {results['threads']}.",
    ]
    if m.get("load_average"):
        lines[-1] += (f" Load average (1 min) {m['load_average']['before']} before and {m['load_average']['after']}"
                      f" after the run, on {m['cores']} cores.")
    if m.get("note"):
        lines += ["", f"**{m['note']}**"]
    lines += [
        "",
        f"| notebook | seconds | seconds beside {BUSY_PROCESSES} busy processes | peak memory (MB) |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {n} | {v['seconds']} | {busy.get(n, '')} | {v['peak_rss_mb']} |" for n, v in nbs.items()]
    busy_total = results.get("busy", {}).get("course_seconds", "")
    lines += [
        f"| **whole course** | **{results['total_seconds']}** | **{busy_total}** | |",
        "",
    ]
    if busy_total:
        lines += [f"Beside {BUSY_PROCESSES} busy processes the course took {results['busy']['ratio']:.2f} times "
                  "its quiet time (same run).", ""]
    lines += ["![Run time of each notebook](times.png)", ""]
    lines += thread_study_lines()
    lines += forecast_readme_lines(results.get("forecast"))
    lines += text_readme_lines(results.get("text"))
    lines += ["## Budgets", "", "| budget | measured | met |", "|---|---|---|"]
    lines += [f"| {name} | {value} | {'yes' if ok else '**no**'} |" for name, value, ok in budgets(results)]
    if not all(ok for name, _, ok in budgets(results) if "better" in name or "accuracy" in name):
        lines += ["", "A missed result target is discussed where it is measured: the results sections of notebook 06",
                  "(forecast) and notebook 07 (text) say by how much the models fall short, what was tried and why."]
    (OUT / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def about(seconds: float) -> int:
    """A stated "about N seconds": the nearest multiple of 5 (at least 5)."""
    return max(5, 5 * round(seconds / 5))


def results_paragraph(results: dict) -> str:
    """README's sentences on the headline results, from ``results`` (so that no figure in it is typed by hand)."""
    fc, tx = results.get("forecast"), results.get("text")
    if not fc or not tx:
        return "Run `make bench` for the headline results."
    gain = 1 - fc["best_mae"] / fc["persistence_mae"]
    linear = min(fc["linear_mae"], fc.get("linear_best_window_mae", fc["linear_mae"]))
    pair = tx.get("paired", {})
    p = pair.get("mcnemar_ensemble_p")
    verdict = ("" if p is None else
               f"; paired on the same test sentences (McNemar p = {p:.2f}) the difference is "
               + ("significant" if p < 0.05 else "within noise"))
    return (
        f"Next-day maximum temperature in Seattle, 2015: persistence {fc['persistence_mae']:.2f} °C MAE, best linear "
        f"model {linear:.2f}, the recurrent model chosen on 2014 ({fc.get('best_row', fc['best_model'])}) "
        f"{fc['best_mae']:.2f}: {gain:.1%} better than persistence (the target was "
        f"{BUDGETS['forecast_gain_vs_persistence']:.0%}). Sentence polarity: the baseline chosen on validation "
        f"({tx['baseline_model']}) {tx['baseline_accuracy']:.1%}, the recurrent model chosen on validation "
        f"({tx['best_model']}, with pretrained GloVe vectors) {tx['best_accuracy']:.1%}{verdict}. Notebooks 06 and "
        "07 show every model over several seeds and say which differences hold."
    )


def stated_times(results: dict) -> list[tuple[Path, str, str]]:
    """Every run time the course states, as (file, regular expression, text it must read) from ``results``."""
    nbs = results["notebooks"]
    slowest = 5 * math.ceil(max(v["seconds"] for v in nbs.values()) / 5)
    total = round(results["total_seconds"])
    readme = (
        ROOT / "README.md",
        r"notebooks run in about \d+ s together, none over \d+ s, none above \d+ MB",
        f"notebooks run in about {total} s together, none over {slowest} s, none above "
        f"{100 * math.ceil(max(v['peak_rss_mb'] for v in nbs.values()) / 100)} MB",
    )
    headline = (ROOT / "README.md", r"(?s)(?<=<!-- results: written by make bench -->\n).*?(?=\n<!-- /results -->)",
                results_paragraph(results).replace("\\", "\\\\"))
    guide = ROOT / "docs" / "instructor-guide.md"
    rows = [readme, headline, (guide, r"The whole course runs in \d+ s and every notebook in under \d+ s",
                     f"The whole course runs in {total} s and every notebook in under {slowest} s")]
    for name, v in nbs.items():
        rows.append((guide, rf"(?<=\| `{name}.ipynb` \| )([^|]+\| )\d+ s(?= \|)", rf"\g<1>{round(v['seconds'])} s"))
        rows.append((ROOT / "notebooks" / f"{name}.ipynb", r"runs in about \d+ seconds",
                     f"runs in about {about(v['seconds'])} seconds"))
        # the Vietnamese edition (built from i18n/vi/<name>.po: see stale_statements)
        rows.append((ROOT / "notebooks" / "vi" / f"{name}.ipynb", VI_TIME,
                     f"chạy trong khoảng {about(v['seconds'])} giây"))
    return rows


VI_TIME = r"chạy trong khoảng \d+ giây"  # "runs in about N seconds" in the Vietnamese edition


def restate_vietnamese(path: Path, text: str) -> None:
    """A Vietnamese notebook is built from its catalog: rewrite the run time there (in the English and the
    Vietnamese of the entry alike), then rebuild the notebook (tools/translate.py)."""
    sys.path.insert(0, str(ROOT / "tools"))
    import translate

    seconds = re.search(r"\d+", text).group(0)
    translate.restate(path.stem, (r"runs in about \d+ seconds", f"runs in about {seconds} seconds"), (VI_TIME, text))
    translate.build([ROOT / "notebooks" / path.name], quiet=True)


def stale_statements(results: dict, fix: bool = False) -> list[str]:
    """The stated run times that disagree with ``results`` (with ``fix``, rewrite them first)."""
    problems = []
    for path, pattern, text in stated_times(results):
        if fix and path.parent.name == "vi":
            restate_vietnamese(path, text)
        old = path.read_text(encoding="utf-8")
        matches = list(re.finditer(pattern, old))
        if len(matches) != 1:
            problems.append(f"{path.relative_to(ROOT)}: expected one run time matching {pattern!r}, found "
                            f"{len(matches)}; state it in that form so that `make bench` can keep it true")
            continue
        new = old[: matches[0].start()] + matches[0].expand(text) + old[matches[0].end():]
        if new != old and fix:
            path.write_text(new, encoding="utf-8")
        elif new != old:
            problems.append(f"{path.relative_to(ROOT)}: says {matches[0].group(0)!r}, the benchmark says "
                            f"{matches[0].expand(text)!r}; run `make bench` (or fix the text)")
    return problems


def run_pass(paths: list[Path], results_dir: Path, label: str) -> dict[str, dict]:
    out = {}
    for path in paths:
        out[path.stem] = run(path, results_dir)
        print(f"{label:6s} {path.stem:36s} {out[path.stem]}", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="prefixes such as 02 (default: every notebook)")
    parser.add_argument("--no-busy", action="store_true", help="skip the pass beside busy processes")
    parser.add_argument("--note", help="a line to print under the machine in benchmarks/README.md")
    args = parser.parse_args(argv)
    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if args.notebooks:
        paths = [p for p in paths if any(p.stem.startswith(a) for a in args.notebooks)]
        if not paths:
            parser.error(f"no notebook starts with {' or '.join(args.notebooks)}; try 00 to 08")
    results: dict = {"notebooks": {}}
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    with tempfile.TemporaryDirectory() as tmp:
        results["notebooks"] = run_pass(paths, Path(tmp), "quiet")
        for file in sorted(Path(tmp).glob("*.json")):  # what the notebooks recorded (record_result)
            results[file.stem] = json.loads(file.read_text())
    results["total_seconds"] = round(sum(v["seconds"] for v in results["notebooks"].values()), 1)
    chosen = sorted({v["threads"] for v in results["notebooks"].values()})
    results["threads"] = chosen[0] if len(chosen) == 1 else chosen
    if not args.no_busy:
        with tempfile.TemporaryDirectory() as tmp, busy_processes(BUSY_PROCESSES, limit_s=900 * len(paths)):
            busy = run_pass(paths, Path(tmp), "busy")
        course = round(sum(v["seconds"] for v in busy.values()), 1)
        results["busy"] = {
            "processes": BUSY_PROCESSES,
            "course_seconds": course,
            "ratio": round(course / results["total_seconds"], 2),
            "notebooks": {name: v["seconds"] for name, v in busy.items()},
        }
    results["machine"] = machine()
    if load_before is not None:  # other work on the machine makes every number slower: say how busy it was
        results["machine"]["load_average"] = {"before": round(load_before, 1), "after": round(os.getloadavg()[0], 1)}
    if args.note:
        results["machine"]["note"] = args.note
    results["budgets"] = [{"budget": n, "measured": v, "met": ok} for n, v, ok in budgets(results)]
    for name, value, ok in budgets(results):
        print(f"{'ok  ' if ok else 'MISS'} {name}: {value}")
    if args.notebooks:
        print("A partial run: benchmarks/results.json and README.md are left as they were.")
        return 0
    (OUT / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    write_readme(results)
    for problem in stale_statements(results, fix=True):
        print("could not update a stated run time:", problem)
    return 0


if __name__ == "__main__":
    sys.exit(main())
