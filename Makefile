# Two commands a newcomer needs (see README): `make run` (main job) and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run dataset figures test lint bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

## main job: build the dataset from data/raw into data/processed, then execute every notebook (writes figures/)
run: dataset figures

dataset: setup
	$(BIN)/disclosure build data/raw -o data/processed

figures: dataset
	$(BIN)/python notebooks/run_all.py

## every test: ruff, unit tests, and the notebooks under nbval
test: setup
	$(BIN)/ruff check .
	$(BIN)/pytest
	$(BIN)/pytest --nbval-lax --nbval-current-env --nbval-cell-timeout=600 notebooks

bench: setup
	$(BIN)/python benchmarks/bench_read.py

clean:
	rm -rf $(VENV) build .pytest_cache data/processed/.cache
