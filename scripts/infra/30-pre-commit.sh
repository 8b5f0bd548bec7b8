#!/usr/bin/env bash
# The pre-commit framework (PyPI) for testing .pre-commit-hooks.yaml in a temporary git repository
# (test infrastructure only), in a venv at ${KUBEHARDEN_CACHE:-~/.cache/kubeharden}/pre-commit/<version>.
# Idempotent and locked. Fresh install: ~15 s.
set -euo pipefail
version=4.7.0
cache="${KUBEHARDEN_CACHE:-${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.cache/kubeharden}"
out="$cache/pre-commit/$version"
built() { [[ -x "$out/bin/pre-commit" && -f "$out/stamp" && "$(cat "$out/stamp")" == "$version" ]]; }
if built; then echo "pre-commit: $version at $out/bin/pre-commit"; exit 0; fi
mkdir -p "$cache/pre-commit"
exec 9>"$cache/pre-commit/.build.lock"
flock 9
if built; then echo "pre-commit: $version at $out/bin/pre-commit (installed by another run)"; exit 0; fi
rm -rf "$out"
python3 -m venv "$out"
"$out/bin/pip" install --quiet --disable-pip-version-check "pre-commit==$version"
echo "$version" > "$out/stamp"
echo "pre-commit: $version at $out/bin/pre-commit"
