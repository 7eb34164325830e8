# Two commands: `make demo` and `make test`. Both set up everything they need (venv, install) first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
JOBS   ?= 2

.PHONY: demo pages test bench clean templates schema

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python scripts/demo.py

# the README's pictures of what families receive, from the documents `make demo` wrote (needs soffice, pdftoppm)
PAGES = demo-store/out/EHCP-0004/2026-10-12
pages: $(STAMP)
	$(BIN)/python scripts/pages.py docs/pages $(PAGES)-proposed-plan-tracked.docx:3 $(PAGES)-proposed-plan.docx:3 \
		$(PAGES)-schedule-of-amendments.docx:1

test: $(STAMP)
	$(BIN)/ruff check ehcp_docs tests scripts benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -n $(JOBS) -p no:cacheprovider

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

templates: $(STAMP)
	$(BIN)/python scripts/build_templates.py
	$(BIN)/python scripts/build_letters.py
	$(BIN)/python scripts/build_disagreement_letters.py

schema: $(STAMP)
	$(BIN)/python scripts/make_schema.py

clean:
	rm -rf demo-store build dist *.egg-info .pytest_cache
