# One entry point: `make run` (set up, then run the illustrative end-to-end job on the embedded
# SQLite/DuckDB default) and `make test` (set up, then lint, type-check and run every test,
# PostgreSQL and the dashboard in Chromium included). Both bootstrap .venv from nothing with uv
# and the pinned constraints.txt.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
UV     := $(BIN)/uv
UV_VERSION := 0.13.9
PG_BIN_GLOB := /usr/lib/postgresql/*/bin/initdb

.PHONY: run test setup setup-dev postgres-binaries browser pdf-libs java lint typecheck pytest docs constraints clean

run: setup
	$(BIN)/ictfootprint demo

test: setup-dev postgres-binaries browser pdf-libs java lint typecheck docs-check pytest

setup: $(VENV)/.runtime-installed
setup-dev: $(VENV)/.dev-installed

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# --compile-bytecode: uv writes no .pyc of its own, and where Python may not write them either
# (PYTHONDONTWRITEBYTECODE, a read-only install) every command compiled pandas, SQLAlchemy and
# pint again from source: 1.2 s of start-up became 4 s (`ictfootprint aggregate`, measured).
$(VENV)/.runtime-installed: pyproject.toml constraints.txt | $(UV)
	$(UV) pip install --quiet --compile-bytecode --python $(BIN)/python -c constraints.txt -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml constraints.txt | $(UV)
	$(UV) pip install --quiet --compile-bytecode --python $(BIN)/python -c constraints.txt -e '.[dev,spark]'
	touch $@ $(VENV)/.runtime-installed

# The PostgreSQL tests start their own throwaway server from these binaries.
postgres-binaries:
	@if ! ls $(PG_BIN_GLOB) >/dev/null 2>&1; then \
	  echo "PostgreSQL server binaries not found: installing Debian's postgresql package"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null; \
	fi

# The dashboard's browser tests drive Debian's Chromium through Playwright
# (tests/browser_support.py), which never downloads a browser of its own. The Noto fonts render
# the six UN languages (Arabic, Chinese, Cyrillic included).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Chromium not found: installing Debian's chromium package"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    chromium chromium-driver fonts-noto-cjk fonts-noto-core >/dev/null; \
	fi

# PDF reports (WeasyPrint) need Pango and the Noto fonts (Arabic, CJK), all embedded in the PDF;
# the report tests render pages to PNG with poppler's pdftoppm.
pdf-libs:
	@if ! ls /usr/lib/*/libpangoft2-1.0.so.0 /usr/lib/libpangoft2-1.0.so.0 2>/dev/null | grep -q . \
	    || [ ! -x /usr/bin/pdftoppm ] \
	    || ! fc-list 2>/dev/null | grep -q 'Noto Naskh Arabic' || ! fc-list 2>/dev/null | grep -q 'Noto Sans CJK'; then \
	  echo "Pango, Noto fonts or pdftoppm not found: installing Debian's packages"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core fonts-noto-cjk fonts-dejavu-core poppler-utils >/dev/null; \
	fi

# The Spark tests (pyspark 4) need Java 17 or later: Debian's headless runtime when no such
# `java` is on the PATH.
java:
	@if ! java -version 2>&1 | grep -Eq 'version "(1[7-9]|[2-9][0-9])'; then \
	  echo "Java 17 or later not found: installing Debian's openjdk-17-jre-headless package"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    openjdk-17-jre-headless >/dev/null; \
	fi

lint:
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/ruff format --check src tests scripts benchmarks

typecheck:
	$(BIN)/mypy

pytest:
	$(BIN)/pytest

# Generated reference docs must match the code and data they come from.
docs: setup
	$(BIN)/python scripts/generate_docs.py

docs-check: setup-dev
	$(BIN)/python scripts/generate_docs.py --check
	$(BIN)/python scripts/i18n.py --check
	$(BIN)/python scripts/vendor_web_assets.py --check

# Re-pin every dependency (all extras) after changing pyproject.toml.
constraints: | $(UV)
	$(UV) pip compile pyproject.toml --all-extras --no-header --no-annotate --python-version 3.11 -o constraints.txt

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis ictfootprint-demo.db
