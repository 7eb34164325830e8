#!/usr/bin/env bash
# Regenerates requirements.lock: the exact versions `make` installs and CI audits.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q -U pip
"$tmp/venv/bin/pip" install -q -e '.[test]'
{ echo "# Pinned dependencies (runtime and test) that make installs; regenerate with scripts/lock.sh."
  "$tmp/venv/bin/pip" freeze --exclude-editable; } > requirements.lock
rm -rf "$tmp"
echo "wrote requirements.lock"
