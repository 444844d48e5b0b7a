#!/usr/bin/env bash
# Prints the path of a working Python 3.10 interpreter (Rasa 3.6 needs 3.10), or fails
# with a message saying what to install. Looks on PATH first, then in pyenv.
set -u

works() { "$@" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1; }

if [ -n "${PYTHON310:-}" ] && works "$PYTHON310"; then echo "$PYTHON310"; exit 0; fi
for candidate in python3.10 python3 python; do
  path=$(command -v "$candidate" 2>/dev/null) || continue
  if works "$path"; then
    # a pyenv shim may work now and fail later: resolve it to the real interpreter
    real=$("$path" -c 'import sys; print(sys.executable)' 2>/dev/null)
    echo "${real:-$path}"; exit 0
  fi
done
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root)
  for dir in $(ls -d "$root"/versions/3.10* 2>/dev/null | sort -rV); do
    if works "$dir/bin/python3.10"; then echo "$dir/bin/python3.10"; exit 0; fi
  done
fi
cat >&2 <<'MSG'
No working Python 3.10 was found (Rasa 3.6 requires Python 3.10; 3.11 is refused).
Install one, for example with pyenv:   pyenv install 3.10.13
or with your distribution's packages (python3.10 and python3.10-venv),
or point PYTHON310 at an interpreter:  make install PYTHON310=/path/to/python3.10
MSG
exit 1
