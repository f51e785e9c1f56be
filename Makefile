# briefgen — the two commands: `make demo` and `make test`. Each does all the set-up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

# Debian/Ubuntu packages: WeasyPrint's libraries (Pango; HarfBuzz's subset library, without
# which font subsetting is 3x slower and not byte-reproducible) ...
RUNTIME_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig
# ... and what the tests read documents with; strace injects faults (kills, full disks);
# faketime sets the system clock of a process (`make test-dates`); gettext's msgfmt checks
# exported PO files, and php-symfony-translation ships the XLIFF 1.2 schema
# (xliff-core-1.2-strict.xsd) they are validated against; `briefgen serve` is tested in
# headless Chromium through its driver, and iproute2's ss shows what it listens on.
TEST_PACKAGES := $(RUNTIME_PACKAGES) poppler-utils qpdf libreoffice-writer-nogui strace faketime \
    gettext chromium chromium-driver iproute2 php-symfony-translation

.PHONY: demo test test-dates lint bench messages talking-points-template wheel clean \
    system-runtime system-test

demo: system-runtime $(VENV)/.installed
	$(BIN)/briefgen build --project .
	@echo "The demo pack is in build/."

test: system-test $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/pytest -n 2

# The whole suite again on a system clock five years ahead, then five years back (faketime):
# no test depends on the day it runs (each runs on a fixed day: tests/conftest.py).
test-dates: system-test $(VENV)/.installed-test
	faketime -f +5y $(BIN)/pytest -n 2 -q -p no:cacheprovider
	faketime -f -5y $(BIN)/pytest -n 2 -q -p no:cacheprovider

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/mypy

bench: system-test $(VENV)/.installed-test
	$(BIN)/python benchmarks/run.py

# Re-extract every translatable label into templates/locale/messages.pot and update the
# shipped catalogs (new labels appear empty: translate them, then `make test`).
CATALOGS := fr en ar es de
PREVIEW_CATALOGS := fr ar es de  # the preview's pages are written in English
messages: $(VENV)/.installed-test
	$(BIN)/pybabel extract --no-location --sort-by-file -c TRANSLATORS: -F babel.cfg \
	    -o templates/locale/messages.pot --project briefgen --copyright-holder briefgen .
	for lang in $(CATALOGS); do \
	    if [ -f templates/locale/$$lang/LC_MESSAGES/messages.po ]; then \
	        $(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -l $$lang \
	            -i templates/locale/messages.pot -d templates/locale; \
	    else \
	        $(BIN)/pybabel init -l $$lang -i templates/locale/messages.pot -d templates/locale; \
	    fi; \
	done
	$(BIN)/pybabel extract --no-location --sort-by-file -F babel-preview.cfg \
	    -o templates/locale/preview.pot --project briefgen --copyright-holder briefgen .
	for lang in $(PREVIEW_CATALOGS); do \
	    $(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -D preview -l $$lang \
	        -i templates/locale/preview.pot -d templates/locale; \
	done

# Regenerate the default Word template from its script (a test checks the committed file
# is what the script makes).
talking-points-template: $(VENV)/.installed
	$(BIN)/python scripts/make_talking_points_template.py

# The wheel to install elsewhere (CI, a colleague's machine): dist/briefgen-<version>-*.whl
wheel: $(VENV)/.installed-test
	$(BIN)/python -m pip wheel --no-deps --no-build-isolation -q -w dist .

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "briefgen needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

system-runtime:
	@./scripts/system-packages.sh $(RUNTIME_PACKAGES)

system-test:
	@./scripts/system-packages.sh $(TEST_PACKAGES)

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
