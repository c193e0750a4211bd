# The verbs a user types. `make` alone lists them.
# Every target sets up .venv from the lock file first, so a fresh machine with
# python3 and pip needs nothing else.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DATA   ?= data
OUT    ?=
lang   ?= en
RUN_ARGS ?=
LAB_ARGS ?=
# A make variable as one shell word, whatever it holds (spaces, quotes): 'it'\''s' -> it's.
# RUN_ARGS and LAB_ARGS stay unquoted on purpose: they hold several options.
quote = '$(subst ','\'',$(1))'
# JupyterLab refuses to start as root (usual in containers) unless told it may.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root,)

.DEFAULT_GOAL := help
.PHONY: help setup run validate test lint format lab template benchmark catalogues clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing the locked dependencies into $(VENV) (first run takes a minute or two)..."
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock 2>&1 | grep -v "is ignored: it is neither a file nor a directory" || true
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e . 2>&1 | grep -v "is ignored: it is neither a file nor a directory" || true
	@$(BIN)/python -c "import synergies, pandas, papermill, pandera" || { echo "Set-up failed: see the pip messages above." >&2; exit 1; }
	@touch $(STAMP)

setup: $(STAMP)  ## Create .venv and install the locked dependencies and the package

run: $(STAMP)  ## Run the whole analysis (DATA=dir OUT=dir for other data; lang=es)
	@$(BIN)/python scripts/run_pipeline.py --data-dir $(call quote,$(DATA)) $(if $(OUT),--output-dir $(call quote,$(OUT)),) --lang $(call quote,$(lang)) $(RUN_ARGS)

validate: $(STAMP)  ## Check a data directory against the data contract (DATA=dir)
	@$(BIN)/python -m synergies validate $(call quote,$(DATA))

test: $(STAMP)  ## Run lint and the test suite
	@$(BIN)/ruff check . && $(BIN)/ruff format --check .
	@$(BIN)/python -m pytest

lint: $(STAMP)  ## Lint and check formatting
	@$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: $(STAMP)  ## Apply ruff fixes and formatting
	@$(BIN)/ruff check --fix . && $(BIN)/ruff format .

lab: $(STAMP)  ## Open JupyterLab in notebooks/ with the .venv kernel (LAB_ARGS="--no-browser --port 8899")
	@$(BIN)/python -c "import sys; from jupyter_client.kernelspec import KernelSpecManager; \
		sys.exit(not KernelSpecManager().find_kernel_specs().get('python3', '').startswith(sys.prefix))" \
		|| $(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ipykernel)"
	$(BIN)/jupyter lab --ServerApp.root_dir=$(call quote,$(CURDIR)) --LabApp.default_url=/lab/tree/notebooks $(ALLOW_ROOT) $(LAB_ARGS)

template: $(STAMP)  ## Regenerate the coding template in templates/ from the data contract
	@$(BIN)/python scripts/make_template.py

benchmark: $(STAMP)  ## Measure run times against the notebook floor (writes docs/benchmarks.md)
	@$(BIN)/python scripts/benchmark.py

catalogues: $(STAMP)  ## Extract (code and notebook Markdown), merge and compile the catalogues (README: For translators)
	@$(BIN)/python scripts/catalogues.py

clean:  ## Remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache
