# ntm-edu: the README's two commands are `make lab` (set up, open the course) and `make test`
# (set up, run every test). Both start from nothing but python3 and are fast when nothing changed.

PYTHON ?= python3
VENV ?= .venv
# The PyTorch requirement installed first, from PyTorch's CPU-only wheel index when it answers
# (Linux; tools/install_torch.py falls back to pip's own index with a note). Other builds:
# e.g. `make lab TORCH_INDEX= TORCH_SPEC="torch>=2.1"` (pip's index: CUDA on Linux).
TORCH_SPEC ?= torch==2.13.0
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
BIN := $(VENV)/bin
STAMP := $(VENV)/.ntm-edu-installed
NB ?=

export PYTHONHASHSEED := 0

.PHONY: setup browser lab student test fast lint format unit notebooks sync handouts pretrained bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python tools/install_torch.py "$(TORCH_SPEC)" --index "$(TORCH_INDEX)"
	$(BIN)/python -m pip install --quiet -e ".[dev,lab]"
	@touch $(STAMP)

## Headless Chromium for the browser test (Debian's packages; no browser downloads). Installed
## when missing and we may (root with apt-get); otherwise that one test skips and says why.
browser:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
	    || echo "note: could not install chromium; the browser test will be skipped"; \
	else echo "note: chromium/chromedriver not found; the browser test will be skipped"; fi

## Open the course in JupyterLab (the main job): the student copies, in workspace/ (git-ignored;
## files already there are the student's own and are never overwritten).
lab: setup
	$(BIN)/python -m ntm_edu.student workspace workspace
	$(BIN)/jupyter lab workspace/ $$([ "$$(id -u)" = 0 ] && echo --allow-root)

## Regenerate student/ (the committed student copies) from the executed notebooks/.
student: setup
	$(BIN)/python -m ntm_edu.student build

## Every test: lint, formatting, unit/learning tests, strict nbval on every notebook, pairing;
## then strict nbval again under two other sets of CPU kernels (tools/run_tests.py says why).
test: setup browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python tools/run_tests.py

## The quick loop while editing: the package's tests without the browser, the notebooks or
## the other CPU kernels (about two minutes on 2 cores); `make test` before a commit.
fast: setup
	$(BIN)/python -m pytest tests -q -x -p no:cacheprovider --ignore=tests/test_browser.py

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

## Format and fix what ruff can (then `make sync NB=...` for an edited notebook's .ipynb).
format: setup
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

unit: setup
	$(BIN)/python -m pytest tests -p no:cacheprovider

## Strict nbval over every notebook under the native, default and AVX2 CPU kernels.
notebooks: setup
	$(BIN)/python tools/run_tests.py --notebooks

## Regenerate notebooks from their .py twins and re-execute them (NB=03_addressing for one).
sync: setup
	$(BIN)/python tools/sync_notebooks.py $(NB)

## Student and teacher handouts (HTML; PDF where a converter exists) into handouts/.
handouts: setup
	$(BIN)/python -m ntm_edu handouts --out handouts

## Retrain every shipped checkpoint from scratch (hours on 2 CPU cores; resumable).
pretrained: setup
	$(BIN)/python -m ntm_edu pretrained --into-package --resume

bench: setup
	$(BIN)/python benchmarks/throughput.py
	$(BIN)/python benchmarks/convergence.py

clean:
	rm -rf $(VENV) handouts .pytest_cache .ruff_cache  # never workspace/: a student's work
