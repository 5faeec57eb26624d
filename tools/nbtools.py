"""Maintenance of the course notebooks (for authors, not learners).

    python tools/nbtools.py verify  [NOTEBOOK ...]   # fail if a notebook is not stripped
    python tools/nbtools.py strip   [NOTEBOOK ...]   # strip outputs, keeping check-tagged cells' outputs
    python tools/nbtools.py execute [NOTEBOOK ...]   # re-run, then keep only check-tagged outputs

With no NOTEBOOK, every ``notebooks/*.ipynb`` is used. A check-tagged cell is one tagged
``nbval-check-output``: nbval compares its saved output with a fresh run, so its output stays in git.
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
CHECK_TAG = "nbval-check-output"
KEEP_NOTEBOOK_METADATA = ("kernelspec", "language_info")


def notebooks(paths: list[str]) -> list[Path]:
    return [Path(p) for p in paths] if paths else sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def is_checked(cell: nbformat.NotebookNode) -> bool:
    return CHECK_TAG in cell.get("metadata", {}).get("tags", [])


def stripped(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` with outputs, execution counts and volatile metadata removed (check cells keep outputs)."""
    nb = copy.deepcopy(nb)
    nb.metadata = {k: v for k, v in nb.metadata.items() if k in KEEP_NOTEBOOK_METADATA}
    if "language_info" in nb.metadata:
        nb.metadata["language_info"] = {"name": "python"}
    number = 0
    for cell in nb.cells:
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in ("tags", "slideshow")}
        cell.pop("id", None)
        if cell.cell_type == "code":
            number += 1
            # nbval skips a checked cell whose execution count is empty, so checked cells get a stable
            # number (their position among the code cells); every other cell is cleared.
            cell.execution_count = number if is_checked(cell) else None
            if is_checked(cell):
                for out in cell.outputs:
                    if "execution_count" in out:
                        out["execution_count"] = number
            else:
                cell.outputs = []
    nb.nbformat, nb.nbformat_minor = 4, 4
    return nb


def write(nb: nbformat.NotebookNode, path: Path) -> None:
    path.write_text(nbformat.writes(nb, version=4) + "\n", encoding="utf-8")


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def cmd_verify(paths: list[Path]) -> int:
    bad = []
    for path in paths:
        nb = read(path)
        if nbformat.writes(stripped(nb), version=4) != nbformat.writes(nb, version=4):
            bad.append(path)
    for path in bad:
        print(f"not stripped: {path} (run `python tools/nbtools.py strip {path}` or `make execute`)")
    if not bad:
        print(f"{len(paths)} notebook(s) stripped (check-tagged outputs kept).")
    return 1 if bad else 0


def cmd_strip(paths: list[Path]) -> int:
    for path in paths:
        write(stripped(read(path)), path)
    return 0


def cmd_execute(paths: list[Path], timeout: int = 600) -> int:
    from nbclient import NotebookClient

    os.environ["COURSE_HEADLESS"] = "1"
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):  # as under `make test`
        os.environ.setdefault(var, "1")
    for path in paths:
        nb = read(path)
        start = time.perf_counter()
        NotebookClient(nb, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        write(stripped(nb), path)
        print(f"executed {path} in {time.perf_counter() - start:.1f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["verify", "strip", "execute"])
    parser.add_argument("notebooks", nargs="*")
    args = parser.parse_args(argv)
    paths = notebooks(args.notebooks)
    return {"verify": cmd_verify, "strip": cmd_strip, "execute": cmd_execute}[args.command](paths)


if __name__ == "__main__":
    sys.exit(main())
