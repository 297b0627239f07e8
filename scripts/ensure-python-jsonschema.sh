#!/usr/bin/env bash
# The exported JSON Schema is checked with a validator that is not ours and not
# TypeScript: Debian's python3-jsonschema.
set -euo pipefail
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
if "$PY" -c 'import jsonschema' 2>/dev/null; then
  echo "python3-jsonschema: present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3 python3-jsonschema >/dev/null
/usr/bin/python3 -c 'import jsonschema' && echo "python3-jsonschema: installed"
