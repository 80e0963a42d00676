# Tasks for developers and CI. `pip install '.[test]' && pytest` (the README's command) runs
# every test; these split them and add the checks CI runs.
PYTHON ?= python
# Bytecode caches are written even where the environment turns them off (a container's
# PYTHONDONTWRITEBYTECODE=1): compiling the package and rewriting the tests' asserts again on
# every run cost ~2 s of `make fast`'s 10. `__pycache__/` is ignored by git.
PYTEST = PYTHONDONTWRITEBYTECODE= $(PYTHON) -m pytest

.PHONY: test fast e2e soak lint bench

test:  ## every test
	$(PYTEST)

fast:  ## unit tests of pure logic (no other process, no randomized or megabyte workload), under 10 s
	$(PYTEST) -m "not e2e and not slow"

e2e:  ## the server over stdio, as VS Code and Neovim drive it
	$(PYTEST) -m e2e

soak:  ## the long randomized soak (GLOSSARY_LSP_SOAK_SECONDS per encoding, default 600)
	GLOSSARY_LSP_SOAK_SECONDS=$${GLOSSARY_LSP_SOAK_SECONDS:-600} $(PYTEST) tests/test_soak.py -q

lint:  ## ruff, formatting, mypy
	$(PYTHON) -m ruff check glossary_lsp tests benchmarks
	$(PYTHON) -m ruff format --check glossary_lsp tests benchmarks
	$(PYTHON) -m mypy glossary_lsp

bench:  ## the benchmark smoke run (BENCHMARKS.md is written by `benchmarks/run.py -o`)
	$(PYTHON) benchmarks/run.py --quick
