# Ally: set up, run, test, lint, benchmark.
# `make run` and `make test` work on a fresh clone: they create .venv first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export QT_QPA_PLATFORM ?= offscreen

.PHONY: run test lint format bench screenshot package clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	QT_QPA_PLATFORM= $(BIN)/ally

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: $(STAMP) lint
	$(BIN)/pytest

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python -m bench.run

screenshot: $(STAMP)
	$(BIN)/python docs/make_screenshot.py docs

# Installers: the frozen program (PyInstaller, packaging/ally.spec) in dist/ally, started
# once (`--self-test`), then dist/ally_<version>_amd64.deb and
# dist/ally-<version>-linux-x86_64.run (packaging/linux/build.py), then the figures:
# frozen start-up against the virtualenv's, installed size, .deb size (bench/package.py).
PACKAGE_STAMP := $(VENV)/.installed-package
ICONS := build/icons/ally-512.png

$(PACKAGE_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,package]'
	touch $(PACKAGE_STAMP)

$(ICONS): resources/ally.svg $(wildcard packaging/icons.py) | $(STAMP)
	@test -f packaging/icons.py || { echo "make package: packaging/icons.py is missing:" \
		"it renders build/icons/ally-<size>.png from resources/ally.svg" >&2; exit 1; }
	$(BIN)/python packaging/icons.py

package: $(PACKAGE_STAMP) $(ICONS)
	@started=$$(date +%s); \
	$(BIN)/pyinstaller --noconfirm --log-level ERROR --distpath dist \
		--workpath build/pyinstaller packaging/ally.spec && \
	echo "PyInstaller: dist/ally built in $$(( $$(date +%s) - started )) s"
	dist/ally/ally --version
	dist/ally/ally --self-test
	$(BIN)/python packaging/linux/build.py
	$(BIN)/python -m bench.package

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
