# The course's commands. `make lab` to learn, `make test` to check everything.
# Both create .venv and install what is missing first, so they work on a fresh machine.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.course-installed
PORT   ?= 8888
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
JOBS   ?= 2

.PHONY: help setup lab test lint verify-notebooks execute student slides html check-html bench clean

help:
	@echo "make lab      open the course in JupyterLab (sets up .venv first)"
	@echo "make test     ruff, stripped-notebook check, unit tests and every notebook under nbval"
	@echo "make execute  re-run the notebooks and refresh their check-tagged outputs"
	@echo "make student  learner copies in student/ (solutions replaced by stubs)"
	@echo "make slides   reveal.js slide decks in slides/"
	@echo "make html     the executed reading copy in site/ (open site/index.html)"
	@echo "make check-html  screenshots of site/ in headless Chromium (installs it if missing)"
	@echo "make test-browser  every notebook run in JupyterLab in Chromium, widgets moved (screenshots in build/browser/)"
	@echo "make bench    time and memory of every notebook, and the headline results"
	@echo "make clean    remove .venv and generated files"

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	$(PY) -m pip install --disable-pip-version-check -q --no-deps -e .
	@touch $(STAMP)

lab: $(STAMP)
	@echo "Starting JupyterLab on the course folder at http://127.0.0.1:$(PORT)/lab (the token is printed below)."
	$(VENV)/bin/jupyter lab --no-browser $(ROOT_FLAG) --ip=127.0.0.1 --port=$(PORT) \
		--ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb

lint: $(STAMP)
	$(VENV)/bin/ruff check .

verify-notebooks: $(STAMP)
	$(PY) tools/nbtools.py verify

test: lint verify-notebooks
	COURSE_HEADLESS=1 $(PY) -m pytest -n $(JOBS) --dist loadfile

execute: $(STAMP)
	$(PY) tools/nbtools.py execute

student: $(STAMP)
	$(PY) tools/nbtools.py student --out student

slides: $(STAMP)
	COURSE_HEADLESS=1 $(PY) tools/nbtools.py build --slides slides $$(bash tools/web_assets.sh slides)
	@echo "Open slides/index.html, or one deck such as slides/03_lstm_internals.slides.html"

html: $(STAMP)
	COURSE_HEADLESS=1 $(PY) tools/nbtools.py build --html site $$(bash tools/web_assets.sh site)
	@echo "Open site/index.html"

check-html:
	bash tools/check_html.sh site

bench: $(STAMP)
	$(PY) benchmarks/bench.py

clean:
	rm -rf $(VENV) student site slides build .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# ---- JupyterLab in a real browser (issue 15) --------------------------------------------------------------------
# The course's JupyterLab settings (no news pop-up) go where JupyterLab reads its overrides, for `make lab` too.
LAB_SETTINGS := $(VENV)/.lab-settings-installed
BROWSER_STAMP := $(VENV)/.browser-installed

.PHONY: test-browser

setup lab: $(LAB_SETTINGS)

$(LAB_SETTINGS): jupyterlab-settings/overrides.json $(STAMP)
	@dir=$$($(PY) -c "from jupyterlab.commands import get_app_dir; import os; print(os.path.join(get_app_dir(), 'settings'))") \
		&& mkdir -p "$$dir" && cp jupyterlab-settings/overrides.json "$$dir/overrides.json" \
		&& echo "JupyterLab settings of the course installed in $$dir"
	@touch $@

$(BROWSER_STAMP): requirements-browser.txt $(STAMP)
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || { \
		echo "Installing Debian's chromium for the browser test (a few minutes)"; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
		elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then \
			sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; \
		else echo "make test-browser needs Chromium: run 'sudo apt-get install chromium' (Debian/Ubuntu), then retry." >&2; \
			exit 1; fi; }
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-browser.txt
	@touch $@

test-browser: $(BROWSER_STAMP) $(LAB_SETTINGS)
	COURSE_BROWSER_TESTS=1 $(PY) -m pytest -p no:xdist -q tests/browser
	$(PY) tests/browser/lab_in_browser.py
