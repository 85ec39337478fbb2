# Fresh machine: `make demo` (the main job on generated data) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed

.PHONY: install test test-fast lint demo data bench pretrained clean

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

test: install
	$(BIN)/pytest -q --timeout=900

test-fast: install
	$(BIN)/pytest -q -m "not slow" --timeout=300

lint: install
	$(BIN)/ruff check ppocr tools tests bench

# Generated data sets under train_data/ (deterministic by seed).
data: install
	$(PY) tools/demo.py data

demo: install
	$(PY) tools/demo.py all

bench: install
	$(PY) bench/cls_train.py

clean:
	rm -rf output train_data .pytest_cache
