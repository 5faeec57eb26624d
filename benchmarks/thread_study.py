"""Which number of PyTorch threads is fastest for the course's models, quiet and busy.

Run: `python benchmarks/thread_study.py` (about 2 minutes).

Times training steps of the two largest models the course trains (the weather forecaster of notebook 06 and the
sentence classifier of notebook 07, at their sizes) in a fresh process per thread count, alone and beside four
busy processes that this script starts and stops. Writes benchmarks/threads.json; course_utils.threads uses the
answer (COURSE_THREADS).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import OUT, busy_processes  # noqa: E402

WORKLOAD = r"""
import sys, time, torch
from torch import nn
from course_utils.forecasters import Forecaster
from course_utils.classifiers import RecurrentClassifier
torch.set_num_threads(int(sys.argv[1])); torch.manual_seed(0)
cases = {
    "forecaster (06)": (Forecaster("lstm", 6, 32), (torch.randn(128, 5, 6),), torch.randn(128, 1)),
    "text classifier (07)": (RecurrentClassifier("lstm", 8000, 64, 64), (torch.randint(1, 8000, (64, 24)),
                             torch.full((64,), 24)), torch.rand(64, 1).round().squeeze(1)),
}
for name, (model, inputs, y) in cases.items():
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.MSELoss() if "forecaster" in name else nn.BCEWithLogitsLoss()
    def step():
        opt.zero_grad(); out = model(*inputs); loss_fn(out.reshape(y.shape), y).backward(); opt.step()
    for _ in range(5):
        step()
    times, end = [], time.perf_counter() + float(sys.argv[2])  # at most that many seconds, at least 10 steps
    while len(times) < 10 or time.perf_counter() < end:
        t = time.perf_counter(); step(); times.append(time.perf_counter() - t)
    print(name, 1000 * sum(times) / len(times), 1000 * sorted(times)[len(times) // 2], sep="\t")
"""


def measure(threads: int, seconds: float) -> dict[str, dict[str, float]]:
    """Mean and median milliseconds of a training step of each model with ``threads`` threads, in a new process."""
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    command = [sys.executable, "-c", WORKLOAD, str(threads), str(seconds)]
    out = subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout
    rows = [line.split("\t") for line in out.strip().splitlines()]
    return {name: {"mean_ms": round(float(m), 2), "median_ms": round(float(p), 2)} for name, m, p in rows}


def main(seconds: float = 3.0, repeats: int = 3) -> int:
    results: dict = {}
    load_before = os.getloadavg()[0]
    for label, busy in (("quiet", 0), ("busy (4 processes)", 4)):
        with busy_processes(busy, limit_s=600):
            for threads in (1, 2):
                runs = [measure(threads, seconds) for _ in range(repeats)]
                results.setdefault(label, {})[f"{threads} thread(s)"] = {
                    name: {key: round(statistics.median(r[name][key] for r in runs), 2) for key in runs[0][name]}
                    for name in runs[0]
                }
                print(label, threads, results[label][f"{threads} thread(s)"], flush=True)
    results["note"] = (f"Measured on {date.today().isoformat()}, {os.cpu_count()} cores; load average "
                       f"{load_before:.1f} before and {os.getloadavg()[0]:.1f} after the run (other users included).")
    (OUT / "threads.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
