# make run / make test set themselves up: the first call creates .venv and installs.
# `make run` installs only what running needs; `make test`, `lint` and `bench` add the
# test and lint tools (and PostgreSQL/Redis drivers, the HID library evdev, which needs gcc
# and the kernel headers). Each stamp says what is installed, so nothing installs twice.
VENV ?= .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test fuzz-api bench lint install clean

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(RUN_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e .
	touch $(RUN_STAMP)

# The full set includes everything `run` needs, so it counts as the run install too.
$(DEV_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[postgres,redis,test,lint]'
	touch $(DEV_STAMP) $(RUN_STAMP)

install: $(DEV_STAMP)

run: $(RUN_STAMP)
	$(VENV)/bin/scantrack db upgrade
	$(VENV)/bin/scantrack demo load --if-empty
	@echo "admin API token (T=\$$(cat var/admin.token)):"
	@$(VENV)/bin/scantrack token admin --file var/admin.token
	$(VENV)/bin/scantrack serve --host $(HOST) --port $(PORT)

test: $(DEV_STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

# The long API fuzz run (tests/web/test_fuzz_api.py): FUZZ_EXAMPLES per operation, random
# seeds, schemathesis' coverage phase; on SQLite, then on PostgreSQL when
# SCANTRACK_TEST_DATABASE_URL is set.
FUZZ_EXAMPLES ?= 200
FUZZ := $(PY) -m pytest tests/web/test_fuzz_api.py -p no:randomly -n 2 $(PYTEST_ARGS)
fuzz-api: $(DEV_STAMP)
	SCANTRACK_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) SCANTRACK_TEST_DATABASE_URL= $(FUZZ)
	@if [ -n "$$SCANTRACK_TEST_DATABASE_URL" ]; then \
		echo "== on PostgreSQL"; SCANTRACK_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(FUZZ); fi

bench: $(DEV_STAMP)
	$(PY) -m bench

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
