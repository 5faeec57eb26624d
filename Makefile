# The course's commands. `make lab` to learn, `make test` to check everything.
# Both check the Python version, create .venv and install what is missing first (tools/course.py, which also
# works without make), so they work on a fresh machine. Supported: Python 3.11 to 3.14.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.course-installed
PORT   ?= 8888
JOBS   ?= 2

.PHONY: help check-python setup lab lab-vi practice practice-vi test lint verify-notebooks check-install execute student slides html \
	check-html bench clean vi

help:
	@echo "make lab      open the course in JupyterLab (sets up .venv first)"
	@echo "make lab-vi   the same, opening the Vietnamese edition (notebooks/vi, README.vi.md)"
	@echo "make practice your own learner copies in student/ (kept across runs), opened in JupyterLab"
	@echo "make practice-vi  the same, opening the Vietnamese copies in student/vi/"
	@echo "make test     ruff, stripped-notebook check, unit tests and every notebook under nbval"
	@echo "make execute  re-run the notebooks and refresh their check-tagged outputs"
	@echo "make vi       update the Vietnamese catalogs (i18n/vi) and build notebooks/vi from them"
	@echo "make check-install  check that requirements.txt resolves for Python 3.11 to 3.14 (large downloads)"
	@echo "make student  learner copies in student/ and student/vi/ (solutions replaced by stubs; your changed copies are kept)"
	@echo "make slides   reveal.js slide decks in slides/ (Vietnamese: slides/vi/), laid out for a 1280x720 screen"
	@echo "make check-slides  every slide measured in headless Chromium: fails if one does not fit 1280x720"
	@echo "make html     the executed reading copy in site/ (open site/index.html; Vietnamese: site/vi/)"
	@echo "make check-html  screenshots of site/ in headless Chromium (installs it if missing)"
	@echo "make test-browser  every notebook run in JupyterLab in Chromium, widgets moved (screenshots in build/browser/)"
	@echo "make bench    time and memory of every notebook, and the headline results"
	@echo "make clean    remove .venv and generated files"

# Stops at once, saying what was found and what is needed, when the Python is outside the supported range.
check-python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found: the course needs Python 3.11 to 3.14;" \
		"install one and run again, for example: make lab PYTHON=python3.12"; exit 1; }
	@$(PYTHON) tools/course.py check --venv $(VENV)

setup: check-python $(STAMP)

# TORCH_INDEX=URL or TORCH_INDEX=default chooses where torch comes from (see tools/course.py).
$(STAMP): requirements.txt pyproject.toml jupyterlab-settings/overrides.json
	$(PYTHON) tools/course.py setup --venv $(VENV)

lab: check-python $(STAMP)
	@$(PY) tools/course.py lab --venv $(VENV) --port $(PORT)

lab-vi: check-python $(STAMP)
	@$(PY) tools/course.py lab --lang vi --venv $(VENV) --port $(PORT)

practice: check-python $(STAMP)
	@$(PY) tools/course.py practice --venv $(VENV) --port $(PORT)

practice-vi: check-python $(STAMP)
	@$(PY) tools/course.py practice --lang vi --venv $(VENV) --port $(PORT)

lint: check-python $(STAMP)
	$(PY) -m ruff check .

verify-notebooks: $(STAMP)
	$(PY) tools/nbtools.py verify

test: lint verify-notebooks
	COURSE_HEADLESS=1 $(PY) -m pytest -n $(JOBS) --dist loadfile

# requirements.txt resolves for every supported Python (pip --dry-run; downloads a lot; CI runs it in `make test`)
check-install: check-python $(STAMP)
	COURSE_CHECK_INSTALL=1 $(PY) -m pytest -p no:cacheprovider tests/test_install.py

execute: check-python $(STAMP)
	$(PY) tools/nbtools.py execute
	$(PY) tools/translate.py build

# The Vietnamese edition: i18n/vi/*.po brought in step with the English, then notebooks/vi/ built from them
vi: check-python $(STAMP)
	$(PY) tools/translate.py vi

student: $(STAMP)
	$(PY) tools/nbtools.py student --out student

slides: $(STAMP) npm
	static=$$(bash tools/web_assets.sh slides) && COURSE_HEADLESS=1 $(PY) tools/nbtools.py build --slides slides $$static
	@echo "Open slides/index.html, or one deck such as slides/03_lstm_internals.slides.html"

html: $(STAMP) npm
	static=$$(bash tools/web_assets.sh site) && COURSE_HEADLESS=1 $(PY) tools/nbtools.py build --html site $$static
	@echo "Open site/index.html"

check-html:
	bash tools/check_html.sh site

bench: $(STAMP)
	$(PY) benchmarks/bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) student site slides build .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# Mutation testing (not part of `make test`): which modules is set in pyproject.toml, [tool.mutmut] only_mutate.
.PHONY: mutation
mutation: $(STAMP)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	HYPOTHESIS_PROFILE=mutation $(VENV)/bin/mutmut run --max-children $(JOBS)
	$(VENV)/bin/mutmut results
	$(VENV)/bin/mutmut export-cicd-stats > /dev/null
	@$(PY) -c "import json; s = json.load(open('mutants/mutmut-cicd-stats.json')); \
		tested = s['killed'] + s['survived'] + s['timeout'] + s['suspicious'] + s['no_tests']; \
		print(f\"mutation score: {s['killed'] + s['timeout']} of {tested} mutants killed \
		({100 * (s['killed'] + s['timeout']) / max(tested, 1):.1f}%), {s['survived']} survived, \
		{s['no_tests']} reached by no test\")"

# ---- JupyterLab in a real browser (issue 15) --------------------------------------------------------------------
# The course's JupyterLab settings (no news pop-up) are installed into .venv by the setup (tools/course.py).
BROWSER_STAMP := $(VENV)/.browser-installed

.PHONY: test-browser check-slides npm

# tools/web_assets.sh fetches reveal.js and MathJax with npm (once) for the slides and the reading copy
npm:
	@command -v npm >/dev/null || { \
		echo "Installing Debian's npm, which fetches reveal.js and MathJax for the slides (a few minutes)"; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq npm >/dev/null; \
		elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then \
			sudo apt-get update -qq && sudo apt-get install -y -qq npm >/dev/null; \
		else echo "The slides and the reading copy need npm (Node.js): run 'sudo apt-get install npm'" \
			"(Debian/Ubuntu; elsewhere install Node.js), then retry." >&2; exit 1; fi; }

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

# Every slide and sub-slide of every deck at 1280x720 in headless Chromium (builds the decks first); fails with
# deck, slide, heading and height for each slide that does not fit. Screenshots in build/slides/.
check-slides: check-python $(STAMP) $(BROWSER_STAMP) slides
	$(PY) tests/browser/slides_in_browser.py

test-browser: check-python $(STAMP) $(BROWSER_STAMP) check-slides
	COURSE_BROWSER_TESTS=1 $(PY) -m pytest -p no:xdist -q tests/browser
	$(PY) tests/browser/lab_in_browser.py
