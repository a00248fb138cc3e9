#!/usr/bin/env bash
# Print the path of a Python >= 3.12 interpreter (pygeoapi 0.22+ needs it), or explain what to
# install and fail. Prefers 3.12, the widest-supported; looks on PATH first, then in pyenv's versions, then in /usr/bin.
set -u
ok() { "$1" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
for name in python3.12 python3.13 python3.14 python3; do
  path=$(command -v "$name" 2>/dev/null) || continue
  if ok "$path"; then echo "$path"; exit 0; fi
done
pyenv_root=${PYENV_ROOT:-$HOME/.pyenv}
for path in $(ls -d "$pyenv_root"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -V) \
            /usr/bin/python3.1[2-9] /usr/local/bin/python3.1[2-9]; do
  [ -x "$path" ] && ok "$path" && { echo "$path"; exit 0; }
done
cat >&2 <<'MSG'
No Python 3.12 or newer was found (onemap needs it: pygeoapi 0.22+ requires 3.12).
Install one, for example:
  Debian 13 / Ubuntu 24.04:  apt-get install python3 python3-venv
  older systems:             pyenv install 3.12   (https://github.com/pyenv/pyenv)
then run `make setup` again.
MSG
exit 1
