# Guichet: the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
PY      := $(VENV)/bin/python
RASA    := $(VENV)/bin/rasa
MODEL   := models/guichet.tar.gz
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1
export PYTHONPATH := $(CURDIR)
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

TRAIN_INPUTS := config.yml domain.yml $(shell find data guichet_nlu -type f \( -name '*.yml' -o -name '*.py' \) 2>/dev/null)

.PHONY: help install browser train run shell validate eval test test-python test-stories test-nlu bench qrcodes lookup clean

help:
	@echo "make run      install what is missing, train if needed, start everything, print the URLs"
	@echo "make test     install what is missing and run every test"
	@echo "make install | browser | train | shell | validate | eval | bench | qrcodes | lookup | clean"

install: $(VENV)/.installed
$(VENV)/.installed: requirements.txt constraints.txt scripts/install.sh
	@scripts/install.sh

browser:
	@scripts/install_browser.sh

train: $(MODEL)
$(MODEL): $(VENV)/.installed $(TRAIN_INPUTS)
	@mkdir -p models
	$(RASA) train --fixed-model-name guichet --out models
	@touch $(MODEL)

lookup: install
	$(PY) scripts/street_lookup.py

run: install train
	$(PY) -m tools.stack run

shell: install train
	$(PY) -m tools.stack shell

validate: install
	$(RASA) data validate --data data --domain domain.yml --config config.yml

eval: install
	$(PY) -m evaluation.nlu_compare $(ARGS)

bench: install train
	$(PY) -m benchmarks.run $(ARGS)

qrcodes: install
	$(PY) -m qrposters

test: install browser train
	$(PY) scripts/street_lookup.py --check
	$(RASA) data validate --data data --domain domain.yml --config config.yml
	$(PY) -m pytest tests -q -p no:cacheprovider
	$(RASA) test core --model $(MODEL) --stories tests/stories --fail-on-prediction-errors --out results/core
	$(PY) scripts/eval_nlu.py --model $(MODEL) --data tests/nlu --min-accuracy 0.90 --out results/nlu

clean:
	rm -rf results .pytest_cache models/*.tar.gz
